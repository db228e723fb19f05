"""One busy process per core, for the loaded runs of the benchmarks (`--hog`)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager


def _busy() -> None:
    while True:
        pass


@contextmanager
def busy_cores() -> Iterator[int]:
    """Keep every core busy with a process of its own while the block runs; yields how many there are."""
    hogs = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(os.cpu_count() or 1)]
    for hog in hogs:
        hog.start()
    try:
        yield len(hogs)
    finally:
        for hog in hogs:
            hog.terminate()
            hog.join()
