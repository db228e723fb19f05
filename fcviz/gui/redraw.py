"""How the GUI thread meets the worker: redraws paced by time and CPU share, and replies to commands.

RedrawPacer hands the newest snapshot to the panels on a timer, at most `hz` times a second and,
while the NumPy engine trains, only while the GUI thread stays under its share of the CPU (every
millisecond spent drawing is one not spent training: the threads share the GIL). The compiled
engine trains without the GIL, so then the panels draw at the full rate. While the panels draw,
`gui_busy` holds the NumPy engine back so that drawing never waits for the GIL.

DeferredPaint paints the window a moment after the panels drew, so that a timer or an input event
that fell due meanwhile goes first: the event loop never waits for a whole redraw at once. Qt paints
the window in C++ without the GIL (the panels' Python paint code takes it as it needs it), so a
compiled chunk that ends meanwhile does not wait for the whole paint.

ReplyRelay runs a callback in the GUI thread once the worker has answered a command's Future,
and says whether any answer is still awaited (`busy_changed`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import contextmanager
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from fcviz.core.engine import COMPILED
from fcviz.core.snapshot import RunState, Snapshot

UNTHROTTLED_REDRAW_MS = 8
# A snapshot that arrives this share of the redraw interval after the last redraw is drawn at once
# (the worker already spaces its snapshots by the interval: waiting for the timer's phase on top of
# that halved the redraw rate).
ARRIVAL_TOLERANCE = 0.8
# While the NumPy engine trains, the GUI thread may use at most this share of a core. Python threads
# share one GIL, so every millisecond spent drawing is a millisecond not spent training.
TRAINING_GUI_SHARE = 0.08
# ... but the panels show training at least this often, even after a costly redraw (the first
# paint of the window can take most of a second, which alone kept them still for ~10 s).
MAX_REDRAW_GAP_SECONDS = 0.5


class RedrawPacer(QObject):
    """Emits `frame(snapshot)` with the snapshot to show on a timer (see the module docstring);
    `latest()` gives it, `drawn` is the one last emitted (None: draw the next anyway). While
    `paced()`, every snapshot is drawn in turn and no CPU budget applies (the worker waits), nor
    while the compiled engine trains (it does not hold the GIL)."""

    frame = Signal(object)

    def __init__(self, hz: float, latest: Callable[[], Snapshot], paced: Callable[[], bool],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._latest, self._paced = latest, paced
        self._drawing = False
        self.drawn: Snapshot | None = None
        self.gui_idle = threading.Event()  # set while the GUI thread does not draw; the worker waits on it
        self.gui_idle.set()
        self._last_draw = (time.perf_counter(), time.thread_time())
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.tick)
        self._soon = QTimer(self, singleShot=True, interval=0)
        self._soon.timeout.connect(self.tick)
        self._first = QTimer(self, singleShot=True, interval=0)  # see restart
        self._first.timeout.connect(self.tick)
        self.set_rate(hz)

    def set_rate(self, hz: float) -> None:
        """At most `hz` redraws a second; 0: as often as snapshots come."""
        self._timer.setInterval(round(1000 / hz) if hz > 0 else UNTHROTTLED_REDRAW_MS)

    def offer(self) -> None:
        """A newer snapshot arrived: draw it now if paced or if the last redraw was about an interval
        ago; else the timer, restarted at every redraw, draws it an interval after the last one."""
        elapsed = time.perf_counter() - self._last_draw[0]
        if self._paced():
            self.tick()
        elif elapsed >= ARRIVAL_TOLERANCE * self._timer.interval() / 1000:
            # From a zero timer, not inside this queued call: drawing stays among the event loop's timers,
            # where it always ran (drawn from posted events, the window's other timers came late).
            self._soon.start()

    def restart(self) -> None:
        """Another experiment was installed: its first frame is drawn from a zero timer, after the timers
        already due, never in the turn that installed it (a 1000-class network's install and first
        frame were one 0.3 s pause)."""
        self.drawn = None
        self._first.start()

    def draw_now(self) -> None:
        """Draw the newest snapshot now (a screenshot, the timeline), even a first frame still to come."""
        self._first.stop()
        self.tick()

    def start(self) -> None:
        self._last_draw = (time.perf_counter(), time.thread_time())  # building the window is not drawing
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._soon.stop()
        self._first.stop()
        self.gui_idle.set()

    @Slot()
    def tick(self) -> None:
        snapshot = self._latest()
        if self._first.isActive() or self._drawing or snapshot is self.drawn \
                or (self._shares_the_gil(snapshot) and self._over_gui_budget()):
            return
        self._last_draw = (time.perf_counter(), time.thread_time())
        if self._timer.isActive():
            self._timer.start()  # the next tick comes an interval after this redraw
        self.drawn = snapshot
        # Drawing processes posted events (main window): a snapshot arriving meanwhile is drawn after
        # this one, never inside it, so that frames reach the panels in order.
        self._drawing = True
        try:
            with self.gui_busy():
                self.frame.emit(snapshot)
        finally:
            self._drawing = False
        if self._paced() and self._latest() is not self.drawn:
            QTimer.singleShot(0, self, self.tick)

    def training_takes_the_gil(self, snapshot: Snapshot | None = None) -> bool:
        """True while the NumPy engine trains (the newest snapshot's run, unless one is given): it holds
        the GIL (the compiled engine does not)."""
        snapshot = snapshot or self._latest()
        return snapshot.state == RunState.RUNNING and snapshot.engine != COMPILED

    def _shares_the_gil(self, snapshot: Snapshot) -> bool:
        """True while drawing takes the GIL from training: the NumPy engine runs at "max" pace."""
        return self.training_takes_the_gil(snapshot) and not self._paced()

    def _over_gui_budget(self) -> bool:
        """True while the GUI thread has used more than its share of CPU since the last redraw
        (never for longer than MAX_REDRAW_GAP_SECONDS)."""
        wall, cpu = self._last_draw
        elapsed = time.perf_counter() - wall
        return 0 < elapsed < MAX_REDRAW_GAP_SECONDS and (time.thread_time() - cpu) / elapsed > TRAINING_GUI_SHARE

    @contextmanager
    def gui_busy(self):
        """Hold training back while the GUI thread draws, so drawing never waits for the GIL
        (docs/ARCHITECTURE.md, Threads: a redraw fighting the training loop takes 5-30 times longer)."""
        self.gui_idle.clear()
        try:
            yield
        finally:
            self.gui_idle.set()


class DeferredPaint(QObject):
    """Paints `window`'s pending updates from a zero-length timer rather than from Qt's update request.

    Qt posts the request as soon as something changes, and handles posted events before timers: the
    panels' drawing and the window's painting ran as one stretch of ~20 ms (issue 14's event-loop
    lateness). While a paint is `scheduled`, an event filter drops the request; the timer, which fires
    after the timers already due, then sends it again.

    The filter is not an override of the window's `event()`: with one, PySide ran Qt's whole paint of
    the window (~11 ms a spiral frame, issue 14) holding the GIL, and every compiled chunk that ended
    meanwhile waited for it. Without one, Qt paints in C++ without the GIL. While the NumPy engine
    trains, the filter paints the window itself inside `pacer.gui_busy()`, so that training waits.
    """

    def __init__(self, window: QWidget, pacer: RedrawPacer):
        super().__init__(window)
        self._window, self._pacer = window, pacer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._paint)
        window.installEventFilter(self)

    def schedule(self) -> None:
        self._timer.start()

    @property
    def scheduled(self) -> bool:
        """True while a paint is scheduled: the window's update requests are dropped meanwhile."""
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._window or event.type() != QEvent.Type.UpdateRequest:
            return False
        if self.scheduled:
            return True   # painted in a moment
        if not self._pacer.training_takes_the_gil():
            return False  # Qt paints in C++, taking the GIL only for the panels' Python paint code
        with self._pacer.gui_busy():
            self._window.event(event)  # with the GIL held throughout: the NumPy engine waits
        return True

    @Slot()
    def _paint(self) -> None:
        QCoreApplication.sendEvent(self._window, QEvent(QEvent.Type.UpdateRequest))


class ReplyRelay(QObject):
    """Runs `then(future)` in the GUI thread once the worker has answered `future`."""

    busy_changed = Signal(bool)   # True while an answer is awaited (a save, a recorded step)
    _replied = Signal(object)     # a callable queued from the worker thread to the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pending = 0
        self._replied.connect(self._on_replied)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def when_replied(self, future: Future, then: Callable[[Future], None]) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        # The callback runs in the worker thread: the signal queues `then` to the GUI thread.
        future.add_done_callback(lambda done: self._replied.emit(partial(then, done)))

    @Slot(object)
    def _on_replied(self, finish: Callable[[], None]) -> None:
        self._pending -= 1
        try:
            finish()
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)
