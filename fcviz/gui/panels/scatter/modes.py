"""How the scatter panel draws the data, by the number of (base) inputs: one view per mode."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF

from fcviz.core.data_transforms import base_X, expand, transforms_of
from fcviz.core.dataset import Dataset
from fcviz.core.network import Network
from fcviz.gui import plots
from fcviz.gui.panels.scatter.maps import activation_levels
from fcviz.gui.plots import CLASS_COLORS, class_color, diverging_lut, lighter

if TYPE_CHECKING:
    from fcviz.gui.panels.scatter.panel import ScatterPanel

CURVE_POINTS = 300
HEATMAP_SIZE = 100
# The map is HEATMAP_SIZE² grid points unless the outputs are many: one class map costs
# grid points × outputs, and 1000 classes at 100 × 100 kept the window from answering for seconds.
MAX_MAP_OUTPUTS = 400_000
MIN_MAP_SIZE = 16
MARGIN = 0.1  # of the data range, on every side
REGRESSION_STEPS = 10  # colour bands of a discretized regression map


def map_size(n_outputs: int) -> int:
    """Grid points along each side of the map for a network of `n_outputs` outputs."""
    return int(np.clip(np.sqrt(MAX_MAP_OUTPUTS / max(n_outputs, 1)), MIN_MAP_SIZE, HEATMAP_SIZE))


class ScatterMode(str, Enum):
    """How the data is drawn, by the number of (base) inputs."""

    CURVE = "curve"   # 1 input: points and the fitted curve
    MAP = "map"       # 2 inputs: points over the prediction heatmap
    PAIRS = "pairs"   # several: a chosen pair of inputs
    MANY = "many"     # many (pixels): predicted vs actual, or the confusion matrix


def padded_range(values: np.ndarray) -> tuple[float, float]:
    return plots.padded_range(values, MARGIN)


class ModeView:
    """What one mode of the scatter panel draws over the points: where the points go, the axis
    labels, the view range and sample grid, and the network's prediction per snapshot. The panel
    keeps the plot items and the controls; it asks the view of its current mode."""

    mode: ScatterMode

    def __init__(self, panel: ScatterPanel):
        self.panel = panel

    @property
    def dataset(self) -> Dataset:
        return self.panel._setup.dataset

    def point_positions(self, dataset: Dataset) -> np.ndarray:
        raise NotImplementedError

    def axis_labels(self, dataset: Dataset) -> tuple[str, str]:
        raise NotImplementedError

    def fit_view(self) -> None:
        """Sample points over the data's range (for the curve or map) and the view to match."""

    def covers(self, X: np.ndarray) -> bool:
        """True if the sample grid still spans the (edited) inputs X."""
        return True

    def draw(self, net: Network) -> None:
        """The prediction of `net` (holding the snapshot's weights) over the grid."""

    def _set_range(self, x_range, y_range) -> None:
        self.panel.plot_widget.getPlotItem().setRange(xRange=x_range, yRange=y_range, padding=0)


