"""Training panel: the loss curve, the metrics and the live parameter values."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fcviz.core.experiment_setup import Setup
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.core.tasks import format_number
from fcviz.gui.panels.base import ExportTarget, Panel
from fcviz.gui.parameter_model import CHANGE, NAME, VALUE, ParameterTableModel
from fcviz.gui.plots import CLASS_COLORS, make_plot_widget, plottable
from fcviz.gui.widgets import SteadyLabel

TRAIN_COLOR, TEST_COLOR = CLASS_COLORS[0], CLASS_COLORS[1]
WIDEST_NUMBER = "-8.88888e-888"  # as wide as any value the table writes ({:.6g})
CELL_PADDING = 12                 # pixels around a cell's text
LONGEST_NAMES_MEASURED = 32       # the column fits the widest of the names longest in characters


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is at least `value` (a steady top for the loss axis)."""
    if not value > 0:
        return 1.0
    decade = 10.0 ** np.floor(np.log10(value))
    return next(step * decade for step in (1.0, 2.0, 5.0, 10.0) if step * decade >= value * (1 - 1e-12))


def loss_view_range(losses: np.ndarray, log_y: bool) -> tuple[float, float]:
    """y range of the loss plot, rounded outwards so that it rarely changes while training."""
    finite = losses[plottable(losses)]
    if log_y:
        positive = finite[finite > 0]
        if not len(positive):
            return -3.0, 0.0
        low, high = np.floor(np.log10(positive.min())), np.ceil(np.log10(positive.max()))
        return float(low), float(max(high, low + 1))
    return 0.0, nice_ceiling(float(finite.max()) if len(finite) else 1.0)


