"""Scatter panel: the data points with what the network makes of them.

One input: the fitted curve, sampled on a fixed grid over the data range.
Two inputs: a heatmap of the network's output behind the points. Points are
coloured by class.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout

from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.gui.experiment_setup import Setup
from fcviz.gui.panels.base import Panel
from fcviz.gui.plots import FIT_COLOR, REGRESSION_COLOR, class_color, make_plot_widget, set_axis_labels

CURVE_POINTS = 300
HEATMAP_SIZE = 120
MARGIN = 0.1  # of the data range, on every side
LIGHTEN = 0.6  # heatmap colours are the class colours mixed with this much white


def _padded_range(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    pad = MARGIN * (high - low) if high > low else 0.5
    return low - pad, high + pad


def _lighter(color: QColor) -> np.ndarray:
    rgb = np.array([color.red(), color.green(), color.blue()], float)
    return rgb + LIGHTEN * (255.0 - rgb)


class ScatterPanel(Panel):
    """Points of the dataset, plus the fitted curve (1 input) or an output heatmap (2 inputs)."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.plot_widget = make_plot_widget()
        self.plot_widget.setMinimumSize(200, 150)
        plot = self.plot_widget.getPlotItem()
        self.heatmap = pg.ImageItem(axisOrder="col-major")
        self.heatmap.setZValue(-10)
        plot.addItem(self.heatmap)
        self.points = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1.2))
        self.points.setZValue(10)
        plot.addItem(self.points)
        self.curves: list[pg.PlotDataItem] = []
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        layout.addWidget(self.note)
        self._net: Network | None = None
        self._grid = np.zeros((0, 1))
        self._heatmap_levels = (0.0, 1.0)
        self._classes_on_map = False
        self.catch_up()

    # --- setup: everything that depends on the data and the architecture -----------------------

    def set_setup(self, setup: Setup) -> None:
        dataset = setup.dataset
        self._net = Network.from_config(setup.network_config)
        X, y = dataset.X, dataset.y
        labels = dataset.labels() if dataset.is_classification else np.zeros(len(X), int)
        self._set_curves(dataset.n_features == 1, dataset.n_outputs, dataset.is_classification)
        self.heatmap.setVisible(dataset.n_features == 2)
        self.note.setVisible(dataset.n_features > 2)
        if dataset.n_features == 1:
            self._set_up_curve_grid(X[:, 0])
            if dataset.n_outputs > 1 and dataset.classes:
                point_y = np.ones(len(X))  # each sample sits at probability 1 of its own class' curve
                y_label = self.tr("probability")
            else:
                point_y = y[:, 0]
                y_label = dataset.target_names[0]
            set_axis_labels(self.plot_widget, dataset.feature_names[0], y_label)
            self._set_points(X[:, 0], point_y, labels, dataset.is_classification)
            y_values = np.concatenate([point_y, [0.0, 1.0]]) if dataset.is_classification else point_y
            self.plot_widget.getPlotItem().setRange(xRange=_padded_range(X[:, 0]),
                                                     yRange=_padded_range(y_values), padding=0)
        else:
            set_axis_labels(self.plot_widget, dataset.feature_names[0], dataset.feature_names[1])
            self._set_points(X[:, 0], X[:, 1], labels, dataset.is_classification)
            self.plot_widget.getPlotItem().setRange(xRange=_padded_range(X[:, 0]),
                                                     yRange=_padded_range(X[:, 1]), padding=0)
            if dataset.n_features == 2:
                self._set_up_heatmap(setup)
            else:
                self.note.setText(self.tr("Showing the first two of {n} inputs; the output map needs "
                                          "exactly two inputs.").format(n=dataset.n_features))

    def _set_curves(self, one_input: bool, n_outputs: int, classification: bool) -> None:
        plot = self.plot_widget.getPlotItem()
        for curve in self.curves:
            plot.removeItem(curve)
        self.curves = []
        if not one_input:
            return
        for output in range(n_outputs):
            color = FIT_COLOR if n_outputs == 1 else class_color(output)
            curve = pg.PlotDataItem(pen=pg.mkPen(color, width=2.5), antialias=True)
            plot.addItem(curve)
            self.curves.append(curve)

    def _set_up_curve_grid(self, x: np.ndarray) -> None:
        low, high = _padded_range(x)
        self._grid = np.linspace(low, high, CURVE_POINTS)[:, None]

    def _set_points(self, x: np.ndarray, y: np.ndarray, labels: np.ndarray, classification: bool) -> None:
        if classification:
            brushes = [pg.mkBrush(class_color(int(label))) for label in labels]
        else:
            brushes = [pg.mkBrush(REGRESSION_COLOR)] * len(x)
        self.points.setData(x=x, y=y, brush=brushes)

    def _set_up_heatmap(self, setup: Setup) -> None:
        dataset = setup.dataset
        (x0, x1), (y0, y1) = _padded_range(dataset.X[:, 0]), _padded_range(dataset.X[:, 1])
        xs, ys = np.linspace(x0, x1, HEATMAP_SIZE), np.linspace(y0, y1, HEATMAP_SIZE)
        grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")  # image[i, j] is at (xs[i], ys[j])
        self._grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.heatmap.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, dx * HEATMAP_SIZE, dy * HEATMAP_SIZE))
        self._classes_on_map = dataset.n_outputs > 1
        if self._classes_on_map:
            n = dataset.n_outputs
            lut = np.array([_lighter(class_color(k)) for k in range(n)])
            self._heatmap_levels = (-0.5, n - 0.5)
        elif dataset.is_classification:
            ramp = np.linspace(0.0, 1.0, 256)[:, None]
            lut = (1 - ramp) * _lighter(class_color(0)) + ramp * _lighter(class_color(1))
            self._heatmap_levels = (0.0, 1.0)
        else:
            lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
            low, high = float(dataset.y[:, 0].min()), float(dataset.y[:, 0].max())
            self._heatmap_levels = (low, high if high > low else low + 1.0)
        self.heatmap.setLookupTable(lut.astype(np.uint8))

    # --- drawing -------------------------------------------------------------------------------

    def draw(self, snapshot: Snapshot) -> None:
        if self._net is None or (not self.curves and not self.heatmap.isVisible()):
            return
        self._net.params[...] = snapshot.params
        outputs = self._net.predict(self._grid)
        if self.curves:
            for output, curve in enumerate(self.curves):
                curve.setData(self._grid[:, 0], outputs[:, output])
            return
        values = outputs.argmax(axis=1) if self._classes_on_map else outputs[:, 0]
        self.heatmap.setImage(values.reshape(HEATMAP_SIZE, HEATMAP_SIZE).astype(float),
                              autoLevels=False, levels=self._heatmap_levels)
