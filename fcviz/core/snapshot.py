"""Snapshot: an immutable copy of the training state, handed from the worker to the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

import numpy as np

from fcviz.core.experiment import Experiment
from fcviz.core.network import Network
from fcviz.core.preprocessing import PreprocessedNetwork, Preprocessing
from fcviz.core.timeline import TimelineView

MAX_CURVE_POINTS = 4096  # a snapshot's loss curve: enough for any screen, the same cost at any epoch


def curve_indices(length: int, limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Evenly spread indices into a history of `length` entries, at most `limit`, always the first and last."""
    if length <= limit:
        return np.arange(length)
    # Steps of (length - 1) / (limit - 1) >= 1 round to increasing indices; np.unique's hash table cost
    # ~0.3 ms a snapshot (issue 14), so repeats (none expected) are dropped by comparing neighbours.
    indices = np.linspace(0, length - 1, limit).round().astype(np.int64)
    return indices[np.concatenate(([True], indices[1:] != indices[:-1]))]


class RunState(str, Enum):
    """Where training stands; a str, so it compares equal to its value ("running", …)."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    DIVERGED = "diverged"


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True)
class Snapshot:
    """What the panels draw. Arrays are read-only copies, never views of live state (`initial_params` is the
    experiment's read-only array, which is replaced, never written)."""

    epoch: int
    batch_index: int
    target_epochs: int
    state: RunState
    params: np.ndarray
    network_config: dict
    learning_rate: float
    loss_history: np.ndarray      # the loss curve, thinned to at most MAX_CURVE_POINTS (ends included)
    val_loss_history: np.ndarray  # the same epochs' test loss (empty without test data)
    metrics: dict = field(default_factory=dict)
    epochs_per_second: float = 0.0
    message: str = ""
    data_version: int = 0
    commands_applied: int = 0  # how many GUI commands the worker had applied when it took this
    initial_params: np.ndarray = field(default_factory=lambda: np.zeros(0))  # where Reset goes back to
    loss_epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # epoch of each curve point
    preprocessing: Preprocessing | None = None  # immutable; maps data units to and from the network's
    timeline: TimelineView = field(default_factory=TimelineView)  # the run's recorded display epochs
    live_epoch: int | None = None  # set when this shows a recorded epoch: the epoch training is at
    engine: str = ""           # which engine trains: "compiled" or "numpy" (fcviz.core.engine)

    @classmethod
    def capture(cls, experiment: Experiment, state: RunState, *, epochs_per_second: float = 0.0,
                message: str = "", data_version: int = 0, with_metrics: bool = True,
                commands_applied: int = 0) -> "Snapshot":
        trainer = experiment.trainer
        history = trainer.history
        positions, loss = history.loss.sample(curve_indices(len(history.loss)))
        val_loss = history.val_loss.sample(positions)[1] if len(history.val_loss) else np.zeros(0)
        return cls(
            epoch=trainer.epoch, batch_index=trainer.batch_index, target_epochs=experiment.epochs,
            state=state, params=_frozen(experiment.net.params),
            network_config=experiment.net.config(), learning_rate=trainer.learning_rate,
            loss_history=_frozen(loss), val_loss_history=_frozen(val_loss), loss_epochs=_frozen(positions + 1),
            metrics=experiment.metrics() if with_metrics else {},
            epochs_per_second=epochs_per_second, message=message, data_version=data_version,
            commands_applied=commands_applied, initial_params=experiment.initial_params,  # read-only, shared
            preprocessing=experiment.preprocessing,
            timeline=experiment.timeline.view(), engine=trainer.engine,
        )

    @property
    def scrubbed(self) -> bool:
        """True when this shows a recorded epoch rather than where training is."""
        return self.live_epoch is not None

    def at_frame(self, index: int) -> "Snapshot":
        """This (live) snapshot showing the timeline's frame `index`: its parameters, metrics and epoch."""
        frame = self.timeline.frame(index)
        if frame.epoch == self.epoch and np.array_equal(frame.params, self.params):
            return self
        return replace(self, epoch=frame.epoch, batch_index=0, params=frame.params, metrics=frame.metrics,
                       live_epoch=self.epoch)

    @property
    def loss(self) -> float:
        """Loss of the current weights if measured, else the last epoch's loss."""
        if "loss" in self.metrics:
            return self.metrics["loss"]
        return float(self.loss_history[-1]) if len(self.loss_history) else float("nan")

    def network(self) -> Network:
        """A Network computing with this snapshot's (read-only) weights, without copying them (for drawing).

        With preprocessing it takes rows and gives outputs in the data's own units.
        """
        net = Network.from_config(self.network_config, self.params, copy=False)
        if self.preprocessing is not None:
            return PreprocessedNetwork(net, self.preprocessing)  # type: ignore[return-value]
        return net
