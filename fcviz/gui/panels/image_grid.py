"""Image grid: pixel data (e.g. 8×8 digits) as small images with true and predicted labels.

Beside the samples, the first layer's incoming weights of every neuron are
drawn as images of the same shape; hovering one shows it large.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout

from fcviz.core.experiment_setup import Setup
from fcviz.core.metrics import class_labels
from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.gui.panels.base import Panel
from fcviz.gui.plots import AXIS_COLOR, WRONG_COLOR, diverging_lut

COLUMNS, ROWS = 8, 5
LABEL_POINTS = 7
GAP = 0.25            # between images, as a share of the image size
LABEL_SPACE = 0.6     # below each image, as a share of its height
MIN_PIXELS = 16
WRONG_PEN = pg.mkPen(WRONG_COLOR, width=2.5)
INK_LUT = np.linspace(255, 0, 256).astype(np.uint8)  # low values white, high values black


def detect_width(n_features: int) -> int | None:
    """Side of a square image of `n_features` pixels (64 → 8, 400 → 20), or None."""
    side = math.isqrt(n_features)
    return side if n_features >= MIN_PIXELS and side * side == n_features else None


def mosaic(images: np.ndarray, columns: int, gap: int, label_space: int, fill: float) -> np.ndarray:
    """Images (k, h, w) laid out row by row, `gap` pixels apart, `label_space` rows under each."""
    count, height, width = images.shape
    rows = max(1, math.ceil(count / columns))
    pitch_y, pitch_x = height + gap + label_space, width + gap
    out = np.full((rows * pitch_y, columns * pitch_x), fill, dtype=float)
    for k, image in enumerate(images):
        top, left = (k // columns) * pitch_y, (k % columns) * pitch_x
        out[top:top + height, left:left + width] = image
    return out


def _image_view() -> tuple[pg.GraphicsLayoutWidget, pg.ViewBox, pg.ImageItem]:
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground("w")
    box = widget.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
    image = pg.ImageItem(axisOrder="row-major")
    box.addItem(image)
    return widget, box, image


class ImageGridPanel(Panel):
    """A page of samples as images labelled with their class; mistakes read `true→predicted`, framed in red."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.width_box = QSpinBox()
        self.width_box.setRange(1, 4096)
        self.width_box.setToolTip(self.tr("Pixels per image row (detected from the number of inputs)"))
        self.width_box.valueChanged.connect(self._on_width_changed)
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(self._redraw)
        self.mistakes_only = QCheckBox(self.tr("Only mistakes"))
        self.mistakes_only.toggled.connect(self._on_mistakes_toggled)
        self.summary = QLabel()
        self.samples_view, self.samples_box, self.samples = _image_view()
        self.samples.setLookupTable(INK_LUT)
        self.frames = pg.PlotCurveItem(pen=WRONG_PEN, connect="pairs")
        self.samples_box.addItem(self.frames)
        self.labels: list[pg.TextItem] = []
        for _ in range(COLUMNS * ROWS):
            label = pg.TextItem("", color=AXIS_COLOR, anchor=(0, 0))
            label.setFont(QFont(label.textItem.font().family(), LABEL_POINTS))
            self.samples_box.addItem(label)
            self.labels.append(label)
        self.weights_view, self.weights_box, self.weights = _image_view()
        self.weights.setLookupTable(diverging_lut())
        self.weights_view.scene().sigMouseMoved.connect(self._on_weights_hovered)
        self.neuron_view, self.neuron_box, self.neuron_image = _image_view()
        self.neuron_image.setLookupTable(diverging_lut())
        self.neuron_title = QLabel(self.tr("Hover a neuron's weights to see them large"))
        self.neuron_title.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._lay_out()

        self._setup: Setup | None = None
        self._net: Network | None = None
        self._shape: tuple[int, int] | None = None
        self._levels = (0.0, 1.0)
        self._predicted = np.zeros(0, int)
        self._hovered = 0
        self._weights_columns = 1
        self._framed_shape: tuple[int, ...] = ()
        self.shown_rows = np.zeros(0, int)
        self.catch_up()

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        for widget in (QLabel(self.tr("Image width")), self.width_box, QLabel(self.tr("Page")), self.page_box,
                       self.mistakes_only):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.summary)
        weights = QVBoxLayout()
        weights.addWidget(QLabel(self.tr("First-layer weights of each neuron")))
        weights.addWidget(self.weights_view, 3)
        weights.addWidget(self.neuron_title)
        weights.addWidget(self.neuron_view, 2)
        body = QHBoxLayout()
        body.addWidget(self.samples_view, 3)
        body.addLayout(weights, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        self.samples_view.setToolTip(self.tr("Each image is labelled with its class; a mistake, framed in red, "
                                             "reads true class→predicted class"))

    @staticmethod
    def applies_to(setup: Setup) -> bool:
        """True for pixel data: a classification with a square number (≥ 16) of inputs."""
        dataset = setup.dataset
        return dataset.is_classification and detect_width(dataset.n_features) is not None

    # --- setup ---------------------------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        self._setup = setup
        self._net = None  # the drawn snapshot's network, shared through the controller's cache
        dataset = setup.dataset
        self.width_box.blockSignals(True)
        self.width_box.setMaximum(dataset.n_features)
        self.width_box.setValue(detect_width(dataset.n_features) or dataset.n_features)
        self.width_box.blockSignals(False)
        self._predicted = np.zeros(dataset.n_samples, int)
        X = dataset.X
        self._levels = (float(X.min()), float(X.max()) if X.max() > X.min() else float(X.min()) + 1.0)
        self._on_width_changed(self.width_box.value())

    @Slot(int)
    def _on_width_changed(self, width: int) -> None:
        dataset = self._setup.dataset
        pixels = dataset.is_classification and dataset.n_features >= MIN_PIXELS
        usable = pixels and dataset.n_features % width == 0
        self._shape = (dataset.n_features // width, width) if usable else None
        if not pixels:
            self.message.setText(self.tr("The image grid shows classified pixel data (at least {n} inputs), "
                                         "such as the digits.").format(n=MIN_PIXELS))
        elif not usable:
            self.message.setText(self.tr("{n} inputs do not make rows of {width} pixels.")
                                 .format(n=dataset.n_features, width=width))
        self.message.setVisible(self._shape is None)
        for view in (self.samples_view, self.weights_view, self.neuron_view):
            view.setVisible(self._shape is not None)
        self._redraw()

    @Slot(bool)
    def _on_mistakes_toggled(self, _checked: bool) -> None:
        self.page_box.setValue(1)
        self._redraw()

    @Slot()
    def _redraw(self) -> None:
        self.draw(self.controller.latest)

    # --- drawing -------------------------------------------------------------------------------

    def draw(self, snapshot: Snapshot) -> None:
        if self._shape is None or len(snapshot.params) != self._setup.initial_params.size:
            return
        dataset = self._setup.dataset
        self._net = self.controller.cache.network(snapshot)
        self._predicted = class_labels(self.controller.cache.predictions(snapshot))
        actual = dataset.labels()
        wrong = self._predicted != actual
        candidates = np.flatnonzero(wrong) if self.mistakes_only.isChecked() else np.arange(dataset.n_samples)
        per_page = COLUMNS * ROWS
        pages = max(1, math.ceil(len(candidates) / per_page))
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(pages)
        self.page_box.blockSignals(False)
        start = (self.page_box.value() - 1) * per_page
        self.shown_rows = candidates[start:start + per_page]
        self.summary.setText(self.tr("{wrong} of {total} wrong").format(wrong=int(wrong.sum()),
                                                                        total=dataset.n_samples))
        self._draw_samples(actual, wrong)
        self._draw_weights()

    def _pitch(self) -> tuple[int, int, int, int]:
        height, width = self._shape
        gap = max(1, round(GAP * width))
        label_space = max(2, round(LABEL_SPACE * height))
        return height + gap + label_space, width + gap, gap, label_space

    def _draw_samples(self, actual: np.ndarray, wrong: np.ndarray) -> None:
        dataset, rows = self._setup.dataset, self.shown_rows
        height, width = self._shape
        pitch_y, pitch_x, gap, label_space = self._pitch()
        images = dataset.X[rows].reshape(len(rows), height, width)
        self.samples.setImage(mosaic(images, COLUMNS, gap, label_space, self._levels[0]),
                              autoLevels=False, levels=self._levels)
        names = list(dataset.classes) if dataset.classes else ["0", "1"]
        edges = []
        for k, label in enumerate(self.labels):
            if k >= len(rows):
                label.setText("")
                continue
            row = rows[k]
            top, left = (k // COLUMNS) * pitch_y, (k % COLUMNS) * pitch_x
            label.setPos(left, top + height)
            true, predicted = names[actual[row]], names[self._predicted[row]]
            label.setText(f"{true}→{predicted}" if wrong[row] else true)
            label.setColor(WRONG_COLOR if wrong[row] else AXIS_COLOR)
            if wrong[row]:
                x0, y0, x1, y1 = left, top, left + width, top + height  # pixel k spans [k, k + 1)
                edges += [(x0, y0), (x1, y0), (x1, y0), (x1, y1), (x1, y1), (x0, y1), (x0, y1), (x0, y0)]
        edges = np.array(edges, float).reshape(-1, 2)
        self.frames.setData(edges[:, 0], edges[:, 1], connect="pairs")
        if self.samples.image.shape != self._framed_shape:  # keep the person's zoom until the layout changes
            self._framed_shape = self.samples.image.shape
            self.samples_box.autoRange(padding=0.02)

    def _draw_weights(self) -> None:
        kernel = self._net.layers[0].kernel  # (inputs, units)
        units = kernel.shape[1]
        height, width = self._shape
        images = kernel.T.reshape(units, height, width)
        reach = float(np.abs(kernel).max()) or 1.0
        columns = math.ceil(math.sqrt(units))
        self.weights.setImage(mosaic(images, columns, 1, 0, 0.0), autoLevels=False, levels=(-reach, reach))
        self._weights_columns = columns
        self._show_neuron(min(self._hovered, units - 1))

    def _show_neuron(self, unit: int) -> None:
        kernel = self._net.layers[0].kernel
        reach = float(np.abs(kernel[:, unit]).max()) or 1.0
        self._hovered = unit
        self.neuron_image.setImage(kernel[:, unit].reshape(self._shape), autoLevels=False, levels=(-reach, reach))
        layer = self.tr("hidden layer 1") if len(self._setup.layer_sizes) > 2 else self.tr("the output layer")
        self.neuron_title.setText(self.tr("Neuron {unit} of {layer}: incoming weights (blue negative, "
                                          "orange positive)").format(unit=unit + 1, layer=layer))

    @Slot(object)
    def _on_weights_hovered(self, scene_pos: QPointF) -> None:
        if self._shape is None or self._net is None:
            return
        point = self.weights_box.mapSceneToView(scene_pos)
        height, width = self._shape
        column, row = int(point.x() // (width + 1)), int(point.y() // (height + 1))
        unit = row * self._weights_columns + column
        if 0 <= column < self._weights_columns and 0 <= unit < self._net.layers[0].units and point.y() >= 0:
            self._show_neuron(unit)
