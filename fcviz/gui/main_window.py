"""MainWindow: the docks, the training toolbar, the menus, the status bar and saved window settings."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QStyle,
    QToolBar,
    QWidget,
)

from fcviz import __version__
from fcviz.core.experiment import Experiment
from fcviz.core.presets import CONTEXT as PRESETS_CONTEXT
from fcviz.core.presets import PRESETS
from fcviz.core.snapshot import Snapshot
from fcviz.gui.controller import Controller
from fcviz.gui.data_generator import new_data_menu
from fcviz.gui.engine_status import EngineStatus
from fcviz.gui.language import language_menu
from fcviz.gui.panels.activations import ActivationsPanel
from fcviz.gui.panels.architecture import ArchitecturePanel
from fcviz.gui.panels.data_table import DataTablePanel
from fcviz.gui.panels.diagram.backprop import BackpropPanel
from fcviz.gui.panels.diagram.network import NetworkDiagramPanel
from fcviz.gui.panels.display_frequency import MAX_RATE_HZ, DisplayFrequencyPanel
from fcviz.gui.panels.image_grid import ImageGridPanel
from fcviz.gui.panels.lessons import Highlight, LessonsPanel
from fcviz.gui.panels.parameters import ParametersPanel
from fcviz.gui.panels.scatter.panel import ScatterPanel
from fcviz.gui.panels.training import TrainingPanel
from fcviz.gui.widgets import LearningRateSpinBox, show_error, show_value
from fcviz.gui.worker import DIVERGED, FINISHED, RUNNING
from fcviz.io.samples import open_preset

SESSION_SUFFIX = ".fcviz"
DATASET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
MAX_RECENT_FILES = 8
MAX_EPOCHS = 100_000_000
LAYOUT_VERSION = 1
DEFAULT_SIZE = (1400, 900)
STATUS_TIMEOUT_MS = 6000
EXPORT_FORMATS = ("json", "numpy", "torch", "keras")


class MainWindow(QMainWindow):
    """The lab: every panel in a dock, training driven from the toolbar.

    `settings` keeps the window geometry, dock layout and recent files; with
    None nothing is read or written (screenshots, some tests).
    """

    def __init__(self, experiment: Experiment, settings: QSettings | None = None,
                 session_path: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fcvizMainWindow")
        self.settings = settings
        self.session_path = Path(session_path) if session_path else None
        self.controller = Controller(experiment, self)
        self._divergence_box: QMessageBox | None = None
        self._last_state = self.controller.latest.state
        self._layout_pending = True
        self.autosave = None  # an Autosave (fcviz.gui.autosave) when run as the app: it asks before work is lost

        self._create_panels()
        self._create_actions()
        self._create_toolbar()
        self._create_menus()
        self.arrange_default_layout()
        self.resize(*DEFAULT_SIZE)
        self._restore_settings()

        self.controller.snapshot_changed.connect(self._on_snapshot_changed)
        self.engine_status = EngineStatus(self)
        self.statusBar().addPermanentWidget(self.engine_status)
        self.controller.snapshot_received.connect(self.engine_status.show_snapshot)
        self.engine_status.show_snapshot(self.controller.latest)
        self.controller.snapshot_received.connect(self._on_snapshot_received)
        self.controller.setup_changed.connect(self._on_setup_changed)
        self.controller.diverged.connect(self._on_diverged)
        self.controller.command_failed.connect(self._on_command_failed)
        self._on_setup_changed()
        self._on_snapshot_changed(self.controller.latest)
        if self.session_path is not None:
            self.restore_view_state(experiment.ui_state)
        self.controller.start()

    # --- panels and docks ----------------------------------------------------------------------

    def _create_panels(self) -> None:
        controller = self.controller
        self.scatter = ScatterPanel(controller)
        self.parameters = ParametersPanel(controller)
        self.architecture = ArchitecturePanel(controller)
        self.network_diagram = NetworkDiagramPanel(controller)
        self.backprop = BackpropPanel(controller)
        self.display_frequency = DisplayFrequencyPanel(controller)
        self.training = TrainingPanel(controller)
        self.image_grid = ImageGridPanel(controller)
        self.data_table = DataTablePanel(controller)
        self.activations = ActivationsPanel(controller)
        self.lessons = LessonsPanel(controller)
        self.lessons.panel_requested.connect(self.show_panel)
        self.docks: dict[str, QDockWidget] = {}
        for key, title, panel in (
                ("scatter", self.tr("Scatter input"), self.scatter),
                ("parameters", self.tr("Parameter initialization"), self.parameters),
                ("architecture", self.tr("Architecture"), self.architecture),
                ("network_diagram", self.tr("Network diagram"), self.network_diagram),
                ("backprop", self.tr("Backprop"), self.backprop),
                ("display_frequency", self.tr("Display frequency"), self.display_frequency),
                ("training", self.tr("Training", "dock title"), self.training),
                ("image_grid", self.tr("Image grid"), self.image_grid),
                ("data_table", self.tr("Data table"), self.data_table),
                ("activations", self.tr("Activation functions"), self.activations),
                ("lessons", self.tr("Lessons"), self.lessons)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(panel)
            dock.visibilityChanged.connect(panel.on_dock_visibility_changed)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.docks[key] = dock
        self.setDockNestingEnabled(True)

    @Slot()
    def arrange_default_layout(self) -> None:
        """Parameters on the left, scatter above training in the middle, the network on the right."""
        docks = self.docks
        for dock in docks.values():
            self.removeDockWidget(dock)
            dock.setFloating(False)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, docks["parameters"])
        self.splitDockWidget(docks["parameters"], docks["scatter"], Qt.Orientation.Horizontal)
        self.splitDockWidget(docks["scatter"], docks["network_diagram"], Qt.Orientation.Horizontal)
        self.splitDockWidget(docks["scatter"], docks["training"], Qt.Orientation.Vertical)
        self.splitDockWidget(docks["parameters"], docks["display_frequency"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(docks["parameters"], docks["architecture"])
        self.splitDockWidget(docks["network_diagram"], docks["lessons"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(docks["network_diagram"], docks["backprop"])
        self.tabifyDockWidget(docks["scatter"], docks["activations"])
        self.tabifyDockWidget(docks["scatter"], docks["image_grid"])
        self.tabifyDockWidget(docks["training"], docks["data_table"])
        for dock in docks.values():
            dock.show()
        docks["scatter"].raise_()
        docks["parameters"].raise_()
        docks["network_diagram"].raise_()
        self._layout_pending = True
        if self.isVisible():
            self._size_default_docks()

    def _size_default_docks(self) -> None:
        docks = self.docks
        width, height = self.width(), self.height()
        self.resizeDocks([docks["parameters"], docks["scatter"], docks["network_diagram"]],
                         [round(0.24 * width), round(0.52 * width), round(0.24 * width)], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["scatter"], docks["training"]], [round(0.56 * height), round(0.44 * height)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([docks["parameters"], docks["display_frequency"]],
                         [round(0.7 * height), round(0.3 * height)], Qt.Orientation.Vertical)
        self.resizeDocks([docks["network_diagram"], docks["lessons"]],
                         [round(0.6 * height), round(0.4 * height)], Qt.Orientation.Vertical)
        if self.lessons.step is not None:  # raising a tabbed dock works only once the window is shown
            self.show_panel(self.lessons.step.panel, flash=False)
        self._show_images_of_pixel_data()
        self._layout_pending = False

    def _show_images_of_pixel_data(self) -> None:
        if ImageGridPanel.applies_to(self.controller.setup):
            self.show_panel("image_grid", flash=False)

    @Slot(str)
    def show_panel(self, key: str, flash: bool = True) -> None:
        """Bring dock `key` to the front (a lesson step points at its panel so) and outline it for a moment."""
        dock = self.docks.get(key)
        if dock is None:
            return
        dock.show()
        dock.lower()  # raise_() selects a dock's tab only if the dock was not already on top of the z-order
        dock.raise_()
        if flash:
            Highlight.flash(dock)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:  # the whole window's pending painting
            with self.controller.gui_busy():
                return super().event(event)
        return super().event(event)

    def showEvent(self, event):
        super().showEvent(event)
        if self._layout_pending:
            self._size_default_docks()

    # --- actions, toolbar, menus ------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, icon=None, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        pixmap = QStyle.StandardPixmap
        self.play_action = self._action(self.tr("Play"), self._on_play_triggered, Qt.Key.Key_Space,
                                        pixmap.SP_MediaPlay, checkable=True)
        self.play_action.toggled.connect(self._on_play_toggled)
        self.step_action = self._action(self.tr("Step"), self.controller.step_batch, "Ctrl+.",
                                        pixmap.SP_MediaSeekForward)
        self.step_action.setToolTip(self.tr("Train on one batch"))
        self.step_epoch_action = self._action(self.tr("Step epoch"), self.controller.step_epoch, "Ctrl+E",
                                              pixmap.SP_MediaSkipForward)
        self.step_epoch_action.setToolTip(self.tr("Finish the current epoch"))
        self.reset_action = self._action(self.tr("Reset"), self.controller.reset, "Ctrl+R",
                                         pixmap.SP_MediaSkipBackward)
        self.reset_action.setToolTip(self.tr("Back to the initial weights and epoch 0"))

        self.open_dataset_action = self._action(self.tr("Open dataset…"), self._on_open_dataset,
                                                QKeySequence.StandardKey.Open)
        self.open_session_action = self._action(self.tr("Open session…"), self._on_open_session, "Ctrl+Shift+O")
        self.save_action = self._action(self.tr("Save session"), self._on_save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(self.tr("Save session as…"), self._on_save_as, "Ctrl+Shift+S")
        self.quit_action = self._action(self.tr("Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.export_actions = [self._action(text, self._on_export_network) for text in (
            self.tr("Weights (JSON)…"), self.tr("NumPy code…"), self.tr("PyTorch code…"), self.tr("Keras code…"))]
        for action, export_format in zip(self.export_actions, EXPORT_FORMATS):
            action.setData(export_format)
        self.export_loss_action = self._action(self.tr("Loss curve (PNG)…"), self._on_export_loss_plot)
        self.export_scatter_action = self._action(self.tr("Scatter plot (PNG)…"), self._on_export_scatter_plot)
        self.export_window_action = self._action(self.tr("Window screenshot (PNG)…"), self._on_export_window)

        self.undo_action = self.controller.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.controller.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.reset_layout_action = self._action(self.tr("Reset layout"), self.arrange_default_layout)
        self.shortcuts_action = self._action(self.tr("Keyboard shortcuts"), self._on_show_shortcuts,
                                             QKeySequence.StandardKey.HelpContents)
        self.about_action = self._action(self.tr("About fcviz"), self._on_about)

    def _create_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Training"))
        toolbar.setObjectName("trainingToolBar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.play_action, self.step_action, self.step_epoch_action, self.reset_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(1, MAX_EPOCHS)
        self.epochs_box.setGroupSeparatorShown(True)
        self.epochs_box.setKeyboardTracking(False)
        self.epochs_box.setToolTip(self.tr("Train until this epoch"))
        self.epochs_box.valueChanged.connect(self.controller.set_epochs)
        self.learning_rate_box = LearningRateSpinBox()
        self.learning_rate_box.valueChanged.connect(self._on_learning_rate_edited)
        self.controller.settings.changed.connect(self._show_run_settings)
        self.controller.settings.adopted.connect(self._show_run_settings)
        self._show_run_settings()
        toolbar.addWidget(QLabel(self.tr(" Epochs ")))
        toolbar.addWidget(self.epochs_box)
        toolbar.addWidget(QLabel(self.tr("  Learning rate ")))
        toolbar.addWidget(self.learning_rate_box)
        toolbar.addSeparator()
        self.epoch_label = QLabel()
        self.loss_label = QLabel()
        self.speed_label = QLabel()
        for label in (self.epoch_label, self.loss_label, self.speed_label):
            label.setContentsMargins(8, 0, 8, 0)
            toolbar.addWidget(label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _create_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        self._add_preset_actions(file_menu.addMenu(self.tr("New from preset")), self._on_preset_chosen)
        file_menu.addMenu(new_data_menu(self, self.controller))
        file_menu.addAction(self.open_dataset_action)
        file_menu.addAction(self.open_session_action)
        self.recent_menu = file_menu.addMenu(self.tr("Recent files"))
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        export_menu = file_menu.addMenu(self.tr("Export"))
        for action in self.export_actions:
            export_menu.addAction(action)
        export_menu.addSeparator()
        for action in (self.export_loss_action, self.export_scatter_action, self.export_window_action):
            export_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        training_menu = menus.addMenu(self.tr("&Training"))
        for action in (self.play_action, self.step_action, self.step_epoch_action, self.reset_action):
            training_menu.addAction(action)

        lessons_menu = menus.addMenu(self.tr("&Lessons"))
        lessons_menu.setToolTipsVisible(True)
        self._add_preset_actions(lessons_menu, self._on_lesson_chosen)

        view_menu = menus.addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.toolbar.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        view_menu.addMenu(language_menu(self, self.settings))

        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self._update_recent_menu()

    def _add_preset_actions(self, menu, slot) -> None:
        for preset in PRESETS.values():
            action = menu.addAction(QCoreApplication.translate(PRESETS_CONTEXT, preset.title))
            action.setToolTip(QCoreApplication.translate(PRESETS_CONTEXT, preset.description))
            action.setData(preset.name)
            action.triggered.connect(slot)

    # --- snapshots ---------------------------------------------------------------------------------

    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        self.epoch_label.setText(self.tr("Epoch {epoch} / {total}").format(
            epoch=f"{snapshot.epoch:,}", total=f"{snapshot.target_epochs:,}"))
        self.loss_label.setText(self.tr("Loss {loss}").format(loss=format_loss(snapshot.loss)))
        self.speed_label.setText(self.tr("{rate} epochs/s").format(rate=f"{snapshot.epochs_per_second:,.0f}")
                                 if snapshot.state == RUNNING else "")
        # Paint now, inside the controller's busy section (training waits), rather than later from
        # the event loop while training holds the GIL: the plots' queued updates, then the window.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.UpdateRequest)

    @Slot(object)
    def _on_snapshot_received(self, snapshot: Snapshot) -> None:
        running = snapshot.state == RUNNING
        # A snapshot taken before the latest Play/Pause reached the worker must not undo the click.
        if self.controller.reflects_all_commands(snapshot) and self.play_action.isChecked() != running:
            self.play_action.setChecked(running)
        if snapshot.state == self._last_state:
            return
        self._last_state = snapshot.state
        if snapshot.state == FINISHED:
            self.statusBar().showMessage(self.tr("Training finished at epoch {epoch}, loss {loss}.").format(
                epoch=f"{snapshot.epoch:,}", loss=format_loss(snapshot.loss)))
        elif snapshot.state == RUNNING:
            self.statusBar().showMessage(self.tr("Training…"), STATUS_TIMEOUT_MS)
        elif snapshot.state != DIVERGED:
            self.statusBar().clearMessage()

    @Slot()
    def _on_setup_changed(self) -> None:
        setup = self.controller.setup
        name = setup.title or setup.name or setup.dataset.name
        file_part = f" [{self.session_path.name}]" if self.session_path else ""
        self.setWindowTitle(f"fcviz — {name}{file_part}")
        self._last_state = self.controller.latest.state
        if self.isVisible():
            self._show_images_of_pixel_data()

    @Slot(str)
    def _on_diverged(self, message: str) -> None:
        self.statusBar().showMessage(message)
        if self._divergence_box is None:
            self._divergence_box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Training diverged"), "",
                                               QMessageBox.StandardButton.Ok, self)
            self._divergence_box.setObjectName("divergenceMessage")
            self._divergence_box.setWindowModality(Qt.WindowModality.NonModal)
        self._divergence_box.setText(message)
        self._divergence_box.show()

    @Slot(str)
    def _on_command_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
        show_error(self, self.tr("fcviz"), message)

    # --- training controls ----------------------------------------------------------------------------

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

    @Slot(float)
    def _on_learning_rate_edited(self, value: float) -> None:
        self.controller.set_learning_rate(value)

    # --- files ------------------------------------------------------------------------------------------

    def open_path(self, path: str | Path) -> None:
        """Open a session, or a data file through the dataset dialog (recent files, command line)."""
        path = Path(path)
        if path.suffix.lower() == SESSION_SUFFIX:
            self.open_session(path)
        else:
            self.open_dataset_dialog(path)

    def open_preset(self, name: str) -> None:
        if not self._may_replace():
            return
        try:
            experiment = open_preset(name)
        except (ValueError, OSError) as error:
            self._report(self.tr("Cannot open the preset"), str(error))
            return
        self.session_path = None
        self.controller.open_experiment(experiment)
        self._mark_unmodified()
        title = QCoreApplication.translate(PRESETS_CONTEXT, PRESETS[name].title)
        self.statusBar().showMessage(self.tr("Opened the {title} lab.").format(title=title),
                                     STATUS_TIMEOUT_MS)

    def open_session(self, path: str | Path) -> bool:
        from fcviz.io.session import SessionError, load_session
        path = Path(path)
        if not self._may_replace():
            return False
        try:
            experiment = load_session(path)
        except (SessionError, OSError) as error:
            self._report(self.tr("Cannot open the session"), str(error))
            return False
        self.session_path = path
        view = dict(experiment.ui_state)
        self.controller.open_experiment(experiment)
        self.restore_view_state(view)
        self._mark_unmodified()
        self._add_recent_file(path)
        self.statusBar().showMessage(self.tr("Opened {path} at epoch {epoch}.").format(
            path=path.name, epoch=f"{experiment.trainer.epoch:,}"), STATUS_TIMEOUT_MS)
        return True

    def open_dataset_dialog(self, path: str | Path) -> None:
        from fcviz.gui.dataset_dialog import DatasetDialog
        if not self._may_replace():
            return
        dialog = DatasetDialog(path, self)
        if dialog.exec() == DatasetDialog.DialogCode.Accepted:
            self.open_dataset(dialog.dataset, path, dialog.loss(), dialog.output_activation())

    def open_dataset(self, dataset, path: str | Path, loss: str | None = None,
                     output_activation: str | None = None) -> None:
        """Learn `dataset` with the current hidden layers and optimizer; the output layer and loss
        fit the data unless given (the dataset dialog suggests them)."""
        path = Path(path)
        blueprint = self.controller.blueprint().for_dataset(dataset)
        blueprint = replace(blueprint, loss=loss or blueprint.loss,
                            output_activation=output_activation or blueprint.output_activation)
        try:
            experiment = self.controller.build(blueprint, dataset, name=dataset.name or path.stem, title=path.name)
        except ValueError as error:
            self._report(self.tr("Cannot build a network for this dataset"), str(error))
            return
        self.session_path = None
        self.controller.open_experiment(experiment)
        self._mark_unmodified()
        self._add_recent_file(path)
        self.statusBar().showMessage(self.tr("Loaded {path}: {rows} rows, {inputs} inputs, {outputs} outputs.")
                                     .format(path=path.name, rows=dataset.n_samples, inputs=dataset.n_features,
                                             outputs=dataset.n_outputs), STATUS_TIMEOUT_MS)

    def save_session_to(self, path: str | Path) -> Future:
        """Start writing the session to `path` in the worker (the window goes on, Save waits); the
        Future says, once the write is done, whether the session was saved."""
        from fcviz.io.session import save_session
        path = Path(path)
        if path.suffix.lower() != SESSION_SUFFIX:
            path = path.with_suffix(SESSION_SUFFIX)
        view = self.view_state()

        def save(experiment: Experiment) -> None:
            experiment.ui_state.update(view)
            save_session(path, experiment)

        saved: Future = Future()
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(False)
        self.controller.when_replied(self.controller.start_in_worker(save), partial(self._on_saved, path, saved))
        return saved

    def _on_saved(self, path: Path, saved: Future, written: Future) -> None:
        from fcviz.io.session import SessionError
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(True)
        error = written.exception()
        if isinstance(error, (SessionError, OSError)):
            self._report(self.tr("Cannot save the session"), str(error))
            saved.set_result(False)
            return
        if error is not None:
            saved.set_exception(error)
            raise error
        self.session_path = path
        self._mark_unmodified()
        self._on_setup_changed()
        self._add_recent_file(path)
        self.statusBar().showMessage(self.tr("Saved {path}.").format(path=path), STATUS_TIMEOUT_MS)
        saved.set_result(True)

    def export_network(self, path: str | Path, export_format: str) -> bool:
        """Write the current weights as `export_format` (json, numpy, torch or keras; see fcviz.io.weights)."""
        from fcviz.io.weights import export
        try:
            export(self.controller.latest.network(), export_format, path)
        except (ValueError, OSError) as error:
            self._report(self.tr("Cannot export the network"), str(error))
            return False
        self.statusBar().showMessage(self.tr("Saved the network to {path}.").format(path=path), STATUS_TIMEOUT_MS)
        return True

    def export_plot(self, plot_widget, path: str | Path) -> bool:
        from pyqtgraph.exporters import ImageExporter
        try:
            ImageExporter(plot_widget.getPlotItem()).export(str(path))
        except (OSError, ValueError) as error:
            self._report(self.tr("Cannot export the plot"), str(error))
            return False
        self.statusBar().showMessage(self.tr("Saved {path}.").format(path=path), STATUS_TIMEOUT_MS)
        return True

    def export_window(self, path: str | Path) -> bool:
        if not self.grab().save(str(path)):
            self._report(self.tr("Cannot save the screenshot"), self.tr("Could not write {path}.").format(path=path))
            return False
        self.statusBar().showMessage(self.tr("Saved {path}.").format(path=path), STATUS_TIMEOUT_MS)
        return True

    def _report(self, title: str, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
        show_error(self, title, message)

    def _ask_save_path(self, title: str, file_filter: str) -> str:
        start = str(self.session_path.parent) if self.session_path else ""
        path, _ = QFileDialog.getSaveFileName(self, title, start, file_filter)
        return path

    @Slot()
    def _on_preset_chosen(self) -> None:
        self.open_preset(self.sender().data())

    @Slot()
    def _on_lesson_chosen(self) -> None:
        self.open_preset(self.sender().data())
        self.show_panel("lessons", flash=False)

    @Slot()
    def _on_open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open dataset"), "",
            self.tr("Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)"))
        if path:
            self.open_dataset_dialog(path)

    @Slot()
    def _on_open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open session"), "",
                                              self.tr("fcviz sessions (*.fcviz);;All files (*)"))
        if path:
            self.open_session(path)

    def save(self) -> Future | None:
        """Save to the session's file, or to one the person picks (see save_session_to); None if no
        file was chosen."""
        path = self.session_path or self._ask_save_path(self.tr("Save session"), self.tr("fcviz sessions (*.fcviz)"))
        return self.save_session_to(path) if path else None

    def _may_replace(self) -> bool:
        """False if the person cancels losing unsaved changes (asked only when autosave is on)."""
        return self.autosave is None or self.autosave.confirm_discard()

    def _mark_unmodified(self) -> None:
        if self.autosave is not None:
            self.autosave.mark_unmodified()

    @Slot()
    def _on_save(self) -> None:
        self.save()

    @Slot()
    def _on_save_as(self) -> None:
        path = self._ask_save_path(self.tr("Save session"), self.tr("fcviz sessions (*.fcviz)"))
        if path:
            self.save_session_to(path)

    @Slot()
    def _on_export_network(self) -> None:
        export_format = self.sender().data()
        file_filter = (self.tr("Weights JSON (*.json)") if export_format == "json"
                       else self.tr("Python scripts (*.py)"))
        path = self._ask_save_path(self.tr("Export the network"), file_filter)
        if path:
            self.export_network(path, export_format)

    @Slot()
    def _on_export_loss_plot(self) -> None:
        path = self._ask_save_path(self.tr("Export loss curve"), self.tr("PNG images (*.png)"))
        if path:
            self.export_plot(self.training.loss_plot, path)

    @Slot()
    def _on_export_scatter_plot(self) -> None:
        path = self._ask_save_path(self.tr("Export scatter plot"), self.tr("PNG images (*.png)"))
        if path:
            self.export_plot(self.scatter.plot_widget, path)

    @Slot()
    def _on_export_window(self) -> None:
        path = self._ask_save_path(self.tr("Save window screenshot"), self.tr("PNG images (*.png)"))
        if path:
            self.export_window(path)

    # --- recent files ------------------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        if self.settings is None:
            return list(getattr(self, "_recent_in_memory", []))
        return [str(path) for path in (self.settings.value("recentFiles") or [])]

    def _add_recent_file(self, path: Path) -> None:
        path = str(Path(path).resolve())
        files = [path] + [other for other in self.recent_files() if other != path]
        files = files[:MAX_RECENT_FILES]
        if self.settings is None:
            self._recent_in_memory = files
        else:
            self.settings.setValue("recentFiles", files)
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(self._on_recent_chosen)
        self.recent_menu.setEnabled(bool(files))

    @Slot()
    def _on_recent_chosen(self) -> None:
        self.open_path(self.sender().data())

    # --- help ------------------------------------------------------------------------------------------------

    @Slot()
    def _on_show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}</b></td></tr>"  # noqa: E501
                       for action in self.findChildren(QAction) if not action.shortcut().isEmpty())
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"),
                          f"<table cellspacing='6'>{rows}</table>", QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot()
    def _on_about(self) -> None:
        text = self.tr("<h3>fcviz {version}</h3><p>A lab for watching fully-connected neural networks learn: "
                       "edit the weights, the architecture and the data, and see every step of gradient "
                       "descent.</p>").format(version=__version__)
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About fcviz"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- settings and closing ----------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and self.restoreState(state, LAYOUT_VERSION):
            self._layout_pending = False

    def _save_settings(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def view_state(self) -> dict:
        """What a session keeps of the window: dock layout, redraw cap, loss axis (JSON-friendly)."""
        return {"window_layout": bytes(self.saveState(LAYOUT_VERSION).toBase64()).decode("ascii"),
                "max_redraw_hz": self.controller.settings.max_redraw_hz,
                "log_loss_axis": self.training.log_y.isChecked()}

    def restore_view_state(self, view: dict) -> None:
        """Put back what `view_state` saved; anything missing or malformed keeps the current look."""
        layout = view.get("window_layout")
        if isinstance(layout, str) and self.restoreState(QByteArray.fromBase64(layout.encode("ascii")),
                                                         LAYOUT_VERSION):
            self._layout_pending = False
        hz = view.get("max_redraw_hz")
        if isinstance(hz, (int, float)) and hz >= 1:
            self.controller.set_max_redraw_rate(min(round(hz), MAX_RATE_HZ))
        log_axis = view.get("log_loss_axis")
        if isinstance(log_axis, bool):
            self.training.log_y.setChecked(log_axis)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.running and not self._may_replace():  # a second close asks nothing
            event.ignore()
            return
        self._save_settings()
        self.controller.shutdown()
        if self.autosave is not None:
            self.autosave.finish()
        super().closeEvent(event)


def format_loss(loss: float) -> str:
    return f"{loss:.6g}"
