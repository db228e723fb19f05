"""Scatter panel: the data points, editable with the mouse, and what the network makes of them.

One measured input: the fitted curve (and, optionally, every hidden neuron's
curve). Two: the output as a heatmap behind the points, plus one small map
per hidden neuron. More: two chosen inputs with the mistakes marked
(classification) or predicted against actual (regression). A confusion matrix
accompanies every classification. Edits (points, test split, extra
inputs) go through the controller: they are undoable and reach the worker.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from fcviz.core.data_transforms import (
    PRODUCT,
    SINE,
    SQUARE,
    available,
    base_count,
    base_X,
    expand,
    transforms_of,
    with_base_data,
    with_transforms,
)
from fcviz.core.dataset import Dataset
from fcviz.core.experiment_setup import Setup
from fcviz.core.metrics import class_labels
from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.gui import plots
from fcviz.gui.panels.base import Panel
from fcviz.gui.panels.scatter.maps import ConfusionMatrixPlot, NeuronMaps, activation_levels
from fcviz.gui.plots import (
    FIT_COLOR,
    REGRESSION_COLOR,
    WRONG_COLOR,
    class_color,
    diverging_lut,
    lighter,
    make_plot_widget,
    set_axis_labels,
)

CURVE_POINTS = 300
HEATMAP_SIZE = 100
MARGIN = 0.1  # of the data range, on every side
MAX_NEURON_CURVES = 64  # dashed curves of the first hidden neurons: a 1-4096-1 network froze the window
PICK_PIXELS = 8  # a click this close to a point's centre hits the point
MIN_POINTS = 2
MAX_TEST_PERCENT = 50
REGRESSION_STEPS = 10  # colour bands of a discretized regression map
SIDE_WIDTH = 220
MAX_PAIR_FEATURES = 20  # more inputs than this (pixels): the confusion matrix alone


class ScatterMode(str, Enum):
    """How the data is drawn, by the number of (base) inputs."""

    CURVE = "curve"   # 1 input: points and the fitted curve
    MAP = "map"       # 2 inputs: points over the prediction heatmap
    PAIRS = "pairs"   # several: a chosen pair of inputs
    MANY = "many"     # many (pixels): predicted vs actual, or the confusion matrix


CURVE, MAP, PAIRS, MANY = ScatterMode
SELECTED_PEN = pg.mkPen("#000000", width=2.5)
TRAIN_PEN = pg.mkPen("w", width=1.2)
HOLLOW = pg.mkBrush(255, 255, 255, 0)


def padded_range(values: np.ndarray) -> tuple[float, float]:
    return plots.padded_range(values, MARGIN)


def separating_pair(X: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """The two inputs whose class means differ most for their spread (a one-way ANOVA ratio), in order."""
    means = np.array([X[labels == label].mean(axis=0) for label in np.unique(labels)])
    score = means.var(axis=0) / np.maximum(X.var(axis=0), 1e-12)
    first, second = sorted(np.argsort(score)[::-1][:2])
    return int(first), int(second)


class EditableViewBox(pg.ViewBox):
    """A ViewBox that offers clicks and drags to the panel's point editor before panning."""

    def __init__(self, panel: "ScatterPanel"):
        super().__init__()
        self._panel = panel

    def mouseClickEvent(self, event):
        if not self._panel.view_clicked(event):
            super().mouseClickEvent(event)

    def mouseDragEvent(self, event, axis=None):
        if axis is not None or not self._panel.view_dragged(event):
            super().mouseDragEvent(event, axis)


