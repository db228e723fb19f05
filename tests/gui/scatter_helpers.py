"""Mouse helpers for the scatter tests: data coordinates to widget pixels, clicks and drags with qtbot."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from fcviz.core.experiment import build_experiment
from fcviz.core.generators import generate


def line_lab(n: int = 20):
    """A 1-input regression lab (y = 3x + 1 with noise) on a 1-3-1 tanh network."""
    return build_experiment(generate("line", n=n, noise=0.1), hidden=(3,), activation="tanh",
                            optimizer="adam", lr=0.01, batch_size=None, epochs=100_000)


def xor_lab(n: int = 80, hidden=(4,)):
    """A 2-input, two-class lab on a 2-4-1 tanh network."""
    return build_experiment(generate("xor", n=n, noise=0.0), hidden=hidden, activation="tanh",
                            optimizer="adam", lr=0.03, batch_size=16, epochs=100_000)


def free_spot(points: np.ndarray, x: float, y: float, reach: float = 0.25) -> tuple[float, float]:
    """The place within `reach` of (x, y) farthest from every drawn point (a click there adds, not selects)."""
    offsets = np.linspace(-reach, reach, 11)
    candidates = np.array([(x + dx, y + dy) for dx in offsets for dy in offsets])
    distance = np.min(np.hypot(*(candidates[:, None, :] - points[None, :, :]).transpose(2, 0, 1)), axis=1)
    return tuple(candidates[distance.argmax()])


def widget_pos(panel, x: float, y: float) -> QPoint:
    """Where data point (x, y) of the scatter plot is, in the plot's viewport pixels."""
    scene = panel.view_box.mapViewToScene(QPointF(x, y))
    return panel.plot_widget.mapFromScene(scene)


def pixel_size(panel) -> tuple[float, float]:
    """Data units per viewport pixel along x and y."""
    (x0, x1), (y0, y1) = panel.view_box.viewRange()
    rect = panel.view_box.sceneBoundingRect()
    return (x1 - x0) / rect.width(), (y1 - y0) / rect.height()


def activate(qtbot, window) -> None:
    """Make `window` the active one (keyboard shortcuts need it; activation also re-lays out docks)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def settle(qtbot, panel) -> None:
    """Activate the window and let the layout settle before data coordinates are mapped to pixels."""
    activate(qtbot, panel.window())
    qtbot.wait(30)
    panel.view_box.updateMatrix()


def click(qtbot, panel, x: float, y: float, button=Qt.MouseButton.LeftButton,
          modifier=Qt.KeyboardModifier.NoModifier) -> None:
    settle(qtbot, panel)
    qtbot.mouseClick(panel.plot_widget.viewport(), button, modifier, widget_pos(panel, x, y))


def drag(qtbot, panel, start: tuple[float, float], end: tuple[float, float],
         modifier=Qt.KeyboardModifier.NoModifier, steps: int = 8) -> None:
    """Press at `start`, move in steps with the left button held, release at `end` (data coordinates)."""
    viewport = panel.plot_widget.viewport()
    settle(qtbot, panel)
    a, b = widget_pos(panel, *start), widget_pos(panel, *end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    for t in np.linspace(0, 1, steps + 1)[1:]:
        pos = QPointF(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()))
        move = QMouseEvent(QEvent.Type.MouseMove, pos, viewport.mapToGlobal(pos), Qt.MouseButton.NoButton,
                           Qt.MouseButton.LeftButton, modifier)
        QApplication.sendEvent(viewport, move)
        qtbot.wait(5)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def worker_data(window):
    """(dataset, train rows, test rows) as the training worker has them."""
    return window.controller.call_in_worker(lambda experiment: (experiment.dataset,
                                                                *experiment.split_indices()))
