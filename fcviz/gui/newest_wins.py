"""NewestWins: work that grows with a big network, computed in a pool thread, its newest result drawn.

A small network's work is computed at once, as it always was. Above MAX_GUI_WORK multiply-adds (a
1-4096-2000-1 network over the scatter plot's 300 curve points takes ~2.5G of them, a quarter of a
second or more) it runs in one pool thread and its result is shown when it arrives: the newest
request wins, at most one waits while another runs, and a result older than the newest request is
dropped. The work computes with a snapshot's read-only weights and arrays that are replaced, never
changed, so the pool thread reads nothing the GUI thread writes.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

from fcviz.core.network import Network
from fcviz.gui.give_way import give_way

MAX_GUI_WORK = 20_000_000  # multiply-adds computed on the GUI thread (about 10 ms)


def forward_work(net: Network, rows: int) -> int:
    """Multiply-adds of one forward pass of `net` over `rows` rows."""
    return rows * sum(layer.matrix.size for layer in net.layers)


class NewestWins(QObject):
    _finished = Signal(int, object, object)  # request number, show, result (None: the work failed)

    def __init__(self, parent: QObject | None = None, gui_limit: int | None = None):
        """`gui_limit`: the most work `run` does at once, in the caller's unit (default MAX_GUI_WORK)."""
        super().__init__(parent)
        self.gui_limit = gui_limit
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._newest = 0      # number of the newest request
        self._waiting: tuple[int, Callable[[], Any], Callable[[Any], None]] | None = None
        self._running = False
        self._finished.connect(self._on_finished)

    def run(self, work: int, compute: Callable[[], Any], show: Callable[[Any], None]) -> None:
        """`show(compute())`: now if `work` (multiply-adds) is small, from the event loop once done if big."""
        self._newest += 1
        if work <= (MAX_GUI_WORK if self.gui_limit is None else self.gui_limit):
            self._waiting = None
            show(compute())
            return
        self._waiting = (self._newest, compute, show)
        self._start()

    def forward(self, net: Network, grid: np.ndarray, show: Callable[[Any], None]) -> None:
        """`show(net.forward(grid))`, as `run` does it."""
        self.run(forward_work(net, len(grid)), lambda: net.forward(grid), show)

    def _start(self) -> None:
        if self._running or self._waiting is None:
            return
        number, compute, show = self._waiting
        self._waiting, self._running = None, True

        def run() -> None:
            give_way()  # the window's drawing comes first
            try:
                result = compute()
            except Exception:  # noqa: BLE001 - failed work must not leave the panel waiting forever
                traceback.print_exc()
                result = None
            try:
                self._finished.emit(number, show, result)
            except RuntimeError:  # its owner was deleted meanwhile (a closed dialog): nothing to show
                pass
        self.pool.start(run)

    @Slot(int, object, object)
    def _on_finished(self, number: int, show: Callable[[Any], None], result: Any) -> None:
        self._running = False
        if number == self._newest and result is not None:
            show(result)
        self._start()

    def wait(self) -> None:
        """Finish the work asked for and show the newest (screenshots, tests)."""
        while self._running or self._waiting is not None:
            self.pool.waitForDone()
            QCoreApplication.sendPostedEvents(self)  # the finished work's queued call: shows, starts the next

    def cancel(self) -> None:
        """Show nothing asked for so far (another grid or experiment): running work ends and is dropped."""
        self._waiting = None
        self._newest += 1

    def shutdown(self) -> None:
        """Stop (the window is closing): wait for running work, show nothing more."""
        self.cancel()
        self.pool.waitForDone()
