"""Experiment: a dataset, a network, a trainer and the run settings, kept together.

This is what a preset builds, what a session file stores, and what the GUI
controller and the CLI work on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.metrics import evaluate
from fcviz.core.network import Network
from fcviz.core.trainer import Trainer


@dataclass
class Experiment:
    dataset: Dataset
    trainer: Trainer
    epochs: int = 5000
    display_every: int = 100
    test_fraction: float = 0.0
    split_seed: int = 0
    name: str = ""
    title: str = ""
    initial_params: np.ndarray = field(default=None)
    ui_state: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.initial_params is None:
            self.initial_params = self.net.params.copy()
        self.apply_data()

    @property
    def net(self) -> Network:
        return self.trainer.net

    def split_indices(self) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) row indices; the test part is a seeded random `test_fraction`."""
        n = self.dataset.n_samples
        n_test = int(round(self.test_fraction * n))
        if n_test == 0 or n_test >= n:
            return np.arange(n), np.arange(0)
        order = np.random.default_rng(self.split_seed).permutation(n)
        return np.sort(order[n_test:]), np.sort(order[:n_test])

    def apply_data(self) -> None:
        """Hand the (split) dataset to the trainer."""
        train, test = self.split_indices()
        X, y = self.dataset.X, self.dataset.y
        self.trainer.set_data(X[train], y[train], X[test], y[test])

    def metrics(self) -> dict[str, float]:
        """Loss and accuracy/R² of the current weights on the training part (and test part)."""
        train, test = self.split_indices()
        X, y = self.dataset.X, self.dataset.y
        classification = self.dataset.is_classification
        out = {"loss": self.trainer.evaluate_loss(X[train], y[train])}
        out.update(evaluate(self.net.predict(X[train]), y[train], classification))
        if len(test):
            out["test_loss"] = self.trainer.evaluate_loss(X[test], y[test])
            out.update({f"test_{k}": v for k, v in
                        evaluate(self.net.predict(X[test]), y[test], classification).items()})
        return out

    def reset(self) -> None:
        """Back to the initial weights, epoch 0, fresh optimizer and shuffling."""
        old = self.trainer
        self.net.params[...] = self.initial_params
        self.trainer = Trainer.from_config(self.net, old.config())
        self.trainer.frozen[...] = old.frozen
        self.apply_data()

