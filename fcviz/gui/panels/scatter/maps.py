"""Small views of what a network learned: per-neuron activation maps and a confusion matrix."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsRectItem

from fcviz.core.metrics import class_labels, label_counts
from fcviz.gui.plots import AXIS_COLOR, class_color, colored, diverging_lut, lighter, make_plot_widget

MAPS_PER_ROW = 4
MAP_STEP = 2      # the small maps show every MAP_STEP-th grid point: a few dozen pixels wide, they look the same
GAP = 0.12        # between maps, as a share of a map's size
LAYER_GAP = 0.6   # room for a layer's title, as a share of a map's height
TITLE_POINTS = 8
COLUMN_LABEL_MARGIN = 8  # px kept free between two class names under the confusion matrix
SELECTED_PEN = pg.mkPen("#222222", width=3, cosmetic=True)
# Activations with a known range get fixed colour levels (no flicker); others use ±max |value|.
ACTIVATION_LEVELS = {"sigmoid": (0.0, 1.0), "heaviside": (0.0, 1.0), "tanh": (-1.0, 1.0),
                     "softmax": (0.0, 1.0)}


def activation_levels(activation: str, values: np.ndarray) -> tuple[float, float]:
    if activation in ACTIVATION_LEVELS:
        return ACTIVATION_LEVELS[activation]
    reach = float(np.abs(values).max(initial=0.0)) or 1.0
    return -reach, reach


class NeuronMaps(pg.GraphicsView):
    """One small map per hidden unit (its activation over the input plane), laid out layer by layer
    in a single view; click one to choose it. The maps are pieces of one image (a mosaic), made
    once: 64 image items, made anew for each network, were most of opening a 1000-class table."""

    chosen = Signal(int)  # index among all hidden units, or -1 for "the output again"

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.box = pg.ViewBox(lockAspect=True, enableMouse=False, enableMenu=False)
        self.setCentralItem(self.box)
        self.mosaic = pg.ImageItem(axisOrder="row-major")  # rows are y: the grids' transposes
        self.box.addItem(self.mosaic)
        self.frame = QGraphicsRectItem()
        self.frame.setPen(SELECTED_PEN)
        self.frame.setVisible(False)
        self.box.addItem(self.frame)
        self.cells: list[QRectF] = []    # each map's place in the view
        self.activations: list[str] = []
        self.selected = -1
        self._pixels = np.zeros((0, 0, 4), np.uint8)  # the mosaic: transparent between the maps
        self._corners: list[tuple[int, int]] = []      # each map's first row and column in it
        self._titles: list[pg.TextItem] = []           # one per hidden layer made so far (the others hidden)
        self._lut = diverging_lut()
        self.scene().sigMouseClicked.connect(self._on_clicked)

    def set_layers(self, layer_sizes: list[int], activations: list[str], rect: QRectF,
                   shape: tuple[int, int]) -> None:
        """Lay out the maps for hidden layers of `layer_sizes` units, for grids of `shape` over `rect`."""
        self.select(-1)
        columns, rows = (math.ceil(side / MAP_STEP) for side in shape)  # a map's pixels
        gap_x, gap_y, title_rows = max(1, round(GAP * columns)), max(1, round(GAP * rows)), round(LAYER_GAP * rows)
        # pixel offsets from the top left; a pixel is 1 / columns wide and keeps the input plane's proportions
        width, height = 1.0 / columns, rect.height() / rect.width() / rows
        self.cells, self.activations, self._corners, title_tops = [], [], [], []
        depth = 0  # rows down to where the next layer starts
        for units, activation in zip(layer_sizes, activations):
            title_tops.append(depth)
            depth += title_rows
            for unit in range(units):
                row, column = divmod(unit, MAPS_PER_ROW)
                self._corners.append((depth + row * (rows + gap_y), column * (columns + gap_x)))
                self.activations.append(activation)
            depth += math.ceil(units / MAPS_PER_ROW) * (rows + gap_y)
        total = (depth, MAPS_PER_ROW * columns + (MAPS_PER_ROW - 1) * gap_x) if layer_sizes else (0, 0)
        for top, left in self._corners:
            self.cells.append(QRectF(left * width, -(top + rows) * height, columns * width, rows * height))
        self._pixels = np.zeros((*total, 4), np.uint8)
        self._corners = [(total[0] - top - rows, left) for top, left in self._corners]  # image rows go up
        blank = colored(np.zeros((rows, columns)), (-1.0, 1.0), self._lut)
        for top, left in self._corners:
            self._pixels[top:top + rows, left:left + columns] = blank
        self._show_pixels(QRectF(0, -total[0] * height, total[1] * width, total[0] * height))
        for layer, (activation, top) in enumerate(zip(activations, title_tops), 1):
            if layer > len(self._titles):
                self._titles.append(pg.TextItem(color=AXIS_COLOR, anchor=(0, 0)))
                self._titles[-1].setFont(QFont(self._titles[-1].textItem.font().family(), TITLE_POINTS))
                self.box.addItem(self._titles[-1])
            title = self._titles[layer - 1]
            title.setText(self.tr("Layer {layer} ({activation})").format(layer=layer, activation=activation))
            title.setPos(0, -top * height)
        for index, title in enumerate(self._titles):
            title.setVisible(index < len(layer_sizes))
        self.box.autoRange(padding=0.02)

    def _show_pixels(self, rect: QRectF | None = None) -> None:
        shown = self._pixels.size > 0
        self.mosaic.setVisible(shown)
        if shown:
            self.mosaic.setImage(self._pixels, autoLevels=False, levels=None)
            if rect is not None:
                self.mosaic.setRect(rect)  # after an image of the final shape: setRect scales by its size

    def draw(self, hidden: list[np.ndarray], shape: tuple[int, int]) -> None:
        """`hidden`: each hidden layer's activations (units, grid points) on a grid of `shape`."""
        rows = np.vstack(hidden) if hidden else np.zeros((0, shape[0] * shape[1]))
        for (top, left), values, activation in zip(self._corners, rows, self.activations):
            grid = colored(values.reshape(shape)[::MAP_STEP, ::MAP_STEP].T, activation_levels(activation, values),
                           self._lut)
            self._pixels[top:top + grid.shape[0], left:left + grid.shape[1]] = grid
        self._show_pixels()

    def select(self, index: int) -> None:
        self.selected = index
        self.frame.setVisible(index >= 0)
        if index >= 0:
            self.frame.setRect(self.cells[index])

    def center_of(self, index: int) -> QPointF:
        """Scene position of map `index` (for clicking it in tests and tools)."""
        return self.box.mapViewToScene(self.cells[index].center())

    @Slot(object)
    def _on_clicked(self, event) -> None:
        point = self.box.mapSceneToView(event.scenePos())
        for index, cell in enumerate(self.cells):
            if cell.contains(point):
                choice = -1 if index == self.selected else index
                self.select(choice)
                self.chosen.emit(choice)
                return


