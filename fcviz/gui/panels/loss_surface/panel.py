"""Loss surface panel: the loss over two chosen parameters (or one), the path descent took, the gradient.

The grids come from `grids.GridRequests` (a thread pool and a cache); this module asks for them and draws them.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QStringListModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
)

from fcviz.core.experiment_setup import Setup
from fcviz.core.limits import MAX_CHOOSABLE_PARAMETERS
from fcviz.core.loss_surface import LossSurface, axis_values, moved_most, nice_half_width
from fcviz.core.snapshot import Snapshot
from fcviz.gui.panels.base import Panel
from fcviz.gui.panels.loss_surface.grids import GridRequests, SurfaceRequest, SurfaceResult
from fcviz.gui.plots import FIT_COLOR, make_plot_widget

SURFACE, CURVE = 0, 1          # the view modes: two parameters, or one
DEFAULT_GRID = 81              # points per axis (odd: the grid is symmetric about the current point)
CURVE_POINTS = 401             # points along the one axis of the curve (a line is cheap: draw it smooth)
ARROW_FRACTION = 0.3           # the negative-gradient arrow spans this share of the grid's half width
PATH_COLOR, POINT_COLOR, ARROW_COLOR = "#ffffff", "#d62728", "#ff7f0e"


def _plain_axes(plot: pg.PlotWidget) -> None:
    """Axes with the plain numbers (no "x0.001" prefix) and no autoscale button."""
    plot.getPlotItem().hideButtons()
    for side in ("left", "bottom"):
        plot.getPlotItem().getAxis(side).enableAutoSIPrefix(False)


class PickingViewBox(pg.ViewBox):
    """A ViewBox where the left button picks a point (click, or drag and release) instead of panning."""

    picked = Signal(float, float, bool)  # x, y, and whether the gesture ended

    def mouseClickEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseClickEvent(event)
        event.accept()
        point = self.mapSceneToView(event.scenePos())
        self.picked.emit(point.x(), point.y(), True)

    def mouseDragEvent(self, event, axis=None):
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseDragEvent(event, axis)
        event.accept()
        point = self.mapSceneToView(event.scenePos())
        self.picked.emit(point.x(), point.y(), event.isFinish())


class LossSurfacePanel(Panel):
    """Heatmap and contours of the loss over two parameters with the descent path, the current point
    and the negative gradient; or the loss along one parameter with its tangent and the SGD step.
    Clicking (or dragging) sets the parameters, undoably, like any weight edit."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self._setup: Setup | None = None
        self._snapshot: Snapshot | None = None
        self._chosen_by_person = False
        self.result: SurfaceResult | None = None
        self.grids = GridRequests(self.build_request, self)  # computed off the GUI thread, cached
        self.grids.ready.connect(self._show)
        self.grids.progress.connect(self._on_grid_progress)
        self.grids.finished.connect(self._on_grid_finished)

        controls = self._create_controls()
        self._create_surface_view()
        self._create_curve_view()
        self.views = QStackedWidget()
        self.views.addWidget(self.surface_plot)
        self.views.addWidget(self.curve_plot)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop computing this grid (a smaller grid is faster)"))
        self.cancel_button.clicked.connect(self.grids.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self._show_progress(False)
        self.rows_label = QLabel()
        self.values_label = QLabel()
        for label in (self.rows_label, self.values_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.views, 1)
        layout.addLayout(progress_row)
        layout.addWidget(self.values_label)
        layout.addWidget(self.rows_label)

        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        for box in (self.x_choice, self.y_choice):
            box.activated.connect(self._on_parameter_chosen)
        self.grid_size.valueChanged.connect(self._schedule)
        self.half_width.valueChanged.connect(self._schedule)
        self.surface_view.picked.connect(self._on_surface_picked)
        self.curve_view.picked.connect(self._on_curve_picked)
        controller.data_changed.connect(self._on_setup_changed)
        self.catch_up()

    def _create_controls(self) -> QHBoxLayout:
        self.mode = QComboBox()
        self.mode.addItems([self.tr("Surface: two parameters"), self.tr("Curve: one parameter")])
        self.x_choice, self.y_choice = QComboBox(), QComboBox()
        self.parameter_list = QStringListModel(self)  # both axes offer the same names: one list, filled once
        for box in (self.x_choice, self.y_choice):
            box.setModel(self.parameter_list)
        self.x_choice.setToolTip(self.tr("The parameter along the horizontal axis"))
        self.y_choice.setToolTip(self.tr("The parameter along the vertical axis"))
        self.grid_size = QSpinBox()
        self.grid_size.setRange(5, 301)
        self.grid_size.setValue(DEFAULT_GRID)
        self.grid_size.setToolTip(self.tr("Grid points along each axis"))
        self.half_width = QDoubleSpinBox()
        self.half_width.setRange(0.0, 1000.0)
        self.half_width.setDecimals(3)
        self.half_width.setSingleStep(0.5)
        self.half_width.setSpecialValueText(self.tr("auto"))
        self.half_width.setPrefix("± ")
        self.half_width.setToolTip(self.tr("How far each axis reaches from the current value "
                                           "(auto: far enough for the whole path)"))
        for box in (self.grid_size, self.half_width):
            box.setKeyboardTracking(False)
        self.y_label = QLabel(self.tr("y"))
        self.grid_label = QLabel(self.tr("grid"))
        controls = QHBoxLayout()
        for label, widget in ((None, self.mode), (self.tr("x"), self.x_choice), (self.y_label, self.y_choice),
                              (self.grid_label, self.grid_size), (self.tr("range"), self.half_width)):
            if label is not None:
                controls.addWidget(label if isinstance(label, QLabel) else QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        return controls

    def _create_surface_view(self) -> None:
        self.surface_view = PickingViewBox()
        self.surface_plot = make_plot_widget(viewBox=self.surface_view)
        self.heatmap = pg.ImageItem(axisOrder="col-major")
        self.heatmap.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256, alpha=False))
        self.contours = pg.PlotDataItem(pen=pg.mkPen((255, 255, 255, 150), width=1), connect="finite")
        self.path_curve = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOR, width=2), symbol="o", symbolSize=4,
                                    symbolPen=None, symbolBrush=pg.mkBrush(PATH_COLOR))
        self.arrow_line = pg.PlotDataItem(pen=pg.mkPen(ARROW_COLOR, width=3))
        self.arrow_head = pg.ArrowItem(headLen=14, tipAngle=40, pen=pg.mkPen(ARROW_COLOR),
                                       brush=pg.mkBrush(ARROW_COLOR))
        self.current_point = pg.ScatterPlotItem(size=12, pen=pg.mkPen("w", width=1.5),
                                                brush=pg.mkBrush(POINT_COLOR))
        self.pick_marker = pg.ScatterPlotItem(size=12, pen=pg.mkPen(POINT_COLOR, width=2), brush=None)
        for item in (self.heatmap, self.contours, self.path_curve, self.arrow_line, self.arrow_head,
                     self.current_point, self.pick_marker):
            self.surface_view.addItem(item)
        self.surface_view.sigRangeChanged.connect(self._place_arrow_head)
        _plain_axes(self.surface_plot)

    def _create_curve_view(self) -> None:
        self.curve_view = PickingViewBox()
        self.curve_plot = make_plot_widget(viewBox=self.curve_view)
        _plain_axes(self.curve_plot)
        self.curve = self.curve_plot.plot(pen=pg.mkPen(FIT_COLOR, width=2))
        self.tangent = self.curve_plot.plot(pen=pg.mkPen(ARROW_COLOR, width=2, style=Qt.PenStyle.DashLine))
        self.step_line = self.curve_plot.plot(pen=pg.mkPen(POINT_COLOR, width=2))
        self.step_head = pg.ArrowItem(headLen=12, tipAngle=40, pen=pg.mkPen(POINT_COLOR),
                                      brush=pg.mkBrush(POINT_COLOR))
        self.curve_view.addItem(self.step_head)
        self.landing = self.curve_plot.plot(pen=pg.mkPen(POINT_COLOR, width=1, style=Qt.PenStyle.DotLine),
                                            symbol="o", symbolSize=[0, 9], symbolPen=pg.mkPen(POINT_COLOR),
                                            symbolBrush=None)
        self.curve_point = self.curve_plot.plot(pen=None, symbol="o", symbolSize=11,
                                                symbolPen=pg.mkPen("w", width=1.5), symbolBrush=POINT_COLOR)

    # --- setup, path and snapshots ---------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        self._setup = setup
        X, y = setup.train_data()
        surface = LossSurface(setup.network_config, setup.loss_name, X, y)
        self.grids.reset(surface)
        self._snapshot = None
        self.result = None
        self._chosen_by_person = False
        names = setup.parameter_names[:MAX_CHOOSABLE_PARAMETERS]  # a combo box of millions freezes the window
        for box in (self.x_choice, self.y_choice):
            box.blockSignals(True)
        self.parameter_list.setStringList(names)
        for box in (self.x_choice, self.y_choice):
            box.blockSignals(False)
        if surface.sampled:
            text = self.tr("Loss on a fixed sample of {used:,} of the {total:,} training rows.")
        else:
            text = self.tr("Loss on all {used:,} training rows (one forward pass, full batch).")
        text = text.format(used=surface.rows_used, total=surface.rows_total)
        if len(setup.parameter_names) > len(names):
            text += " " + self.tr("The axes offer the first {listed:,} of the {total:,} parameters.").format(
                listed=len(names), total=len(setup.parameter_names))
        self.rows_label.setText(text)

    @staticmethod
    def path(snapshot: Snapshot) -> np.ndarray:
        """The descent path: the timeline's recorded parameters (one row per display epoch) up to the shown epoch."""
        timeline = snapshot.timeline
        count = int(np.searchsorted(timeline.epochs, snapshot.epoch, side="right"))
        if not count:
            return snapshot.params[None]
        return timeline.params[:count]

    def draw(self, snapshot: Snapshot) -> None:
        previous, self._snapshot = self._snapshot, snapshot
        if not self._chosen_by_person:
            self._choose_default(snapshot)
        if previous is None or not np.array_equal(previous.params, snapshot.params) \
                or previous.learning_rate != snapshot.learning_rate:
            self._schedule()
        self._draw_path()

    def _choose_default(self, snapshot: Snapshot) -> None:
        """The two parameters (of those the axes offer) that moved most since the start of the run."""
        offered = self.x_choice.count()
        if min(len(snapshot.params), offered) < 2:
            first, second = 0, 0
        else:
            first, second = moved_most(snapshot.initial_params[:offered], snapshot.params[:offered])
        if (first, second) != (self.x_choice.currentIndex(), self.y_choice.currentIndex()):
            self.x_choice.setCurrentIndex(first)
            self.y_choice.setCurrentIndex(second)
            self._schedule()

    @Slot()
    def _on_parameter_chosen(self) -> None:
        self._chosen_by_person = True
        self._schedule()

    @Slot(int)
    def _on_mode_changed(self, mode: int) -> None:
        self.views.setCurrentIndex(mode)
        for widget in (self.y_choice, self.y_label, self.grid_size, self.grid_label):
            widget.setVisible(mode == SURFACE)
        self._schedule()

    def indices(self) -> tuple[int, ...]:
        if self.mode.currentIndex() == CURVE:
            return (self.x_choice.currentIndex(),)
        return self.x_choice.currentIndex(), self.y_choice.currentIndex()

    # --- requests and results -----------------------------------------------------------------------

    @Slot()
    def _schedule(self) -> None:
        self.grids.schedule()

    def request_now(self) -> None:
        """Ask for the grid of the shown snapshot at once (tests, screenshots)."""
        self.grids.request_now()

    def build_request(self) -> SurfaceRequest | None:
        snapshot, indices = self._snapshot, self.indices()
        surface = self.grids.surface
        if snapshot is None or surface is None or min(indices) < 0 \
                or len(snapshot.params) != len(self._setup.parameter_names):
            return None
        params = snapshot.params  # read-only: the request keeps it without a copy of every parameter
        path = self.path(snapshot)
        count = self.grid_size.value() if len(indices) == 2 else CURVE_POINTS
        axes = []
        for index in indices:
            half = self.half_width.value() or nice_half_width(path[:, index] - params[index])
            axes.append(axis_values(params[index], half, count))
        key = (id(surface), indices, tuple((a[0], a[-1], len(a)) for a in axes),
               snapshot.learning_rate)
        return SurfaceRequest(key, params, indices, tuple(axes), snapshot.learning_rate)

    @Slot(int, int)
    def _on_grid_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self._show_progress(True)

    @Slot(object)
    def _on_grid_finished(self, _result: SurfaceResult | None) -> None:
        self._show_progress(False)

    def _show_progress(self, shown: bool) -> None:
        self.progress.setVisible(shown)
        self.cancel_button.setVisible(shown)

    def shutdown(self) -> None:
        """Stop computing (the window is closing)."""
        self.grids.shutdown()

    # --- drawing -----------------------------------------------------------------------------------

    @Slot(object)
    def _show(self, result: SurfaceResult) -> None:
        self.result = result
        if len(result.request.indices) == 2:
            self._show_surface(result)
        else:
            self._show_curve(result)
        self._draw_path()

    def _show_surface(self, result: SurfaceResult) -> None:
        xs, ys = result.request.axes
        values = result.values
        finite = values[np.isfinite(values)]
        shade = np.log10(np.maximum(values, 1e-300))  # the valley floor stays visible next to steep walls
        if finite.size:
            low, high = np.log10(max(float(finite.min()), 1e-300)), np.log10(max(float(finite.max()), 1e-300))
            self.heatmap.setImage(shade, levels=(low, high if high > low else low + 1e-12), autoLevels=False)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.heatmap.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self.contours.setData(*result.contours)
        first, second = result.request.indices
        x0, y0 = float(result.request.params[first]), float(result.request.params[second])
        self.current_point.setData([x0], [y0])
        gx, gy = float(result.gradient[first]), float(result.gradient[second])
        reach = float(max(abs(gx) / (xs[-1] - xs[0]), abs(gy) / (ys[-1] - ys[0])))
        scale = ARROW_FRACTION / 2 / reach if reach > 0 else 0.0
        self.arrow_line.setData([x0, x0 - scale * gx], [y0, y0 - scale * gy])
        self.arrow_head.setVisible(reach > 0)
        names = self._setup.parameter_names
        self.surface_plot.getPlotItem().setLabels(bottom=names[first], left=names[second])
        self.surface_view.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        self._place_arrow_head()
        self.values_label.setText(self.tr("L = {loss:.6g}    −∂L/∂{x} = {gx:.4g}    −∂L/∂{y} = {gy:.4g}").format(
            loss=result.loss, x=names[first], y=names[second], gx=-gx, gy=-gy))

    @Slot()
    def _place_arrow_head(self) -> None:
        """Point the head along the arrow as drawn on screen (the axes may be scaled differently)."""
        x, y = self.arrow_line.getData()
        if x is None or len(x) < 2:
            return
        self._point_head(self.arrow_head, self.surface_view, x, y)

    @staticmethod
    def _point_head(head: pg.ArrowItem, view: pg.ViewBox, x: np.ndarray, y: np.ndarray) -> None:
        width, height = view.viewPixelSize()
        if not (width > 0 and height > 0):
            return
        # The direction on screen, counter-clockwise from +x; ArrowItem's angle 0 points left and
        # turns the arrow clockwise on screen.
        direction = math.degrees(math.atan2((y[1] - y[0]) / height, (x[1] - x[0]) / width))
        head.setStyle(angle=180 - direction)
        head.setPos(x[1], y[1])

    def _show_curve(self, result: SurfaceResult) -> None:
        (xs,) = result.request.axes
        (index,) = result.request.indices
        w0, loss, slope = float(result.request.params[index]), result.loss, float(result.gradient[index])
        self.curve.setData(xs, result.values)
        reach = float(xs[-1] - xs[0]) / 4
        self.tangent.setData([w0 - reach, w0 + reach], [loss - slope * reach, loss + slope * reach])
        step = -result.request.learning_rate * slope
        self.step_line.setData([w0, w0 + step], [loss, loss])
        self._point_head(self.step_head, self.curve_view, np.array([w0, w0 + step]), np.array([loss, loss]))
        self.step_head.setVisible(step != 0)
        self.landing.setData([w0 + step, w0 + step], [loss, result.landing_loss])
        self.curve_point.setData([w0], [loss])
        name = self._setup.parameter_names[index]
        self.curve_plot.getPlotItem().setLabels(bottom=name, left=self.tr("loss"))
        self.curve_view.autoRange(padding=0.05)
        self._point_head(self.step_head, self.curve_view, np.array([w0, w0 + step]), np.array([loss, loss]))
        self.values_label.setText(self.tr(
            "L = {loss:.6g}    slope ∂L/∂{w} = {slope:.4g}    step −lr·∂L/∂{w} = {step:.4g} (lr = {lr:g})"
        ).format(loss=loss, w=name, slope=slope, step=step, lr=result.request.learning_rate))

    def _draw_path(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or self.mode.currentIndex() != SURFACE:
            return
        first, second = self.indices()
        path = self.path(snapshot)
        self.path_curve.setData(path[:, first], path[:, second])

    # --- picking --------------------------------------------------------------------------------------

    @Slot(float, float, bool)
    def _on_surface_picked(self, x: float, y: float, finished: bool) -> None:
        if not finished:
            self.pick_marker.setData([x], [y])
            return
        self.pick_marker.clear()
        first, second = self.indices()
        self.set_parameters({first: x, second: y})

    @Slot(float, float, bool)
    def _on_curve_picked(self, x: float, y: float, finished: bool) -> None:
        if finished:
            self.set_parameters({self.indices()[0]: x})

    def set_parameters(self, values: dict[int, float]) -> None:
        """Set parameters by index through the controller's undoable edits (one undo step)."""
        names = self._setup.parameter_names
        changes = {names[index]: round(value, 12) for index, value in values.items()
                   if round(value, 12) != self.controller.parameter_value(names[index])}
        if not changes:
            return
        stack = self.controller.undo_stack
        stack.beginMacro(self.tr("Set {names} on the loss surface").format(names=", ".join(changes)))
        for name, value in changes.items():
            self.controller.edit_parameter(name, value)
        stack.endMacro()
