"""Undoable edits: each one sends worker commands; undo sends the opposite ones."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from fcviz.core.dataset import Dataset
from fcviz.gui.worker import SetParameter, SetParameters

LEARNING_RATE_ID = 1
NUDGE_ID = 2


class SetParameterCommand(QUndoCommand):
    """One weight or bias typed in by the person; the edits of one `gesture` (a drag,
    a run of wheel notches) on the same parameter merge into one undo step."""

    def __init__(self, send: Callable, name: str, old: float, new: float, gesture: int | None = None):
        super().__init__()
        self._send, self._name, self._old, self._new, self._gesture = send, name, old, new, gesture
        self._update_text()

    def _update_text(self):
        self.setText(QCoreApplication.translate("UndoCommands", "Set {name} to {value:g}").format(name=self._name, value=self._new))  # noqa: E501 (lupdate reads the call on one line)

    def id(self):
        return -1 if self._gesture is None else NUDGE_ID

    def mergeWith(self, other):
        if (other._name, other._gesture) != (self._name, self._gesture):
            return False
        self._new = other._new
        self._update_text()
        return True

    def redo(self):
        self._send(SetParameter(self._name, self._new))

    def undo(self):
        self._send(SetParameter(self._name, self._old))


class ContinueFromCommand(QUndoCommand):
    """Go back to a recorded epoch and train on from there; undo puts the run back as it was."""

    def __init__(self, continue_from: Callable[[int], object], restore: Callable[[object], None], epoch: int):
        super().__init__(QCoreApplication.translate("UndoCommands", "Continue from epoch {epoch}").format(epoch=epoch))
        self._continue_from, self._restore, self._epoch = continue_from, restore, epoch
        self._memento = None

    def redo(self):
        self._memento = self._continue_from(self._epoch)

    def undo(self):
        self._restore(self._memento)


class SetParametersCommand(QUndoCommand):
    """All weights and biases at once (imported from a file)."""

    def __init__(self, send: Callable, old: np.ndarray, new: np.ndarray, text: str):
        super().__init__(text)
        self._send, self._old, self._new = send, np.array(old), np.array(new)

    def redo(self):
        self._send(SetParameters(self._new.copy()))

    def undo(self):
        self._send(SetParameters(self._old.copy()))


class SetFrozenCommand(QUndoCommand):
    """Freeze or unfreeze parameters; `apply(mask)` installs a frozen mask."""

    def __init__(self, apply: Callable[[np.ndarray], None], old: np.ndarray, new: np.ndarray, text: str):
        super().__init__(text)
        self._apply, self._old, self._new = apply, np.array(old), np.array(new)

    def redo(self):
        self._apply(self._new.copy())

    def undo(self):
        self._apply(self._old.copy())


class SetLearningRateCommand(QUndoCommand):
    """A new learning rate; consecutive changes merge into one undo step. `apply(value)` sets it."""

    def __init__(self, apply: Callable[[float], None], old: float, new: float):
        super().__init__()
        self._apply, self._old, self._new = apply, old, new
        self._update_text()

    def _update_text(self):
        self.setText(QCoreApplication.translate("UndoCommands", "Set learning rate to {value:g}").format(value=self._new))  # noqa: E501 (lupdate reads the call on one line)

    def id(self):
        return LEARNING_RATE_ID

    def mergeWith(self, other):
        self._new = other._new
        self._update_text()
        return True

    def redo(self):
        self._apply(self._new)

    def undo(self):
        self._apply(self._old)


class ReplaceExperimentCommand(QUndoCommand):
    """Install another experiment (a new architecture); undo puts the previous one back as it was.

    `swap` installs an experiment without waiting for the worker and returns the one it replaced
    (fcviz.gui.controller.Installable): what the next undo or redo puts back.
    """

    def __init__(self, swap: Callable, experiment, text: str):
        super().__init__(text)
        self._swap, self._other = swap, experiment

    def redo(self):
        self._other = self._swap(self._other)

    def undo(self):
        self._other = self._swap(self._other)


class SetDataCommand(QUndoCommand):
    """Edited data points or split (same inputs and outputs); training goes on with them."""

    def __init__(self, set_data: Callable[[Dataset, float], None], old: tuple[Dataset, float],
                 new: tuple[Dataset, float], text: str):
        super().__init__(text)
        self._set_data, self._old, self._new = set_data, old, new

    def redo(self):
        self._set_data(*self._new)

    def undo(self):
        self._set_data(*self._old)
