"""Start the window (`run_gui`) or take a picture of it offscreen (`screenshot`)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from fcviz.core import engine
from fcviz.core.experiment import Experiment
from fcviz.desktop import APP_ID
from fcviz.gui.language import LANGUAGE_KEY, set_language
from fcviz.io.samples import open_preset, resources_dir

SWITCH_INTERVAL_SECONDS = 0.0005  # docs/ARCHITECTURE.md, Threads: the 5 ms default starves redraws
# Qt's raster engine hands every fill of 96 spans or more to a pool of its own and waits for it: the GUI thread
# then waits for threads the machine may not run soon (docs/ARCHITECTURE.md, Threads). Set, the fills stay on it.
NO_GUI_THREAD_POOL = "QT_NO_GUI_THREADPOOL"
SIGNAL_POLL_MS = 200
SETTLE_ROUNDS = 5
# Qt's offscreen platform says this on every window it shows; it is true and of no use to anyone.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def application(language: str | None = None) -> QApplication:
    """The QApplication (created once), with fcviz's names, switch interval and translations.

    `language` ("en", "zh_CN") overrides the one saved in the settings, which overrides the system's.
    Qt reads NO_GUI_THREAD_POOL once, at the first big fill: call this before anything paints.
    """
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    os.environ.setdefault(NO_GUI_THREAD_POOL, "1")
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(APP_ID)
        QCoreApplication.setApplicationName(APP_ID)
        QGuiApplication.setDesktopFileName(APP_ID)
        app = QApplication([APP_ID])  # argv[0] names the X11 window class instance: "fcviz", not "__main__.py"
        app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "fcviz.svg")))
        set_language(language or QSettings().value(LANGUAGE_KEY) or None)
    elif language is not None:
        set_language(language)
    return app


def load_experiment(path: str | Path | None = None, preset: str | None = None, on_adjusted=None) -> Experiment:
    """The experiment to open: a session, a data file (default columns), a preset, or the clothes lab.

    Raises ValueError (SessionError, DatasetError) with the loader's message; `on_adjusted` hears of
    each session value clamped to what fcviz can hold (fcviz.io.session.load_session).
    """
    if path is None:
        return open_preset(preset or "clothes")
    path = Path(path)
    if path.suffix.lower() == ".fcviz":
        from fcviz.io.session import load_session
        return load_session(path, on_adjusted)
    from fcviz.core.experiment import build_table_experiment
    from fcviz.io.tables import load_dataset
    experiment = build_table_experiment(load_dataset(path))  # the settings `fcviz train PATH` starts from
    experiment.name, experiment.title = experiment.dataset.name or path.stem, path.name
    return experiment


def _open_in_window(window, path: Path) -> None:
    """Open the command line's file in the shown window, read off the GUI thread (Cancel keeps the lab)."""
    from fcviz.gui.loading import Cancelled, run_with_progress
    from fcviz.gui.widgets import show_error
    if path.suffix.lower() == ".fcviz":
        window.files.open_session(path)
        return
    from fcviz.io.tables import load_dataset
    try:
        dataset = run_with_progress(window, QCoreApplication.translate("app", "Opening {path}…").format(
            path=path.name), load_dataset, path)
    except Cancelled:
        return
    except (ValueError, OSError) as problem:
        show_error(window, QCoreApplication.translate("app", "Cannot open {path}").format(path=path), str(problem))
        return
    window.open_dataset(dataset, path)


