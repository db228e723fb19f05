"""Network diagram panel (first version): the layers as a table and Keras' summary text."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHeaderView, QLabel, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout

from fcviz.core.network import Network
from fcviz.gui.experiment_setup import Setup
from fcviz.gui.panels.base import Panel

SUMMARY_FONT_SCALE = 0.85


class NetworkDiagramPanel(Panel):
    """Which layers the network has, their activations and parameter counts."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.layers = QTableWidget(0, 4)
        self.layers.setHorizontalHeaderLabels([self.tr("Layer"), self.tr("Units"), self.tr("Activation"),
                                               self.tr("Parameters")])
        self.layers.verticalHeader().hide()
        self.layers.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.layers.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.layers.horizontalHeader().setStretchLastSection(True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * SUMMARY_FONT_SCALE)
        self.summary.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.layers)
        layout.addWidget(self.summary, 1)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        net = Network.from_config(setup.network_config)
        sizes = " → ".join(str(size) for size in net.layer_sizes)
        self.heading.setText(self.tr("{sizes} network, {count} parameters").format(
            sizes=sizes, count=f"{net.count_params():,}"))
        rows = [(self.tr("input"), net.layer_sizes[0], "", 0)]
        for number, layer in enumerate(net.layers, 1):
            kind = self.tr("output") if number == len(net.layers) else self.tr("hidden {number}").format(number=number)
            rows.append((kind, layer.units, layer.activation.name, layer.n_params))
        self.layers.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.layers.setItem(row, column, QTableWidgetItem(str(value)))
        table_height = self.layers.horizontalHeader().height() + sum(
            self.layers.rowHeight(row) for row in range(len(rows))) + 2 * self.layers.frameWidth()
        self.layers.setFixedHeight(table_height)
        self.summary.setPlainText(net.summary())
