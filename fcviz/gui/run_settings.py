"""RunSettings: how the current run trains and shows itself — the one place the GUI keeps them.

Epochs, display frequency, pace, redraw cap, learning rate and the frozen mask were
kept in several places (the experiment's setup, the controller, the latest snapshot),
and a new experiment built from a stale copy lost what the person had chosen. Now the
controller owns one RunSettings: every control writes it, every experiment builder reads
it, and the controller forwards each change to the worker from one slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from fcviz.core.experiment import Experiment
from fcviz.gui.worker import DEFAULT_MAX_RATE_HZ


@dataclass(frozen=True)
class RunValues:
    """One consistent set of run settings (compared and replaced as a whole)."""

    epochs: int = 5000             # train until this epoch
    display_every: int = 100       # show epoch 1 and every N epochs
    pace: float = 0.0              # display steps a second to play at; 0 = as fast as training goes
    max_redraw_hz: float = DEFAULT_MAX_RATE_HZ  # redraws a second at most while training
    learning_rate: float = 0.5
    frozen: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # no update touches these

    def __eq__(self, other) -> bool:
        return isinstance(other, RunValues) and all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    __hash__ = None  # type: ignore[assignment]


def _read_only(mask) -> np.ndarray:
    mask = np.array(mask, bool)
    mask.flags.writeable = False
    return mask


class RunSettings(QObject):
    """The run settings of the current experiment, with change signals.

    `changed(name)` fires when a control sets one setting (`set`); the controller forwards it to
    the worker. `adopted` fires when a newly installed experiment brought its own settings
    (`adopt`); the worker already has those, so nothing is sent.
    """

    changed = Signal(str)
    adopted = Signal()

    def __init__(self, experiment: Experiment, parent: QObject | None = None):
        super().__init__(parent)
        self.values = RunValues()
        self.values = self._of(experiment)

    def _of(self, experiment: Experiment) -> RunValues:
        """What `experiment` carries; the redraw cap is the window's and stays."""
        trainer = experiment.trainer
        return replace(self.values, epochs=int(experiment.epochs), display_every=int(experiment.display_every),
                       pace=float(experiment.pace),
                       learning_rate=float(trainer.learning_rate), frozen=_read_only(trainer.frozen))

    @property
    def epochs(self) -> int:
        return self.values.epochs

    @property
    def display_every(self) -> int:
        return self.values.display_every

    @property
    def pace(self) -> float:
        return self.values.pace

    @property
    def max_redraw_hz(self) -> float:
        return self.values.max_redraw_hz

    @property
    def learning_rate(self) -> float:
        return self.values.learning_rate

    @property
    def frozen(self) -> np.ndarray:
        return self.values.frozen

    def set(self, name: str, value) -> None:
        """Change one setting; emits `changed(name)` if the value differs."""
        value = _read_only(value) if name == "frozen" else type(getattr(self.values, name))(value)
        if np.array_equal(getattr(self.values, name), value):
            return
        self.values = replace(self.values, **{name: value})
        self.changed.emit(name)

    def adopt(self, values: RunValues) -> None:
        """Take the settings a newly installed experiment brought (the worker has them already)."""
        self.values = replace(values, frozen=_read_only(values.frozen))
        self.adopted.emit()

    def apply_to(self, experiment: Experiment) -> Experiment:
        """`experiment`, built elsewhere, set to train with this run's epochs and display frequency."""
        experiment.epochs, experiment.display_every = self.epochs, self.display_every
        return experiment
