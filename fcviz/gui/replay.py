"""Replay export: every recorded display epoch drawn by the window (or one panel) into an animation.

`ReplayExport` steps through the timeline one frame per call of `next_frame()`, so the window's
File ▸ Export ▸ Replay… runs it from a timer with a progress dialog and Cancel, and `fcviz replay`
runs it in a loop offscreen. Frames go straight to the writer (fcviz.io.animation): memory holds
one frame, however long the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QInputDialog, QProgressDialog, QWidget

from fcviz.gui.timeline_bar import MAX_REPLAY_PACE


def widget_pixels(widget: QWidget) -> np.ndarray:
    """The widget as drawn now, an RGB array (height, width, 3)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return rows[:, : 3 * width].reshape(height, width, 3).copy()


class ReplayExport:
    """Writes the frames of the window's timeline, as the window shows them, to `path` (.gif/.mp4)."""

    def __init__(self, window, path: str | os.PathLike, fps: float, panel: str | None = None):
        self.window, self.path = window, Path(path)
        if panel is not None and panel not in window.docks:
            raise ValueError(f"there is no panel {panel!r}; panels: {', '.join(window.docks)}")
        self.widget = window if panel is None else window.docks[panel].widget()
        if panel is not None:
            window.show_panel(panel, flash=False)
        self.epochs = [int(epoch) for epoch in window.controller.latest.timeline.epochs]
        self.done = 0
        from fcviz.io.animation import open_animation  # Pillow: loaded when a replay is written, not at start-up
        self._writer = open_animation(path, fps)
        # Every frame the same size: longer numbers in the toolbar must not widen the window meanwhile.
        self._limits = (window.minimumSize(), window.maximumSize())
        window.setFixedSize(window.size())
        self._shape: tuple[int, ...] | None = None

    @property
    def total(self) -> int:
        return len(self.epochs)

    def next_frame(self) -> bool:
        """Draw and write the next frame; False when every frame is written (the file is then complete)."""
        controller = self.window.controller
        if self.done == self.total:
            self._finish()
            self._writer.close()
            return False
        controller.timeline.scrub_to(self.epochs[self.done])
        QCoreApplication.processEvents()
        pixels = widget_pixels(self.widget)
        self._shape = self._shape or pixels.shape
        self._writer.add(fit_to(pixels, self._shape))
        self.done += 1
        return True

    def cancel(self) -> None:
        """Stop; nothing is written to `path`."""
        self._finish()
        self._writer.abort()

    def _finish(self) -> None:
        self.window.setMinimumSize(self._limits[0])
        self.window.setMaximumSize(self._limits[1])
        self.window.controller.timeline.show_live()


def fit_to(pixels: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """`pixels` cut or padded (with its last column and row) to `shape`, should a panel's size change."""
    height, width = shape[:2]
    pixels = pixels[:height, :width]
    if pixels.shape[:2] == (height, width):
        return pixels
    return np.pad(pixels, ((0, height - pixels.shape[0]), (0, width - pixels.shape[1]), (0, 0)), mode="edge")


class ReplayExportRunner(QProgressDialog):
    """Runs a ReplayExport from a timer, a frame at a time, with progress and Cancel (the window stays usable)."""

    written = Signal(str)   # the file, complete
    failed = Signal(str)    # what went wrong (nothing was written)

    def __init__(self, export: ReplayExport, parent: QWidget):
        super().__init__(self.tr("Drawing the replay…"), self.tr("Cancel"), 0, export.total, parent)
        self.setWindowTitle(self.tr("Export replay"))
        self.setMinimumDuration(0)
        self.export = export
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self.canceled.connect(self._on_canceled)

    def start(self) -> None:
        self.export.window.controller.pause()
        self.show()
        self._timer.start(0)

    @Slot()
    def _on_tick(self) -> None:
        try:
            more = self.export.next_frame()
        except (OSError, ValueError) as error:
            self._timer.stop()
            self.export.cancel()
            self.reset()
            self.failed.emit(str(error))
            return
        self.setValue(self.export.done)
        if not more:
            self._timer.stop()
            self.reset()
            self.written.emit(str(self.export.path))

    @Slot()
    def _on_canceled(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.export.cancel()


class ReplayActions(QObject):
    """File ▸ Export ▸ Replay…: asks what to draw and where, then runs a ReplayExportRunner.
    `files` (fcviz.gui.file_actions.FileActions) asks for the path and reports."""

    def __init__(self, window, files):
        super().__init__(window)
        self.window, self.files = window, files
        self.action = QAction(self.tr("Replay (GIF/MP4)…"), window)
        self.action.triggered.connect(self._on_triggered)

    @Slot()
    def _on_triggered(self) -> None:
        """Every recorded epoch of the run, as the window or one panel draws it, into a GIF or MP4."""
        docks = self.window.docks
        choices = [self.tr("Whole window")] + [dock.windowTitle() for dock in docks.values()]
        choice, ok = QInputDialog.getItem(self.window, self.tr("Export replay"), self.tr("Draw"), choices, 0, False)
        if not ok:
            return
        from fcviz.io.animation import ffmpeg_path
        file_filter = self.tr("Animated GIF (*.gif)") + (";;" + self.tr("MP4 video (*.mp4)") if ffmpeg_path() else "")
        path = self.files.ask_save_path(self.tr("Export replay"), file_filter)
        if path:
            panel = None if choice == choices[0] else list(docks)[choices.index(choice) - 1]
            self.export(path, panel)

    def export(self, path: str | os.PathLike, panel: str | None = None,
               fps: float | None = None) -> ReplayExportRunner | None:
        """Start writing the replay to `path` with a progress dialog; the runner, or None if it cannot start."""
        try:
            fps = fps or self.window.controller.settings.pace or MAX_REPLAY_PACE
            export = ReplayExport(self.window, path, fps, panel)
        except (OSError, ValueError) as error:
            self.files.report(self.tr("Export replay"), str(error))
            return None
        runner = ReplayExportRunner(export, self.window)
        runner.written.connect(lambda written: self.files.status(self.tr("Wrote {path}").format(path=written)))
        runner.failed.connect(lambda message: self.files.report(self.tr("Export replay"), message))
        runner.start()
        return runner