class TrainingPanel(Panel):
    """Loss per epoch (training and test), accuracy or R², and every parameter's change since start."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self._loss = np.zeros(0)
        self._val_loss = np.zeros(0)
        self._epochs = np.arange(1, 1)
        self._setup: Setup | None = None
        self._view_range: tuple | None = None
        self._x_extent = 1

        self.loss_plot = make_plot_widget(self.tr("epoch"), self.tr("loss"))
        self.loss_plot.setMinimumSize(200, 120)
        plot = self.loss_plot.getPlotItem()
        plot.getAxis("left").enableAutoSIPrefix(False)
        # Steady axes (set in _fit_view): autoranging would rescale and repaint both axes every frame.
        plot.disableAutoRange()
        self.legend = plot.addLegend(offset=(-10, 10))
        self.train_curve = plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=2))
        self.test_curve = plot.plot(pen=pg.mkPen(TEST_COLOR, width=2))
        for curve in (self.train_curve, self.test_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        self.hover_marker = plot.plot(pen=None, symbol="o", symbolSize=8,
                                      symbolBrush=pg.mkBrush(TRAIN_COLOR), symbolPen=pg.mkPen("w"))
        self.hover_text = pg.TextItem(anchor=(0, 1), color="#222222", fill=pg.mkBrush(255, 255, 255, 220),
                                      border=pg.mkPen("#999999"))
        self.hover_text.setZValue(20)
        plot.addItem(self.hover_text, ignoreBounds=True)
        self._hide_hover()
        plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        # The epoch shown from the timeline, when it is not the one training is at.
        self.shown_epoch_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#555555", width=1.5,
                                                                                    style=Qt.PenStyle.DashLine))
        plot.addItem(self.shown_epoch_line, ignoreBounds=True)
        self.shown_epoch_line.hide()

        self.log_y = QCheckBox(self.tr("Logarithmic loss axis"))
        self.log_y.toggled.connect(self._on_log_y_toggled)

        self.metric_labels = {key: SteadyLabel() for key in ("loss", "score", "test_loss", "test_score")}
        for label in self.metric_labels.values():
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metrics_form = QFormLayout()
        for key in self.metric_labels:
            self.metrics_form.addRow(QLabel(), self.metric_labels[key])

        self.parameter_model = ParameterTableModel((NAME, VALUE, CHANGE), parent=self)
        self.parameter_table = QTableView()
        self.parameter_table.setModel(self.parameter_model)
        self.parameter_table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.parameter_table.verticalHeader().hide()
        self.parameter_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Widths are set per network (_fit_columns), not from the contents: measuring every row on each
        # frame cost more than the rest of the panel's redraw.
        self.parameter_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.parameter_table.horizontalHeader().setStretchLastSection(True)
        self.parameter_table.setAlternatingRowColors(True)

        plot_side = QWidget()
        plot_layout = QVBoxLayout(plot_side)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        plot_layout.addWidget(self.loss_plot)
        plot_layout.addWidget(self.log_y)
        metrics_box = QGroupBox(self.tr("Metrics"))
        metrics_box.setLayout(self.metrics_form)
        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(metrics_box)
        table_layout.addWidget(self.parameter_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(plot_side)
        splitter.addWidget(table_side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        self._setup = setup
        self.parameter_model.set_setup(setup)
        self._fit_columns(setup)
        classification = setup.dataset.is_classification
        score = self.tr("Accuracy") if classification else self.tr("R²")
        titles = {"loss": self.tr("Loss (training)"), "score": score,
                  "test_loss": self.tr("Loss (test)"), "test_score": self.tr("{score} (test)").format(score=score)}
        has_test = len(setup.test_rows) > 0
        for key, label in self.metric_labels.items():
            self.metrics_form.labelForField(label).setText(titles[key])
            self.metrics_form.setRowVisible(label, has_test or not key.startswith("test_"))
        self.test_curve.setVisible(has_test)
        self.legend.clear()
        self.legend.addItem(self.train_curve, self.tr("training"))
        if has_test:
            self.legend.addItem(self.test_curve, self.tr("test"))

    def view_state(self) -> dict:
        return {"log_loss_axis": self.log_y.isChecked()}

    def restore_view_state(self, view: dict) -> None:
        log_axis = view.get("log_loss_axis")
        if isinstance(log_axis, bool):
            self.log_y.setChecked(log_axis)

    def export_targets(self) -> list[ExportTarget]:
        return [ExportTarget(self.tr("Loss curve (PNG)…"), self.tr("Export loss curve"), self.loss_plot)]

    def draw(self, snapshot: Snapshot) -> None:
        self._loss, self._val_loss = snapshot.loss_history, snapshot.val_loss_history
        self._epochs = snapshot.loss_epochs
        self.train_curve.setData(self._epochs, self._loss)
        self.test_curve.setData(self._epochs[: len(self._val_loss)], self._val_loss)
        # while training the axis spans the planned epochs (it stays still); otherwise the epochs run
        planned = snapshot.state == RunState.RUNNING or snapshot.epoch == 0
        extent = max(snapshot.target_epochs, snapshot.epoch) if planned else snapshot.epoch
        self._x_extent = max(extent, 1)  # an axis from 0 to 0 would spread around zero (keras-dense)
        self._fit_view()
        self.shown_epoch_line.setVisible(snapshot.scrubbed)
        self.shown_epoch_line.setValue(snapshot.epoch)
        self.parameter_model.set_numbers(VALUE, snapshot.params)
        self.parameter_model.set_start(snapshot.initial_params)
        self._show_metrics(snapshot.metrics)

    def _fit_columns(self, setup: Setup) -> None:
        """Columns as wide as the longest name and the widest number, once per network, and the table as wide
        as its columns plus a scroll bar: the splitter gives it only its minimum, which would clip
        "Change since start" once a scroll bar appears."""
        table, header = self.parameter_table, self.parameter_table.horizontalHeader()
        metrics = table.fontMetrics()
        # the longest names by characters (measuring, or even making, each of a million names took seconds)
        longest = setup.parameter_names.longest(LONGEST_NAMES_MEASURED)
        names = max((metrics.horizontalAdvance(name) for name in longest), default=0)
        number = metrics.horizontalAdvance(WIDEST_NUMBER)
        widths = {}
        for key, content in ((NAME, names), (VALUE, number), (CHANGE, number)):
            column = self.parameter_model.column_of(key)
            widths[column] = max(header.sectionSizeHint(column), content + CELL_PADDING)
            header.resizeSection(column, widths[column])
        columns = sum(widths.values())  # not sectionSize: the last section stretches to the table's width
        table.setMinimumWidth(columns + table.verticalScrollBar().sizeHint().width() + 2 * table.frameWidth())

    def _fit_view(self) -> None:
        """x spans the planned epochs while training, the epochs run otherwise; y is rounded outwards,
        so the axes stay still while training."""
        y_range = loss_view_range(np.concatenate([self._loss, self._val_loss]), self.log_y.isChecked())
        view_range = ((0.0, float(self._x_extent)), y_range)
        if view_range != self._view_range:
            self._view_range = view_range
            self.loss_plot.getPlotItem().setRange(xRange=view_range[0], yRange=y_range, padding=0.02)

    def _show_metrics(self, metrics: dict) -> None:
        for prefix in ("", "test_"):
            loss = metrics.get(prefix + "loss")
            self.metric_labels[prefix + "loss"].setText("—" if loss is None else f"{loss:.6g}")
            if prefix + "accuracy" in metrics:
                text = f"{100 * metrics[prefix + 'accuracy']:.1f} %"
            elif prefix + "r2" in metrics and math.isfinite(metrics[prefix + "r2"]):  # nan: R² undefined
                text = format_number(metrics[prefix + "r2"])
            else:
                text = "—"
            self.metric_labels[prefix + "score"].setText(text)

    # --- hover: "epoch N, loss L" at the cursor ---------------------------------------------

    @Slot(object)
    def _on_mouse_moved(self, position: QPointF) -> None:
        view = self.loss_plot.getPlotItem().getViewBox()
        if not len(self._loss) or not view.sceneBoundingRect().contains(position):
            self._hide_hover()
            return
        point = view.mapSceneToView(position)
        index = self._nearest_point(point.x())
        epoch, loss = int(self._epochs[index]), float(self._loss[index])
        text = self.tr("epoch {epoch}, loss {loss:.6g}").format(epoch=epoch, loss=loss)
        if index < len(self._val_loss):
            text += self.tr(", test {loss:.6g}").format(loss=float(self._val_loss[index]))
        self.hover_text.setText(text)
        self.hover_text.setPos(point)
        self.hover_text.show()
        self.hover_marker.setData([epoch], [loss])
        self.hover_marker.show()

    def _nearest_point(self, x: float) -> int:
        """Index of the curve point whose epoch is nearest to `x`."""
        epochs = self._epochs
        right = min(int(np.searchsorted(epochs, x)), len(epochs) - 1)
        left = max(right - 1, 0)
        return left if abs(epochs[left] - x) <= abs(epochs[right] - x) else right

    def _hide_hover(self) -> None:
        self.hover_text.hide()
        self.hover_marker.hide()

    @Slot(bool)
    def _on_log_y_toggled(self, checked: bool) -> None:
        self.loss_plot.getPlotItem().setLogMode(y=checked)
        self._hide_hover()
        self._view_range = None
        self._fit_view()
