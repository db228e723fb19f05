"""The crash/freeze/memory oracle: inputs are loaded in a child process with RLIMIT_AS.

`Isolated` keeps one child (isolated_driver.py) running and hands it one input at a time:
- a crash (the child dies: SIGSEGV, SIGABRT, killed) fails the input, and a new child starts;
- a freeze (no answer within `seconds` of the time the child could run) fails it, and the child is
  killed and replaced. On a busy machine the child waits for a CPU; that wait (its main thread's
  run-queue time, /proc/PID/schedstat) does not count, so load does not make a freeze, while a
  loop (on a CPU) or a blocked read (not runnable, so never waiting) still reaches `seconds`;
- memory beyond `memory_bytes` makes the child's allocation fail (MemoryError, or death);
- any answer but "ok" or a one-line "refused" fails it;
- for the window target, an event-loop gap longer than MAX_WINDOW_GAP_SECONDS fails it (measured
  in the child the same way: less the time its GUI thread waited for a CPU).
"""

from __future__ import annotations

import os
import resource
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DRIVER = Path(__file__).with_name("isolated_driver.py")
MEMORY_BYTES = 3 * 1024 ** 3          # address space of the child: Qt and NumPy map ~0.6 GB at start
ANSWER_SECONDS = 60.0                 # no answer after this long able to run: a freeze
MAX_WINDOW_GAP_SECONDS = 3.0          # the window must answer within this while opening a file
WALL_FACTOR = 10                      # and none after this many times as long on the clock, however busy
POLL_SECONDS = 0.5


def run_queue_seconds(task: str = "thread-self") -> float:
    """How long `task` (a pid, or this thread) has sat runnable waiting for a CPU (Linux schedstat)."""
    try:
        with open(f"/proc/{task}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):  # no schedstat: every second counts
        return 0.0


class Isolated:
    def __init__(self, memory_bytes: int = MEMORY_BYTES, seconds: float = ANSWER_SECONDS):
        self.memory_bytes, self.seconds = memory_bytes, seconds
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile("w+")  # the child's stderr, for a failure's message
        self.waited = 0.0, 0.0  # of the last answer: seconds on the clock, seconds waiting for a CPU

    def _start(self) -> None:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))

        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        self.process = subprocess.Popen([sys.executable, str(DRIVER)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, text=True,
                                        preexec_fn=limit, cwd=root, env=env)
        first = self._answer(2 * ANSWER_SECONDS)  # imports and the kernels' warm-up
        assert first == "ready", f"the fuzz driver did not start: {first!r}"

    def _answer(self, seconds: float) -> str | None:
        """The child's next line; None if it died, "" if it said nothing within `seconds` of the time
        it could run (self.waited: how long it waited, wall and for a CPU)."""
        assert self.process is not None and self.process.stdout is not None
        pid = str(self.process.pid)
        start, queued = time.monotonic(), run_queue_seconds(pid)
        while True:
            ready, _, _ = select.select([self.process.stdout], [], [], POLL_SECONDS)
            wall = time.monotonic() - start
            self.waited = wall, max(0.0, run_queue_seconds(pid) - queued)
            if ready:
                line = self.process.stdout.readline()
                return line.rstrip("\n") if line else None
            if wall - self.waited[1] > seconds or wall > WALL_FACTOR * seconds:
                return ""

    def verdict(self, target: str, path: Path) -> str | None:
        """None if the input loaded or was refused in one line; else what went wrong."""
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(f"{target} {path}\n")
        self.process.stdin.flush()
        answer = self._answer(self.seconds)
        if answer is None:
            code = self.process.wait()
            self.process = None
            return f"crash: the process ended with {code} ({self.stderr_tail()})"
        if answer == "":
            self.close()
            wall, queued = self.waited
            return (f"freeze: no answer within {self.seconds} s ({wall:.1f} s on the clock, "
                    f"{queued:.1f} s of it waiting for a CPU)")
        if answer.startswith("refused ") or answer == "refused":
            return None
        if answer.startswith("ok gap "):
            gap = float(answer.split()[2])
            return None if gap <= MAX_WINDOW_GAP_SECONDS else f"freeze: the window did not answer for {gap:.1f} s"
        return None if answer.startswith("ok") else f"{answer} ({self.stderr_tail()})"

    def stderr_tail(self, lines: int = 5) -> str:
        self.log.seek(0)
        return " | ".join(self.log.read().strip().splitlines()[-lines:])

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