class CurveView(ModeView):
    """One input: the points at their target (or at 1 for several classes) and the fitted curve(s)."""

    mode = ScatterMode.CURVE

    def __init__(self, panel: ScatterPanel):
        super().__init__(panel)
        self.grid = np.zeros((0, 1))  # the network's inputs at the curve's points
        self.grid_x = np.zeros(0)

    def point_positions(self, dataset: Dataset) -> np.ndarray:
        X = base_X(dataset)
        heights = np.ones(len(X)) if dataset.n_outputs > 1 else dataset.y[:, 0]
        return np.column_stack([X[:, 0], heights])

    def axis_labels(self, dataset: Dataset) -> tuple[str, str]:
        probability = QCoreApplication.translate("ScatterPanel", "probability")
        return dataset.feature_names[0], probability if dataset.n_outputs > 1 else dataset.target_names[0]

    def fit_view(self) -> None:
        dataset = self.dataset
        low, high = padded_range(base_X(dataset)[:, 0])
        self.grid_x = np.linspace(low, high, CURVE_POINTS)
        self.grid = expand(self.grid_x[:, None], transforms_of(dataset))
        heights = self.panel._positions[:, 1]
        if dataset.is_classification:
            heights = np.concatenate([heights, [0.0, 1.0]])
        self._set_range((low, high), padded_range(heights))

    def covers(self, X: np.ndarray) -> bool:
        return bool(self.grid_x[0] <= X[:, 0].min() and X[:, 0].max() <= self.grid_x[-1])

    def draw(self, net: Network) -> None:
        self.panel.grid_forward.forward(net, self.grid, self._show)

    def _show(self, trace: list) -> None:
        panel = self.panel
        outputs = trace[-1][1]
        for output, curve in enumerate(panel.curves):
            curve.setData(self.grid_x, outputs[output])
        if panel.show_neurons.isChecked() and panel.neuron_curves:
            hidden = np.vstack([a for _, a in trace[:-1]])
            for values, curve in zip(hidden, panel.neuron_curves):
                curve.setData(self.grid_x, values)


class MapView(ModeView):
    """Two inputs: the points over a map of the output (or of one chosen hidden neuron)."""

    mode = ScatterMode.MAP

    def __init__(self, panel: ScatterPanel):
        super().__init__(panel)
        self.grid = np.zeros((0, 2))
        self.size = HEATMAP_SIZE  # grid points along each side (map_size)
        self.rect = QRectF()
        self.levels = (0.0, 1.0)
        self.shown_neuron = -1  # the hidden neuron the big map shows; -1: the output

    def point_positions(self, dataset: Dataset) -> np.ndarray:
        return base_X(dataset)[:, :2].copy()

    def axis_labels(self, dataset: Dataset) -> tuple[str, str]:
        return dataset.feature_names[0], dataset.feature_names[1]

    def fit_view(self) -> None:
        dataset = self.dataset
        X = base_X(dataset)
        (x0, x1), (y0, y1) = padded_range(X[:, 0]), padded_range(X[:, 1])
        size = self.size = map_size(dataset.n_outputs)
        xs, ys = np.linspace(x0, x1, size), np.linspace(y0, y1, size)
        grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")  # image[i, j] is at (xs[i], ys[j])
        self.grid = expand(np.column_stack([grid_x.ravel(), grid_y.ravel()]), transforms_of(dataset))
        self.set_colors()
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        heatmap = self.panel.heatmap
        # setRect scales by the current image's size: an image of the final shape must be in place
        # first, else one pixel would cover the whole plot (a flat, single-colour map).
        heatmap.setImage(np.zeros((size, size)), autoLevels=False, levels=self.levels)
        self.rect = QRectF(x0 - dx / 2, y0 - dy / 2, dx * size, dy * size)
        heatmap.setRect(self.rect)
        self._set_range((x0, x1), (y0, y1))

    def covers(self, X: np.ndarray) -> bool:
        rect = self.rect
        return bool(rect.left() <= X[:, 0].min() and X[:, 0].max() <= rect.right()
                    and rect.top() <= X[:, 1].min() and X[:, 1].max() <= rect.bottom())

    def set_colors(self) -> None:
        """The big map's colours: the chosen hidden neuron's, or the output's."""
        dataset = self.dataset
        if self.shown_neuron >= 0:
            lut = diverging_lut()
        elif dataset.n_outputs > 1:
            n = dataset.n_outputs
            palette = np.array([lighter(class_color(k)) for k in range(min(n, len(CLASS_COLORS)))])
            lut = palette[np.arange(n) % len(palette)]  # the class colours repeat (1000 classes: 1000 calls)
            self.levels = (-0.5, n - 0.5)
        elif dataset.is_classification:
            ramp = np.linspace(0.0, 1.0, 256)[:, None]
            lut = (1 - ramp) * lighter(class_color(0)) + ramp * lighter(class_color(1))
            self.levels = (0.0, 1.0)
        else:
            lut = pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False)
            low, high = float(dataset.y[:, 0].min()), float(dataset.y[:, 0].max())
            self.levels = (low, high if high > low else low + 1.0)
        self.panel.heatmap.setLookupTable(np.asarray(lut).astype(np.uint8))

    def draw(self, net: Network) -> None:
        self.panel.grid_forward.forward(net, self.grid, self._show)

    def _show(self, trace: list) -> None:
        panel = self.panel
        hidden = [a for _, a in trace[:-1]]
        shape = (self.size, self.size)
        panel.neuron_maps.draw(hidden, shape)
        if self.shown_neuron >= 0:
            values = np.vstack(hidden)[self.shown_neuron].reshape(shape)
            activation = panel.neuron_maps.activations[self.shown_neuron]
            panel.heatmap.setImage(values, autoLevels=False, levels=activation_levels(activation, values))
            return
        panel.heatmap.setImage(self.output_map(trace[-1][1]), autoLevels=False, levels=self.levels)

    def output_map(self, outputs: np.ndarray) -> np.ndarray:
        """The big map's values from the outputs (n_outputs, grid points): class, probability or value."""
        dataset = self.dataset
        if dataset.n_outputs > 1:
            values = outputs.argmax(axis=0).astype(float)
        elif not self.panel.discretize.isChecked():
            values = outputs[0]
        elif dataset.is_classification:
            values = (outputs[0] >= 0.5).astype(float)
        else:
            low, high = self.levels
            step = (high - low) / REGRESSION_STEPS
            values = low + (np.floor((outputs[0] - low) / step) + 0.5) * step
        return values.reshape(self.size, self.size)


