"""What keeps the window smooth while the compiled engine trains fast (issue 14): the timeline's
recording budget at "max" pace, the redraw pacer's CPU share, panels that draw only what changed."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget
from qt_helpers import wait_for_state

from fcviz.core import engine
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.core.timeline import MAX_PACE
from fcviz.gui import redraw
from fcviz.gui import worker as worker_module
from fcviz.gui.formulas import fmt
from fcviz.gui.panels.diagram import view as diagram_view
from fcviz.gui.redraw import ARRIVAL_TOLERANCE, RedrawPacer
from fcviz.gui.widgets import SteadyLabel
from fcviz.gui.worker import FINISHED, PAUSED, RECORD_BURST, RUNNING, Pause, TrainingWorker
from fcviz.io.samples import open_preset


def spiral_every_epoch(epochs: int):
    experiment = open_preset("spiral")
    experiment.display_every, experiment.epochs, experiment.pace = 1, epochs, MAX_PACE
    return experiment


def test_at_max_pace_a_fast_run_records_every_drawn_epoch_and_thins_the_rest(qtbot, open_window):
    epochs = 3000
    window = open_window(spiral_every_epoch(epochs))
    drawn = []
    window.controller.snapshot_changed.connect(lambda snapshot: drawn.append(snapshot.epoch))
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED, timeout=60_000)
    qtbot.waitUntil(lambda: window.controller.drawn is window.controller.latest, timeout=10_000)
    recorded = window.controller.latest.timeline.epochs
    assert recorded[0] == 0 and recorded[-1] == epochs
    assert set(drawn) <= set(recorded.tolist()), "a drawn epoch can be scrubbed back to exactly"
    assert RECORD_BURST <= len(recorded) < epochs, "display epochs that come too fast are thinned"
    # Every recorded frame is still the exact state of the run at its epoch.
    epoch = int(recorded[len(recorded) // 2])
    headless = spiral_every_epoch(epochs)
    headless.trainer.fit(epochs=epoch)
    frame = window.controller.latest.timeline
    np.testing.assert_array_equal(frame.params[frame.index_of(epoch)], headless.net.params)


def busy_gui_thread(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def frames_after_a_costly_redraw(qtbot, engine_name: str) -> int:
    """How many of two snapshots the pacer hands to the panels when the first redraw was costly and
    training runs on `engine_name`."""
    paused = Snapshot.capture(spiral_every_epoch(10), RunState.PAUSED)
    snapshots = [paused]
    pacer = RedrawPacer(30.0, lambda: snapshots[-1], lambda: False)
    frames = []
    pacer.frame.connect(lambda snapshot: (frames.append(snapshot), busy_gui_thread(0.05)))
    pacer.start()
    pacer.tick()
    snapshots.append(replace(paused, epoch=1, state=RunState.RUNNING, engine=engine_name))
    pacer.tick()
    pacer.stop()
    return len(frames)


def test_the_pacer_keeps_drawing_while_the_compiled_engine_trains_and_holds_back_for_numpy(qtbot):
    # The NumPy engine holds the GIL: a redraw that used more than the GUI's share waits its turn.
    assert frames_after_a_costly_redraw(qtbot, engine.NUMPY) == 1
    # The compiled engine trains without the GIL: the next snapshot is drawn at once.
    assert frames_after_a_costly_redraw(qtbot, engine.COMPILED) == 2


def test_the_diagram_writes_its_numbers_a_few_times_a_second_while_training_and_exactly_once_paused(
        qtbot, open_window, monkeypatch):
    text_seconds = 2.0   # longer than LIVE_TEXT_SECONDS, so that a slow machine's redraws do not hide it
    monkeypatch.setattr(diagram_view, "LIVE_TEXT_SECONDS", text_seconds)
    window = open_window(spiral_every_epoch(10**6))
    diagram, setup = window.network_diagram.diagram, window.controller.setup
    # the first frame made at most PER_FRAME of its 57 labels: drawn without texts, they follow
    qtbot.waitUntil(lambda: diagram._text_slots[-1] is not None, timeout=5000)
    output_bias = diagram._labels.biases[diagram._text_slots[-1]]   # "b …" beside the output node
    texts: list[str] = []
    window.controller.snapshot_changed.connect(
        lambda snapshot: texts.append(output_bias.toPlainText()) if snapshot.state == RunState.RUNNING else None)
    start = time.perf_counter()
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: len(texts) >= 20, timeout=60_000)
    window.toolbar.play_action.trigger()
    elapsed = time.perf_counter() - start
    wait_for_state(qtbot, window, PAUSED)
    changes = sum(before != after for before, after in zip(texts, texts[1:]))
    assert changes <= elapsed / text_seconds + 1, texts
    qtbot.waitUntil(lambda: window.controller.drawn is window.controller.latest, timeout=10_000)
    bias = window.controller.latest.params[setup.parameter_index(setup.parameter_names[-1])]
    assert output_bias.toPlainText() == "b " + fmt(bias)


def test_the_worker_waits_for_the_gui_to_draw_the_last_snapshot_it_sent_not_an_older_one(qtbot):
    """A paced run skipped a display epoch when the drawing of an older frame let the worker send two."""
    worker = TrainingWorker(spiral_every_epoch(10), threading.Event())
    sent: list[Snapshot] = []
    worker.snapshot.connect(sent.append)
    worker._emit()
    worker._emit()
    older, last = sent
    worker.mark_drawn(older)
    assert not worker._drawn.is_set()
    worker.mark_drawn(last)
    assert worker._drawn.is_set()


def test_a_snapshot_that_comes_an_interval_after_the_last_redraw_is_drawn_at_once(qtbot, monkeypatch):
    """The worker spaces its snapshots by the redraw interval: waiting on top of that for the timer's
    next beat cut the window from 30 to ~16 redraws a second (issue 14)."""
    clock = [100.0]
    monkeypatch.setattr(redraw, "time", SimpleNamespace(perf_counter=lambda: clock[0], thread_time=time.thread_time))
    first = replace(Snapshot.capture(spiral_every_epoch(10), RunState.RUNNING), engine=engine.COMPILED)
    snapshots = [first]
    pacer = RedrawPacer(1.0, lambda: snapshots[-1], lambda: False)  # at most one redraw a second
    frames: list[Snapshot] = []
    pacer.frame.connect(frames.append)
    pacer.start()
    pacer.tick()
    clock[0] += 0.5
    snapshots.append(replace(first, epoch=2))
    pacer.offer()
    qtbot.wait(50)
    assert frames == [first], "half an interval after a redraw, a snapshot waits for the timer"
    clock[0] += 0.45
    snapshots.append(replace(first, epoch=3))
    pacer.offer()
    qtbot.waitUntil(lambda: len(frames) == 2, timeout=500)  # the timer's beat is a second away
    assert frames[-1].epoch == 3
    pacer.stop()


def test_the_numbers_that_change_every_frame_do_not_lay_the_window_out_again(qtbot, open_window):
    """Epoch, loss, speed and metrics labels change with every frame; a label that changes its size
    hint makes Qt redo the layouts up to the main window's and repaint all they hold."""
    window = open_window(spiral_every_epoch(10**6))
    window.controller.settings.set("pace", 0.0)
    drawn: list[int] = []
    window.controller.snapshot_changed.connect(lambda snapshot: drawn.append(snapshot.epoch))
    layouts = LayoutRequests()
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: len(drawn) >= 5, timeout=60_000)
    window.installEventFilter(layouts)
    for dock in window.docks.values():
        dock.installEventFilter(layouts)
    qtbot.waitUntil(lambda: len(drawn) >= 25, timeout=60_000)
    for dock in window.docks.values():
        dock.removeEventFilter(layouts)
    window.removeEventFilter(layouts)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)
    frames = len(set(drawn[5:]))
    assert frames >= 15
    # Every frame asked for 3 (62 in 20 frames before); a text that grows may ask for room now and then.
    assert layouts.count <= frames / 2


