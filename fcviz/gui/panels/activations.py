"""Activations panel: the built-in activations and a custom expression, curves and derivatives side by side."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton

from fcviz.core.activations import BUILTINS, CustomActivation
from fcviz.core.experiment_setup import Setup
from fcviz.gui.panels.base import Panel
from fcviz.gui.plots import class_color, make_plot_widget

PLAYGROUND = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "heaviside")
CUSTOM = "custom"
DEFAULT_EXPRESSION = "x*sigmoid(x)"
X = np.linspace(-5.0, 5.0, 401)
VALUE_RANGE, SLOPE_RANGE = (-1.5, 4.0), (-0.5, 1.5)
CUSTOM_COLOR = "#000000"
SWATCH_PX = 12
LEGEND_COLUMNS = 4
ERROR_STYLE = "color: #c62828;"


def _finite(values: np.ndarray) -> np.ndarray:
    """Values with ±inf as NaN, so the curve breaks there instead of shooting off."""
    return np.where(np.isfinite(values), values, np.nan)


class ActivationsPanel(Panel):
    """f(x) on the left, f′(x) on the right; a check box per activation shows or hides both curves.
    "Use in hidden layers" rebuilds the network with the chosen activation (undoable)."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.value_plot = make_plot_widget("x", "f(x)")
        self.slope_plot = make_plot_widget("x", "f′(x)")
        self.slope_plot.setXLink(self.value_plot)
        self.value_plot.setRange(xRange=(X[0], X[-1]), yRange=VALUE_RANGE, padding=0)
        self.slope_plot.setRange(yRange=SLOPE_RANGE, padding=0)
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.shown: dict[str, QCheckBox] = {}
        legend = QGridLayout()
        for index, name in enumerate((*PLAYGROUND, CUSTOM)):
            color = QColor(CUSTOM_COLOR) if name == CUSTOM else class_color(index)
            style = {"pen": pg.mkPen(color, width=2), "connect": "finite"}
            self.curves[name] = (self.value_plot.plot(**style), self.slope_plot.plot(**style))
            box = QCheckBox(self.tr("custom") if name == CUSTOM else name)
            swatch = QPixmap(SWATCH_PX, SWATCH_PX)
            swatch.fill(color)
            box.setIcon(QIcon(swatch))
            box.setChecked(True)
            box.toggled.connect(partial(self._on_shown_toggled, name))
            self.shown[name] = box
            legend.addWidget(box, index // LEGEND_COLUMNS, index % LEGEND_COLUMNS)
        for name in PLAYGROUND:
            self._plot(name, BUILTINS[name])

        self.choice = QComboBox()
        for name in PLAYGROUND:
            self.choice.addItem(name, name)
        self.choice.addItem(self.tr("custom expression"), CUSTOM)
        self.choice.currentIndexChanged.connect(self._show_formula)
        self.use_button = QPushButton(self.tr("Use in hidden layers"))
        self.use_button.setToolTip(self.tr("Rebuild the network with this activation in every hidden layer"))
        self.use_button.clicked.connect(self._on_use_clicked)
        self.expression = QLineEdit()
        self.expression.setPlaceholderText(self.tr("expression in x, e.g. x*sigmoid(x)"))
        self.expression.textChanged.connect(self._on_expression_changed)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setStyleSheet(ERROR_STYLE)

        plots = QHBoxLayout()
        plots.addWidget(self.value_plot)
        plots.addWidget(self.slope_plot)
        grid = QGridLayout(self)
        grid.addLayout(legend, 0, 0, 1, 3)
        grid.addLayout(plots, 1, 0, 1, 3)
        grid.addWidget(QLabel(self.tr("Activation")), 2, 0)
        grid.addWidget(self.choice, 2, 1)
        grid.addWidget(self.use_button, 2, 2)
        grid.addWidget(QLabel(self.tr("Custom f(x) =")), 3, 0)
        grid.addWidget(self.expression, 3, 1, 1, 2)
        grid.addWidget(self.formula, 4, 0, 1, 3)
        grid.addWidget(self.feedback, 5, 0, 1, 3)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(1, 1)
        self._custom: CustomActivation | None = None
        self.expression.setText(DEFAULT_EXPRESSION)
        self.catch_up()

    def _plot(self, name: str, activation) -> None:
        value_curve, slope_curve = self.curves[name]
        with np.errstate(all="ignore"):
            values = activation(X)
            slopes = activation.derivative(X, values)
        value_curve.setData(X, _finite(values))
        slope_curve.setData(X, _finite(slopes))

    def set_setup(self, setup: Setup) -> None:
        has_hidden = len(setup.layer_sizes) > 2
        self.use_button.setEnabled(has_hidden)
        if not has_hidden:
            self.feedback.setText(self.tr("This network has no hidden layer to change."))

    def _on_shown_toggled(self, name: str, shown: bool) -> None:
        for curve in self.curves[name]:
            curve.setVisible(shown)

    @Slot(str)
    def _on_expression_changed(self, text: str) -> None:
        try:
            self._custom = CustomActivation(text)
        except ValueError as error:
            self._custom = None
            self.feedback.setText(str(error))
            for curve in self.curves[CUSTOM]:
                curve.setData([], [])
        else:
            self.feedback.clear()
            self._plot(CUSTOM, self._custom)
        self._show_formula()

    @Slot()
    def _show_formula(self) -> None:
        name = self.choice.currentData()
        activation = self._custom if name == CUSTOM else BUILTINS.get(name)
        self.formula.setText("" if activation is None else self.tr("f(x) = {f}    f′(x) = {df}").format(
            f=activation.formula, df=activation.derivative_formula))

    @Slot()
    def _on_use_clicked(self) -> None:
        name = self.choice.currentData()
        if name == CUSTOM and self._custom is None:
            self.feedback.setText(self.tr("Type a valid expression in x first."))
            return
        spec = self.expression.text() if name == CUSTOM else name
        blueprint = self.controller.blueprint()
        try:
            self.controller.apply_blueprint(replace(
                blueprint, hidden_activations=(spec,) * len(blueprint.hidden_sizes)))
        except ValueError as error:
            self.feedback.setText(str(error))

