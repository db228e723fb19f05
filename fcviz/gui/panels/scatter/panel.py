"""Scatter panel: the data points, editable with the mouse, and what the network makes of them.

One measured input: the fitted curve (and, optionally, every hidden neuron's
curve). Two: the output as a heatmap behind the points, plus one small map
per hidden neuron. More: two chosen inputs with the mistakes marked
(classification) or predicted against actual (regression). A confusion matrix
accompanies every classification. Edits (points, test split, extra
inputs) go through the controller: they are undoable and reach the worker.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
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
    transforms_of,
    with_transforms,
)
from fcviz.core.dataset import Dataset
from fcviz.core.experiment_setup import Setup
from fcviz.core.metrics import class_labels
from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.gui import plots
from fcviz.gui.newest_wins import NewestWins, forward_work
from fcviz.gui.panels.base import ExportTarget, Panel
from fcviz.gui.panels.scatter.editor import PointEditor
from fcviz.gui.panels.scatter.maps import ConfusionMatrixPlot, NeuronMaps
from fcviz.gui.panels.scatter.modes import MODE_VIEWS, CurveView, MapView, ModeView, ScatterMode
from fcviz.gui.plots import (
    CLASS_COLORS,
    FIT_COLOR,
    REGRESSION_COLOR,
    WRONG_COLOR,
    class_color,
    make_plot_widget,
    set_axis_labels,
)
from fcviz.gui.snapshot_cache import PREDICTIONS

MAX_NEURON_CURVES = 64  # dashed curves of the first hidden neurons: a 1-4096-1 network froze the window
MAX_TEST_PERCENT = 50
SIDE_WIDTH = 220
MAX_PAIR_FEATURES = 20  # more inputs than this (pixels): the confusion matrix alone


CURVE, MAP, PAIRS, MANY = ScatterMode
SELECTED_PEN = pg.mkPen("#000000", width=2.5)
TRAIN_PEN = pg.mkPen("w", width=1.2)
HOLLOW = pg.mkBrush(255, 255, 255, 0)


def separating_pair(X: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """The two inputs whose class means differ most for their spread (a one-way ANOVA ratio), in order."""
    means = np.array([X[labels == label].mean(axis=0) for label in np.unique(labels)])
    score = means.var(axis=0) / np.maximum(X.var(axis=0), 1e-12)
    first, second = sorted(np.argsort(score)[::-1][:2])
    return int(first), int(second)


class ScatterPanel(Panel):
    """Points of the dataset (click, drag, delete), plus the fit, the output map and neuron maps."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        # made once: pyqtgraph renders a symbol for each brush and pen object it is given, and keeps it
        colors = [class_color(k) for k in range(len(CLASS_COLORS))]
        self._class_styles = [pg.mkBrush(c) for c in colors], [pg.mkPen(c, width=2) for c in colors]
        self._regression_styles = [pg.mkBrush(REGRESSION_COLOR)], [pg.mkPen(REGRESSION_COLOR, width=2)]
        self.editor = PointEditor(self)
        self.grid_forward = NewestWins(self)  # the network over the curve's or map's grid, off-thread when big
        self.predicting = NewestWins(self)    # and over the samples
        self.view_box = self.editor.view_box
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
        self.mode_view: ModeView = CurveView(self)
        self._net: Network | None = None
        self._positions = np.zeros((0, 2))  # where each data point is drawn
        self._styles: tuple[list, list] = ([], [])
        controller.data_changed.connect(self._on_data_changed)
        for key in (QKeySequence.StandardKey.Delete, QKeySequence(Qt.Key.Key_Backspace)):
            self._plot_shortcut(key, self.editor.delete_selected)
        for number in range(1, 10):
            self._plot_shortcut(QKeySequence(str(number)), lambda k=number - 1: self.editor.choose_class(k))
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

    def shutdown(self) -> None:
        """Stop computing (the window is closing)."""
        self.grid_forward.shutdown()
        self.predicting.shutdown()

    def export_targets(self) -> list[ExportTarget]:
        return [ExportTarget(self.tr("Scatter plot (PNG)…"), self.tr("Export scatter plot"), self.plot_widget)]

    def set_setup(self, setup: Setup) -> None:
        self._setup = setup
        dataset = setup.dataset
        n_base = base_count(dataset)
        pairs = dataset.is_classification and n_base <= MAX_PAIR_FEATURES
        self._mode = CURVE if n_base == 1 else MAP if n_base == 2 else PAIRS if pairs else MANY
        self.mode_view = MODE_VIEWS[self._mode](self)
        if self._mode == PAIRS:
            self._fill_pair_boxes(dataset)
        self._net = None  # the drawn snapshot's network, shared through the controller's cache
        self.grid_forward.cancel()
        self.predicting.cancel()
        self.editor.cancel()
        self._fill_class_box(dataset)
        self._set_curves(dataset)
        self._show_controls(setup)
        set_axis_labels(self.plot_widget, *self.mode_view.axis_labels(dataset))
        self._refresh_points(setup)
        self.mode_view.fit_view()
        if isinstance(self.mode_view, MapView):
            hidden = setup.layer_sizes[1:-1]
            self.neuron_maps.set_layers(hidden, setup.network_config["activations"][:-1], self.mode_view.rect,
                                        (self.mode_view.size, self.mode_view.size))
        if dataset.is_classification:
            self.confusion.set_classes(self._class_names(dataset))
        self.note.setText(self._left_out_note(dataset))

    def _left_out_note(self, dataset: Dataset) -> str:
        """Says how many samples are too large (or not finite) to draw, if any."""
        hidden = int((~plots.plottable(dataset.X)).any(axis=1).sum())
        if not dataset.is_classification:  # classes are 0/1 (1000 of them: 16 MB to look through)
            hidden += int((~plots.plottable(dataset.y)).any(axis=1).sum())
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

    def pair(self) -> list[int]:
        """The two inputs shown when there are several."""
        return [self.x_feature.currentIndex(), self.y_feature.currentIndex()]

    @Slot()
    def _on_pair_chosen(self) -> None:
        set_axis_labels(self.plot_widget, *self.mode_view.axis_labels(self._setup.dataset))
        self._refresh_points(self._setup)
        self.mode_view.fit_view()
        self._redraw()

    def _class_names(self, dataset: Dataset) -> list[str]:
        return list(dataset.classes) if dataset.classes else ["0", "1"]

    def _fill_class_box(self, dataset: Dataset) -> None:
        self.class_box.clear()
        if dataset.is_classification:
            names = self._class_names(dataset)
            self.class_box.addItems([f"{number}: {name}" if number < 10 else name
                                     for number, name in enumerate(names, 1)])
            for row in range(len(names)):
                self.class_box.setItemData(row, class_color(row), Qt.ItemDataRole.DecorationRole)

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
        if self.show_neurons.isChecked():
            self._make_neuron_curves()

    def _make_neuron_curves(self) -> None:
        """The dashed curves of the first hidden neurons, made when first shown: making 64 of them took a
        good part of opening a wide network."""
        plot = self.plot_widget.getPlotItem()
        for unit in range(len(self.neuron_curves), min(sum(self._setup.layer_sizes[1:-1]), MAX_NEURON_CURVES)):
            curve = pg.PlotDataItem(pen=pg.mkPen(class_color(unit + 2), width=1.5, style=Qt.PenStyle.DashLine))
            plot.addItem(curve)
            self.neuron_curves.append(curve)

    # --- points --------------------------------------------------------------------------------

    def _point_positions(self, dataset: Dataset) -> np.ndarray:
        return self.mode_view.point_positions(dataset)

    def _refresh_points(self, setup: Setup) -> None:
        """Draw the points of `setup` (coloured by class; test points hollow) and forget the selection."""
        dataset = setup.dataset
        shown = not (self._mode == MANY and dataset.is_classification)  # the confusion matrix stands alone
        self.points.setVisible(shown)
        self._positions = self._point_positions(dataset) if shown else np.zeros((0, 2))
        self.editor.forget_selection(len(self._positions))
        if dataset.is_classification:  # the class colours repeat: one brush and pen per colour, not per class
            filled, outlines = self._class_styles
            kinds = dataset.labels() % len(filled)
        else:
            filled, outlines = self._regression_styles
            kinds = np.zeros(dataset.n_samples, int)
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
        selected = self.editor.selected
        if selected.any():
            pens = [SELECTED_PEN if chosen else pen for pen, chosen in zip(pens, selected)]
        drawable = plots.plottable(self._positions).all(axis=1, keepdims=True)  # the rest: left out, as the note says
        self.points.setData(pos=np.where(drawable, self._positions, np.nan), brush=brushes, pen=pens)

    @Slot(object)
    def _on_data_changed(self, setup: Setup) -> None:
        self._setup = setup
        self.editor.cancel()
        self._refresh_points(setup)
        if not self.mode_view.covers(base_X(setup.dataset)):
            self.mode_view.fit_view()
            self._redraw()

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
        if shown and self._mode == CURVE and self._setup is not None:
            self._make_neuron_curves()
        for curve in self.neuron_curves:
            curve.setVisible(shown)
        self._redraw()

    @Slot(int)
    def _on_neuron_chosen(self, index: int) -> None:
        if not isinstance(self.mode_view, MapView):
            return
        self.mode_view.shown_neuron = index
        self.mode_view.set_colors()
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
        if self._setup is None or len(snapshot.params) != self._setup.initial_params.size:
            return
        self._net = self.controller.cache.network(snapshot)
        dataset = self._setup.dataset
        self.mode_view.draw(self._net)
        if self._mode == MANY or dataset.is_classification:
            net, cache = self._net, self.controller.cache
            self.predicting.run(forward_work(net, len(dataset.X)), lambda: net.predict(dataset.X),
                                lambda predicted: self._draw_predictions(cache.remember(snapshot, PREDICTIONS,
                                                                                        predicted)))

    def _draw_predictions(self, predicted: np.ndarray) -> None:
        """The mistakes, the predicted points and the confusion matrix of the drawn snapshot."""
        dataset = self._setup.dataset
        if self._mode == PAIRS:
            wrong = class_labels(predicted) != dataset.labels()
            self.mistakes.setData(pos=self._positions[wrong])
        if self._mode == MANY and not dataset.is_classification and not self.editor.dragging:
            self._positions = np.column_stack([dataset.y.ravel(), predicted.ravel()])
            self._draw_points()
            self.mode_view.cover_predictions(predicted)
        if dataset.is_classification:
            rows = self._setup.test_rows if len(self._setup.test_rows) else self._setup.train_rows
            self.confusion_title.setText(self.tr("Confusion matrix, test data") if len(self._setup.test_rows)
                                         else self.tr("Confusion matrix, training data"))
            self.confusion.draw_labels(class_labels(predicted)[rows], dataset.labels()[rows])
