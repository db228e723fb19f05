"""Saving a session without stopping training: the worker packs it, a thread of its own writes it.

Packing (`fcviz.io.session.pack_session`) takes the session as it is at one moment and is quick: a
copy of the weights and the trainer's state, read-only views of the timeline and the data. Writing
it compresses everything, the timeline too (50 MB at epoch 20,000 of the spiral drawn every epoch):
2 s on a quiet machine, 8 s on a busy one. Done in the worker, as before, training and the paced
frames stopped for that long every autosave (the soak's intervals with an autosave drew 28–29
frames a second instead of 30). The writes run one after another, in the order asked, in a thread of
lower CPU priority (Linux): on busy cores compressing gives way to the window and to training.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fcviz.core.experiment import Experiment
from fcviz.gui.give_way import give_way

if TYPE_CHECKING:
    from fcviz.io.session import PackedSession


# fcviz.io.session is imported at the first save, not while the window starts.
def _pack_with_view(path: Path, view: dict, experiment: Experiment) -> PackedSession:
    from fcviz.io.session import pack_session
    experiment.ui_state.update(view)
    return pack_session(path, experiment)


def _write(path: Path, packed: PackedSession) -> None:
    from fcviz.io.session import write_session
    write_session(path, packed)


def _pass_on(source: Future, target: Future) -> None:
    """Give `target` the outcome of the finished `source`."""
    error = source.exception()
    if error is None:
        target.set_result(source.result())
    else:
        target.set_exception(error)


class SessionWriter:
    """Writes sessions of the experiment that `start_in_worker` reaches, in a thread of its own."""

    def __init__(self, start_in_worker: Callable[[Callable[[Experiment], Any]], Future]):
        self._start_in_worker = start_in_worker
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()  # submit runs in the worker thread, close in the GUI thread

    def save(self, path: Path, view: dict) -> Future:
        """Save the experiment as it is when the worker gets to it, with the window's `view` state, to
        `path`; the Future is done once the file is written (its exception: SessionError, OSError)."""
        written: Future = Future()

        def write(packed: Future) -> None:  # in the worker thread, or here while no worker runs
            if packed.exception() is not None:
                _pass_on(packed, written)
            else:
                self.submit(_write, path, packed.result()).add_done_callback(partial(_pass_on, target=written))

        self._start_in_worker(partial(_pack_with_view, path, view)).add_done_callback(write)
        return written

    def submit(self, function: Callable[..., Any], *args) -> Future:
        """Run `function(*args)` in the writer's thread, after the writes asked before it."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fcviz-writer",
                                                initializer=give_way)
            return self._pool.submit(function, *args)

    def close(self) -> None:
        """Wait for the writes asked so far and end the thread (a later write starts another)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
