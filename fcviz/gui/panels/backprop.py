"""Backprop panel (first version): every parameter with its value and the gradient ∂L/∂w."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout

from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.core.trainer import Trainer
from fcviz.gui.experiment_setup import Setup
from fcviz.gui.panels.base import Panel
from fcviz.gui.parameter_model import GRADIENT, LAYER, NAME, VALUE, ParameterTableModel


class BackpropPanel(Panel):
    """The full-batch gradient of the loss over the training data at the snapshot's weights.

    It runs the trainer's own backward pass on a private copy of the network,
    so it shows the numbers a full-batch step would use.
    """

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self._trainer: Trainer | None = None
        self._inputs = np.zeros((0, 0))
        self._targets = np.zeros((0, 0))
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.model = ParameterTableModel((LAYER, NAME, VALUE, GRADIENT), parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        X, y = setup.train_data()
        net = Network.from_config(setup.network_config)
        self._trainer = Trainer(net, loss=setup.loss_name, optimizer="sgd", lr=1.0, shuffle=False)
        self._inputs = np.vstack([X.T, np.ones((1, len(X)))]).astype(net.dtype)  # the trainer's layout
        self._targets = np.ascontiguousarray(y.T, dtype=net.dtype)
        self.model.set_setup(setup)
        self.heading.setText(self.tr("Gradient of the {loss} loss over all {n} training samples "
                                     "at the current weights: a step moves each weight against it.")
                             .format(loss=setup.loss_name, n=len(X)))

    def gradient(self, params: np.ndarray) -> np.ndarray:
        """∂L/∂params (flat, in `params` order) of the full training batch."""
        self._trainer.net.params[...] = params
        self._trainer.compute_gradients(self._inputs, self._targets, scale=1.0)
        return self._trainer.grad.copy()

    def draw(self, snapshot: Snapshot) -> None:
        self.model.set_numbers(VALUE, snapshot.params)
        self.model.set_numbers(GRADIENT, self.gradient(snapshot.params))