class LayoutRequests(QObject):
    """Counts the layout requests that reach the objects it filters."""

    count = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_a_steady_label_grows_to_fit_and_keeps_its_size_for_shorter_texts(qtbot):
    label = SteadyLabel()
    qtbot.addWidget(label)
    label.setText("Epoch 9 / 10")
    narrow = label.width()
    label.setText("Epoch 1,000 / 10,000")
    assert label.width() > narrow and label.width() >= QLabel("Epoch 1,000 / 10,000").sizeHint().width()
    wide = label.width()
    label.setText("Epoch 9 / 10")
    assert label.width() == wide and label.text() == "Epoch 9 / 10"


def test_past_the_burst_the_compiled_training_does_not_stop_only_to_record_a_frame(qtbot):
    """Every return from the compiled kernel waits for the GIL that the drawing GUI thread holds: at
    "max" pace, past the first frames, training stops to hand over a snapshot (or after a slice) and
    records a frame there, not at stops of the recording's own (issue 14)."""
    worker = TrainingWorker(spiral_every_epoch(10**6), threading.Event())
    worker._experiment.trainer.fit(epochs=10)
    worker._epoch_seconds = 1e-4
    worker._emit()  # the GUI is drawing it: the next snapshot may go an interval from now
    epoch = worker._experiment.trainer.epoch
    assert worker._next_shown_epoch(time.perf_counter()) == epoch + 1, "the start of a run records every frame"
    worker._records._tokens = 0.0  # the burst is used up
    assert ends_after_the_next_snapshot_is_due(worker)
    worker._records._tokens = 10.0  # refilled later in the run: still no stops of the recording's own
    assert ends_after_the_next_snapshot_is_due(worker)
    worker._enter(RunState.RUNNING)  # Play: a new run's start records every frame again
    assert worker._next_shown_epoch(time.perf_counter()) == epoch + 1