def run_gui(path: str | None = None, preset: str | None = None, language: str | None = None) -> int:
    """Open the window on the clothes lab, a preset, a session or a data file; returns the exit code."""
    from fcviz.gui.autosave import Autosave, autosave_directory
    from fcviz.gui.main_window import MainWindow
    from fcviz.gui.widgets import show_error
    app = application(language)
    try:
        experiment = open_preset(preset or "clothes")
    except (ValueError, OSError) as problem:
        experiment = open_preset("clothes")
        path, preset_error = None, str(problem)
    else:
        preset_error = None
    # Load the training kernels once the window is up, off the GUI thread; on a cold cache they compile in
    # another process and the NumPy engine trains meanwhile (engine.WARM_UP.stand_in). Said before the window
    # is built: its first frame's products must not compile the NumPy engine's kernels (`blas_threads`) here.
    engine.WARM_UP.stand_in = True
    window = MainWindow(experiment, settings=QSettings())
    window.autosave = Autosave(window, autosave_directory())
    window.show()
    engine.WARM_UP.request()
    QTimer.singleShot(0, lambda: engine.WARM_UP.start(experiment.net.dtype.name))
    if preset_error is not None:
        show_error(window, QCoreApplication.translate("app", "Cannot open {path}").format(path=preset), preset_error)
    if path is not None:
        _open_in_window(window, Path(path))
    window.autosave.offer_recovery()

    def quit_from_signal(*_) -> None:
        window.autosave.interrupted = True  # nobody to ask: unsaved work stays autosaved
        # Close from the event loop, not inside the Python code the signal interrupted (a paint:
        # closing there destroys the window under it, and Qt warns about a flush without a handle).
        QTimer.singleShot(0, window.close)

    # Ctrl+C in the terminal, or SIGTERM (logout, kill): Python runs signal handlers only when it
    # gets control, hence the timer.
    signal.signal(signal.SIGINT, quit_from_signal)
    signal.signal(signal.SIGTERM, quit_from_signal)
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(SIGNAL_POLL_MS)
    try:
        return app.exec()
    finally:
        ticker.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def offscreen_window(app: QApplication, experiment: Experiment, size: tuple[int, int]) -> Iterator:
    """The window on `experiment` shown offscreen at `size`, its docks settled; closed afterwards.
    Qt's offscreen remark about size hints is kept off stderr meanwhile."""
    from fcviz.gui.main_window import MainWindow
    window = MainWindow(experiment, settings=None)
    previous_handler = None

    def quiet(mode, context, message) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous_handler is not None:
            previous_handler(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous_handler = qInstallMessageHandler(quiet)
    try:
        window.resize(*size)
        window.show()
        for _ in range(SETTLE_ROUNDS):  # let the docks take their sizes
            app.processEvents()
        yield window
    finally:
        window.close()
        qInstallMessageHandler(previous_handler)


def replay(out: str | Path, path: str | None = None, preset: str | None = None, panel: str | None = None,
           fps: float | None = None, size: tuple[int, int] = (1000, 640), language: str | None = None,
           on_adjusted=None) -> int:
    """Write every recorded display epoch of a session (a preset: its whole run, trained first) as drawn
    by the window offscreen (or by one `panel`) to an animation; returns the number of frames."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fcviz.gui.replay import ReplayExport
    from fcviz.io.animation import check_animation
    check_animation(out, fps or 10.0)   # a wrong name fails before any training
    app = application(language)
    experiment = load_experiment(path, preset, on_adjusted)
    if experiment.trainer.epoch < experiment.epochs and len(experiment.timeline) <= 1:
        experiment.train_to(experiment.epochs)   # nothing recorded yet: the run as the window plays it
    with offscreen_window(app, experiment, size) as window:
        export = ReplayExport(window, out, fps or experiment.pace or 10.0, panel)
        try:
            while export.next_frame():
                pass
        except BaseException:
            export.cancel()
            raise
        return export.total


def screenshot(out: str | Path, path: str | None = None, preset: str | None = None, epochs: int = 0,
               size: tuple[int, int] = (1400, 900), language: str | None = None,
               show_epoch: int | None = None, on_adjusted=None) -> None:
    """Train `epochs` epochs, open the window offscreen at `size`, draw once and save it as a PNG
    (showing the recorded epoch `show_epoch`, as the timeline does, if given)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application(language)
    experiment = load_experiment(path, preset, on_adjusted)
    if epochs > 0:
        experiment.epochs = max(experiment.epochs, experiment.trainer.epoch + int(epochs))
        experiment.train_to(experiment.trainer.epoch + int(epochs))
    with offscreen_window(app, experiment, size) as window:
        window.controller.redraw_now()
        # a big network's curve or map, its predictions and its diagram's node values are computed in threads
        for passes in (window.scatter.grid_forward, window.scatter.predicting, window.network_diagram.passes):
            passes.wait()
        for panel in (window.network_diagram, window.backprop):  # a wide network's labels come a few per turn
            panel.diagram.finish_texts()
        if show_epoch is not None:
            window.controller.timeline.scrub_to(show_epoch)
        app.processEvents()
        if not window.grab().save(str(out)):
            raise OSError(f"could not write the screenshot to {out}")
