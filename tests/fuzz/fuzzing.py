"""Shared fuzzing settings: bounded in the normal suite, long under `make fuzz`, with a hang guard.

`FCVIZ_FUZZ_EXAMPLES` sets the examples per target (`make fuzz` raises it); every target
counts the inputs it tried, and the run ends with a table of the counts.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FCVIZ_FUZZ_EXAMPLES", "40"))
HANG_SECONDS = 5.0
# deadline=None: the hang guard below fails a slow input, without flaky timing on a busy machine
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
tried: Counter = Counter()


class Hang(BaseException):
    """An input took longer than HANG_SECONDS (a BaseException, so no `except Exception` hides it)."""


@contextmanager
def within(seconds: float = HANG_SECONDS):
    """Raise Hang in the main thread if the block runs longer than `seconds`."""
    def hang(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def loads_or_refuses(target: str | None, load, *args, **kwargs):
    """`load(*args)`'s result, or None if it refused with a ValueError that has a message.

    Any other exception, or a hang, fails the test. A `target` counts one input tried.
    """
    if target is not None:
        tried[target] += 1
    with within():
        try:
            return load(*args, **kwargs)
        except ValueError as error:
            assert str(error).strip(), f"{type(error).__name__} without a message"
            return None


def mutated(data: bytes, max_edits: int = 8):
    """`data` cut at a random point, with up to `max_edits` bytes overwritten and a chunk repeated."""
    size = len(data)
    edits = st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 255)), max_size=max_edits)
    repeat = st.none() | st.tuples(st.integers(0, size), st.integers(0, 64))

    def apply(args) -> bytes:
        end, changes, chunk = args
        out = bytearray(data)
        for position, value in changes:
            out[position] = value
        if chunk is not None:
            start, length = chunk
            out[start:start] = out[start:start + length]
        return bytes(out[:end])

    return st.tuples(st.integers(0, size) | st.just(size), edits, repeat).map(apply)