class PairsView(ModeView):
    """Several inputs of a classification: two chosen inputs, the mistakes marked."""

    mode = ScatterMode.PAIRS

    def point_positions(self, dataset: Dataset) -> np.ndarray:
        return base_X(dataset)[:, self.panel.pair()]

    def axis_labels(self, dataset: Dataset) -> tuple[str, str]:
        first, second = self.panel.pair()
        return dataset.feature_names[first], dataset.feature_names[second]

    def fit_view(self) -> None:
        positions = self.panel._positions
        self._set_range(padded_range(positions[:, 0]), padded_range(positions[:, 1]))


class ManyView(ModeView):
    """Many inputs (pixels): predicted against actual for regression (the confusion matrix alone for
    classes, drawn by the panel)."""

    mode = ScatterMode.MANY

    def point_positions(self, dataset: Dataset) -> np.ndarray:
        return np.column_stack([dataset.y.ravel(), dataset.y.ravel()])

    def axis_labels(self, dataset: Dataset) -> tuple[str, str]:
        return (QCoreApplication.translate("ScatterPanel", "actual"),
                QCoreApplication.translate("ScatterPanel", "predicted"))

    def __init__(self, panel: ScatterPanel):
        super().__init__(panel)
        self.prediction_view = (0.0, 1.0)  # the square predicted-vs-actual shows

    def fit_view(self) -> None:
        low, high = padded_range(self.dataset.y.ravel())
        self.prediction_view = (low, high)
        self.panel.diagonal.setData([low, high], [low, high])
        self._set_range((low, high), (low, high))

    def cover_predictions(self, predicted: np.ndarray) -> None:
        """Widen predicted-vs-actual to show every prediction (within 10 target spans, so a
        diverging network cannot shrink the targets to a dot)."""
        targets = self.dataset.y.ravel()
        low, high = float(targets.min()), float(targets.max())
        span = max(high - low, 1e-12)
        shown = np.clip(predicted[np.isfinite(predicted)], low - 10 * span, high + 10 * span)
        view = padded_range(np.concatenate([targets, shown]))
        if view != self.prediction_view:
            self.prediction_view = view
            self._set_range(view, view)
            self.panel.diagonal.setData(list(view), list(view))


MODE_VIEWS: dict[ScatterMode, type[ModeView]] = {view.mode: view for view in (CurveView, MapView, PairsView, ManyView)}
