"""Experiment: a dataset, a network, a trainer and the run settings, kept together.

This is what a preset builds, what a session file stores, and what the GUI
controller and the CLI work on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.history import History
from fcviz.core.metrics import evaluate
from fcviz.core.network import Network
from fcviz.core.preprocessing import Preprocessing
from fcviz.core.tasks import check_settings, suggest_loss, suggest_output_activation, table_settings
from fcviz.core.timeline import Timeline, default_pace, is_display_epoch
from fcviz.core.trainer import Trainer

METRICS_MEMO_MAX_PARAMS = 100_000  # a larger network's metrics are measured anew (no copy of its weights kept)


def split_indices(n_samples: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row indices; the test part is a seeded random `test_fraction` of the rows."""
    n_test = int(round(test_fraction * n_samples))
    if n_test == 0 or n_test >= n_samples:
        return np.arange(n_samples), np.arange(0)
    order = np.random.default_rng(seed).permutation(n_samples)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _read_only_copy(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True)
class RunMemento:
    """A run's weights, trainer state and timeline at one moment (see Experiment.memento)."""

    params: np.ndarray
    trainer_state: dict
    timeline: Timeline


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
    # where Reset goes back to (None: the weights as built); read-only, replaced rather than written, so that
    # setups and snapshots share it (`start_from_current_weights`)
    initial_params: np.ndarray = None  # type: ignore[assignment]  # set in __post_init__
    ui_state: dict = field(default_factory=dict)
    scale: str = "none"   # how a fresh experiment fits `preprocessing` (ignored when one is given)
    preprocessing: Preprocessing | None = None
    pace: float | None = None     # display epochs drawn a second while training; 0 = as fast as it goes
    timeline: Timeline = field(default=None)  # type: ignore[assignment]  # made in __post_init__
    # the last metrics() and what they were measured on (a recorded frame and the snapshot sent with it
    # ask for the same; each is a forward pass on all the data, holding the GIL)
    _metrics_memo: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        self.initial_params = _read_only_copy(self.net.params if self.initial_params is None else self.initial_params)
        if self.preprocessing is None and (self.scale != "none" or np.isnan(self.dataset.X).any()):
            self.preprocessing = self._fit_preprocessing()
        if self.preprocessing is not None:
            self.scale = self.preprocessing.scale
            if np.isnan(self.dataset.X).any():  # gaps are filled once, with training-row values
                self.dataset = self.dataset.with_data(self.preprocessing.filled(self.dataset.X), self.dataset.y)
        if self.pace is None:
            self.pace = default_pace(self.epochs, self.display_every)
        self.apply_data()
        if self.timeline is None:
            self.timeline = Timeline()
            self.start_timeline()

    def _fit_preprocessing(self) -> Preprocessing:
        """Fill values and scaling from the training rows only."""
        train, _ = self.split_indices()
        regression = (not self.dataset.is_classification and self.trainer.loss.name == "mse"
                      and self.net.layers[-1].activation.name == "linear")
        groups = [tuple(group) for group in self.dataset.meta.get("one_hot_groups", ())]
        return Preprocessing.fit(self.dataset.X[train], self.dataset.y[train], self.scale,
                                 scale_target=regression, groups=groups)

    def start_from_current_weights(self) -> None:
        """The current weights become where Reset goes back to (a new array: published ones stay as they were)."""
        self.initial_params = _read_only_copy(self.net.params)

    def network_inputs(self, X) -> np.ndarray:
        return X if self.preprocessing is None else self.preprocessing.inputs(X)

    def network_targets(self, y) -> np.ndarray:
        return y if self.preprocessing is None else self.preprocessing.targets(y)

    def predict(self, X) -> np.ndarray:
        """The network's outputs for rows X, both in the data's own units."""
        return self._data_units(self.net.predict(self.network_inputs(X)))

    def _data_units(self, network_output: np.ndarray) -> np.ndarray:
        return network_output if self.preprocessing is None else self.preprocessing.outputs(network_output)

    @property
    def net(self) -> Network:
        return self.trainer.net

    def split_indices(self) -> tuple[np.ndarray, np.ndarray]:
        """(train, test) row indices of this experiment's data (see `split_indices`)."""
        return split_indices(self.dataset.n_samples, self.test_fraction, self.split_seed)

    def apply_data(self) -> None:
        """Hand the (split) dataset to the trainer."""
        train, test = self.split_indices()
        X, y = self.network_inputs(self.dataset.X), self.network_targets(self.dataset.y)
        self.trainer.set_data(X[train], y[train], X[test], y[test])

    def metrics(self) -> dict[str, float]:
        """Loss and accuracy/R² of the current weights on the training part (and test part)."""
        params, memo = self.net.params, self._metrics_memo
        inputs = (self.dataset, self.preprocessing, self.trainer, self.test_fraction, self.split_seed)
        if memo is not None and all(a is b for a, b in zip(memo[0], inputs)) and np.array_equal(memo[1], params):
            return dict(memo[2])
        out = self._measure()
        if params.size <= METRICS_MEMO_MAX_PARAMS:
            self._metrics_memo = (inputs, params.copy(), dict(out))
        return out

    def _measure(self) -> dict[str, float]:
        train, test = self.split_indices()
        X, y = self.dataset.X, self.dataset.y
        X_net, y_net = self.network_inputs(X), self.network_targets(y)
        classification = self.dataset.is_classification
        loss, outputs = self.trainer.loss_and_outputs(X_net[train], y_net[train])
        out = {"loss": loss, **evaluate(self._data_units(outputs), y[train], classification)}
        if len(test):
            loss, outputs = self.trainer.loss_and_outputs(X_net[test], y_net[test])
            out["test_loss"] = loss
            out.update({f"test_{k}": v for k, v in
                        evaluate(self._data_units(outputs), y[test], classification).items()})
        return out

    def reset(self) -> None:
        """Back to the initial weights, epoch 0, fresh optimizer and shuffling (and a new timeline)."""
        old = self.trainer
        self.net.params[...] = self.initial_params
        self.trainer = Trainer.from_config(self.net, old.config())
        self.trainer.set_frozen(old.frozen)
        self.apply_data()
        self.timeline = Timeline(self.timeline.max_bytes)
        self.start_timeline()

    # --- the timeline -------------------------------------------------------------------

    def start_timeline(self) -> None:
        """Record the current state if the timeline is empty or ends after it (a session without one)."""
        timeline = self.timeline
        timeline.truncate(self.trainer.epoch)
        if timeline.last_epoch != self.trainer.epoch:
            self.record_frame(force=True)

    def is_display_epoch(self, epoch: int | None = None) -> bool:
        return is_display_epoch(self.trainer.epoch if epoch is None else epoch, self.display_every)

    def next_display_epoch(self) -> int:
        """The display epoch training stops at next to be drawn (the run's last epoch at the latest)."""
        epoch, every = self.trainer.epoch, self.display_every
        following = 1 if epoch == 0 else (epoch // every + 1) * every
        return min(following, max(self.epochs, epoch + 1))

    def record_frame(self, force: bool = False) -> bool:
        """Record the current state in the timeline (at an epoch's end); False if thinning skipped it."""
        trainer, timeline = self.trainer, self.timeline
        epoch = trainer.epoch
        if trainer.batch_index or not (force or timeline.wants(epoch)):
            return False
        loss = trainer.history.loss[epoch - 1] if 0 < epoch <= len(trainer.history.loss) else np.nan
        return timeline.record(epoch, self.net.params, float(loss), self.metrics(),
                               trainer.optimizer.get_state(), trainer.rng.bit_generator.state, force)

    def record_if_display_epoch(self) -> bool:
        """Record the state if training just reached a display epoch or the run's end."""
        trainer = self.trainer
        if trainer.batch_index or trainer.diverged:
            return False
        if trainer.epoch >= self.epochs:
            return self.record_frame(force=True)
        return self.is_display_epoch() and self.record_frame()

    def continue_from(self, epoch: int) -> int:
        """Go back to the recorded state at `epoch` (or the last frame before it) and forget what came
        after, so that training on repeats the recorded run exactly. Returns the frame's epoch."""
        view = self.timeline.view()
        frame = view.frame(view.index_of(epoch))
        trainer = self.trainer
        history = History.from_dict(trainer.history.as_dict())  # a copy, cut back to the frame's epoch
        history.loss.truncate(frame.epoch)
        history.val_loss.truncate(frame.epoch)
        self.net.params[...] = frame.params
        trainer.set_state({
            "epoch": frame.epoch, "batch_index": 0, "rng": frame.rng, "order": None,
            "epoch_loss_sum": (frame.loss if frame.epoch else 0.0) * trainer.n_samples,
            "optimizer": dict(frame.optimizer), "history": history.as_dict(), "frozen": trainer.frozen.copy(),
            "epoch_start_params": frame.params})
        trainer.diverged = False
        trainer.stop_reason = ""
        self.timeline = self.timeline.truncated(frame.epoch)
        return frame.epoch

    def memento(self) -> "RunMemento":
        """Where the run stands now, to go back to with `restore` (the undo of `continue_from`)."""
        return RunMemento(self.net.params.copy(), self.trainer.get_state(), self.timeline)

    def restore(self, memento: "RunMemento") -> None:
        state = dict(memento.trainer_state, frozen=self.trainer.frozen.copy())
        self.net.params[...] = memento.params
        self.trainer.set_state(state)
        self.trainer.diverged = False
        self.timeline = memento.timeline.truncated(memento.trainer_state["epoch"])

    def train_to_next_display_epoch(self) -> None:
        """Train up to the next display epoch (or the run's end) and record it, as the window draws it."""
        self.trainer.fit(epochs=self.next_display_epoch() - self.trainer.epoch)
        self.record_if_display_epoch()

    def train_to(self, epoch: int) -> None:
        """Train up to `epoch` (the run's end at the latest), recording every display epoch on the way."""
        epoch = min(int(epoch), self.epochs)
        while self.trainer.epoch < epoch and not self.trainer.diverged:
            self.trainer.fit(epochs=min(self.next_display_epoch(), epoch) - self.trainer.epoch)
            self.record_if_display_epoch()



def build_experiment(dataset: Dataset, hidden=(2,), activation="sigmoid", output_activation=None,
                     loss=None, optimizer="sgd", lr=0.5, batch_size=None, shuffle=True,
                     init="glorot_uniform", seed=0, epochs=5000, display_every=100,
                     test_fraction=0.0, dtype="float64", scale="none", split_seed=0,
                     **optimizer_options) -> Experiment:
    """A fresh experiment on `dataset` with a network of the given hidden layers.

    `loss` and `output_activation` default to what suits the targets (see
    `fcviz.core.tasks`); an impossible pair raises ValueError. `scale` other than
    "none" standardizes (or min-max scales) the inputs, and a regression target
    under a linear output, fitted on the training rows.
    """
    loss = loss or suggest_loss(dataset)
    output_activation = output_activation or suggest_output_activation(dataset, loss)
    check_settings(dataset, loss, output_activation)
    hidden = [int(units) for units in hidden]
    activations = [activation] * len(hidden) + [output_activation]
    net = Network([dataset.n_features, *hidden, dataset.n_outputs], activations, init=init,
                  seed=seed, dtype=dtype)
    trainer = Trainer(net, loss=loss, optimizer=optimizer, lr=lr, batch_size=batch_size,
                      shuffle=shuffle, seed=seed, **optimizer_options)
    return Experiment(dataset, trainer, epochs=epochs, display_every=display_every,
                      test_fraction=test_fraction, split_seed=split_seed, name=dataset.name,
                      title=dataset.name, scale=scale)


def build_table_experiment(dataset: Dataset, loss: str | None = None, output_activation: str | None = None,
                           test_fraction: float = 0.0, seed: int = 0, **overrides) -> Experiment:
    """A loaded table's experiment with `fcviz.core.tasks.table_settings` — what `fcviz FILE`,
    File ▸ Open and the dataset dialog start from, as `fcviz train FILE` does."""
    n_train = dataset.n_samples - int(round(test_fraction * dataset.n_samples))
    options = table_settings(dataset, loss, output_activation, n_train=n_train).as_options()
    options.update(overrides)
    options.setdefault("display_every", max(1, options["epochs"] // 100))
    return build_experiment(dataset, test_fraction=test_fraction, seed=seed, split_seed=seed, **options)
