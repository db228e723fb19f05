"""The training toolbar: Play/Pause, Step, Step epoch, Reset, the epochs, learning rate and pace, and where
training is (epoch, loss, speed). It writes the controller's RunSettings and follows them."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QSpinBox, QStyle, QToolBar

from fcviz.core import limits
from fcviz.core.snapshot import Snapshot
from fcviz.gui.controller import Controller
from fcviz.gui.timeline_bar import PaceBox
from fcviz.gui.widgets import LearningRateSpinBox, SteadyLabel, make_action, show_value
from fcviz.gui.worker import RUNNING

PACE_KEY = "training/pace"   # the pace last chosen, kept in the window's QSettings


class TrainingToolBar(QToolBar):
    """The window's training controls; its actions also fill the Training menu (`actions_for_menu`)."""

    def __init__(self, controller: Controller, window: QMainWindow, settings: QSettings | None = None):
        super().__init__(self.tr("Training"), window)
        self.setObjectName("trainingToolBar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.controller, self.settings = controller, settings
        pixmap = QStyle.StandardPixmap
        self.play_action = make_action(window, self.tr("Play"), self._on_play_triggered, Qt.Key.Key_Space,
                                       pixmap.SP_MediaPlay, checkable=True)
        self.play_action.toggled.connect(self._on_play_toggled)
        self.step_action = make_action(window, self.tr("Step"), controller.step_batch, "Ctrl+.",
                                       pixmap.SP_MediaSeekForward)
        self.step_action.setToolTip(self.tr("Train on one batch"))
        self.step_epoch_action = make_action(window, self.tr("Step epoch"), controller.step_epoch, "Ctrl+E",
                                             pixmap.SP_MediaSkipForward)
        self.step_epoch_action.setToolTip(self.tr("Finish the current epoch"))
        self.reset_action = make_action(window, self.tr("Reset"), controller.reset, "Ctrl+R",
                                        pixmap.SP_MediaSkipBackward)
        self.reset_action.setToolTip(self.tr("Back to the initial weights and epoch 0"))
        for action in self.actions_for_menu():
            self.addAction(action)
        self.addSeparator()
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(0, limits.MAX_EPOCHS)
        self.epochs_box.setGroupSeparatorShown(True)
        self.epochs_box.setKeyboardTracking(False)
        self.epochs_box.setToolTip(self.tr("Train until this epoch"))
        self.epochs_box.valueChanged.connect(partial(controller.settings.set, "epochs"))
        self.learning_rate_box = LearningRateSpinBox()
        self.learning_rate_box.valueChanged.connect(self._on_learning_rate_edited)
        controller.settings.changed.connect(self._show_run_settings)
        controller.settings.adopted.connect(self._show_run_settings)
        self._show_run_settings()
        self.addWidget(QLabel(self.tr(" Epochs ")))
        self.addWidget(self.epochs_box)
        self.addWidget(QLabel(self.tr("  Learning rate ")))
        self.addWidget(self.learning_rate_box)
        self.pace_box = PaceBox(controller)
        self.pace_box.currentIndexChanged.connect(self._on_pace_chosen)
        self.addWidget(QLabel(self.tr("  Pace ")))
        self.addWidget(self.pace_box)
        self.addSeparator()
        self.epoch_label, self.loss_label, self.speed_label = SteadyLabel(), SteadyLabel(), SteadyLabel()
        for label in (self.epoch_label, self.loss_label, self.speed_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addWidget(label)
        controller.snapshot_changed.connect(self.show_snapshot)
        controller.snapshot_received.connect(self._follow_state)
        self.show_snapshot(controller.latest)

    def actions_for_menu(self) -> tuple:
        """Play, Step, Step epoch and Reset, for the Training menu."""
        return self.play_action, self.step_action, self.step_epoch_action, self.reset_action

    def restore_pace(self) -> None:
        """The pace last chosen (in the window's QSettings, a text file a person may edit: a number
        beyond the paces is clamped to them, NaN or anything else keeps the lab's own)."""
        try:
            pace = float(self.settings.value(PACE_KEY)) if self.settings is not None else None
        except (TypeError, ValueError):  # missing, or not a number
            return
        current = self.controller.settings.pace
        self.controller.settings.set("pace", limits.clamp(pace, current, 0.0, limits.MAX_PACE))

    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.epoch_label.setText(self.tr("Epoch {epoch} / {total}").format(
            epoch=f"{snapshot.epoch:,}", total=f"{snapshot.target_epochs:,}"))
        self.loss_label.setText(self.tr("Loss {loss}").format(loss=format_loss(snapshot.loss)))
        self.speed_label.setText(self.tr("{rate} epochs/s").format(rate=f"{snapshot.epochs_per_second:,.0f}")
                                 if snapshot.state == RUNNING else "")

    @Slot(object)
    def _follow_state(self, snapshot: Snapshot) -> None:
        running = snapshot.state == RUNNING
        # A snapshot taken before the latest Play/Pause reached the worker must not undo the click.
        if self.controller.reflects_all_commands(snapshot) and self.play_action.isChecked() != running:
            self.play_action.setChecked(running)

    @Slot(bool)
    def _on_play_triggered(self, checked: bool) -> None:
        if checked:
            self.controller.play()
        else:
            self.controller.pause()

    @Slot(bool)
    def _on_play_toggled(self, checked: bool) -> None:
        self.play_action.setText(self.tr("Pause") if checked else self.tr("Play"))
        icon = QStyle.StandardPixmap.SP_MediaPause if checked else QStyle.StandardPixmap.SP_MediaPlay
        self.play_action.setIcon(self.style().standardIcon(icon))

    @Slot()
    def _show_run_settings(self) -> None:
        settings = self.controller.settings
        show_value(self.epochs_box, settings.epochs)
        show_value(self.learning_rate_box, settings.learning_rate)

    @Slot()
    def _on_pace_chosen(self) -> None:
        if self.settings is not None:
            self.settings.setValue(PACE_KEY, self.controller.settings.pace)

    @Slot(float)
    def _on_learning_rate_edited(self, value: float) -> None:
        self.controller.set_learning_rate(value)


def format_loss(loss: float) -> str:
    return f"{loss:.6g}"
