"""GridForward: the network over the scatter plot's grid (its curve or map), in a pool thread when big.

A small network's pass over the grid is computed at once, as it always was. Above MAX_GUI_WORK
multiply-adds (a 1-4096-2000-1 network over the curve's 300 points takes ~2.5G of them, a quarter of
a second or more) the pass runs in one pool thread and its result is drawn when it arrives: the
newest request wins, at most one waits while another runs, and a result older than the newest
request is dropped. The network computes with a snapshot's read-only weights and the grid is replaced,
never changed, so the pool thread reads nothing the GUI thread writes.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

from fcviz.core.network import Network

MAX_GUI_WORK = 20_000_000  # multiply-adds of one pass computed on the GUI thread (about 10 ms)

Trace = list[tuple[np.ndarray, np.ndarray]]
Show = Callable[[Trace], None]


def work(net: Network, grid: np.ndarray) -> int:
    """Multiply-adds of one forward pass of `net` over the rows of `grid`."""
    return len(grid) * sum(layer.matrix.size for layer in net.layers)


class GridForward(QObject):
    _finished = Signal(int, object, object)  # request number, show, trace (None: the pass failed)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._newest = 0      # number of the newest request
        self._waiting: tuple[int, Network, np.ndarray, Show] | None = None
        self._running = False
        self._finished.connect(self._on_finished)

    def forward(self, net: Network, grid: np.ndarray, show: Show) -> None:
        """`show(net.forward(grid))`: now for a small pass, from the event loop once a big one is done."""
        self._newest += 1
        if work(net, grid) <= MAX_GUI_WORK:
            self._waiting = None
            show(net.forward(grid))
            return
        self._waiting = (self._newest, net, grid, show)
        self._start()

    def _start(self) -> None:
        if self._running or self._waiting is None:
            return
        number, net, grid, show = self._waiting
        self._waiting, self._running = None, True

        def run() -> None:
            try:
                trace = net.forward(grid)
            except Exception:  # noqa: BLE001 - a failed pass must not leave the plot waiting forever
                traceback.print_exc()
                trace = None
            self._finished.emit(number, show, trace)
        self.pool.start(run)

    @Slot(int, object, object)
    def _on_finished(self, number: int, show: Show, trace: Trace | None) -> None:
        self._running = False
        if number == self._newest and trace is not None:
            show(trace)
        self._start()

    def wait(self) -> None:
        """Finish the passes asked for and draw the newest (screenshots, tests)."""
        while self._running or self._waiting is not None:
            self.pool.waitForDone()
            QCoreApplication.sendPostedEvents(self)  # the finished pass's queued call: draws, starts the next

    def cancel(self) -> None:
        """Draw nothing asked for so far (another grid or experiment): a running pass ends and is dropped."""
        self._waiting = None
        self._newest += 1

    def shutdown(self) -> None:
        """Stop (the window is closing): wait for a running pass, draw nothing more."""
        self.cancel()
        self.pool.waitForDone()