def ends_after_the_next_snapshot_is_due(worker: TrainingWorker) -> bool:
    """Whether the next compiled call, at the pace so far, trains until the next snapshot falls due and a little
    longer (one ending a moment before it cost a second return to Python, of one epoch, for every snapshot)."""
    now = time.perf_counter()
    epochs = worker._next_shown_epoch(now) - worker._experiment.trainer.epoch
    due = worker._frame_due - now
    return due > 0 and due + 0.05 * worker._min_interval <= epochs * worker._epoch_seconds <= 1.5 * due


def test_at_max_pace_snapshots_keep_the_redraw_caps_rate_though_each_goes_a_little_late(qtbot, monkeypatch):
    """Each snapshot is due an interval after the last one was due, not after it went: the calls that end
    a moment after the due time (above) do not slow the redraws down, nor do late ones bunch up after."""
    now = [1000.0]
    clock = SimpleNamespace(perf_counter=lambda: now[0], thread_time=time.thread_time)
    monkeypatch.setattr(worker_module, "time", clock)
    worker = TrainingWorker(spiral_every_epoch(10**6), threading.Event())
    interval = worker._min_interval
    worker._emit()
    first_due = worker._frame_due
    for _ in range(5):
        now[0] = worker._frame_due + 0.1 * interval   # each one goes a tenth of an interval late
        worker._drawn.set()
        assert worker._snapshot_wanted()
        worker._emit()
    assert worker._frame_due == pytest.approx(first_due + 5 * interval)
    worker._drawn.set()
    assert not worker._snapshot_wanted(), "not before it is due"
    now[0] = worker._frame_due + 2 * interval   # the GUI was busy for two intervals: the next goes at once ...
    assert worker._snapshot_wanted()
    worker._emit()
    assert worker._frame_due == pytest.approx(now[0] + ARRIVAL_TOLERANCE * interval)  # ... the one after it no sooner


def test_past_the_burst_a_display_epoch_that_a_command_follows_is_recorded(qtbot):
    """A save packs the timeline as it is: the epoch it is packed at must be in it (a session opens with a
    frame at its epoch), even when the record budget would have skipped that frame."""
    worker = TrainingWorker(spiral_every_epoch(10**6), threading.Event())
    experiment = worker._experiment
    experiment.trainer.fit(epochs=10)
    experiment.record_if_display_epoch()
    worker._epoch_seconds = 1e-4
    worker._records = SimpleNamespace(take=lambda: False, bursting=lambda: False)   # the budget says no
    worker._state = RUNNING
    worker._drawn.clear()   # the GUI still draws: no snapshot is wanted
    worker._train_chunk()
    assert experiment.timeline.last_epoch < experiment.trainer.epoch, "skipped without a command"
    worker.send(Pause())
    worker._train_chunk()
    assert experiment.timeline.last_epoch == experiment.trainer.epoch


def test_a_call_whose_return_waited_for_the_gil_hardly_changes_the_pace_of_training(qtbot, monkeypatch):
    """The pace that sizes the compiled calls is that of the last quarter second of training: timed by each
    call alone, a call whose return waited for the GIL made the next call shorter, its return weighed
    more still, and at "max" pace a third of the calls trained a single epoch (issue 14)."""
    worker = TrainingWorker(spiral_every_epoch(10**6), threading.Event())
    trainer = worker._experiment.trainer
    trainer.fit(epochs=10)

    def epochs_that_return_late(epochs: int = 1, **_):
        time.sleep(0.03)   # like a return to Python that waits for the GIL
        trainer.epoch += epochs

    monkeypatch.setattr(trainer, "fit", epochs_that_return_late)
    worker._epoch_seconds, worker._paced_epochs = 1e-4, 2500.0   # a quarter second of 0.1 ms epochs
    worker._records._tokens = 0.0
    worker._state = RUNNING
    before = worker._epoch_seconds
    worker._train_chunk()
    assert before < worker._epoch_seconds < 1.5 * before


