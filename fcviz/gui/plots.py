"""Shared look of the pyqtgraph plots: white background, dark axes, one colour per class."""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from fcviz.core.limits import MAX_PLOT_MAGNITUDE

WRONG_COLOR = "#d62728"  # marks mistakes; no class is drawn in it
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79")
REGRESSION_COLOR = "#1f77b4"
FIT_COLOR = "#222222"
AXIS_COLOR = "#444444"
LIGHTEN = 0.6  # heatmap colours are the class colours mixed with this much white


def class_color(index: int, alpha: int = 255) -> QColor:
    color = QColor(CLASS_COLORS[index % len(CLASS_COLORS)])
    color.setAlpha(alpha)
    return color


def make_plot_widget(x_label: str = "", y_label: str = "", **plot_options) -> pg.PlotWidget:
    """A PlotWidget styled like the rest of the window, with labelled axes (options go to its PlotItem)."""
    widget = pg.PlotWidget(background="w", **plot_options)
    plot = widget.getPlotItem()
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(AXIS_COLOR))
        axis.setTextPen(pg.mkPen(AXIS_COLOR))
    set_axis_labels(widget, x_label, y_label)
    return widget


def set_axis_labels(widget: pg.PlotWidget, x_label: str, y_label: str) -> None:
    plot = widget.getPlotItem()
    plot.setLabel("bottom", x_label, color=AXIS_COLOR)
    plot.setLabel("left", y_label, color=AXIS_COLOR)


def lighter(color: QColor, amount: float = LIGHTEN) -> np.ndarray:
    rgb = np.array([color.red(), color.green(), color.blue()], float)
    return rgb + amount * (255.0 - rgb)


def diverging_lut() -> np.ndarray:
    """Class-0 blue through white to class-1 orange (colour-blind safe), 256 entries."""
    ramp = np.linspace(-1.0, 1.0, 256)[:, None]
    low, high, white = lighter(class_color(0), 0.1), lighter(class_color(1), 0.1), np.full(3, 255.0)
    lut = np.where(ramp < 0, white + (-ramp) * (low - white), white + ramp * (high - white))
    return lut.astype(np.uint8)


def colored(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> np.ndarray:
    """`values` as a C-ordered RGBA uint8 image: `lut` (n, 3) spread over `levels`, NaN transparent.
    A row-major pyqtgraph ImageItem paints it as it is; a float image with a lookup table costs it a colour
    table of n Python calls on every paint, which for a window of small maps was most of a redraw."""
    low, high = levels
    n = len(lut)
    packed = _packed(lut.tobytes(), lut.shape, lut.dtype.str)
    index = np.array(values, dtype=np.float64, order="C")  # C order: painted without another copy
    index -= low
    index *= n / (high - low) if high > low else 0.0
    np.clip(index, 0, n - 1, out=index)
    index[np.isnan(index)] = n  # (np.nan_to_num took half of the call: the maps call this 16 times a frame)
    return packed.take(index.astype(np.intp)).view(np.uint8).reshape(*np.shape(values), 4)


@functools.lru_cache(maxsize=8)
def _packed(lut_bytes: bytes, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """A lookup table's colours as one RGBA word each, and a transparent word after them (made once per table)."""
    lut = np.frombuffer(lut_bytes, dtype=np.dtype(dtype)).reshape(shape)
    n = len(lut)
    packed = np.zeros(n + 1, np.uint32)
    packed.view(np.uint8).reshape(n + 1, 4)[:n] = np.column_stack([lut[:, :3], np.full(n, 255)])
    packed.flags.writeable = False
    return packed


def plottable(values: np.ndarray) -> np.ndarray:
    """True where a value can be drawn: finite and within ±MAX_PLOT_MAGNITUDE (a view of
    [-1e308, 1e308] is [-inf, inf] to Qt, which then refuses the range)."""
    values = np.asarray(values, dtype=np.float64)
    return np.isfinite(values) & (np.abs(values) <= MAX_PLOT_MAGNITUDE)


def padded_range(values: np.ndarray, margin: float = 0.05) -> tuple[float, float]:
    """The plottable values' range, widened by `margin` of its width (by 0.5 when it has none)."""
    values = np.asarray(values, dtype=np.float64)
    shown = values[plottable(values)]
    if not shown.size:
        return -1.0, 1.0
    low, high = float(shown.min()), float(shown.max())
    pad = margin * (high - low) if high > low else 0.5 * max(1.0, abs(high))
    return low - pad, high + pad
