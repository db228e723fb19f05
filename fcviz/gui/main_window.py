"""MainWindow: assembles the docks, the toolbars, the menus, the status bar and saved window settings."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from fcviz.core import limits
from fcviz.core.experiment import Experiment
from fcviz.core.snapshot import Snapshot
from fcviz.gui.controller import Controller
from fcviz.gui.data_generator import new_data_menu
from fcviz.gui.engine_status import EngineStatus
from fcviz.gui.file_actions import STATUS_TIMEOUT_MS, FileActions
from fcviz.gui.gc_guard import collect_garbage_on_gui_thread
from fcviz.gui.help_dialogs import show_about, show_shortcuts
from fcviz.gui.language import language_menu
from fcviz.gui.panels.activations import ActivationsPanel
from fcviz.gui.panels.architecture import ArchitecturePanel
from fcviz.gui.panels.base import Panel
from fcviz.gui.panels.data_table import DataTablePanel
from fcviz.gui.panels.diagram.backprop import BackpropPanel
from fcviz.gui.panels.diagram.network import NetworkDiagramPanel
from fcviz.gui.panels.display_frequency import DisplayFrequencyPanel
from fcviz.gui.panels.image_grid import ImageGridPanel
from fcviz.gui.panels.lessons import Highlight, LessonsPanel
from fcviz.gui.panels.loss_surface.panel import LossSurfacePanel
from fcviz.gui.panels.parameters import ParametersPanel
from fcviz.gui.panels.scatter.panel import ScatterPanel
from fcviz.gui.panels.training import TrainingPanel
from fcviz.gui.redraw import DeferredPaint
from fcviz.gui.timeline_bar import TimelineBar
from fcviz.gui.training_toolbar import TrainingToolBar, format_loss
from fcviz.gui.widgets import make_action, show_error
from fcviz.gui.worker import DIVERGED, FINISHED, RUNNING

LAYOUT_VERSION = 1
DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    """The lab: every panel in a dock, training driven from the toolbar.

    `settings` keeps the window geometry, dock layout and recent files; with
    None nothing is read or written (screenshots, some tests).
    """

    def __init__(self, experiment: Experiment, settings: QSettings | None = None,
                 session_path: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        collect_garbage_on_gui_thread()
        self.setObjectName("fcvizMainWindow")
        self.settings = settings
        self.controller = Controller(experiment, self)
        self._deferred_paint = DeferredPaint(self, self.controller.pacer)
        self._divergence_box: QMessageBox | None = None
        self._last_state = self.controller.latest.state
        self._layout_pending = True
        self.autosave = None  # an Autosave (fcviz.gui.autosave) when run as the app: it asks before work is lost

        self._create_panels()
        self.files = FileActions(self, settings, session_path)
        self._create_actions()
        self._create_toolbars()
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
        if self.files.session_path is not None:
            self.restore_view_state(experiment.ui_state)
        self.controller.start()
        if self.files.session_path is None:  # an opened session brings its own pace
            self.toolbar.restore_pace()

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
        self.loss_surface = LossSurfacePanel(controller)
        self.lessons.panel_requested.connect(self.show_panel)
        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, Panel] = {}
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
                ("lessons", self.tr("Lessons"), self.lessons),
                ("loss_surface", self.tr("Loss surface"), self.loss_surface)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{key}Dock")
            dock.setWidget(panel)
            dock.visibilityChanged.connect(panel.on_dock_visibility_changed)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.docks[key] = dock
            self.panels[key] = panel
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
        self.tabifyDockWidget(docks["scatter"], docks["loss_surface"])
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

    def showEvent(self, event):
        super().showEvent(event)
        if self._layout_pending:
            self._size_default_docks()

    # --- actions, toolbar, menus ------------------------------------------------------------------

    def _create_actions(self) -> None:
        self.quit_action = make_action(self, self.tr("Quit"), self.close, QKeySequence.StandardKey.Quit)

        self.undo_action = self.controller.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.controller.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.reset_layout_action = make_action(self, self.tr("Reset layout"), self.arrange_default_layout)
        self.shortcuts_action = make_action(self, self.tr("Keyboard shortcuts"), partial(show_shortcuts, self),
                                             QKeySequence.StandardKey.HelpContents)
        self.about_action = make_action(self, self.tr("About fcviz"), partial(show_about, self))

    def _create_toolbars(self) -> None:
        self.toolbar = TrainingToolBar(self.controller, self, self.settings)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.timeline_bar = TimelineBar(self.controller, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.timeline_bar)

    def _create_menus(self) -> None:
        menus = self.menuBar()
        self.files.fill_file_menu(menus.addMenu(self.tr("&File")), new_data_menu(self, self.controller),
                                  self.quit_action)

        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        training_menu = menus.addMenu(self.tr("&Training"))
        for action in self.toolbar.actions_for_menu():
            training_menu.addAction(action)

        lessons_menu = menus.addMenu(self.tr("&Lessons"))
        lessons_menu.setToolTipsVisible(True)
        self.files.add_preset_actions(lessons_menu)

        view_menu = menus.addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.toolbar.toggleViewAction())
        view_menu.addAction(self.timeline_bar.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        view_menu.addMenu(language_menu(self, self.settings))

        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    # --- snapshots ---------------------------------------------------------------------------------

    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        # The panels drew; the window paints in a moment, after any timer or input that fell due (see
        # DeferredPaint, which also says why the window has no event() of its own).
        self._deferred_paint.schedule()

    @Slot(object)
    def _on_snapshot_received(self, snapshot: Snapshot) -> None:
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
        self.show_title()
        self._last_state = self.controller.latest.state
        if self.isVisible():
            self._show_images_of_pixel_data()

    def show_title(self) -> None:
        """fcviz — the experiment's title [the session file]."""
        setup, session = self.controller.setup, self.files.session_path
        name = setup.title or setup.name or setup.dataset.name
        self.setWindowTitle(f"fcviz — {name}" + (f" [{session.name}]" if session else ""))

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
        """What a session keeps of the window: dock layout, redraw cap and each panel's look (JSON-friendly)."""
        view = {"window_layout": bytes(self.saveState(LAYOUT_VERSION).toBase64()).decode("ascii"),
                "max_redraw_hz": self.controller.settings.max_redraw_hz}
        for panel in self.panels.values():
            view.update(panel.view_state())
        return view

    def restore_view_state(self, view: dict) -> None:
        """Put back what `view_state` saved; anything missing or malformed keeps the current look."""
        layout = view.get("window_layout")
        if (isinstance(layout, str) and layout.isascii()  # base64: anything else is damage, not a layout
                and self.restoreState(QByteArray.fromBase64(layout.encode("ascii")), LAYOUT_VERSION)):
            self._layout_pending = False
        hz = view.get("max_redraw_hz")
        if isinstance(hz, (int, float)) and not isinstance(hz, bool):  # load_session has clamped a session's
            low, high = limits.MIN_REDRAW_HZ, limits.MAX_REDRAW_HZ
            self.controller.settings.set("max_redraw_hz", limits.clamp(hz, limits.DEFAULT_REDRAW_HZ, low, high))
        for panel in self.panels.values():
            panel.restore_view_state(view)

    def may_replace(self) -> bool:
        """False if the person cancels losing unsaved changes (asked only when autosave is on)."""
        return self.autosave is None or self.autosave.confirm_discard()

    def mark_unmodified(self) -> None:
        """The experiment was just opened or saved: autosave has nothing unsaved."""
        if self.autosave is not None:
            self.autosave.mark_unmodified()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.running and not self.may_replace():  # a second close asks nothing
            event.ignore()
            return
        self._save_settings()
        self.loss_surface.shutdown()
        self.scatter.shutdown()
        self.network_diagram.shutdown()
        self.controller.shutdown()
        if self.autosave is not None:
            self.autosave.finish()
        super().closeEvent(event)

