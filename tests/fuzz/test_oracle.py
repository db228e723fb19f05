"""The fuzz oracle itself: a freeze fails however it freezes, a busy machine does not make one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from isolation import Isolated

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/schedstat"), reason="needs Linux schedstat")


@pytest.fixture
def oracle():
    isolated = Isolated(seconds=2.5)
    yield isolated
    isolated.close()


@pytest.mark.parametrize("how", ["spin", "block"])
def test_an_input_that_never_answers_fails_as_a_freeze(oracle, how):
    failure = oracle.verdict("freeze", how)
    assert failure is not None and failure.startswith("freeze: no answer within 2.5 s"), failure
    assert oracle.verdict("burn", "0.1") is None, "a new child answers the next input"


def test_an_input_slowed_by_a_busy_cpu_is_not_a_freeze(oracle):
    assert oracle.verdict("burn", "0") is None  # the child is up
    cpu = {sorted(os.sched_getaffinity(0))[0]}
    os.sched_setaffinity(oracle.process.pid, cpu)  # shares one CPU with five busy processes
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                             preexec_fn=lambda: os.sched_setaffinity(0, cpu)) for _ in range(5)]
    try:
        failure = oracle.verdict("burn", "1.0")  # 1 s of work takes ~6 s on the clock
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    wall, queued = oracle.waited
    assert failure is None, failure
    assert wall > 2.5 and queued > 1.0, f"the CPU was not busy enough to test anything: {oracle.waited}"