MAX_COUNTED_CLASSES = 12  # more classes: the matrix is drawn as colours only (1000 classes are 10^6 texts)


def short_names(names: list[str], fits) -> list[str]:
    """`names`, or the longest distinct prefixes ("se.", "ve.", "vi.") for which `fits(text)`, or no names."""
    if all(fits(name) for name in names):
        return list(names)
    for length in range(max(map(len, names), default=0), 0, -1):
        short = [name if len(name) <= length else name[:length] + "." for name in names]
        if len(set(short)) == len(short) and all(fits(name) for name in short):
            return short
    return [""] * len(names)


def every_kth(label_pixels: float, units_per_pixel: float) -> int:
    """How many rows or columns of one unit each a label of `label_pixels` spans (1: every one is named)."""
    return max(1, math.ceil(label_pixels * units_per_pixel)) if units_per_pixel > 0 else 1


class ConfusionMatrixPlot:
    """Counts of true class (rows, top to bottom) against predicted class (columns), in `widget`."""

    def __init__(self):
        self.widget = make_plot_widget(QCoreApplication.translate("ConfusionMatrixPlot", "predicted"), QCoreApplication.translate("ConfusionMatrixPlot", "actual"))  # noqa: E501 (lupdate reads the call on one line)
        plot = self.widget.getPlotItem()
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        plot.invertY(True)
        plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        ramp = np.linspace(0.0, 1.0, 256)[:, None]
        self.image.setLookupTable((255 - ramp * (255 - lighter(class_color(0), 0.0))).astype(np.uint8))
        plot.addItem(self.image)
        self.labels: list[pg.TextItem] = []
        self.counts = np.zeros((0, 0), int)
        self.names: list[str] = []
        self._ticks: tuple[list, list] = ([], [])  # the names on the left and bottom axes
        plot.getViewBox().sigTransformChanged.connect(self._fit_names)

    def set_classes(self, names: list[str]) -> None:
        plot = self.widget.getPlotItem()
        for label in self.labels:
            plot.removeItem(label)
        n = len(names)
        self.labels = []
        # a count in every cell only while they can be read (and laid out: 1000 classes are 10^6 texts)
        shown = n if n <= MAX_COUNTED_CLASSES else 0
        for row in range(shown):
            for column in range(shown):
                label = pg.TextItem("", color=AXIS_COLOR, anchor=(0.5, 0.5))
                label.setPos(column + 0.5, row + 0.5)
                plot.addItem(label)
                self.labels.append(label)
        self.names, self._ticks = list(names), ([], [])
        self.counts = np.full((n, n), -1)
        self.image.setImage(np.zeros((n, n)), autoLevels=False, levels=(0, 1))
        plot.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)
        self._fit_names()

    def _fit_names(self, *_) -> None:
        """Class names along both axes, only as many as fit: every k-th row's name when rows are lower
        than a line (pyqtgraph measures every tick label at every paint: 1000 names cost ~50 ms a frame),
        and the columns' names shortened to their width (pyqtgraph drops tick labels that overlap,
        which left one name under three columns), of every k-th column when one letter does not fit."""
        plot = self.widget.getPlotItem()
        axis = plot.getAxis("bottom")
        units_per_pixel = plot.getViewBox().viewPixelSize()
        metrics = QFontMetrics(axis.style["tickFont"] or self.widget.font())
        rows = range(0, len(self.names), every_kth(metrics.height(), units_per_pixel[1]))
        columns = range(0, len(self.names), every_kth(metrics.horizontalAdvance("W.") + COLUMN_LABEL_MARGIN,
                                                      units_per_pixel[0]))
        width = columns.step / units_per_pixel[0] - COLUMN_LABEL_MARGIN if units_per_pixel[0] > 0 else 0
        names = short_names([self.names[k] for k in columns], lambda text: metrics.horizontalAdvance(text) <= width)
        ticks = ([(k + 0.5, self.names[k]) for k in rows], [(k + 0.5, name) for k, name in zip(columns, names)])
        if ticks != self._ticks:
            self._ticks = ticks
            plot.getAxis("left").setTicks([ticks[0]])
            axis.setTicks([ticks[1]])

    def draw(self, predicted: np.ndarray, actual: np.ndarray) -> None:
        """The counts of the classes of network outputs `predicted` against targets `actual`."""
        self.draw_labels(class_labels(predicted), class_labels(actual))

    def draw_labels(self, predicted: np.ndarray, actual: np.ndarray) -> None:
        """The counts of `predicted` against `actual` classes (one integer class per sample)."""
        n = self.counts.shape[0]
        counts = label_counts(predicted, actual, n)
        if np.array_equal(counts, self.counts):
            return  # text items are slow to re-lay out; skip an unchanged matrix
        self.counts = counts
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        self.image.setImage(share, autoLevels=False, levels=(0, 1))
        for label, count, fraction in zip(self.labels, counts.ravel(), share.ravel()):
            label.setText(str(count))
            label.setColor("w" if fraction > 0.6 else AXIS_COLOR)
