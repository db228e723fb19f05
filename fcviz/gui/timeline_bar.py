"""The pace box and the timeline bar: how fast training is drawn, and the recorded epochs to scrub through.

The bar's slider runs over the frames of `snapshot.timeline` (see fcviz.core.timeline); dragging it
makes the controller show that epoch in every panel. Replay steps through the frames at the pace;
"Continue from here" resets the run to the shown epoch and trains on.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Slot
from PySide6.QtWidgets import QComboBox, QSlider, QToolBar, QWidget

from fcviz.core.snapshot import Snapshot
from fcviz.core.timeline import MAX_PACE, PACES
from fcviz.gui.controller import Controller
from fcviz.gui.widgets import SteadyLabel, tool_button

MAX_REPLAY_PACE = 30.0   # "max" replays at this many frames a second
TICKS = 10               # tick marks along the timeline


class PaceBox(QComboBox):
    """Display epochs drawn a second while training: 1, 2, 5, 10, 20, 30 or max."""

    def __init__(self, controller: Controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        for pace in PACES:
            self.addItem(self.tr("{pace:g}/s").format(pace=pace), pace)
        self.addItem(self.tr("max"), MAX_PACE)
        self.setToolTip(self.tr("Pace: display epochs drawn a second while training (max: as fast as it trains)"))
        self.show_pace(controller.settings.pace)
        self.currentIndexChanged.connect(self._on_index_changed)
        controller.pace_changed.connect(self.show_pace)

    @Slot(float)
    def show_pace(self, pace: float) -> None:
        index = self.findData(float(pace))
        if index < 0:
            self.addItem(self.tr("{pace:g}/s").format(pace=pace), float(pace))
            index = self.count() - 1
        with QSignalBlocker(self):
            self.setCurrentIndex(index)

    @Slot(int)
    def _on_index_changed(self, index: int) -> None:
        self.controller.settings.set("pace", float(self.itemData(index)))


class TimelineBar(QToolBar):
    """Replay, a scrubber over the recorded display epochs, the shown epoch, Live and Continue from here."""

    def __init__(self, controller: Controller, parent: QWidget | None = None):
        super().__init__(self.tr("Timeline"), parent)
        self.setObjectName("timelineToolBar")
        self.controller = controller
        self._epochs = ()
        self.replay_button = tool_button(self.tr("Replay"), self.tr("Play the recorded epochs at the pace"),
                                         self._on_replay_toggled, checkable=True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timelineSlider")
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setMinimumWidth(240)
        self.slider.setToolTip(self.tr("Drag to see any recorded epoch in every panel"))
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.first_label, self.last_label, self.epoch_label = SteadyLabel(), SteadyLabel(), SteadyLabel()
        self.epoch_label.setMinimumWidth(150)
        self.live_button = tool_button(self.tr("Live"), self.tr("Show where training is"), self._on_live_clicked)
        self.continue_button = tool_button(
            self.tr("Continue from here"), self.tr("Go back to this epoch's state and train on from it (undoable)"),
            self._on_continue_clicked)
        self.thinned_label = SteadyLabel()
        for widget in (self.replay_button, self.first_label, self.slider, self.last_label, self.epoch_label,
                       self.live_button, self.continue_button, self.thinned_label):
            self.addWidget(widget)
        self.replay_timer = QTimer(self)
        self.replay_timer.timeout.connect(self._on_replay_tick)
        controller.snapshot_changed.connect(self.draw)
        controller.timeline.moved.connect(self._on_scrub_changed)
        self.draw(controller.timeline.shown())

    @Slot(object)
    def draw(self, snapshot: Snapshot) -> None:
        timeline = snapshot.timeline
        epochs = timeline.epochs
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, timeline.count - 1))
            self.slider.setTickInterval(max(1, timeline.count // TICKS))
            self.slider.setValue(timeline.index_of(snapshot.epoch) if timeline.count else 0)
        self._epochs = epochs
        self.first_label.setText(f"{int(epochs[0]):,}" if len(epochs) else "")
        self.last_label.setText(f"{int(epochs[-1]):,}" if len(epochs) else "")
        if snapshot.scrubbed:
            self.epoch_label.setText(self.tr("Showing epoch {epoch} (training at {live})").format(
                epoch=f"{snapshot.epoch:,}", live=f"{snapshot.live_epoch:,}"))
        else:
            self.epoch_label.setText(self.tr("Live: epoch {epoch}").format(epoch=f"{snapshot.epoch:,}"))
        self.thinned_label.setText(self.tr("(kept every {gap} epochs to stay within 64 MB)").format(
            gap=f"{timeline.min_gap:,}") if timeline.thinned else "")
        self.live_button.setEnabled(snapshot.scrubbed)
        self.continue_button.setEnabled(snapshot.scrubbed)
        self.replay_button.setEnabled(timeline.count > 1)

    @Slot(int)
    def _on_slider_moved(self, index: int) -> None:
        if 0 <= index < len(self._epochs):
            self.controller.timeline.scrub_to(int(self._epochs[index]))

    @Slot()
    def _on_live_clicked(self) -> None:
        self.replay_button.setChecked(False)
        self.controller.timeline.show_live()

    @Slot()
    def _on_continue_clicked(self) -> None:
        self.replay_button.setChecked(False)
        self.controller.timeline.continue_from_here()
        self.controller.play()

    @Slot(bool)
    def _on_replay_toggled(self, on: bool) -> None:
        if not on:
            self.replay_timer.stop()
            return
        pace = self.controller.settings.pace or MAX_REPLAY_PACE
        if self.slider.value() >= self.slider.maximum() or self.controller.timeline.epoch is None:
            self.controller.timeline.scrub_to(int(self._epochs[0]))
        self.replay_timer.start(round(1000 / pace))

    @Slot()
    def _on_replay_tick(self) -> None:
        index = self.slider.value() + 1
        if index >= len(self._epochs):
            self.replay_button.setChecked(False)
            return
        self.controller.timeline.scrub_to(int(self._epochs[index]))

    @Slot(object)
    def _on_scrub_changed(self, epoch) -> None:
        if epoch is None and self.replay_button.isChecked() and self.slider.value() < self.slider.maximum():
            self.replay_button.setChecked(False)   # something else brought the live view back
