"""Which unit, arrow or bias of the network diagram is where: the units a wide layer shows, what the
mouse is on, and where a target is drawn. Functions of a NetworkDiagram's layout (view.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPoint, QPointF

from fcviz.core.network import weight_name

if TYPE_CHECKING:
    from fcviz.gui.panels.diagram.view import NetworkDiagram

COLLAPSE_ABOVE = 16       # a layer wider than this shows only its TOP_K strongest units ...
TOP_K = 10                # ... and a "… N more" label that expands it
KEEP_SHOWN = 0.9          # shown units stay while their strength is within this factor of the top K
PICK_DISTANCE = 5         # px from an arrow that still counts as on it
BLOCK_VALUES = 2 ** 18    # |values| of a wide layer's arrows are summed this many at a time

NODE, EDGE, BIAS, MORE = "node", "edge", "bias", "more"


@dataclass(frozen=True)
class Target:
    """What the mouse is on. Units are 1-based; an EDGE goes from `source` in layer − 1 to `unit`."""

    kind: str
    layer: int
    unit: int = 0
    source: int = 0

    @property
    def parameter(self) -> str | None:
        """The weight of an edge, the bias of a bias marker; None for anything else."""
        if self.kind == EDGE:
            return weight_name(self.source, self.unit, self.layer)
        return f"b{self.unit}_{self.layer}" if self.kind == BIAS else None


def choose_units(diagram: NetworkDiagram, edges, sums: dict | None = None) -> list[np.ndarray]:
    """Every unit of a narrow (or expanded) layer; the TOP_K strongest of a wide one,
    strength being the summed magnitude of the values on its arrows in and out (`sums`:
    those of `wide_layer_sums`, worked out already). The units shown stay while they are
    nearly the strongest, so nodes do not flicker."""
    sizes, shown, sums = diagram._net.layer_sizes, [], dict(sums or {})

    def magnitudes(number: int) -> tuple[np.ndarray, np.ndarray]:  # of each matrix once
        if number not in sums:
            sums[number] = magnitude_sums(edges[number])
        return sums[number]

    for layer, size in enumerate(sizes):
        if size <= COLLAPSE_ABOVE or layer in diagram.expanded:
            shown.append(np.arange(size))
            continue
        strength = np.zeros(size)
        if layer > 0:
            strength += magnitudes(layer - 1)[1]
        if layer < len(sizes) - 1:
            strength += magnitudes(layer)[0]
        strongest = np.argsort(-strength, kind="stable")[:TOP_K]
        current = diagram._shown[layer] if len(diagram._shown) == len(sizes) else None
        keep = (current is not None and len(current) == TOP_K
                and strength[current].min() >= KEEP_SHOWN * strength[strongest[-1]])
        shown.append(current if keep else np.sort(strongest))
    return shown


def wide_layer_sums(edges, sizes) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """`magnitude_sums` of each matrix in `edges` next to a layer wider than COLLAPSE_ABOVE (what
    `choose_units` needs of them unless a layer is expanded), by the matrix's number."""
    return {number: magnitude_sums(matrix) for number, matrix in enumerate(edges)
            if max(sizes[number], sizes[number + 1]) > COLLAPSE_ABOVE}


def magnitude_sums(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ|v| along each row and each column of `values`, whole rows of at most BLOCK_VALUES at a time: the
    arrows of a 4096 × 2000 layer make no |v| copy of all 8M of them."""
    rows, columns = np.empty(len(values)), np.zeros(values.shape[1])
    step = max(1, BLOCK_VALUES // max(1, values.shape[1]))
    buffer = np.empty((min(step, len(values)), values.shape[1]), values.dtype)
    for start in range(0, len(values), step):
        block = np.abs(values[start: start + step], out=buffer[: min(step, len(values) - start)])
        rows[start: start + len(block)] = block.sum(axis=1)
        columns += block.sum(axis=0)
    return rows, columns


def target_at(diagram: NetworkDiagram, position: QPointF) -> Target | None:
    """What is drawn under a viewport position (a 'more' label, a bias, a node, then an arrow)."""
    if not diagram._shown:
        return None
    scene = diagram.mapToScene(position.toPoint())
    for layer, item in diagram._more_items.items():
        if item.isVisible() and item.sceneBoundingRect().contains(scene):
            return Target(MORE, layer)
    point = diagram.view_box.mapSceneToView(scene)
    pixel = diagram._pixel()
    here = np.array([point.x(), point.y()]) / pixel
    if diagram._bias_keys:
        spots = np.column_stack(list(diagram._bias_positions().values())) / pixel
        distance = np.abs(spots - here).max(axis=1) - diagram._bias_sizes / 2
        nearest = int(np.argmin(distance))
        if distance[nearest] <= 1:
            layer, _, unit = diagram._bias_keys[nearest]
            return Target(BIAS, layer, int(unit) + 1)
    for layer, units in enumerate(diagram._shown):
        centres = np.column_stack([diagram._x[layer], diagram._y[layer]]) / pixel
        distance = np.hypot(*(centres - here).T)
        if distance.size and distance.min() <= max(diagram._node_sizes[layer] / 2, PICK_DISTANCE):
            return Target(NODE, layer, int(units[int(np.argmin(distance))]) + 1)
    return _edge_at(diagram, here)

def _edge_at(diagram: NetworkDiagram, here: np.ndarray) -> Target | None:
    start, end = diagram._edge_ends
    if not len(start):
        return None
    along = end - start
    t = np.clip(((here - start) * along).sum(axis=1) / np.maximum((along ** 2).sum(axis=1), 1e-9), 0, 1)
    distance = np.hypot(*(start + t[:, None] * along - here).T)
    nearest = int(np.argmin(distance))
    if distance[nearest] > PICK_DISTANCE:
        return None
    for layer, sources in enumerate(diagram._edge_sources, 1):
        if nearest < sources.size:
            i, j = sources[nearest], diagram._edge_targets[layer - 1][nearest]
            return Target(EDGE, layer, int(diagram._shown[layer][j]) + 1, int(diagram._shown[layer - 1][i]) + 1)
        nearest -= sources.size
    return None

def position_of(diagram: NetworkDiagram, target: Target) -> QPoint:
    """The viewport position where `target` is drawn (for tests and screenshots)."""
    def centre(layer, unit):
        k = int(np.flatnonzero(diagram._shown[layer] == unit - 1)[0])
        return np.array([diagram._x[layer][k], diagram._y[layer][k]])

    if target.kind == NODE:
        x, y = centre(target.layer, target.unit)
    elif target.kind == EDGE:
        # a third of the way from the source: clear of the arrowhead and the other arrows' crossings
        x, y = centre(target.layer - 1, target.source) * 2 / 3 + centre(target.layer, target.unit) / 3
    elif target.kind == BIAS:
        offset = diagram._node_sizes[target.layer] / 2 - 2
        x, y = centre(target.layer, target.unit) + offset * diagram._pixel() * [-1, 1]
    else:
        return diagram.mapFromScene(diagram._more_items[target.layer].sceneBoundingRect().center())
    return diagram.mapFromScene(diagram.view_box.mapViewToScene(QPointF(x, y)))
