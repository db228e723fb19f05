"""NetworkDiagram: a network as columns of nodes joined by arrows, shared by the network
diagram and backprop panels.

It draws the numbers a panel hands it (weights or gradients on the arrows, activations
or δ in the nodes, biases beside them) and reports what the mouse is on; it computes and
changes nothing itself. Items are created when the layout changes and only updated per
redraw: arrows are grouped by sign and width into a few `connect="pairs"` curves.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor

from fcviz.core.network import Network
from fcviz.gui.formulas import fmt, node_name
from fcviz.gui.panels.diagram.labels import LabelPool
from fcviz.gui.panels.diagram.picking import (  # noqa: F401
    BIAS,
    COLLAPSE_ABOVE,
    EDGE,
    MORE,
    NODE,
    TOP_K,
    Target,
    choose_units,
    position_of,
    target_at,
)

POSITIVE_COLOR, NEGATIVE_COLOR = "#0072b2", "#e69f00"  # colour-blind-safe pair (Okabe-Ito)
DIM_COLOR = "#d0d0d0"
HIGHLIGHT = (0, 0, 0, 55)  # a translucent grey halo behind what the mouse is on: neither blue nor orange
NODE_SIZE = 34            # px, shrunk in columns too crowded for it
MIN_NODE_SIZE = 5
COLUMN_GAP = 3.0          # data units between layers; rows are at least 1 apart
WIDTH_LEVELS = 6          # arrows are drawn in this many widths per sign
MIN_WIDTH, MAX_WIDTH = 0.7, 6.0
FILL_LEVELS = 20          # node fills are quantised to this many shades per sign ...
MAX_SHADE = 0.75          # ... up to this blend of the colour, so that dark text stays readable
MAX_TEXT_ROWS = 40        # a column with more shown nodes gets no text labels (tooltips remain)
BIAS_TEXT_ROWS = 6        # bias values are written beside the nodes of columns this short ...
LABEL_HEIGHT = 12         # ... and values under nodes where the rows leave this much room (px)
MIN_NAMED_SIZE = 22       # nodes smaller than this (px) carry no name
DENSE_WIDTH = 0.5         # arrows are this much thinner when there are more than SMOOTH_EDGES
SMOOTH_EDGES = 80         # antialias arrows only up to this many (it costs 3x the drawing time)
ARROW_LENGTH, ARROW_HALF_WIDTH = 9.0, 4.0  # px
MIN_BIAS_SIZE, MAX_BIAS_SIZE = 6, 14       # px
# Bias squares come in sizes this many px apart: pyqtgraph renders a symbol image for each new size, and
# sizes that changed with every value cost 16 renders and most of the diagram's redraw (issue 14).
BIAS_SIZE_STEP = 0.5
# While training runs the numbers under the nodes and beside the biases change at most this often:
# nobody reads text that changes 30 times a second, and setting it was a third of the diagram's redraw.
LIVE_TEXT_SECONDS = 0.25

def _shade(color: str, t: float) -> QColor:
    """White blended towards `color` by t in [0, 1]."""
    base = QColor(color)
    return QColor.fromRgbF(*(1 - t + t * c for c in (base.redF(), base.greenF(), base.blueF())))


class NetworkDiagram(pg.GraphicsView):
    """Nodes in columns, one arrow per weight, a square per bias; see the module docstring."""

    hovered = Signal(object, QPoint)            # Target or None, global position
    clicked = Signal(object, QPoint)            # Target, global position
    wheeled = Signal(object, float, object)     # Target, notches (+ up), keyboard modifiers
    drag_started = Signal(object)               # Target (an edge or a bias)
    dragged = Signal(object, float)             # Target, pixels moved up since the press
    context_requested = Signal(object, QPoint)  # Target, global position

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.setMouseTracking(True)
        self.view_box = pg.ViewBox(enableMouse=False, enableMenu=False, defaultPadding=0)
        self.setCentralItem(self.view_box)
        self.view_box.sigResized.connect(self._place)
        self.backward = False
        self.expanded: set[int] = set()
        self._net: Network | None = None
        self._shown: list[np.ndarray] = []
        self._values: dict | None = None
        self._hover: Target | None = None
        self._press: tuple[Target, float] | None = None
        self._dragging = False
        self._ready = False  # values drawn for the current layout
        self._fills = {sign: [pg.mkBrush(_shade(color, MAX_SHADE * k / FILL_LEVELS)) for k in range(FILL_LEVELS + 1)]
                       for sign, color in ((1, POSITIVE_COLOR), (-1, NEGATIVE_COLOR))}
        self._dim_brush = pg.mkBrush(DIM_COLOR)
        self._bias_brushes = {color: pg.mkBrush(color) for color in (DIM_COLOR, POSITIVE_COLOR, NEGATIVE_COLOR)}
        self._pens = {"plain": pg.mkPen("#555555", width=1.2), "active": pg.mkPen("#000000", width=3),
                      "frozen": pg.mkPen("#000000", width=2, style=Qt.PenStyle.DashLine),
                      "bias": pg.mkPen("#555555", width=0.8)}
        self._curves = [self._add(pg.PlotCurveItem(connect="pairs"), 1) for _ in range(2 * WIDTH_LEVELS)]
        self._set_edge_pens(1.0)
        self._curves.append(self._add(pg.PlotCurveItem(pen=pg.mkPen(DIM_COLOR, width=1), connect="pairs"), 0.5))
        for curve in self._curves:
            curve.setSegmentedLineMode("on")  # QPainter.drawLines: stroking one path of crossing lines is far slower
        self._halo = self._add(pg.PlotCurveItem(pen=pg.mkPen(HIGHLIGHT, width=MAX_WIDTH + 6)), 0)
        self._node_halo = self._add(pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(HIGHLIGHT), pxMode=True), 1.5)
        self._nodes = self._add(pg.ScatterPlotItem(size=NODE_SIZE, pxMode=True, hoverable=False), 2)
        self._biases = self._add(pg.ScatterPlotItem(symbol="s", pxMode=True), 2)
        self._labels = LabelPool(lambda item: self._add(item, 3), self)
        self._labels.made.connect(self._relayout)  # a frame drawn without its texts: now with them
        self._more_items: dict[int, pg.TextItem] = {}
        self._texts: dict[int, str] = {}  # id(item) -> text shown, to skip unchanged setText calls
        self._texts_due = 0.0  # while live, the numbers are written again from this time on

    def _set_edge_pens(self, thickness: float) -> None:
        """One pen per sign and width level; alpha grows with the width."""
        for sign, color in enumerate((POSITIVE_COLOR, NEGATIVE_COLOR)):
            for level in range(WIDTH_LEVELS):
                width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * thickness * level / (WIDTH_LEVELS - 1)
                pen = pg.mkPen(_alpha(color, 110 + 145 * level // (WIDTH_LEVELS - 1)), width=width)
                self._curves[sign * WIDTH_LEVELS + level].setPen(pen)

    def _add(self, item, z: float):
        item.setZValue(z)
        self.view_box.addItem(item)
        return item

    # --- structure ------------------------------------------------------------------------

    def set_network(self, net: Network) -> None:
        """Show another architecture (weights are read only from `show`)."""
        self._net = net
        self.expanded.clear()
        # the labels of its first frame (every unit of a narrow layer, the TOP_K strongest of a wide one)
        self._labels.ahead(sum(size if size <= COLLAPSE_ABOVE else TOP_K for size in net.layer_sizes))
        self._shown, self._values, self._hover, self._ready = [], None, None, False
        self._draw_halo()

    def set_backward(self, backward: bool) -> None:
        """Arrows point towards the output (forward pass) or towards the input (backprop)."""
        if backward != self.backward:
            self.backward = backward
            self._place()

    def toggle_expanded(self, layer: int) -> None:
        self.expanded ^= {layer}
        self._relayout()

    @Slot()
    def _relayout(self) -> None:
        self._shown = []
        if self._values is not None:
            self.show(**self._values)

    def shown_units(self, layer: int) -> np.ndarray:
        """0-based indices of the units of `layer` drawn, in order."""
        return self._shown[layer]

    def _layout(self, shown: list[np.ndarray]) -> None:
        """Positions, edge index lists and text items for the units in `shown`."""
        self._shown, self._ready = shown, False
        rows = [len(units) + (len(units) < size) for units, size in zip(shown, self._net.layer_sizes)]
        height = max(rows) - 1
        # Short columns spread over the tallest one (an expanded layer), but not apart like outliers.
        widest_gap = max(1.0, height / TOP_K)
        self._gaps = [min(height / (count - 1), widest_gap) if count > 1 else 1.0 for count in rows]
        self._x = [np.full(len(units), layer * COLUMN_GAP) for layer, units in enumerate(shown)]
        self._y = [((count - 1) / 2 - np.arange(len(units))) * gap
                   for units, count, gap in zip(shown, rows, self._gaps)]
        sources, targets = [], []
        for layer in range(1, len(shown)):
            i, j = np.meshgrid(np.arange(len(shown[layer - 1])), np.arange(len(shown[layer])), indexing="ij")
            sources.append(i.ravel())
            targets.append(j.ravel())
        self._edge_sources, self._edge_targets = sources, targets
        self._set_edge_pens(1.0 if sum(map(len, sources)) <= SMOOTH_EDGES else DENSE_WIDTH)
        self._nodes.setData(np.concatenate(self._x), np.concatenate(self._y))
        self._make_texts()
        top = height / 2 + 0.9 + 0.03 * height
        self.view_box.setRange(xRange=(-1.0, (len(shown) - 1) * COLUMN_GAP + 1.0), yRange=(-top, top), padding=0)
        self._place()

    def _make_texts(self) -> None:
        """Name and value labels for the drawn nodes (reused), and one '… N more' per cut layer."""
        net, labels = self._net, self._labels
        texts = labels.for_frame(sum(len(units) for units in self._shown if len(units) <= MAX_TEXT_ROWS))
        for item in labels.names + labels.values + labels.biases:
            item.setVisible(False)
        outputs = len(net.layer_sizes) - 1
        slot = 0
        self._text_slots = []
        for layer, units in enumerate(self._shown):
            if len(units) > MAX_TEXT_ROWS or not texts:
                self._text_slots.append(None)
                continue
            self._text_slots.append(slot)
            for k, unit in enumerate(units):
                name = node_name(net, layer, unit + 1)
                if layer == outputs:
                    name = "ŷ" if net.layer_sizes[-1] == 1 else f"ŷ{unit + 1}"
                self._set_text(self._labels.names[slot + k], name)
            slot += len(units)
        for item in self._more_items.values():
            item.setVisible(False)
        for layer, units in enumerate(self._shown):
            size = net.layer_sizes[layer]
            if len(units) == size and layer not in self.expanded:
                continue
            item = self._more_items.get(layer)
            if item is None:
                item = self._more_items[layer] = self._add(pg.TextItem(color=POSITIVE_COLOR, anchor=(0.5, 0.5)), 3)
            text = (self.tr("▴ only the {k} strongest").format(k=TOP_K) if layer in self.expanded
                    else self.tr("… {n} more").format(n=size - len(units)))
            self._set_text(item, text)
            item.setPos(layer * COLUMN_GAP, self._y[layer][-1] - self._gaps[layer])
            item.setVisible(True)

    def finish_texts(self) -> None:
        self._labels.finish()  # a screenshot: the texts still to follow, now

    def _set_text(self, item: pg.TextItem, text: str) -> None:
        if self._texts.get(id(item)) != text:
            self._texts[id(item)] = text
            item.setText(text)

    # --- values ------------------------------------------------------------------------------

    def show(self, edges, biases, nodes, node_scales, value_prefix: str = "", bias_prefix: str = "b ",
             dim=frozenset(), active: int | None = None, frozen=None, widths_per_layer: bool = True,
             live: bool = False, sums: dict | None = None) -> None:
        """Draw values: `edges[l-1]` (fan_in, units) and `biases[l-1]` (units,) or None for
        layer l ≥ 1; `nodes[l]` (units,) for layer l ≥ 0, shaded by `node_scales[l]` and
        written under the node (after `value_prefix` for l ≥ 1); bias values after `bias_prefix`.
        Arrow widths are relative to the largest |value| of their layer, or of the whole
        network. Layers in `dim` are greyed, `active` is outlined, nodes whose
        `frozen[l-1]` is True get a dashed ring. While `live` (training runs) the numbers are
        written at most every LIVE_TEXT_SECONDS; the colours, sizes and arrows always follow.
        `sums`: `picking.wide_layer_sums(edges, …)` if worked out already (off the GUI thread)."""
        self._values = dict(edges=edges, biases=biases, nodes=nodes, node_scales=node_scales,
                            value_prefix=value_prefix, bias_prefix=bias_prefix, dim=dim, active=active,
                            frozen=frozen, widths_per_layer=widths_per_layer, sums=sums)
        shown = choose_units(self, edges, sums)
        if len(shown) != len(self._shown) or any(not np.array_equal(a, b) for a, b in zip(shown, self._shown)):
            self._layout(shown)
        self._edge_values = [edges[layer - 1][np.ix_(shown[layer - 1], shown[layer])].ravel()
                             for layer in range(1, len(shown))]
        now = time.perf_counter()
        texts = not live or now >= self._texts_due
        if texts:
            self._texts_due = now + LIVE_TEXT_SECONDS if live else 0.0
        self._draw_nodes(nodes, node_scales, value_prefix, dim, active, frozen, texts)
        self._draw_biases(biases, bias_prefix, dim, texts)
        self._draw_edges()
        self._ready = True

    def _draw_nodes(self, nodes, scales, prefix, dim, active, frozen, texts: bool = True) -> None:
        brushes, pens = [], []
        for layer, units in enumerate(self._shown):
            values = np.asarray(nodes[layer])[units]
            if layer in dim:
                brushes += [self._dim_brush] * len(units)
            else:
                with np.errstate(invalid="ignore"):  # inf/inf after a blow-up: full colour
                    shade = np.nan_to_num(np.abs(values) / max(scales[layer], 1e-300), nan=1.0)
                levels = np.minimum(shade * FILL_LEVELS + 0.5, FILL_LEVELS).astype(int)
                brushes += [self._fills[-1 if v < 0 else 1][k] for v, k in zip(values, levels)]
            ice = np.zeros(len(units), bool) if frozen is None or layer == 0 else np.asarray(frozen[layer - 1])[units]
            pens += [self._pens["frozen" if cold else "active" if layer == active else "plain"] for cold in ice]
            slot = self._text_slots[layer]
            if slot is not None and texts:
                for k, value in enumerate(values):
                    text = "" if layer in dim else (prefix if layer else "") + fmt(value)
                    self._set_text(self._labels.values[slot + k], text)
        self._nodes.setBrush(brushes)
        self._nodes.setPen(pens)

    def _draw_biases(self, biases, prefix, dim, texts: bool = True) -> None:
        sizes, brushes, self._bias_keys = [], [], []
        biases = [None if b is None else np.nan_to_num(b) for b in biases]
        scale = max((np.abs(b).max() for b in biases if b is not None and b.size), default=0.0) or 1.0
        for layer in range(1, len(self._shown)):
            bias, units = biases[layer - 1], self._shown[layer]
            if bias is None:
                continue
            for k, unit in enumerate(units):
                value = float(bias[unit])
                self._bias_keys.append((layer, k, unit))
                size = MIN_BIAS_SIZE + (MAX_BIAS_SIZE - MIN_BIAS_SIZE) * min(abs(value) / scale, 1.0)
                sizes.append(round(size / BIAS_SIZE_STEP) * BIAS_SIZE_STEP)
                color = DIM_COLOR if layer in dim else NEGATIVE_COLOR if value < 0 else POSITIVE_COLOR
                brushes.append(self._bias_brushes[color])
                slot = self._text_slots[layer]
                if slot is not None and texts:
                    self._set_text(self._labels.biases[slot + k], "" if layer in dim else prefix + fmt(value))
        self._bias_sizes = np.array(sizes)
        self._biases.setData(size=sizes, brush=brushes, pen=self._pens["bias"], **self._bias_positions())

    def _draw_edges(self) -> None:
        parts = [np.nan_to_num(v) for v in self._edge_values] or [np.zeros(0)]
        values, dim = np.concatenate(parts), self._values["dim"]
        dimmed = np.concatenate([np.full(v.size, layer in dim) for layer, v in enumerate(parts, 1)])
        magnitude = np.abs(values)
        if self._values["widths_per_layer"]:
            top = np.concatenate([np.full(v.size, np.abs(v).max(initial=0.0)) for v in parts])
        else:
            top = magnitude[~dimmed].max(initial=0.0)
        level = np.minimum((magnitude / np.where(top > 0, top, 1.0) * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)
        bucket = np.where(dimmed, 2 * WIDTH_LEVELS, level + WIDTH_LEVELS * (values < 0))
        segments, smooth = self._segments, len(values) <= SMOOTH_EDGES
        for index, curve in enumerate(self._curves):
            points = segments[bucket == index].reshape(-1, 2)
            curve.setData(points[:, 0], points[:, 1], antialias=smooth)
        self._draw_halo()

    # --- geometry in pixels ----------------------------------------------------------------------

    def _pixel(self) -> np.ndarray:
        """Data units per pixel along x and y."""
        size = self.view_box.viewPixelSize()
        return np.array([size[0] or 1.0, size[1] or 1.0])

    def _place(self) -> None:
        """Everything sized in pixels: arrowheads, bias squares and labels beside the nodes."""
        if not self._shown:
            return
        pixel = self._pixel()
        self._node_sizes = [float(np.clip(0.8 * gap / pixel[1], MIN_NODE_SIZE, NODE_SIZE)) for gap in self._gaps]
        self._nodes.setSize(np.concatenate([np.full(len(units), size)
                                            for units, size in zip(self._shown, self._node_sizes)]))
        starts, ends, radii = [], [], []
        for layer in range(1, len(self._shown)):
            sources, targets = self._edge_sources[layer - 1], self._edge_targets[layer - 1]
            starts.append(np.column_stack([self._x[layer - 1], self._y[layer - 1]])[sources])
            ends.append(np.column_stack([self._x[layer], self._y[layer]])[targets])
            radii.append(np.full(sources.size, self._node_sizes[layer - 1 if self.backward else layer] / 2))
        start, end = (np.concatenate(starts), np.concatenate(ends)) if starts else (np.zeros((0, 2)),) * 2
        radius = np.concatenate(radii)[:, None] if radii else np.zeros((0, 1))
        self._edge_ends = (start / pixel, end / pixel)  # in pixels, for picking
        tail, head = (end, start) if self.backward else (start, end)
        direction = (head - tail) / pixel
        direction /= np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
        normal = direction[:, ::-1] * [-1, 1]
        tip = head / pixel - direction * (radius + 2)
        wings = [tip - direction * ARROW_LENGTH + side * normal * ARROW_HALF_WIDTH for side in (1, -1)]
        self._segments = np.stack([tail, head, wings[0] * pixel, tip * pixel, wings[1] * pixel, tip * pixel], axis=1)
        for layer, units in enumerate(self._shown):
            slot = self._text_slots[layer]
            if slot is None:
                continue
            size = self._node_sizes[layer]
            room = self._gaps[layer] / pixel[1] - size  # px between two nodes of this column
            roomy = bool(room >= LABEL_HEIGHT) or len(units) == 1
            # a bias text sits above its node, the node above's value below that one: both need room
            bias_room = bool(room >= 2 * LABEL_HEIGHT) or len(units) == 1
            has_bias = layer > 0 and self._net.layers[layer - 1].use_bias
            show = (size >= MIN_NAMED_SIZE, roomy, bias_room and has_bias and len(units) <= BIAS_TEXT_ROWS)
            for k in range(len(units)):
                x, y = self._x[layer][k], self._y[layer][k]
                items = (self._labels.names[slot + k], self._labels.values[slot + k], self._labels.biases[slot + k])
                positions = ((x, y), (x, y - (size / 2 + 1) * pixel[1]),
                             (x - (size / 2 - 4) * pixel[0], y + (size / 2 - 2) * pixel[1]))
                for item, position, visible in zip(items, positions, show):
                    item.setPos(*position)
                    item.setVisible(visible)
        if self._ready:
            self._draw_biases(self._values["biases"], self._values["bias_prefix"], self._values["dim"])
            self._draw_edges()

    def _bias_positions(self) -> dict:
        pixel, keys = self._pixel(), self._bias_keys
        offsets = np.array([self._node_sizes[layer] / 2 - 2 for layer, _, _ in keys])
        xs = np.array([self._x[layer][k] for layer, k, _ in keys]) - offsets * pixel[0]
        ys = np.array([self._y[layer][k] for layer, k, _ in keys]) + offsets * pixel[1]
        return {"x": xs, "y": ys}

    # --- picking (fcviz.gui.panels.diagram.picking) --------------------------------------------------

    def target_at(self, position: QPointF) -> Target | None:
        """What is drawn under a viewport position (a 'more' label, a bias, a node, then an arrow)."""
        return target_at(self, position)

    def position_of(self, target: Target) -> QPoint:
        """The viewport position where `target` is drawn (for tests and screenshots)."""
        return position_of(self, target)

    def highlight(self, target: Target | None) -> None:
        """Draw a halo behind the arrow or node of `target`."""
        self._hover = target
        self._draw_halo()

    def _draw_halo(self) -> None:
        target = self._hover
        self._node_halo.setData([], [])
        if target is not None and target.kind in (NODE, BIAS) and self._shown:
            k = np.flatnonzero(self._shown[target.layer] == target.unit - 1)
            if k.size:
                self._node_halo.setData([self._x[target.layer][k[0]]], [self._y[target.layer][k[0]]],
                                        size=self._node_sizes[target.layer] + 12)
        if target is None or target.kind != EDGE or not self._shown:
            self._halo.setData([], [])
            return
        source = np.flatnonzero(self._shown[target.layer - 1] == target.source - 1)
        unit = np.flatnonzero(self._shown[target.layer] == target.unit - 1)
        if not (source.size and unit.size):
            self._halo.setData([], [])
            return
        a = (self._x[target.layer - 1][source[0]], self._y[target.layer - 1][source[0]])
        b = (self._x[target.layer][unit[0]], self._y[target.layer][unit[0]])
        self._halo.setData([a[0], b[0]], [a[1], b[1]])

    # --- mouse ---------------------------------------------------------------------------------------

    def mouseMoveEvent(self, event):
        position = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            target, start_y = self._press
            moved = start_y - position.y()
            if not self._dragging and abs(moved) > 3:
                self._dragging = True
                self.drag_started.emit(target)
            if self._dragging:
                self.dragged.emit(target, moved)
            return
        target = self.target_at(position)
        if target != self._hover:
            self.highlight(target)
            self.setCursor(Qt.CursorShape.PointingHandCursor if target else Qt.CursorShape.ArrowCursor)
            self.hovered.emit(target, event.globalPosition().toPoint())

    def leaveEvent(self, event):
        super().leaveEvent(event)
        if self._hover is not None and self._press is None:
            self.highlight(None)
            self.hovered.emit(None, QPoint())

    def mousePressEvent(self, event):
        target = self.target_at(event.position())
        if target is None:
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.context_requested.emit(target, event.globalPosition().toPoint())
        elif event.button() == Qt.MouseButton.LeftButton:
            self._press, self._dragging = (target, event.position().y()), False
        event.accept()

    def mouseReleaseEvent(self, event):
        press, self._press = self._press, None
        if press is not None and event.button() == Qt.MouseButton.LeftButton and not self._dragging:
            if press[0].kind == MORE:
                self.toggle_expanded(press[0].layer)
            else:
                self.clicked.emit(press[0], event.globalPosition().toPoint())
        self._dragging = False
        event.accept()

    def wheelEvent(self, event):
        target = self.target_at(event.position())
        delta = event.angleDelta()
        notches = (delta.y() or delta.x()) / 120
        if target is not None and notches:
            self.wheeled.emit(target, notches, event.modifiers())
        event.accept()

    def mouseDoubleClickEvent(self, event):
        event.accept()


def _alpha(color: str, alpha: int) -> QColor:
    result = QColor(color)
    result.setAlpha(alpha)
    return result
