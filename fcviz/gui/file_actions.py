"""FileActions: what the File and Lessons menus do — open a preset, a dataset or a session, the recent
files, save (in the worker, without waiting for it) and export the network, a plot or the window."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from fcviz.core.experiment import Experiment
from fcviz.core.limits import Adjustment
from fcviz.core.presets import CONTEXT as PRESETS_CONTEXT
from fcviz.core.presets import PRESETS
from fcviz.gui.adjusted_notice import show_adjusted
from fcviz.gui.controller import Installable, installable
from fcviz.gui.loading import Cancelled, run_with_progress
from fcviz.gui.panels.base import ExportTarget
from fcviz.gui.replay import ReplayActions
from fcviz.gui.widgets import make_action, show_error
from fcviz.io.samples import open_preset

if TYPE_CHECKING:
    from fcviz.gui.main_window import MainWindow

SESSION_SUFFIX = ".fcviz"
MAX_RECENT_FILES = 8
STATUS_TIMEOUT_MS = 6000
EXPORT_FORMATS = ("json", "numpy", "torch", "keras")


class FileActions(QObject):
    """The window's file actions. `session_path` is the session file the experiment was opened
    from or last saved to (None for a preset or a dataset)."""

    def __init__(self, window: MainWindow, settings: QSettings | None, session_path: str | Path | None = None):
        super().__init__(window)
        self.window, self.controller, self.settings = window, window.controller, settings
        self.session_path = Path(session_path) if session_path else None
        self._recent_in_memory: list[str] = []
        self.open_dataset_action = make_action(window, self.tr("Open dataset…"), self._on_open_dataset,
                                                QKeySequence.StandardKey.Open)
        self.open_session_action = make_action(window, self.tr("Open session…"), self._on_open_session, "Ctrl+Shift+O")
        self.save_action = make_action(window, self.tr("Save session"), self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = make_action(window, self.tr("Save session as…"), self._on_save_as, "Ctrl+Shift+S")
        self.export_actions = [make_action(window, text, self._on_export_network) for text in (
            self.tr("Weights (JSON)…"), self.tr("NumPy code…"), self.tr("PyTorch code…"), self.tr("Keras code…"))]
        for action, export_format in zip(self.export_actions, EXPORT_FORMATS):
            action.setData(export_format)
        self.export_plot_actions = [make_action(window, target.action_text, partial(self._on_export_plot, target))
                                    for panel in window.panels.values() for target in panel.export_targets()]
        self.export_window_action = make_action(window, self.tr("Window screenshot (PNG)…"), self._on_export_window)
        self.replays = ReplayActions(window, self)
        self.recent_menu = QMenu(self.tr("Recent files"), window)

    def fill_file_menu(self, menu: QMenu, new_data_menu: QMenu, quit_action: QAction) -> None:
        self.add_preset_actions(menu.addMenu(self.tr("New from preset")), self._on_preset_chosen)
        menu.addMenu(new_data_menu)
        menu.addAction(self.open_dataset_action)
        menu.addAction(self.open_session_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        export_menu = menu.addMenu(self.tr("Export"))
        export_menu.addActions(self.export_actions)
        export_menu.addSeparator()
        export_menu.addActions([*self.export_plot_actions, self.export_window_action, self.replays.action])
        menu.addSeparator()
        menu.addAction(quit_action)
        self._update_recent_menu()

    def add_preset_actions(self, menu: QMenu, slot=None) -> None:
        """One action per preset (its title, its description as tooltip); the Lessons menu by default."""
        for preset in PRESETS.values():
            action = menu.addAction(QCoreApplication.translate(PRESETS_CONTEXT, preset.title))
            action.setToolTip(QCoreApplication.translate(PRESETS_CONTEXT, preset.description))
            action.setData(preset.name)
            action.triggered.connect(slot or self._on_lesson_chosen)

    # --- opening --------------------------------------------------------------------------------------

    def open_preset(self, name: str) -> None:
        if not self.window.may_replace():
            return
        try:
            experiment = open_preset(name)
        except (ValueError, OSError) as error:
            self.report(self.tr("Cannot open the preset"), str(error))
            return
        self.install(experiment, None)
        title = QCoreApplication.translate(PRESETS_CONTEXT, PRESETS[name].title)
        self.status(self.tr("Opened the {title} lab.").format(title=title))

    def open_session(self, path: str | Path) -> bool:
        from fcviz.io.session import SessionError
        path = Path(path)
        if not self.window.may_replace():
            return False
        try:
            incoming, adjusted = self.read_session(path)
        except Cancelled:
            return False
        except (SessionError, OSError) as error:
            self.report(self.tr("Cannot open the session"), str(error))
            return False
        experiment = incoming.experiment
        self.install(incoming, path, dict(experiment.ui_state))
        self._add_recent_file(path)
        self.status(self.tr("Opened {path} at epoch {epoch}.").format(
            path=path.name, epoch=f"{experiment.trainer.epoch:,}"))
        show_adjusted(adjusted, self.window)
        return True

    def read_session(self, path: Path) -> tuple[Installable, list[Adjustment]]:
        """The session at `path`, read and made ready off the GUI thread (progress and Cancel), and the
        values clamped on the way to what fcviz can hold. Raises Cancelled, SessionError or OSError."""
        from fcviz.io.session import load_session
        values, adjusted = self.controller.settings.values, []

        def ready() -> Installable:
            return installable(load_session(path, adjusted.append), values)
        incoming = run_with_progress(self.window, self.tr("Opening {path}…").format(path=path.name), ready)
        return incoming, adjusted

    def open_dataset_dialog(self, path: str | Path) -> None:
        from fcviz.gui.dataset_dialog import DatasetDialog
        from fcviz.io.tables import read_for_dialog
        path = Path(path)
        if not self.window.may_replace():
            return
        try:  # read first, off the GUI thread: the dialog then answers from what was read
            run_with_progress(self.window, self.tr("Opening {path}…").format(path=path.name), read_for_dialog, path)
        except Cancelled:
            return
        dialog = DatasetDialog(path, self.window)
        if dialog.exec() == DatasetDialog.DialogCode.Accepted:
            self.open_dataset(dialog.dataset, path, dialog.loss(), dialog.output_activation())

    def open_dataset(self, dataset, path: str | Path, loss: str | None = None,
                     output_activation: str | None = None) -> None:
        """Learn `dataset` with the settings `fcviz train` uses for a table (fcviz.core.tasks); the loss
        and output activation suit the data unless given (the dataset dialog suggests them). The
        run's epochs and display frequency stay (RunSettings). The network and its first metrics are
        built off the GUI thread (a 1000-class table takes a second), with progress and Cancel."""
        from fcviz.core.experiment import build_table_experiment
        path = Path(path)
        settings, values = self.controller.settings, self.controller.settings.values

        def ready() -> Installable:
            experiment = build_table_experiment(dataset, loss, output_activation)
            experiment.name, experiment.title = dataset.name or path.stem, path.name
            return installable(settings.apply_to(experiment), values)
        try:
            incoming = run_with_progress(self.window, self.tr("Opening {path}…").format(path=path.name), ready)
        except Cancelled:
            return
        except ValueError as error:
            self.report(self.tr("Cannot build a network for this dataset"), str(error))
            return
        self.install(incoming, None)
        self._add_recent_file(path)
        self.status(self.tr("Loaded {path}: {rows} rows, {inputs} inputs, {outputs} outputs.").format(
            path=path.name, rows=dataset.n_samples, inputs=dataset.n_features, outputs=dataset.n_outputs))

    def install(self, experiment: Experiment | Installable, session_path: Path | None, view: dict | None = None,
                unmodified: bool = True) -> None:
        """Make `experiment` the window's and put back `view`, how a session's window looked, if given. It
        is unmodified (just opened) unless not `unmodified`: recovered autosaved work stays unsaved."""
        self.session_path = session_path
        self.controller.open_experiment(experiment)
        if unmodified:
            self.window.mark_unmodified()
        if view is not None:
            self.window.restore_view_state(view)

    # --- saving ----------------------------------------------------------------------------------------

    def save_session_to(self, path: str | Path) -> Future:
        """Start saving the session to `path` (see `SessionWriter`: the window and training go on, Save
        waits); the Future says, once the write is done, whether the session was saved."""
        path = Path(path)
        if path.suffix.lower() != SESSION_SUFFIX:
            path = path.with_suffix(SESSION_SUFFIX)
        saved: Future = Future()
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(False)
        written = self.controller.writer.save(path, self.window.view_state())
        self.controller.replies.when_replied(written, partial(self._on_saved, path, saved))
        return saved

    def _on_saved(self, path: Path, saved: Future, written: Future) -> None:
        from fcviz.io.session import SessionError
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(True)
        error = written.exception()
        if isinstance(error, (SessionError, OSError)):
            self.report(self.tr("Cannot save the session"), str(error))
            saved.set_result(False)
            return
        if error is not None:
            saved.set_exception(error)
            raise error
        self.session_path = path
        self.window.mark_unmodified()
        self.window.show_title()
        self._add_recent_file(path)
        self.status(self.tr("Saved {path}.").format(path=path))
        saved.set_result(True)

    @Slot()
    def save(self) -> Future | None:
        """Save to the session's file, or to one the person picks (see save_session_to); None if no
        file was chosen."""
        path = self.session_path or self.ask_save_path(self.tr("Save session"), self.tr("fcviz sessions (*.fcviz)"))
        return self.save_session_to(path) if path else None

    # --- exporting --------------------------------------------------------------------------------------

    def export_network(self, path: str | Path, export_format: str) -> bool:
        """Write the current weights as `export_format` (json, numpy, torch or keras; see fcviz.io.weights),
        off the GUI thread with progress (8M parameters take half a minute); Cancel writes nothing."""
        from fcviz.io.weights import export
        stop = threading.Event()
        try:
            run_with_progress(self.window, self.tr("Exporting to {path}…").format(path=Path(path).name), export,
                              self.controller.latest.network(), export_format, path, (), None, stop.is_set)
        except Cancelled:
            stop.set()
            return False
        except (ValueError, OSError) as error:
            self.report(self.tr("Cannot export the network"), str(error))
            return False
        self.status(self.tr("Saved the network to {path}.").format(path=path))
        return True

    def export_plot(self, plot_widget, path: str | Path) -> bool:
        from pyqtgraph.exporters import ImageExporter
        try:
            ImageExporter(plot_widget.getPlotItem()).export(str(path))
        except (OSError, ValueError) as error:
            self.report(self.tr("Cannot export the plot"), str(error))
            return False
        self.status(self.tr("Saved {path}.").format(path=path))
        return True

    def export_window(self, path: str | Path) -> bool:
        if not self.window.grab().save(str(path)):
            self.report(self.tr("Cannot save the screenshot"), self.tr("Could not write {path}.").format(path=path))
            return False
        self.status(self.tr("Saved {path}.").format(path=path))
        return True

    # --- recent files -----------------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        if self.settings is None:
            return list(self._recent_in_memory)
        return [str(path) for path in (self.settings.value("recentFiles") or [])]

    def _add_recent_file(self, path: Path) -> None:
        path_text = str(Path(path).resolve())
        files = [path_text] + [other for other in self.recent_files() if other != path_text]
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

    # --- menu slots ------------------------------------------------------------------------------------

    @Slot()
    def _on_preset_chosen(self) -> None:
        self.open_preset(self.sender().data())

    @Slot()
    def _on_lesson_chosen(self) -> None:
        self.open_preset(self.sender().data())
        self.window.show_panel("lessons", flash=False)

    @Slot()
    def _on_open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open dataset"), "",
            self.tr("Tables (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)"))
        if path:
            self.open_dataset_dialog(path)

    @Slot()
    def _on_open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open session"), "",
                                              self.tr("fcviz sessions (*.fcviz);;All files (*)"))
        if path:
            self.open_session(path)

    @Slot()
    def _on_save_as(self) -> None:
        path = self.ask_save_path(self.tr("Save session"), self.tr("fcviz sessions (*.fcviz)"))
        if path:
            self.save_session_to(path)

    @Slot()
    def _on_export_network(self) -> None:
        export_format = self.sender().data()
        file_filter = (self.tr("Weights JSON (*.json)") if export_format == "json"
                       else self.tr("Python scripts (*.py)"))
        path = self.ask_save_path(self.tr("Export the network"), file_filter)
        if path:
            self.export_network(path, export_format)

    def _on_export_plot(self, target: ExportTarget) -> None:
        path = self.ask_save_path(target.dialog_title, self.tr("PNG images (*.png)"))
        if path:
            self.export_plot(target.plot_widget, path)

    @Slot()
    def _on_export_window(self) -> None:
        path = self.ask_save_path(self.tr("Save window screenshot"), self.tr("PNG images (*.png)"))
        if path:
            self.export_window(path)

    @Slot()
    def _on_recent_chosen(self) -> None:
        """A recent session opens at once; a data file goes through the dataset dialog."""
        path = Path(self.sender().data())
        if path.suffix.lower() == SESSION_SUFFIX:
            self.open_session(path)
        else:
            self.open_dataset_dialog(path)

    def ask_save_path(self, title: str, file_filter: str) -> str:
        start = str(self.session_path.parent) if self.session_path else ""
        path, _ = QFileDialog.getSaveFileName(self.window, title, start, file_filter)
        return path

    def report(self, title: str, message: str) -> None:
        self.status(message)
        show_error(self.window, title, message)

    def status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
