"""The crash/freeze/memory oracle: inputs are loaded in a child process with RLIMIT_AS.

`Isolated` keeps one child (isolated_driver.py) running and hands it one input at a time:
- a crash (the child dies: SIGSEGV, SIGABRT, killed) fails the input, and a new child starts;
- a freeze (no answer within `seconds`) fails it, and the child is killed and replaced;
- memory beyond `memory_bytes` makes the child's allocation fail (MemoryError, or death);
- any answer but "ok" or a one-line "refused" fails it;
- for the window target, an event-loop gap longer than MAX_WINDOW_GAP_SECONDS fails it.
"""

from __future__ import annotations

import os
import resource
import select
import subprocess
import sys
import tempfile
from pathlib import Path

DRIVER = Path(__file__).with_name("isolated_driver.py")
MEMORY_BYTES = 3 * 1024 ** 3          # address space of the child: Qt and NumPy map ~0.6 GB at start
ANSWER_SECONDS = 60.0                 # no answer by then: a freeze (the machine may be busy)
MAX_WINDOW_GAP_SECONDS = 3.0          # the window must answer within this while opening a file


class Isolated:
    def __init__(self, memory_bytes: int = MEMORY_BYTES, seconds: float = ANSWER_SECONDS):
        self.memory_bytes, self.seconds = memory_bytes, seconds
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile("w+")  # the child's stderr, for a failure's message

    def _start(self) -> None:
        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))

        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        self.process = subprocess.Popen([sys.executable, str(DRIVER)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, text=True,
                                        preexec_fn=limit, cwd=root, env=env)
        first = self._answer(self.seconds * 2)
        assert first == "ready", f"the fuzz driver did not start: {first!r}"

    def _answer(self, seconds: float) -> str | None:
        """The child's next line; None if it died, "" if it said nothing within `seconds`."""
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        if not ready:
            return ""
        line = self.process.stdout.readline()
        return line.rstrip("\n") if line else None

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
            return f"freeze: no answer within {self.seconds} s"
        if answer.startswith("refused ") or answer == "refused":
            return None
        if answer.startswith("ok gap "):
            gap = float(answer.split()[-1])
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
