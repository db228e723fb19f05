"""Architecture panel: hidden layers, activations, loss, optimizer, batch size, init, test split."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fcviz.core import limits
from fcviz.core.activations import BUILTINS, get_activation
from fcviz.core.experiment_setup import Blueprint, Setup
from fcviz.core.initializers import INITIALIZERS
from fcviz.core.losses import LOSSES
from fcviz.core.optimizers import OPTIMIZERS
from fcviz.gui.panels.base import Panel
from fcviz.gui.widgets import set_clamped, show_error

MAX_HIDDEN_LAYERS = 8
ERROR_STYLE = "color: #c62828;"
HINT_STYLE = "color: #666666;"


class ActivationChooser(QWidget):
    """A built-in activation, or "custom…" with an expression in x checked as it is typed."""

    validity_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.addItems(list(BUILTINS))
        self.combo.addItem(self.tr("custom…"))
        self.expression = QLineEdit()
        self.expression.setPlaceholderText(self.tr("expression in x, e.g. x*sigmoid(x)"))
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.combo.currentIndexChanged.connect(self._on_changed)
        self.expression.textChanged.connect(self._on_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.combo)
        layout.addWidget(self.expression)
        layout.addWidget(self.feedback)
        self._valid = True
        self._on_changed()

    @property
    def is_custom(self) -> bool:
        return self.combo.currentIndex() == len(BUILTINS)

    @property
    def valid(self) -> bool:
        return self._valid

    def activation(self) -> str:
        return self.expression.text().strip() if self.is_custom else self.combo.currentText()

    def set_activation(self, name: str) -> None:
        with QSignalBlocker(self.combo), QSignalBlocker(self.expression):
            if name in BUILTINS:
                self.combo.setCurrentText(name)
                self.expression.clear()
            else:
                self.combo.setCurrentIndex(len(BUILTINS))
                self.expression.setText(name)
        self._on_changed()

    @Slot()
    def _on_changed(self) -> None:
        self.expression.setVisible(self.is_custom)
        message, valid = "", True
        if self.is_custom:
            try:
                activation = get_activation(self.expression.text())
            except ValueError as error:
                message, valid = str(error), False
            else:
                message = self.tr("derivative: {formula}").format(formula=activation.derivative_formula)
        self.feedback.setText(message)
        self.feedback.setStyleSheet(ERROR_STYLE if not valid else HINT_STYLE)
        self.feedback.setVisible(bool(message))
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)


class HiddenLayerRow(QWidget):
    """Units and activation of one hidden layer."""

    def __init__(self, number: int, parent=None):
        super().__init__(parent)
        self.units = QSpinBox()
        self.units.setRange(1, limits.MAX_LAYER_UNITS)
        self.units.setValue(2)
        self.activation = ActivationChooser()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Layer {number}").format(number=number)), 0, 0)
        layout.addWidget(self.units, 0, 1)
        layout.addWidget(self.activation, 0, 2)
        layout.setColumnStretch(2, 1)


class ArchitecturePanel(Panel):
    """Edit the recipe of the network and its training; Apply rebuilds it (undoable)."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.hidden_count = QSpinBox()
        self.hidden_count.setRange(0, MAX_HIDDEN_LAYERS)
        self.hidden_count.valueChanged.connect(self._on_hidden_count_changed)
        self.hidden_rows: list[HiddenLayerRow] = []
        self.hidden_box = QVBoxLayout()
        self.hidden_box.setContentsMargins(0, 0, 0, 0)
        self.output_activation = ActivationChooser()
        self.output_activation.validity_changed.connect(self._update_apply)
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, limits.MAX_BATCH_SIZE)
        self.batch_size.setSpecialValueText(self.tr("full batch"))
        self.shuffle = QCheckBox(self.tr("Shuffle every epoch"))
        self.init = QComboBox()
        self.init.addItems(list(INITIALIZERS))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2 ** 31 - 1)
        self.dtype = QComboBox()
        self.dtype.addItem(self.tr("float64 (exact)"), "float64")
        self.dtype.addItem(self.tr("float32 (faster on large data)"), "float32")
        self.dtype.setToolTip(self.tr("Number type of the weights and of every computation"))
        self.test_percent = QSpinBox()
        self.test_percent.setRange(0, 90)
        self.test_percent.setSuffix(" %")
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setToolTip(self.tr("Rebuild the network and start training from epoch 0"))
        self.apply_button.clicked.connect(self.apply)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self._revert)

        form = QFormLayout(self)
        form.addRow(self.tr("Hidden layers"), self.hidden_count)
        form.addRow(self.hidden_box)
        form.addRow(self.tr("Output activation"), self.output_activation)
        form.addRow(self.tr("Loss"), self.loss)
        form.addRow(self.tr("Optimizer"), self.optimizer)
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow("", self.shuffle)
        form.addRow(self.tr("Initial weights"), self.init)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Numbers"), self.dtype)
        form.addRow(self.tr("Test split"), self.test_percent)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        form.addRow(buttons)
        self.catch_up()

    # --- form <-> blueprint ---------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        self.show_blueprint(Blueprint.of(setup))

    def show_blueprint(self, blueprint: Blueprint) -> None:
        set_clamped(self.hidden_count, len(blueprint.hidden_sizes))
        for row, units, activation in zip(self.hidden_rows, blueprint.hidden_sizes, blueprint.hidden_activations):
            set_clamped(row.units, units)
            row.activation.set_activation(activation)
        self.output_activation.set_activation(blueprint.output_activation)
        self.loss.setCurrentText(blueprint.loss)
        self.optimizer.setCurrentText(blueprint.optimizer)
        set_clamped(self.batch_size, blueprint.batch_size or 0)
        self.shuffle.setChecked(blueprint.shuffle)
        self.init.setCurrentText(blueprint.init)
        set_clamped(self.seed, blueprint.seed)
        self.dtype.setCurrentIndex(max(0, self.dtype.findData(blueprint.dtype)))
        set_clamped(self.test_percent, round(100 * blueprint.test_fraction))
        self._update_apply()

    def blueprint(self) -> Blueprint:
        """The form's choices over the current recipe (learning rate and the rest unchanged)."""
        return replace(
            self.controller.blueprint(),
            hidden_sizes=tuple(row.units.value() for row in self.hidden_rows),
            hidden_activations=tuple(row.activation.activation() for row in self.hidden_rows),
            output_activation=self.output_activation.activation(), loss=self.loss.currentText(),
            optimizer=self.optimizer.currentText(), batch_size=self.batch_size.value() or None,
            shuffle=self.shuffle.isChecked(), init=self.init.currentText(), seed=self.seed.value(),
            dtype=self.dtype.currentData(),
            test_fraction=self.test_percent.value() / 100)

    @Slot()
    def apply(self) -> None:
        try:
            self.controller.apply_blueprint(self.blueprint())
        except ValueError as error:
            show_error(self, self.tr("Cannot build this network"), str(error))

    @Slot()
    def _revert(self) -> None:
        self.set_setup(self.controller.setup)

    # --- hidden layers ------------------------------------------------------------------------

    @Slot(int)
    def _on_hidden_count_changed(self, count: int) -> None:
        while len(self.hidden_rows) > count:
            row = self.hidden_rows.pop()
            self.hidden_box.removeWidget(row)
            row.deleteLater()
        while len(self.hidden_rows) < count:
            row = HiddenLayerRow(len(self.hidden_rows) + 1)
            if self.hidden_rows:
                row.activation.set_activation(self.hidden_rows[-1].activation.activation())
            row.activation.validity_changed.connect(self._update_apply)
            self.hidden_box.addWidget(row)
            self.hidden_rows.append(row)
        self._update_apply()

    @Slot()
    def _update_apply(self) -> None:
        choosers = [row.activation for row in self.hidden_rows] + [self.output_activation]
        self.apply_button.setEnabled(all(chooser.valid for chooser in choosers))
