"""PointEditor: the scatter plot's data points edited with the mouse and keys.

Click adds a point (of the chosen class or value), selects one (Ctrl toggles) or clears the
selection; right-click deletes; drag moves a point or the selection; Shift+drag selects a box;
Delete removes the selection, 1–9 choose the class. Like pyqtgraph's drag examples the view box
offers its mouse events to the editor first and pans only what the editor leaves. Every edit is
one undoable controller edit; the panel redraws the points when the new data comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF, Qt, Slot
from PySide6.QtWidgets import QGraphicsRectItem

from fcviz.core.data_transforms import with_base_data
from fcviz.gui.panels.scatter.modes import ScatterMode

if TYPE_CHECKING:
    from fcviz.gui.panels.scatter.panel import ScatterPanel

PICK_PIXELS = 8  # a click this close to a point's centre hits the point
MIN_POINTS = 2


class EditorViewBox(pg.ViewBox):
    """A ViewBox that offers clicks and drags to the point editor before panning."""

    def __init__(self, editor: PointEditor):
        super().__init__()
        self._editor = editor

    def mouseClickEvent(self, event):
        if not self._editor.clicked(event):
            super().mouseClickEvent(event)

    def mouseDragEvent(self, event, axis=None):
        if axis is not None or not self._editor.dragged(event):
            super().mouseDragEvent(event, axis)


class PointEditor:
    """Selection, hit tests and point edits of one ScatterPanel."""

    def __init__(self, panel: ScatterPanel):
        self.panel = panel
        self.view_box = EditorViewBox(self)
        self.selection_box = QGraphicsRectItem()
        self.selection_box.setPen(pg.mkPen("#000000", width=1, style=Qt.PenStyle.DashLine, cosmetic=True))
        self.selection_box.setVisible(False)
        self.view_box.addItem(self.selection_box, ignoreBounds=True)
        self.selected = np.zeros(0, bool)
        self._drag: tuple | None = None

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def cancel(self) -> None:
        """Forget a drag in progress (the data or the network changed under it)."""
        self._drag = None

    def forget_selection(self, count: int) -> None:
        self.selected = np.zeros(count, bool)

    def editable(self) -> bool:
        panel = self.panel
        return panel._setup is not None and panel._mode in (ScatterMode.CURVE, ScatterMode.MAP) and panel.isEnabled()

    def scene_positions(self) -> np.ndarray:
        """Scene coordinates of every point (n, 2), for hit tests."""
        self.view_box.updateMatrix()  # a resize or range change is applied lazily
        transform = self.view_box.childGroup.sceneTransform()
        positions = self.panel._positions
        x, y = positions[:, 0], positions[:, 1]
        return np.column_stack([transform.m11() * x + transform.m21() * y + transform.dx(),
                                transform.m12() * x + transform.m22() * y + transform.dy()])

    def point_at(self, scene_pos) -> int | None:
        """The point drawn under `scene_pos` (nearest within PICK_PIXELS), if any."""
        if not len(self.panel._positions):
            return None
        distance = np.hypot(*(self.scene_positions() - [scene_pos.x(), scene_pos.y()]).T)
        nearest = int(distance.argmin())
        return nearest if distance[nearest] <= PICK_PIXELS else None

    def clicked(self, event) -> bool:
        """A click in the plot: add, select or remove a point. False leaves it to the ViewBox."""
        if not self.editable():
            return False
        self.panel.plot_widget.setFocus()  # Delete and the class keys act on this plot
        row = self.point_at(event.scenePos())
        count = len(self.panel._positions)
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            if row is not None:
                toggle = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                self._select(np.arange(count) == row, toggle)
            elif self.selected.any():
                self._select(np.zeros(count, bool))
            else:
                position = self.view_box.mapSceneToView(event.scenePos())
                self.add_point(position.x(), position.y())
            return True
        if event.button() == Qt.MouseButton.RightButton and row is not None:
            event.accept()
            self._delete(self.selected if self.selected[row] else np.arange(count) == row)
            return True
        return False

    def dragged(self, event) -> bool:
        """Drag a point (or the selection) to move it; Shift+drag selects. False: the ViewBox pans."""
        if event.button() != Qt.MouseButton.LeftButton or not self.editable():
            return False
        panel = self.panel
        if event.isStart():
            start = self.view_box.mapSceneToView(event.buttonDownScenePos())
            row = self.point_at(event.buttonDownScenePos())
            if row is not None:
                rows = self.selected.copy() if self.selected[row] else np.arange(len(panel._positions)) == row
                self._drag = ("move", rows, panel._positions.copy(), start)
            elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._drag = ("box", None, None, start)
            else:
                self._drag = None
        if self._drag is None:
            return False
        event.accept()
        kind, rows, origin, start = self._drag
        now = self.view_box.mapSceneToView(event.scenePos())
        if kind == "move":
            shift = np.array([now.x() - start.x(), 0.0 if self._heights_fixed() else now.y() - start.y()])
            panel._positions = origin.copy()
            panel._positions[rows] += shift
            panel._draw_points()
        else:
            self.selection_box.setRect(QRectF(start, now).normalized())
            self.selection_box.setVisible(True)
        if event.isFinish():
            self._drag = None
            if kind == "move":
                self._commit(panel._positions, panel._setup.dataset.y, QCoreApplication.translate("ScatterPanel", "Move {count} point(s)").format(count=int(rows.sum())))  # noqa: E501 (lupdate reads the call on one line)
            else:
                self.selection_box.setVisible(False)
                rect = self.selection_box.rect()
                x, y = panel._positions[:, 0], panel._positions[:, 1]
                self._select((x >= rect.left()) & (x <= rect.right()) & (y >= rect.top()) & (y <= rect.bottom()))
        return True

    def _heights_fixed(self) -> bool:
        """One input, several classes: every point sits at probability 1; only x moves."""
        return self.panel._mode == ScatterMode.CURVE and self.panel._setup.dataset.n_outputs > 1

    def _select(self, rows: np.ndarray, toggle: bool = False) -> None:
        self.selected = self.selected ^ rows if toggle else rows.astype(bool)
        self.panel._draw_points()

    def choose_class(self, index: int) -> None:
        if index < self.panel.class_box.count():
            self.panel.class_box.setCurrentIndex(index)

    def add_point(self, x: float, y: float) -> None:
        """A new point where the plot shows (x, y), of the chosen class or value."""
        dataset = self.panel._setup.dataset
        positions = np.vstack([self.panel._point_positions(dataset), [x, y]])
        self._commit(positions, np.vstack([dataset.y, self._new_target()]), QCoreApplication.translate("ScatterPanel", "Add a point at ({x:.3g}, {y:.3g})").format(x=x, y=y))  # noqa: E501 (lupdate reads the call on one line)

    def _new_target(self) -> np.ndarray:
        panel = self.panel
        dataset = panel._setup.dataset
        if panel._mode == ScatterMode.CURVE and dataset.n_outputs == 1:
            return np.zeros(1)  # set from the point's height in _commit
        if not dataset.is_classification:
            return np.array([panel.value_box.value()])
        label = panel.class_box.currentIndex()
        return np.eye(dataset.n_outputs)[label] if dataset.n_outputs > 1 else np.array([float(label)])

    @Slot()
    def delete_selected(self) -> None:
        if self.editable() and self.selected.any():
            self._delete(self.selected)

    def _delete(self, rows: np.ndarray) -> None:
        keep = ~rows
        if keep.sum() < MIN_POINTS:
            self.panel.note.setText(QCoreApplication.translate("ScatterPanel", "At least {count} points must stay.").format(count=MIN_POINTS))  # noqa: E501 (lupdate reads the call on one line)
            return
        dataset = self.panel._setup.dataset
        self._commit(self.panel._point_positions(dataset)[keep], dataset.y[keep], QCoreApplication.translate("ScatterPanel", "Delete {count} point(s)").format(count=int(rows.sum())))  # noqa: E501 (lupdate reads the call on one line)

    def _commit(self, positions: np.ndarray, y: np.ndarray, description: str) -> None:
        """Send the edited points as one undoable edit; the worker trains on them from its next batch."""
        panel = self.panel
        dataset = panel._setup.dataset
        if panel._mode == ScatterMode.CURVE:
            X_base = positions[:, :1]
            if dataset.n_outputs == 1:
                heights = positions[:, 1]
                y = (heights >= 0.5).astype(float)[:, None] if dataset.is_classification else heights[:, None]
        else:
            X_base = positions
        panel.note.setText("")
        panel.controller.edit_data(with_base_data(dataset, X_base, y), description)