class ScatterPanel(Panel):
    """Points of the dataset (click, drag, delete), plus the fit, the output map and neuron maps."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.view_box = EditableViewBox(self)
        self.plot_widget = make_plot_widget(viewBox=self.view_box)
        self.plot_widget.setMinimumSize(200, 150)
        plot = self.plot_widget.getPlotItem()
        self.heatmap = pg.ImageItem(axisOrder="col-major")
        self.heatmap.setZValue(-10)
        plot.addItem(self.heatmap)
        self.diagonal = pg.PlotDataItem(pen=pg.mkPen(FIT_COLOR, width=1.5, style=Qt.PenStyle.DashLine))
        plot.addItem(self.diagonal)
        self.points = pg.ScatterPlotItem(size=10)
        self.points.setZValue(10)
        plot.addItem(self.points)
        self.mistakes = pg.ScatterPlotItem(symbol="x", size=9, pen=pg.mkPen(WRONG_COLOR, width=1.5),
                                           brush=pg.mkBrush(WRONG_COLOR))
        self.mistakes.setZValue(11)
        plot.addItem(self.mistakes)
        self.selection_box = QGraphicsRectItem()
        self.selection_box.setPen(pg.mkPen("#000000", width=1, style=Qt.PenStyle.DashLine, cosmetic=True))
        self.selection_box.setVisible(False)
        self.view_box.addItem(self.selection_box, ignoreBounds=True)
        self.curves: list[pg.PlotDataItem] = []
        self.neuron_curves: list[pg.PlotDataItem] = []
        self.neuron_maps = NeuronMaps()
        self.neuron_maps.chosen.connect(self._on_neuron_chosen)
        self.confusion = ConfusionMatrixPlot()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self._create_controls()
        self._lay_out()

        self._setup: Setup | None = None
        self._mode = CURVE
        self._net: Network | None = None
        self._grid = np.zeros((0, 1))    # the network's inputs at the curve/map sample points
        self._grid_x = np.zeros(0)       # the curve's x values
        self._levels = (0.0, 1.0)
        self._map_rect = QRectF()
        self._positions = np.zeros((0, 2))  # where each data point is drawn
        self._prediction_view = (0.0, 1.0)  # the square predicted-vs-actual shows
        self._selected = np.zeros(0, bool)
        self._drag: tuple | None = None
        self._shown_neuron = -1
        self._styles: tuple[list, list] = ([], [])
        controller.data_changed.connect(self._on_data_changed)
        for key in (QKeySequence.StandardKey.Delete, QKeySequence(Qt.Key.Key_Backspace)):
            self._plot_shortcut(key, self.delete_selected)
        for number in range(1, 10):
            self._plot_shortcut(QKeySequence(str(number)), lambda k=number - 1: self._choose_class(k))
        self.catch_up()

    def _plot_shortcut(self, key, action) -> None:
        """A key that acts only while the plot has the keyboard focus."""
        shortcut = QShortcut(key, self.plot_widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(action)

    def _create_controls(self) -> None:
        self.class_label = QLabel(self.tr("New points:"))
        self.class_box = QComboBox()
        self.class_box.setToolTip(self.tr("Class of the points you add (keys 1–9 choose it too)"))
        self.value_box = QDoubleSpinBox()
        self.value_box.setRange(-1e6, 1e6)
        self.value_box.setDecimals(3)
        self.value_box.setToolTip(self.tr("Target value of the points you add"))
        self.test_slider = QSlider(Qt.Orientation.Horizontal)
        self.test_slider.setRange(0, MAX_TEST_PERCENT)
        self.test_slider.setSingleStep(5)
        self.test_slider.setPageStep(10)
        self.test_slider.setTracking(False)  # one undoable edit when released, not one per pixel
        self.test_slider.setMaximumWidth(160)
        self.test_slider.setToolTip(self.tr("Share of the points held out for testing (drawn hollow)"))
        self.test_slider.valueChanged.connect(self._on_test_percent_chosen)
        self.test_slider.sliderMoved.connect(self._show_test_percent)
        self.test_label = QLabel()
        self.discretize = QCheckBox(self.tr("Discretize"))
        self.discretize.setToolTip(self.tr("Show the decided class (or value bands) instead of a smooth map"))
        self.discretize.toggled.connect(self._redraw)
        self.show_neurons = QCheckBox(self.tr("Hidden neurons"))
        self.show_neurons.setToolTip(self.tr("Draw every hidden neuron's activation as a dashed curve"))
        self.show_neurons.toggled.connect(self._on_show_neurons_toggled)
        self.pair_label = QLabel(self.tr("Inputs shown:"))
        self.x_feature, self.y_feature = QComboBox(), QComboBox()
        for box in (self.x_feature, self.y_feature):
            box.setToolTip(self.tr("Which two inputs the plot shows; red crosses mark wrong predictions"))
            box.activated.connect(self._on_pair_chosen)
        self.transforms_label = QLabel(self.tr("Extra inputs:"))
        self.transform_boxes = {SQUARE: QCheckBox(self.tr("x²")), PRODUCT: QCheckBox(self.tr("x1·x2")),
                                SINE: QCheckBox(self.tr("sin(x)"))}
        for box in self.transform_boxes.values():
            box.setToolTip(self.tr("Feed the network this function of the inputs as extra input columns"))
            box.toggled.connect(self._on_transforms_toggled)
        self.hint = QLabel(self.tr("ⓘ"))
        self.hint.setToolTip(self.tr(
            "Click: add a point · drag a point: move it · Shift+drag: select several, then drag or delete them · "
            "right-click or Delete: remove · drag elsewhere: pan · wheel: zoom · Ctrl+Z: undo"))

    def _lay_out(self) -> None:
        edit_row = QHBoxLayout()
        for widget in (self.class_label, self.class_box, self.value_box, QLabel(self.tr("Test data:")),
                       self.test_slider, self.test_label):
            edit_row.addWidget(widget)
        edit_row.addStretch(1)
        edit_row.addWidget(self.hint)
        view_row = QHBoxLayout()
        view_row.addWidget(self.discretize)
        view_row.addWidget(self.show_neurons)
        for widget in (self.pair_label, self.x_feature, self.y_feature):
            view_row.addWidget(widget)
        view_row.addWidget(self.transforms_label)
        for box in self.transform_boxes.values():
            view_row.addWidget(box)
        view_row.addStretch(1)
        self.side = QWidget()
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.maps_title = QLabel(self.tr("Hidden neurons"))
        self.maps_title.setToolTip(self.tr("Each map shows one hidden neuron's activation; click one to show it large"))
        self.confusion_title = QLabel()
        for widget, stretch in ((self.maps_title, 0), (self.neuron_maps, 3), (self.confusion_title, 0),
                                (self.confusion.widget, 2)):
            side_layout.addWidget(widget, stretch)
        body = QHBoxLayout()
        body.addWidget(self.plot_widget, 3)
        body.addWidget(self.side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(edit_row)
        layout.addLayout(view_row)
        layout.addLayout(body, 1)
        layout.addWidget(self.note)

    # --- setup: everything that depends on the data and the architecture -----------------------

    def set_setup(self, setup: Setup) -> None:
        self._setup = setup
        dataset = setup.dataset
        n_base = base_count(dataset)
        pairs = dataset.is_classification and n_base <= MAX_PAIR_FEATURES
        self._mode = CURVE if n_base == 1 else MAP if n_base == 2 else PAIRS if pairs else MANY
        if self._mode == PAIRS:
            self._fill_pair_boxes(dataset)
        self._net = setup.network()
        self._shown_neuron = -1
        self._drag = None
        self._fill_class_box(dataset)
        self._set_curves(dataset)
        self._show_controls(setup)
        self._set_labels(dataset)
        self._refresh_points(setup)
        self._fit_grid()
        if self._mode == MAP:
            hidden = setup.layer_sizes[1:-1]
            self.neuron_maps.set_layers(hidden, setup.network_config["activations"][:-1], self._map_rect,
                                        (HEATMAP_SIZE, HEATMAP_SIZE))
        if dataset.is_classification:
            self.confusion.set_classes(self._class_names(dataset))
        self.note.setText(self._left_out_note(dataset))

    def _left_out_note(self, dataset: Dataset) -> str:
        """Says how many samples are too large (or not finite) to draw, if any."""
        hidden = int((~plots.plottable(dataset.X)).any(axis=1).sum() + (~plots.plottable(dataset.y)).any(axis=1).sum())
        if not hidden:
            return ""
        return self.tr("{count} samples hold values beyond ±1e150 and are left out of the plot's range").format(
            count=hidden)

    def _fill_pair_boxes(self, dataset: Dataset) -> None:
        first, second = separating_pair(dataset.X, dataset.labels())
        for box, chosen in ((self.x_feature, first), (self.y_feature, second)):
            box.clear()
            box.addItems(list(dataset.feature_names))
            box.setCurrentIndex(chosen)

    def _pair(self) -> list[int]:
        return [self.x_feature.currentIndex(), self.y_feature.currentIndex()]

    @Slot()
    def _on_pair_chosen(self) -> None:
        self._set_labels(self._setup.dataset)
        self._refresh_points(self._setup)
        self._fit_grid()
        self._redraw()

    def _class_names(self, dataset: Dataset) -> list[str]:
        return list(dataset.classes) if dataset.classes else ["0", "1"]

    def _fill_class_box(self, dataset: Dataset) -> None:
        self.class_box.clear()
        if dataset.is_classification:
            for number, name in enumerate(self._class_names(dataset), 1):
                self.class_box.addItem(f"{number}: {name}" if number < 10 else name)
                self.class_box.setItemData(number - 1, class_color(number - 1), Qt.ItemDataRole.DecorationRole)

    def _show_controls(self, setup: Setup) -> None:
        dataset, mode = setup.dataset, self._mode
        classification = dataset.is_classification
        picks_class = classification and (mode == MAP or dataset.n_outputs > 1)
        self.class_box.setVisible(picks_class and mode in (CURVE, MAP))
        self.value_box.setVisible(mode == MAP and not classification)
        self.class_label.setVisible(self.class_box.isVisibleTo(self) or self.value_box.isVisibleTo(self))
        self.discretize.setVisible(mode == MAP)
        self.show_neurons.setVisible(mode == CURVE and len(setup.layer_sizes) > 2)
        self.hint.setVisible(mode in (CURVE, MAP))
        for widget in (self.pair_label, self.x_feature, self.y_feature):
            widget.setVisible(mode == PAIRS)
        allowed = available(base_count(dataset)) if mode in (CURVE, MAP) else ()
        chosen = transforms_of(dataset)
        self.transforms_label.setVisible(bool(allowed))
        for name, box in self.transform_boxes.items():
            box.blockSignals(True)
            box.setVisible(name in allowed)
            box.setChecked(name in chosen)
            box.blockSignals(False)
        self._show_test_percent(round(100 * setup.test_fraction))
        self.test_slider.blockSignals(True)
        self.test_slider.setValue(round(100 * setup.test_fraction))
        self.test_slider.blockSignals(False)
        many_classes = mode == MANY and classification
        self.plot_widget.setVisible(not many_classes)
        self.maps_title.setVisible(mode == MAP)
        self.neuron_maps.setVisible(mode == MAP)
        self.confusion_title.setVisible(classification)
        self.confusion.widget.setVisible(classification)
        self.side.setVisible(mode == MAP or classification)
        self.side.setMaximumWidth(16777215 if many_classes else SIDE_WIDTH)
        self.heatmap.setVisible(mode == MAP)
        self.diagonal.setVisible(mode == MANY and not classification)
        self.mistakes.setVisible(mode == PAIRS)

    def _set_labels(self, dataset: Dataset) -> None:
        names = dataset.feature_names
        if self._mode == CURVE:
            multi = dataset.n_outputs > 1
            set_axis_labels(self.plot_widget, names[0], self.tr("probability") if multi else dataset.target_names[0])
        elif self._mode == MAP:
            set_axis_labels(self.plot_widget, names[0], names[1])
        elif self._mode == PAIRS:
            set_axis_labels(self.plot_widget, *(names[k] for k in self._pair()))
        else:
            set_axis_labels(self.plot_widget, self.tr("actual"), self.tr("predicted"))

    def _set_curves(self, dataset: Dataset) -> None:
        plot = self.plot_widget.getPlotItem()
        for curve in self.curves + self.neuron_curves:
            plot.removeItem(curve)
        self.curves, self.neuron_curves = [], []
        if self._mode != CURVE:
            return
        for output in range(dataset.n_outputs):
            color = FIT_COLOR if dataset.n_outputs == 1 else class_color(output)
            curve = pg.PlotDataItem(pen=pg.mkPen(color, width=2.5), antialias=True)
            plot.addItem(curve)
            self.curves.append(curve)
        for unit in range(min(sum(self._setup.layer_sizes[1:-1]), MAX_NEURON_CURVES)):
            curve = pg.PlotDataItem(pen=pg.mkPen(class_color(unit + 2), width=1.5, style=Qt.PenStyle.DashLine))
            curve.setVisible(self.show_neurons.isChecked())
            plot.addItem(curve)
            self.neuron_curves.append(curve)

    def _fit_grid(self) -> None:
        """Sample points for the curve or map over the data's range, and the view to match."""
        dataset = self._setup.dataset
        plot = self.plot_widget.getPlotItem()
        X = base_X(dataset)
        transforms = transforms_of(dataset)
        if self._mode == CURVE:
            low, high = padded_range(X[:, 0])
            self._grid_x = np.linspace(low, high, CURVE_POINTS)
            self._grid = expand(self._grid_x[:, None], transforms)
            heights = self._positions[:, 1]
            if dataset.is_classification:
                heights = np.concatenate([heights, [0.0, 1.0]])
            plot.setRange(xRange=(low, high), yRange=padded_range(heights), padding=0)
        elif self._mode == MAP:
            (x0, x1), (y0, y1) = padded_range(X[:, 0]), padded_range(X[:, 1])
            xs, ys = np.linspace(x0, x1, HEATMAP_SIZE), np.linspace(y0, y1, HEATMAP_SIZE)
            grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")  # image[i, j] is at (xs[i], ys[j])
            self._grid = expand(np.column_stack([grid_x.ravel(), grid_y.ravel()]), transforms)
            self._set_map_colors()
            dx, dy = xs[1] - xs[0], ys[1] - ys[0]
            # setRect scales by the current image's size: an image of the final shape must be in place
            # first, else one pixel would cover the whole plot (a flat, single-colour map).
            self.heatmap.setImage(np.zeros((HEATMAP_SIZE, HEATMAP_SIZE)), autoLevels=False, levels=self._levels)
            self._map_rect = QRectF(x0 - dx / 2, y0 - dy / 2, dx * HEATMAP_SIZE, dy * HEATMAP_SIZE)
            self.heatmap.setRect(self._map_rect)
            plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        elif self._mode == PAIRS:
            plot.setRange(xRange=padded_range(self._positions[:, 0]), yRange=padded_range(self._positions[:, 1]),
                          padding=0)
        else:
            values = dataset.y.ravel()
            low, high = padded_range(values)
            self._prediction_view = (low, high)
            self.diagonal.setData([low, high], [low, high])
            plot.setRange(xRange=(low, high), yRange=(low, high), padding=0)

    def _set_map_colors(self) -> None:
        """The big map's colours: the chosen hidden neuron's, or the output's."""
        dataset = self._setup.dataset
        if self._shown_neuron >= 0:
            lut = diverging_lut()
        elif dataset.n_outputs > 1:
            n = dataset.n_outputs
            lut = np.array([lighter(class_color(k)) for k in range(n)])
            self._levels = (-0.5, n - 0.5)
        elif dataset.is_classification:
            ramp = np.linspace(0.0, 1.0, 256)[:, None]
            lut = (1 - ramp) * lighter(class_color(0)) + ramp * lighter(class_color(1))
            self._levels = (0.0, 1.0)
        else:
            lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
            low, high = float(dataset.y[:, 0].min()), float(dataset.y[:, 0].max())
            self._levels = (low, high if high > low else low + 1.0)
        self.heatmap.setLookupTable(np.asarray(lut).astype(np.uint8))

    # --- points --------------------------------------------------------------------------------

    def _point_positions(self, dataset: Dataset) -> np.ndarray:
        X = base_X(dataset)
        if self._mode == CURVE:
            heights = np.ones(len(X)) if dataset.n_outputs > 1 else dataset.y[:, 0]
            return np.column_stack([X[:, 0], heights])
        if self._mode == MAP:
            return X[:, :2].copy()
        if self._mode == PAIRS:
            return X[:, self._pair()]
        return np.column_stack([dataset.y.ravel(), dataset.y.ravel()])

    def _refresh_points(self, setup: Setup) -> None:
        """Draw the points of `setup` (coloured by class; test points hollow) and forget the selection."""
        dataset = setup.dataset
        shown = not (self._mode == MANY and dataset.is_classification)  # the confusion matrix stands alone
        self.points.setVisible(shown)
        self._positions = self._point_positions(dataset) if shown else np.zeros((0, 2))
        self._selected = np.zeros(len(self._positions), bool)
        if dataset.is_classification:
            palette, kinds = [class_color(k) for k in range(max(dataset.n_outputs, 2))], dataset.labels()
        else:
            palette, kinds = [pg.mkColor(REGRESSION_COLOR)], np.zeros(dataset.n_samples, int)
        filled, outlines = [pg.mkBrush(c) for c in palette], [pg.mkPen(c, width=2) for c in palette]
        test = np.zeros(dataset.n_samples, bool)
        test[setup.test_rows] = True
        brushes = [HOLLOW if held_out else filled[kind] for kind, held_out in zip(kinds, test)]
        pens = [outlines[kind] if held_out else TRAIN_PEN for kind, held_out in zip(kinds, test)]
        repeat = dataset.n_outputs if self._mode == MANY else 1  # predicted-vs-actual: one point per output
        self._styles = ([b for b in brushes for _ in range(repeat)], [p for p in pens for _ in range(repeat)])
        if shown:
            self._draw_points()
        else:
            self.points.clear()

    def _draw_points(self) -> None:
        brushes, pens = self._styles
        if self._selected.any():
            pens = [SELECTED_PEN if chosen else pen for pen, chosen in zip(pens, self._selected)]
        drawable = plots.plottable(self._positions).all(axis=1, keepdims=True)  # the rest: left out, as the note says
        self.points.setData(pos=np.where(drawable, self._positions, np.nan), brush=brushes, pen=pens)

    @Slot(object)
    def _on_data_changed(self, setup: Setup) -> None:
        self._setup = setup
        self._drag = None
        self._refresh_points(setup)
        if self._mode in (CURVE, MAP) and not self._grid_covers(base_X(setup.dataset)):
            self._fit_grid()
            self._redraw()

    def _grid_covers(self, X: np.ndarray) -> bool:
        if self._mode == CURVE:
            return bool(self._grid_x[0] <= X[:, 0].min() and X[:, 0].max() <= self._grid_x[-1])
        rect = self._map_rect
        return bool(rect.left() <= X[:, 0].min() and X[:, 0].max() <= rect.right()
                    and rect.top() <= X[:, 1].min() and X[:, 1].max() <= rect.bottom())

    # --- editing with the mouse and keys -----------------------------------------------------------

    def editable(self) -> bool:
        return self._setup is not None and self._mode in (CURVE, MAP) and self.isEnabled()

    def scene_positions(self) -> np.ndarray:
        """Scene coordinates of every point (n, 2), for hit tests."""
        self.view_box.updateMatrix()  # a resize or range change is applied lazily
        transform = self.view_box.childGroup.sceneTransform()
        x, y = self._positions[:, 0], self._positions[:, 1]
        return np.column_stack([transform.m11() * x + transform.m21() * y + transform.dx(),
                                transform.m12() * x + transform.m22() * y + transform.dy()])

    def point_at(self, scene_pos) -> int | None:
        """The point drawn under `scene_pos` (nearest within PICK_PIXELS), if any."""
        if not len(self._positions):
            return None
        distance = np.hypot(*(self.scene_positions() - [scene_pos.x(), scene_pos.y()]).T)
        nearest = int(distance.argmin())
        return nearest if distance[nearest] <= PICK_PIXELS else None

    def view_clicked(self, event) -> bool:
        """A click in the plot: add, select or remove a point. False leaves it to the ViewBox."""
        if not self.editable():
            return False
        self.plot_widget.setFocus()  # Delete and the class keys act on this plot
        row = self.point_at(event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            if row is not None:
                toggle = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                self._select(np.arange(len(self._positions)) == row, toggle)
            elif self._selected.any():
                self._select(np.zeros(len(self._positions), bool))
            else:
                position = self.view_box.mapSceneToView(event.scenePos())
                self.add_point(position.x(), position.y())
            return True
        if event.button() == Qt.MouseButton.RightButton and row is not None:
            event.accept()
            self._delete(self._selected if self._selected[row] else np.arange(len(self._positions)) == row)
            return True
        return False

    def view_dragged(self, event) -> bool:
        """Drag a point (or the selection) to move it; Shift+drag selects. False: the ViewBox pans."""
        if event.button() != Qt.MouseButton.LeftButton or not self.editable():
            return False
        if event.isStart():
            start = self.view_box.mapSceneToView(event.buttonDownScenePos())
            row = self.point_at(event.buttonDownScenePos())
            if row is not None:
                rows = self._selected.copy() if self._selected[row] else np.arange(len(self._positions)) == row
                self._drag = ("move", rows, self._positions.copy(), start)
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
            self._positions = origin.copy()
            self._positions[rows] += shift
            self._draw_points()
        else:
            self.selection_box.setRect(QRectF(start, now).normalized())
            self.selection_box.setVisible(True)
        if event.isFinish():
            self._drag = None
            if kind == "move":
                self._commit(self._positions, self._setup.dataset.y,
                             self.tr("Move {count} point(s)").format(count=int(rows.sum())))
            else:
                self.selection_box.setVisible(False)
                rect = self.selection_box.rect()
                x, y = self._positions[:, 0], self._positions[:, 1]
                self._select((x >= rect.left()) & (x <= rect.right()) & (y >= rect.top()) & (y <= rect.bottom()))
        return True

    def _heights_fixed(self) -> bool:
        """One input, several classes: every point sits at probability 1; only x moves."""
        return self._mode == CURVE and self._setup.dataset.n_outputs > 1

    def _select(self, rows: np.ndarray, toggle: bool = False) -> None:
        self._selected = self._selected ^ rows if toggle else rows.astype(bool)
        self._draw_points()

    def _choose_class(self, index: int) -> None:
        if index < self.class_box.count():
            self.class_box.setCurrentIndex(index)

    def add_point(self, x: float, y: float) -> None:
        """A new point where the plot shows (x, y), of the chosen class or value."""
        dataset = self._setup.dataset
        positions = np.vstack([self._point_positions(dataset), [x, y]])
        self._commit(positions, np.vstack([dataset.y, self._new_target()]),
                     self.tr("Add a point at ({x:.3g}, {y:.3g})").format(x=x, y=y))

    def _new_target(self) -> np.ndarray:
        dataset = self._setup.dataset
        if self._mode == CURVE and dataset.n_outputs == 1:
            return np.zeros(1)  # set from the point's height in _commit
        if not dataset.is_classification:
            return np.array([self.value_box.value()])
        label = self.class_box.currentIndex()
        return np.eye(dataset.n_outputs)[label] if dataset.n_outputs > 1 else np.array([float(label)])

    @Slot()
    def delete_selected(self) -> None:
        if self.editable() and self._selected.any():
            self._delete(self._selected)

    def _delete(self, rows: np.ndarray) -> None:
        keep = ~rows
        if keep.sum() < MIN_POINTS:
            self.note.setText(self.tr("At least {count} points must stay.").format(count=MIN_POINTS))
            return
        dataset = self._setup.dataset
        self._commit(self._point_positions(dataset)[keep], dataset.y[keep],
                     self.tr("Delete {count} point(s)").format(count=int(rows.sum())))

    def _commit(self, positions: np.ndarray, y: np.ndarray, description: str) -> None:
        """Send the edited points as one undoable edit; the worker trains on them from its next batch."""
        dataset = self._setup.dataset
        if self._mode == CURVE:
            X_base = positions[:, :1]
            if dataset.n_outputs == 1:
                heights = positions[:, 1]
                y = (heights >= 0.5).astype(float)[:, None] if dataset.is_classification else heights[:, None]
        else:
            X_base = positions
        self.note.setText("")
        self.controller.edit_data(with_base_data(dataset, X_base, y), description)

    # --- other edits ---------------------------------------------------------------------------

    @Slot(int)
    def _show_test_percent(self, percent: int) -> None:
        self.test_label.setText(self.tr("{percent} %").format(percent=percent))

    @Slot(int)
    def _on_test_percent_chosen(self, percent: int) -> None:
        self._show_test_percent(percent)
        self.controller.edit_data(self._setup.dataset, self.tr("Hold out {percent} % for testing")
                                  .format(percent=percent), test_fraction=percent / 100)

    @Slot()
    def _on_transforms_toggled(self) -> None:
        chosen = [name for name, box in self.transform_boxes.items() if box.isChecked()]
        self.controller.replace_dataset(with_transforms(self._setup.dataset, chosen),
                                        self.tr("Change the extra inputs"), title=self._setup.title)

    @Slot(bool)
    def _on_show_neurons_toggled(self, shown: bool) -> None:
        for curve in self.neuron_curves:
            curve.setVisible(shown)
        self._redraw()

    @Slot(int)
    def _on_neuron_chosen(self, index: int) -> None:
        self._shown_neuron = index
        self._set_map_colors()
        layers = self._setup.layer_sizes[1:-1]
        if index >= 0:
            layer = int(np.searchsorted(np.cumsum(layers), index, side="right"))
            unit = index - sum(layers[:layer]) + 1
            self.note.setText(self.tr("The large map shows neuron {unit} of hidden layer {layer}; "
                                      "click its small map again for the output.").format(unit=unit, layer=layer + 1))
        else:
            self.note.setText(self._left_out_note(self._setup.dataset))
        self._redraw()

    # --- drawing -------------------------------------------------------------------------------

    @Slot()
    def _redraw(self) -> None:
        self.draw(self.controller.latest)

    def draw(self, snapshot: Snapshot) -> None:
        if self._net is None or len(snapshot.params) != self._net.params.size:
            return
        self._net.params[...] = snapshot.params
        dataset = self._setup.dataset
        if self._mode == CURVE:
            self._draw_curves()
        elif self._mode == MAP:
            self._draw_maps()
        if self._mode == MANY or dataset.is_classification:
            predicted = self._net.predict(dataset.X)
            if self._mode == PAIRS:
                wrong = class_labels(predicted) != dataset.labels()
                self.mistakes.setData(pos=self._positions[wrong])
            if self._mode == MANY and not dataset.is_classification and self._drag is None:
                self._positions = np.column_stack([dataset.y.ravel(), predicted.ravel()])
                self._draw_points()
                self._cover_predictions(predicted)
            if dataset.is_classification:
                rows = self._setup.test_rows if len(self._setup.test_rows) else self._setup.train_rows
                self.confusion_title.setText(self.tr("Confusion matrix, test data") if len(self._setup.test_rows)
                                             else self.tr("Confusion matrix, training data"))
                self.confusion.draw(predicted[rows], dataset.y[rows])

    def _cover_predictions(self, predicted: np.ndarray) -> None:
        """Widen predicted-vs-actual to show every prediction (within 10 target spans, so a
        diverging network cannot shrink the targets to a dot)."""
        targets = self._setup.dataset.y.ravel()
        low, high = float(targets.min()), float(targets.max())
        span = max(high - low, 1e-12)
        shown = np.clip(predicted[np.isfinite(predicted)], low - 10 * span, high + 10 * span)
        view = padded_range(np.concatenate([targets, shown]))
        if view != self._prediction_view:
            self._prediction_view = view
            self.plot_widget.getPlotItem().setRange(xRange=view, yRange=view, padding=0)
            self.diagonal.setData(list(view), list(view))

    def _draw_curves(self) -> None:
        trace = self._net.forward(self._grid)
        outputs = trace[-1][1]
        for output, curve in enumerate(self.curves):
            curve.setData(self._grid_x, outputs[output])
        if self.show_neurons.isChecked() and self.neuron_curves:
            hidden = np.vstack([a for _, a in trace[:-1]])
            for values, curve in zip(hidden, self.neuron_curves):
                curve.setData(self._grid_x, values)

    def _draw_maps(self) -> None:
        trace = self._net.forward(self._grid)
        hidden = [a for _, a in trace[:-1]]
        shape = (HEATMAP_SIZE, HEATMAP_SIZE)
        self.neuron_maps.draw(hidden, shape)
        if self._shown_neuron >= 0:
            values = np.vstack(hidden)[self._shown_neuron].reshape(shape)
            activation = self.neuron_maps.activations[self._shown_neuron]
            self.heatmap.setImage(values, autoLevels=False, levels=activation_levels(activation, values))
            return
        self.heatmap.setImage(self.output_map(trace[-1][1]), autoLevels=False, levels=self._levels)

    def output_map(self, outputs: np.ndarray) -> np.ndarray:
        """The big map's values from the outputs (n_outputs, grid points): class, probability or value."""
        dataset = self._setup.dataset
        if dataset.n_outputs > 1:
            values = outputs.argmax(axis=0).astype(float)
        elif not self.discretize.isChecked():
            values = outputs[0]
        elif dataset.is_classification:
            values = (outputs[0] >= 0.5).astype(float)
        else:
            low, high = self._levels
            step = (high - low) / REGRESSION_STEPS
            values = low + (np.floor((outputs[0] - low) / step) + 0.5) * step
        return values.reshape(HEATMAP_SIZE, HEATMAP_SIZE)