def test_the_diagram_draws_bias_squares_in_a_few_sizes_so_their_symbols_are_rendered_once(qtbot, open_window):
    window = open_window(spiral_every_epoch(10**6))
    biases = window.network_diagram.diagram._biases
    sizes: set[float] = set()
    window.controller.snapshot_changed.connect(lambda _snapshot: sizes.update(biases.data["size"].tolist()))
    window.toolbar.step_epoch_action.trigger()
    for _ in range(5):
        window.toolbar.step_epoch_action.trigger()
        qtbot.waitUntil(lambda: window.controller.drawn is window.controller.latest, timeout=10_000)
    steps = np.array(sorted(sizes)) / diagram_view.BIAS_SIZE_STEP
    assert len(sizes) > 3 and np.array_equal(steps, steps.round())
    assert diagram_view.MIN_BIAS_SIZE <= min(sizes) and max(sizes) <= diagram_view.MAX_BIAS_SIZE


def test_a_timer_that_falls_due_while_the_panels_draw_runs_before_the_window_paints(qtbot, open_window):
    """Drawing and painting a frame as one stretch kept the event loop ~20 ms from its timers (issue 14):
    the window paints from a zero timer of its own, after those already due."""
    window = open_window(spiral_every_epoch(10))
    controller = window.controller
    events: list[str] = []

    class PaintSpy(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    spy = PaintSpy()
    window.network_diagram.diagram.viewport().installEventFilter(spy)
    controller.step_epoch()
    qtbot.waitUntil(lambda: controller.latest.epoch == 1, timeout=10_000)
    events.clear()
    due = QTimer()
    due.setSingleShot(True)
    due.timeout.connect(lambda: events.append("timer"))
    due.start(0)
    controller.pacer.drawn = None   # draw the latest snapshot again, now
    controller.redraw_now()
    qtbot.waitUntil(lambda: "paint" in events and "timer" in events, timeout=5_000)
    assert events.index("timer") < events.index("paint")


def test_the_window_paints_without_holding_the_gil_in_qts_own_widgets(qtbot, open_window):
    """Qt paints the window in C++ and takes the GIL only for Python paint code (the plots). With an event()
    of the window's own, PySide held the GIL through the whole paint (~11 ms a spiral frame), and every
    compiled chunk that ended meanwhile waited for it (issue 14). Here a plot, a table (C++ only) and a
    second plot are painted in turn, with a switch interval too long to matter: a thread that asks for the
    GIL during the first plot gets it while the table paints, before the second plot."""
    window = open_window(spiral_every_epoch(10))
    wants_gil = threading.Event()
    order: list[str] = []

    class Plot(pg.GraphicsView):
        def paintEvent(self, event):
            order.append(self.objectName())
            super().paintEvent(event)
            wants_gil.set()   # the helper below now waits for the GIL

    def helper():
        if wants_gil.wait(10):
            order.append("helper")

    holder = QWidget()
    layout = QVBoxLayout(holder)
    first, second, table = Plot(), Plot(), QTableWidget(100, 40)
    first.setObjectName("first plot")
    second.setObjectName("second plot")
    for row in range(100):
        for column in range(40):
            table.setItem(row, column, QTableWidgetItem(f"{row * column:,.4f}"))
    for widget in (first, table, second):
        layout.addWidget(widget)
    dock = QDockWidget("test", window)
    dock.setWidget(holder)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resizeDocks([dock], [600], Qt.Orientation.Vertical)
    qtbot.wait(200)
    interval = sys.getswitchinterval()
    for _ in range(30):   # the helper may not wake up in time on a busy machine
        order.clear()
        wants_gil.clear()
        thread = threading.Thread(target=helper)
        thread.start()
        for widget in (first.viewport(), table.viewport(), second.viewport()):
            widget.update()
        sys.setswitchinterval(10.0)
        try:
            QCoreApplication.sendEvent(window, QEvent(QEvent.Type.UpdateRequest))
        finally:
            sys.setswitchinterval(interval)
            thread.join(10)
        assert order[0] == "first plot" and "second plot" in order
        if order.index("helper") < order.index("second plot"):
            return
    pytest.fail(f"the GIL was held from the first plot to the second: {order}")
