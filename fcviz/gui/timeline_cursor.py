"""The timeline cursor: which recorded epoch the panels show instead of the live one, and going on from it.

The controller owns one (`controller.timeline`). Scrubbing pauses training and shows a recorded display
epoch of the latest snapshot's timeline in every panel; "Continue from here" sends the worker back to
that epoch (undoable) and the live view returns.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Signal

from fcviz.core.snapshot import Snapshot
from fcviz.gui.undo_commands import ContinueFromCommand
from fcviz.gui.worker import RUNNING, ContinueFrom, RestoreRun

if TYPE_CHECKING:
    from fcviz.gui.controller import Controller


class TimelineCursor(QObject):
    """The recorded epoch shown (`epoch`, None: live) and the snapshot of it the panels draw."""

    moved = Signal(object)   # the recorded epoch now shown instead of training's (None: live)

    def __init__(self, controller: Controller, send: Callable[[object], None]):
        super().__init__(controller)
        self._controller, self._send = controller, send
        self.epoch: int | None = None
        self.scrubbed: Snapshot | None = None   # the snapshot of `epoch`, None while live

    def shown(self) -> Snapshot:
        """What the panels show: the latest snapshot, or the scrubbed epoch of it."""
        return self._controller.latest if self.scrubbed is None else self.scrubbed

    def scrub_to(self, epoch: int) -> None:
        """Show the recorded display epoch `epoch` (or the last one before it) in every panel;
        training pauses. The last frame of a paused run is the live view again."""
        latest = self._controller.latest
        timeline = latest.timeline
        if not timeline.count:
            return
        index = timeline.index_of(epoch)
        shown = latest.at_frame(index)
        if shown is latest:
            self.show_live()
            return
        if latest.state == RUNNING:
            self._controller.pause()
        self.epoch, self.scrubbed = int(timeline.epochs[index]), shown
        self.moved.emit(self.epoch)
        self._controller.redraw_now()

    def show_live(self) -> None:
        """Back to showing where training is."""
        if self.epoch is not None:
            self.epoch = self.scrubbed = None
            self.moved.emit(None)
            self._controller.redraw_now()

    def follow(self, latest: Snapshot) -> None:
        """A newer snapshot arrived: show the scrubbed epoch of its timeline."""
        if self.epoch is not None:
            self.scrubbed = latest.at_frame(latest.timeline.index_of(self.epoch))

    def continue_from_here(self) -> None:
        """Reset the run to the scrubbed epoch's recorded state and train on from it (undoable)."""
        if self.epoch is None:
            return
        epoch = self.epoch
        self.show_live()
        self._controller.undo_stack.push(ContinueFromCommand(self._continue_from, self._restore_run, epoch))

    def _continue_from(self, epoch: int) -> Future:
        """Send the worker back to `epoch` without waiting; the Future gets the run as it was (undo's)."""
        command = ContinueFrom(epoch)
        self._send(command)
        return command.reply

    def _restore_run(self, memento: Future) -> None:
        self._send(RestoreRun(memento))
