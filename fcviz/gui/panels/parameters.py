"""Parameter initialization panel: every weight and bias in seed notation, editable, plus the learning rate."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
)

from fcviz.core.experiment_setup import Setup
from fcviz.core.initializers import INITIALIZERS
from fcviz.core.limits import MAX_LISTED_PARAMETERS
from fcviz.core.snapshot import Snapshot
from fcviz.gui.panels.base import Panel
from fcviz.gui.parameter_model import LAYER, NAME, VALUE, ParameterTableModel
from fcviz.gui.widgets import LearningRateSpinBox, set_clamped, show_error, show_value

VALUE_LIMIT = 1e6


class ValueDelegate(QStyledItemDelegate):
    """Edits a value with a double spin box (no per-row widgets: one editor while editing)."""

    def createEditor(self, parent, option, index):
        editor = QDoubleSpinBox(parent)
        editor.setDecimals(6)
        editor.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        editor.setSingleStep(0.1)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor

    def setEditorData(self, editor, index):
        editor.setValue(index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor, model, index):
        editor.interpretText()
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class ParametersPanel(Panel):
    """Type a starting value for any weight or bias, before or during training."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.learning_rate = LearningRateSpinBox()
        self.learning_rate.setToolTip(self.tr("How far each step moves the weights against the gradient"))
        self.learning_rate.valueChanged.connect(self._on_learning_rate_changed)

        self.init_scheme = QComboBox()
        self.init_scheme.addItems(list(INITIALIZERS))
        self.init_seed = QSpinBox()
        self.init_seed.setRange(0, 2 ** 31 - 1)
        self.init_seed.setPrefix(self.tr("seed "))
        self.initialize_button = QPushButton(self.tr("Initialize"))
        self.initialize_button.setToolTip(self.tr("Draw new starting weights with this scheme and seed; "
                                                  "training starts again from epoch 0 (undoable)"))
        self.initialize_button.clicked.connect(self._on_initialize_clicked)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText(self.tr("Filter by name, e.g. w1 or _2"))
        self.filter_text.setClearButtonEnabled(True)
        self.layer_filter = QComboBox()

        self.model = ParameterTableModel((LAYER, NAME, VALUE), editable=True, parent=self)
        self.model.value_edited.connect(self._on_value_edited)
        self.filter_text.textChanged.connect(lambda text: self._filter(text=text))
        self.layer_filter.currentIndexChanged.connect(lambda layer: self._filter(layer=layer))
        self.unlisted_note = QLabel()
        self.unlisted_note.setWordWrap(True)
        self.unlisted_note.hide()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(self.model.column_of(VALUE), ValueDelegate(self.table))
        self.table.setEditTriggers(QTableView.EditTrigger.DoubleClicked | QTableView.EditTrigger.EditKeyPressed
                                   | QTableView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        form = QFormLayout()
        form.addRow(self.tr("Learning rate"), self.learning_rate)
        scheme = QHBoxLayout()
        scheme.addWidget(self.init_scheme, 1)
        scheme.addWidget(self.init_seed)
        scheme.addWidget(self.initialize_button)
        form.addRow(self.tr("Weights from"), scheme)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_text, 1)
        filters.addWidget(self.layer_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addLayout(filters)
        layout.addWidget(self.unlisted_note)
        layout.addWidget(self.table, 1)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        self.init_scheme.setCurrentText(setup.network_config["init"])
        set_clamped(self.init_seed, setup.network_config["seed"])
        self.model.set_setup(setup)
        self.layer_filter.blockSignals(True)
        self.layer_filter.clear()
        self.layer_filter.addItem(self.tr("All layers"))
        for layer in range(1, len(setup.layer_sizes)):
            self.layer_filter.addItem(self.tr("Layer {text}").format(text=self.model.layer_text(layer)))
        self.layer_filter.blockSignals(False)
        self._filter(layer=0)

    def _filter(self, layer: int | None = None, text: str | None = None) -> None:
        """List what the layer and name filters choose; say what a huge network leaves out."""
        self.model.set_filter(layer, text)
        unlisted = self.model.unlisted
        self.unlisted_note.setVisible(bool(unlisted))
        if unlisted:
            self.unlisted_note.setText(self.tr(
                "{unlisted:,} more parameters are not listed (the table lists at most {limit:,}); "
                "choose a layer, or type a whole name such as w12_1 to find any one.").format(
                    unlisted=unlisted, limit=MAX_LISTED_PARAMETERS))

    def draw(self, snapshot: Snapshot) -> None:
        self.model.set_numbers(VALUE, snapshot.params)
        show_value(self.learning_rate, snapshot.learning_rate)

    @Slot(str, float)
    def _on_value_edited(self, name: str, value: float) -> None:
        self.controller.edit_parameter(name, value)

    @Slot()
    def _on_initialize_clicked(self) -> None:
        init, seed = self.init_scheme.currentText(), self.init_seed.value()
        description = QCoreApplication.translate("Controller", "Initialize weights ({init}, seed {seed})")
        try:  # new starting weights from the scheme and seed; training restarts (undoable)
            self.controller.apply_blueprint(replace(self.controller.blueprint(), init=init, seed=seed),
                                            fresh_weights=True, description=description.format(init=init, seed=seed))
        except ValueError as error:
            show_error(self, self.tr("Cannot initialize the weights"), str(error))

    @Slot(float)
    def _on_learning_rate_changed(self, value: float) -> None:
        self.controller.set_learning_rate(value)
