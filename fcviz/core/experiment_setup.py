"""What the GUI knows about an experiment (Setup) and what the architecture editor edits (Blueprint).

The worker owns the live Experiment while training; the GUI keeps a frozen
Setup taken when an experiment is handed over, and reads everything that
changes during training from snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment, split_indices
from fcviz.core.network import Network
from fcviz.core.parameter_names import ParameterNames
from fcviz.core.preprocessing import Preprocessing
from fcviz.core.tasks import BINARY, check_settings, infer_task, suggest_loss, suggest_output_activation
from fcviz.core.trainer import Trainer


@dataclass(frozen=True)
class Setup:
    """The parts of an experiment that only change when a new experiment is installed.

    How the run trains and shows itself (epochs, display frequency, learning rate, ...) is not
    here: the GUI keeps that in its RunSettings.
    """

    dataset: Dataset
    network_config: dict
    trainer_config: dict
    parameter_names: ParameterNames  # made on demand: a 10M-parameter network holds no 10M strings
    parameter_layers: np.ndarray  # layer number (1-based) of every parameter
    initial_params: np.ndarray
    train_rows: np.ndarray
    test_rows: np.ndarray
    test_fraction: float
    split_seed: int
    name: str
    title: str
    preprocessing: Preprocessing | None = None

    @classmethod
    def of(cls, experiment: Experiment) -> "Setup":
        net = experiment.net
        train, test = experiment.split_indices()
        layers = np.concatenate([np.full(layer.n_params, number)
                                 for number, layer in enumerate(net.layers, 1)])
        return cls(
            dataset=experiment.dataset, network_config=net.config(),
            trainer_config=experiment.trainer.config(),
            parameter_names=ParameterNames.of(net), parameter_layers=layers,
            initial_params=experiment.initial_params,  # read-only, replaced rather than written
            train_rows=train, test_rows=test, test_fraction=experiment.test_fraction,
            split_seed=experiment.split_seed, name=experiment.name, title=experiment.title,
            preprocessing=experiment.preprocessing)

    @property
    def layer_sizes(self) -> list[int]:
        return list(self.network_config["layer_sizes"])

    @property
    def loss_name(self) -> str:
        return self.trainer_config["loss"]

    def parameter_index(self, name: str) -> int:
        """Position of a named parameter in the snapshots' `params` (ValueError if unknown)."""
        return self.parameter_names.index(name)

    def train_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The training rows as the network sees them (after preprocessing): what the diagrams compute on."""
        X, y = self.dataset.X[self.train_rows], self.dataset.y[self.train_rows]
        if self.preprocessing is None:
            return X, y
        return self.preprocessing.inputs(X), self.preprocessing.targets(y)

    def with_data(self, dataset: Dataset, test_fraction: float) -> "Setup":
        """This setup over edited data (same inputs and outputs), split as the worker will split it."""
        train, test = split_indices(dataset.n_samples, test_fraction, self.split_seed)  # as the worker splits
        return replace(self, dataset=dataset, test_fraction=test_fraction, train_rows=train, test_rows=test)


@dataclass(frozen=True)
class Blueprint:
    """An architecture and training recipe: everything the architecture editor lets a person choose."""

    hidden_sizes: tuple[int, ...]
    hidden_activations: tuple[str, ...]
    output_activation: str
    loss: str
    optimizer: str
    learning_rate: float
    batch_size: int | None
    shuffle: bool
    init: str
    seed: int
    test_fraction: float
    dtype: str = "float64"   # or "float32": half the memory, faster on large data
    scale: str = "none"      # input (and regression target) scaling, fitted on the training rows

    @classmethod
    def of(cls, setup: Setup, learning_rate: float | None = None) -> "Blueprint":
        net, trainer = setup.network_config, setup.trainer_config
        activations = tuple(net["activations"])
        return cls(
            hidden_sizes=tuple(net["layer_sizes"][1:-1]), hidden_activations=activations[:-1],
            output_activation=activations[-1], loss=trainer["loss"],
            optimizer=trainer["optimizer"]["name"],
            learning_rate=trainer["optimizer"]["learning_rate"] if learning_rate is None else learning_rate,
            batch_size=trainer["batch_size"], shuffle=trainer["shuffle"], init=net["init"],
            seed=int(net["seed"]), test_fraction=setup.test_fraction, dtype=net.get("dtype", "float64"),
            scale=setup.preprocessing.scale if setup.preprocessing is not None else "none")

    def for_dataset(self, dataset: Dataset) -> "Blueprint":
        """The same hidden layers and optimizer, with an output layer and loss that suit `dataset`
        (fcviz.core.tasks' rules; mse stays mse on a 0/1 target, as in the lab)."""
        loss = "mse" if self.loss == "mse" and infer_task(dataset) == BINARY else suggest_loss(dataset)
        return replace(self, output_activation=suggest_output_activation(dataset, loss), loss=loss)

    def build(self, dataset: Dataset, epochs: int, display_every: int, name: str = "", title: str = "",
              previous: Setup | None = None, keep_weights: bool = True) -> Experiment:
        """A fresh experiment at epoch 0; raises ValueError (core's message) for an impossible choice.

        The previous initial weights are kept when the weight shapes and the
        init scheme and seed are unchanged, so changing only the loss or the
        optimizer does not throw away hand-set starting weights.
        """
        sizes = [dataset.n_features, *self.hidden_sizes, dataset.n_outputs]
        net = Network(sizes, [*self.hidden_activations, self.output_activation], init=self.init, seed=self.seed,
                      dtype=self.dtype)
        if (keep_weights and previous is not None and previous.layer_sizes == sizes
                and previous.network_config["init"] == self.init and previous.network_config["seed"] == self.seed):
            net.params[...] = previous.initial_params
        check_settings(dataset, self.loss, self.output_activation)
        trainer = Trainer(net, loss=self.loss, optimizer=self.optimizer, lr=self.learning_rate,
                          batch_size=self.batch_size, shuffle=self.shuffle, seed=self.seed)
        return Experiment(dataset, trainer, epochs=epochs, display_every=display_every,
                          test_fraction=self.test_fraction,
                          split_seed=previous.split_seed if previous is not None else 0,
                          name=name, title=title, scale=self.scale)
