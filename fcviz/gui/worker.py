"""TrainingWorker: trains the experiment in its own QThread, driven by a queue of commands.

The worker owns the Experiment while it runs. The GUI never touches it: it
puts command objects on a `queue.SimpleQueue`, which the worker applies
between batches (at once when paused, since it then blocks on the queue), and
receives immutable `Snapshot`s through a queued signal.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from fcviz.core import engine, limits
from fcviz.core.backprop import StepRecord, record_step
from fcviz.core.dataset import Dataset
from fcviz.core.divergence import BlowUpWatch
from fcviz.core.experiment import Experiment, RunMemento
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.core.trainer import Trainer
from fcviz.gui.redraw import ARRIVAL_TOLERANCE

IDLE, RUNNING, PAUSED, FINISHED, DIVERGED = (RunState.IDLE, RunState.RUNNING, RunState.PAUSED, RunState.FINISHED,
                                             RunState.DIVERGED)
SLICE_SECONDS = 0.015        # train this long between looks at the queue and the GUI
CHUNK_SECONDS = 0.002        # ... in chunks this long (NumPy engine), checking the GUI and the queue after each
# The compiled engine trains up to this long without the GIL, returning where a snapshot is due (~30 a
# second at "max" pace) rather than more often: every return to Python takes the GIL from the drawing GUI
# thread and waits for it (issue 14). Commands wait at most as long.
COMPILED_CHUNK_SECONDS = 0.05
GUI_BUSY_WAIT_SECONDS = 0.05  # longest wait for a busy GUI before training a slice anyway (NumPy engine)
DEFAULT_MAX_RATE_HZ = limits.DEFAULT_REDRAW_HZ
PACE_POLL_SECONDS = 0.05     # longest wait between looks at the queue while a paced frame waits its turn
# At "max" pace the timeline records every display epoch that is drawn, and the others while they come
# at most RECORDS_PER_SECOND (after a burst of RECORD_BURST): recording a frame (metrics on all the
# data, in Python, holding the GIL) costs about as much as a compiled spiral epoch, so recording every
# epoch halved training and starved the window (issue 14). A short run (the lab's 51) keeps them all.
# Past the burst a frame is recorded only where training returns from the compiled kernel anyway
# (every slice, every snapshot): each return waits for the GIL the GUI thread holds while it draws.
RECORDS_PER_SECOND = 50.0
RECORD_BURST = 100.0
# At "max" pace a compiled call is sized (by the pace so far) to end this share of the redraw interval after
# the next snapshot falls due. Sized to end at the due time, it ended a moment before it (the pace so far
# counts each return's own cost), and every snapshot cost a second return to Python, of one epoch (issue 14).
DUE_OVERSHOOT = 0.1
PACE_SECONDS = 0.25   # the pace of fast epochs is that of about the last this many seconds of training


# --- commands (GUI -> worker) -------------------------------------------------

@dataclass(frozen=True)
class SetParameter:
    name: str
    value: float


@dataclass(frozen=True, eq=False)
class SetParameters:
    params: np.ndarray


@dataclass(frozen=True)
class SetLearningRate:
    value: float


@dataclass(frozen=True)
class SetEpochs:
    epochs: int


@dataclass(frozen=True)
class SetDisplayEvery:
    every: int


@dataclass(frozen=True)
class SetMaxRate:
    """At most `hz` snapshots a second while running; 0 turns the throttle off."""

    hz: float


@dataclass(frozen=True)
class SetPace:
    """Draw every display epoch, `pace` of them a second; 0 = as fast as training goes (latest wins)."""

    pace: float


@dataclass(frozen=True, eq=False)
class ContinueFrom:
    """Go back to the timeline's state at `epoch` and train on from there; `reply` gets a RunMemento."""

    epoch: int
    reply: Future = field(default_factory=Future)


@dataclass(frozen=True, eq=False)
class RestoreRun:
    """Undo a ContinueFrom: the run as it was before it (a RunMemento, or the ContinueFrom's reply,
    which the worker resolved earlier in its queue)."""

    memento: RunMemento | Future


@dataclass(frozen=True)
class Play:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True, eq=False)
class StepBatch:
    """One batch; with `reply` set, the step's StepRecord (core.backprop) is handed back through it."""

    reply: Future | None = None


@dataclass(frozen=True, eq=False)
class SetFrozen:
    """Which parameters updates leave alone: a boolean mask over `params`."""

    frozen: np.ndarray


@dataclass(frozen=True)
class StepEpoch:
    pass


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True, eq=False)
class ReplaceExperiment:
    """Train `experiment` from now on; the one it replaces is handed back through `reply`.
    `experiment` may be the `reply` of an earlier ReplaceExperiment (undo): the worker resolved it
    before it comes to this command."""

    experiment: Experiment | Future
    version: int
    reply: Future = field(default_factory=Future)


@dataclass(frozen=True, eq=False)
class SetData:
    """Train on `dataset` (same inputs and outputs as the network) split with `test_fraction`."""

    dataset: Dataset
    test_fraction: float


@dataclass(frozen=True, eq=False)
class CallInWorker:
    """Run `function(experiment)` in the worker thread (e.g. saving a session); result via `reply`."""

    function: Callable[[Experiment], Any]
    reply: Future = field(default_factory=Future)


@dataclass(frozen=True)
class Stop:
    pass


# Commands after which the worker sends no snapshot: snapshots do not count them as applied.
SILENT_COMMANDS = (SetMaxRate, SetPace, CallInWorker)
# Commands whose failure only their caller hears of (through the reply), e.g. a session that cannot be written.
CALLER_REPORTS = (CallInWorker,)

# command type -> handler(worker, command); the handler's return value (or error) is the command's
# `reply`, for the commands that carry one. Filled by @handles below the worker.
HANDLERS: dict[type, Callable[[TrainingWorker, Any], Any]] = {}


def handles(command_type: type):
    def register(handler):
        HANDLERS[command_type] = handler
        return handler
    return register


def initial_state(experiment: Experiment) -> RunState:
    epoch = experiment.trainer.epoch
    if epoch == 0:
        return IDLE
    return FINISHED if epoch >= experiment.epochs else PAUSED


class EpochRate:
    """Epochs per second while running, smoothed over about half a second."""

    TIME_CONSTANT = 0.5

    def __init__(self):
        self.value = 0.0
        self._last = (time.perf_counter(), 0)

    def restart(self, epoch: int) -> None:
        self.value = 0.0
        self._last = (time.perf_counter(), epoch)

    def update(self, epoch: int) -> float:
        now = time.perf_counter()
        then, last_epoch = self._last
        elapsed = now - then
        if elapsed > 0.02:
            instant = (epoch - last_epoch) / elapsed
            weight = 1.0 if self.value == 0.0 else 1.0 - math.exp(-elapsed / self.TIME_CONSTANT)
            self.value += weight * (instant - self.value)
            self._last = (now, epoch)
        return self.value


class RecordBudget:
    """A token bucket: `take()` is True while frames come no faster than RECORDS_PER_SECOND on
    average (up to RECORD_BURST at once)."""

    def __init__(self):
        self._tokens, self._time = RECORD_BURST, time.perf_counter()
        self._starting = True   # a run's start, until its burst is used up (`restart` begins another)

    def restart(self) -> None:
        """A run starts (Play): its first frames are all recorded while the bucket lasts."""
        self._starting = True

    def _refill(self) -> None:
        now = time.perf_counter()
        self._tokens = min(RECORD_BURST, self._tokens + (now - self._time) * RECORDS_PER_SECOND)
        self._time = now

    def take(self) -> bool:
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def bursting(self) -> bool:
        """True at a run's start while more than one frame is left of the burst: it keeps every frame. Not
        again when the bucket has refilled later in the run: a stop of its own for every token (~50 a second
        of one-epoch kernel calls, each waiting for the GIL) cost the window a fifth of its training (issue 14)."""
        self._refill()
        self._starting = self._starting and self._tokens >= 2
        return self._starting


class TrainingWorker(QObject):
    """Trains in time slices, applies commands between batches, emits throttled snapshots.

    `gui_idle` is set by the GUI thread while its event loop has nothing to do;
    the worker waits on it between batches so that a redraw does not fight the
    training loop for the GIL (see docs/ARCHITECTURE.md, Threads).
    """

    snapshot = Signal(object)
    command_failed = Signal(str)
    finished = Signal()

    def __init__(self, experiment: Experiment, gui_idle: threading.Event, version: int = 0):
        super().__init__()
        self._experiment = experiment
        self._version = version
        self._gui_idle = gui_idle
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._drawn = threading.Event()   # the GUI drew the last snapshot emitted
        self._drawn.set()
        self._emitted: Snapshot | None = None
        self._state = initial_state(experiment)
        self._stopping = False
        self._commands_applied = 0
        self._min_interval = 1.0 / DEFAULT_MAX_RATE_HZ
        self._records = RecordBudget()
        self._rate = EpochRate()
        self._epoch_seconds = math.inf  # measured on the first epoch
        self._paced_epochs = 0.0        # how many epochs `_epoch_seconds` stands for (see `_time_epochs`)
        self._epoch_started = 0.0
        self._wakeup = threading.Event()  # a command arrived or the GUI drew: a paced wait looks again
        self._frame_due = 0.0             # when the next frame may be handed over (paced, or at the redraw cap)
        self._blow_up = BlowUpWatch()  # a finite blow-up stops the run as the CLI's does
        self._blow_up.start_at(experiment.trainer)

    @property
    def experiment(self) -> Experiment:
        """The experiment being trained; read it from another thread only after the loop has ended."""
        return self._experiment

    # --- called from the GUI thread (thread-safe) -------------------------------

    def send(self, command) -> None:
        """Queue `command`; snapshots count the commands applied, so the GUI knows which ones they reflect."""
        self._commands.put(command)
        self._wakeup.set()

    def stop(self) -> None:
        """End the loop once every command sent before has been applied (a swap or a save the GUI
        has not seen answered yet must not be lost)."""
        self._commands.put(Stop())
        self._wakeup.set()

    def mark_drawn(self, snapshot: Snapshot) -> None:
        """The GUI drew `snapshot`: if it is the last one emitted, the next may be sent. (A frame drawn
        while a newer one was on its way says nothing of that one: counted, it let the worker run a
        frame ahead, and the GUI, finding two queued, skipped one of a paced run.)"""
        if snapshot is not self._emitted:
            return
        self._drawn.set()
        self._wakeup.set()

    # --- the loop (worker thread) ----------------------------------------------

    @Slot()
    def run(self) -> None:
        self._emit()
        while not self._stopping:
            if self._state == RUNNING:
                self._apply_pending()
                if self._state == RUNNING and not self._stopping:
                    self._train_slice_or_pause()
            else:
                self._apply(self._commands.get())
        # Hand the object back to the GUI thread so it is deleted there, after the thread ends.
        self.moveToThread(QCoreApplication.instance().thread())
        self.finished.emit()

    def _train_slice_or_pause(self) -> None:
        """An error while training pauses with its message; the loop, and with it every command the
        GUI may be waiting for (a save, a shutdown), goes on."""
        try:
            self._train_slice()
        except Exception as error:
            self.command_failed.emit(str(error) or type(error).__name__)
            self._enter(PAUSED)

    def _apply_pending(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            self._apply(command)

    def _train_slice(self) -> None:
        gui_idle, commands = self._gui_idle, self._commands
        # The NumPy engine holds the GIL: give way while the GUI draws, but not for long (if it stays
        # busy, train a slice anyway). The compiled engine releases the GIL while it trains.
        gives_way = not self._compiled and gui_idle.wait(GUI_BUSY_WAIT_SECONDS)
        deadline = time.perf_counter() + SLICE_SECONDS
        while not self._train_chunk():
            if (gives_way and not gui_idle.is_set()) or not commands.empty() or time.perf_counter() >= deadline:
                return

    @property
    def _compiled(self) -> bool:
        return self._experiment.trainer.running_engine == engine.COMPILED

    @property
    def _chunk_seconds(self) -> float:
        return COMPILED_CHUNK_SECONDS if self._compiled else CHUNK_SECONDS

    def _train_chunk(self) -> bool:
        """Train up to the next display epoch that can be shown, about a chunk of work; True if training stopped.

        A chunk is CHUNK_SECONDS with the NumPy engine, COMPILED_CHUNK_SECONDS with the compiled one (the
        GUI runs meanwhile). Fast epochs go through `Trainer.fit`, the same loop as headless training;
        slow ones a few batches at a time, so that commands apply between batches.
        """
        experiment, trainer = self._experiment, self._experiment.trainer
        epoch = trainer.epoch
        start = time.perf_counter()
        chunk = self._chunk_seconds
        if trainer.batch_index or self._epoch_seconds > chunk:
            if trainer.batch_index == 0:
                self._epoch_started = start
            # As many batches as take about a chunk by the last epoch's pace (one until it is known).
            trainer.step(max(1, int(chunk * trainer.n_batches / self._epoch_seconds)))
            if trainer.epoch != epoch:
                self._epoch_seconds = time.perf_counter() - self._epoch_started
        else:
            epochs = min(self._next_shown_epoch(start), experiment.epochs) - epoch
            epochs = max(1, min(epochs, int(chunk / self._epoch_seconds)))
            trainer.fit(epochs=epochs)
            self._time_epochs(epochs, time.perf_counter() - start)
        if trainer.diverged:
            self._enter(DIVERGED, message=trainer.divergence_message)
            return True
        if self._blow_up.check(trainer):
            self._enter(DIVERGED, message=self._blow_up.message[:1].upper() + self._blow_up.message[1:] + ".")
            return True
        if trainer.epoch == epoch:
            return False
        finished = trainer.epoch >= experiment.epochs
        if not (finished or experiment.is_display_epoch()):
            return False
        shown = self._snapshot_wanted()
        # A command that waits (a save, Continue from here) comes next: it finds this epoch in the timeline.
        if shown or finished or not self._commands.empty() or self._records.take():
            experiment.record_if_display_epoch()
        if experiment.pace > 0 and not self._wait_for_turn():
            return True
        if finished:
            self._enter(FINISHED)
            return True
        if shown:
            self._emit()
        return False

    def _time_epochs(self, epochs: int, seconds: float) -> None:
        """The pace of training: the wall time per epoch of the calls of about the last PACE_SECONDS, weighted
        by their epochs. Timed by each call alone, a call whose return waited for the GIL looked slow, the
        next call was made shorter, its return weighed more still, and at "max" pace a third of the calls
        trained one epoch each (issue 14). The wall clock, not this thread's CPU time: on a busy machine a
        call sized by CPU time ran twice as long as meant, and the redraws halved."""
        keep = math.exp(-seconds / PACE_SECONDS) * self._paced_epochs if math.isfinite(self._epoch_seconds) else 0.0
        self._epoch_seconds = (self._epoch_seconds * keep + seconds) / (keep + epochs) if keep else seconds / epochs
        self._paced_epochs = keep + epochs

    def _wait_for_turn(self) -> bool:
        """At a paced speed, hold a display epoch until the GUI has drawn the previous one and the
        pace's interval is over; commands apply meanwhile. False if one of them stopped training."""
        while True:
            self._wakeup.clear()
            self._apply_pending()
            if self._stopping or self._state != RUNNING:
                return False
            pace = self._experiment.pace
            remaining = self._frame_due - time.perf_counter() if pace > 0 else 0.0
            if self._drawn.is_set() and remaining <= 0:
                return True
            # Released GIL: the GUI thread has the interpreter to itself between frames.
            self._wakeup.wait(min(remaining, PACE_POLL_SECONDS) if self._drawn.is_set() else PACE_POLL_SECONDS)

    def _next_shown_epoch(self, now: float) -> int:
        """The next display epoch that matters: one at which the snapshot throttle will let a snapshot go
        or the timeline records one (by the pace so far). Training runs through the others in one call."""
        experiment = self._experiment
        epoch, every = experiment.trainer.epoch, experiment.display_every
        if epoch == 0:
            return 1
        if experiment.pace > 0:   # paced: every display epoch is drawn
            return experiment.next_display_epoch()
        wait = self._frame_due - now if self._min_interval > 0 else 0.0
        if wait > 0:  # end a little after the snapshot falls due, not a little before it (see DUE_OVERSHOOT)
            wait += DUE_OVERSHOOT * self._min_interval
        if not self._drawn.is_set():
            wait = max(wait, SLICE_SECONDS)  # the GUI still draws: look again after a slice
        if self._records.bursting():
            wait = 0.0  # past the burst, frames are recorded when training returns anyway (not a stop of its own)
        pace = max(self._epoch_seconds, 1e-9)
        shown = epoch + max(1, math.ceil(wait / pace)) if math.isfinite(pace) else epoch + 1
        return -(-shown // every) * every

    def _snapshot_wanted(self) -> bool:
        """True if a display epoch reached now is handed to the GUI: always when paced; at "max" pace
        only when the throttle says the GUI wants one (latest wins)."""
        return (self._experiment.pace > 0 or self._min_interval <= 0
                or (self._drawn.is_set() and time.perf_counter() >= self._frame_due))

    def _emit(self, message: str = "") -> None:
        rate = self._rate.update(self._experiment.trainer.epoch) if self._state == RUNNING else 0.0
        snapshot = Snapshot.capture(self._experiment, self._state, epochs_per_second=rate,
                                    message=message, data_version=self._version,
                                    commands_applied=self._commands_applied)
        self._emitted = snapshot
        self._drawn.clear()
        # The next frame is due an interval after this one was due: a frame handed over late does not delay
        # the ones after it (so "max" pace keeps the redraw cap's rate although each call ends a moment
        # after the due time), nor do they come much faster to catch up: paced at most twice as fast, at "max"
        # pace no sooner than the redraw pacer draws a snapshot at once (ARRIVAL_TOLERANCE).
        pace = self._experiment.pace
        interval, least = (1.0 / pace, 0.5) if pace > 0 else (self._min_interval, ARRIVAL_TOLERANCE)
        self._frame_due = max(self._frame_due + interval, time.perf_counter() + least * interval)
        self.snapshot.emit(snapshot)

    def _enter(self, state: RunState, message: str = "") -> None:
        if state == RUNNING and self._state != RUNNING:
            self._rate.restart(self._experiment.trainer.epoch)
            self._records.restart()
        self._state = state
        self._emit(message)

    def _state_after_manual_change(self) -> RunState:
        trainer = self._experiment.trainer
        if trainer.diverged:
            return DIVERGED
        return FINISHED if trainer.epoch >= self._experiment.epochs else PAUSED

    # --- commands ---------------------------------------------------------------

    def _apply(self, command) -> None:
        """Run the command's handler; hand its result or error to the command's `reply`, if any.
        A failing command never ends the training thread: the GUI hears why (command_failed)."""
        if not isinstance(command, SILENT_COMMANDS):
            self._commands_applied += 1
        reply: Future | None = getattr(command, "reply", None)
        handler = HANDLERS.get(type(command))
        try:
            if handler is None:
                raise TypeError(f"unknown worker command {command!r}")
            value = handler(self, command)
        except Exception as error:
            if reply is not None:
                reply.set_exception(error)
            if not isinstance(command, CALLER_REPORTS):
                self.command_failed.emit(str(error))
                self._emit()
            self._restart_blow_up_watch(command)
            return
        if reply is not None:
            reply.set_result(value)
        self._restart_blow_up_watch(command)

    def _restart_blow_up_watch(self, command) -> None:
        if not isinstance(command, SILENT_COMMANDS):
            # a person's edit may raise the loss at once: that is no blow-up, so judge only what follows
            self._blow_up.start_at(self._experiment.trainer)

    def _continue_from(self, epoch: int) -> RunMemento:
        """Back to the recorded state at `epoch`; training goes on from there if it was running."""
        memento = self._experiment.memento()
        self._experiment.continue_from(epoch)
        self._enter(RUNNING if self._state == RUNNING else self._state_after_manual_change())
        return memento

    def _after_parameter_edit(self) -> None:
        """Values typed before training starts are the starting point that Reset returns to (a new array:
        the setups and snapshots that share the old one keep it)."""
        experiment = self._experiment
        if experiment.trainer.epoch == 0 and experiment.trainer.batch_index == 0:
            experiment.start_from_current_weights()
        self._emit()

    def _set_data(self, command: SetData) -> None:
        """New data from the next batch on; training goes on where it was (the epoch restarts)."""
        experiment = self._experiment
        previous = experiment.dataset, experiment.test_fraction
        experiment.dataset, experiment.test_fraction = command.dataset, command.test_fraction
        try:
            experiment.apply_data()
        except ValueError:
            experiment.dataset, experiment.test_fraction = previous
            raise
        self._emit()

    def _play(self) -> None:
        experiment, trainer = self._experiment, self._experiment.trainer
        if trainer.epoch >= experiment.epochs:
            self._enter(FINISHED)
            return
        trainer.diverged = False
        trainer.stop_reason = ""
        self._enter(RUNNING)

    def _set_epochs(self, epochs: int) -> None:
        if epochs < 1:
            raise ValueError(f"the number of epochs must be at least 1, not {epochs}")
        self._experiment.epochs = epochs
        reached = self._experiment.trainer.epoch >= epochs
        if reached and self._state in (RUNNING, PAUSED):
            self._enter(FINISHED)
        elif not reached and self._state == FINISHED:
            self._enter(PAUSED)
        else:
            self._emit()


# --- command handlers (run in the worker thread) ---------------------------------------------

@handles(Stop)
def _stop(worker: TrainingWorker, command: Stop) -> None:
    worker._stopping = True


@handles(Play)
def _play(worker: TrainingWorker, command: Play) -> None:
    worker._play()


@handles(Pause)
def _pause(worker: TrainingWorker, command: Pause) -> None:
    worker._enter(PAUSED if worker._state == RUNNING else worker._state)


def _manual_step(worker: TrainingWorker, take_step: Callable[[Trainer], Any]) -> Any:
    trainer = worker._experiment.trainer
    trainer.diverged = False
    taken = take_step(trainer)
    worker._experiment.record_if_display_epoch()
    message = trainer.divergence_message if trainer.diverged else ""
    worker._enter(worker._state_after_manual_change(), message)
    return taken


@handles(StepBatch)
def _step_batch(worker: TrainingWorker, command: StepBatch) -> StepRecord | None:
    if command.reply is not None:
        return _manual_step(worker, record_step)
    _manual_step(worker, lambda trainer: trainer.step())
    return None


@handles(StepEpoch)
def _step_epoch(worker: TrainingWorker, command: StepEpoch) -> None:
    _manual_step(worker, lambda trainer: trainer.run_epoch())


@handles(Reset)
def _reset(worker: TrainingWorker, command: Reset) -> None:
    worker._experiment.reset()
    worker._enter(IDLE)


@handles(SetParameter)
def _set_parameter(worker: TrainingWorker, command: SetParameter) -> None:
    worker._experiment.net.set_parameter(command.name, command.value)
    worker._after_parameter_edit()


@handles(SetParameters)
def _set_parameters(worker: TrainingWorker, command: SetParameters) -> None:
    params = worker._experiment.net.params
    if command.params.shape != params.shape:
        raise ValueError(f"expected {params.size} parameters, got {command.params.size}")
    params[...] = command.params
    worker._after_parameter_edit()


@handles(SetFrozen)
def _set_frozen(worker: TrainingWorker, command: SetFrozen) -> None:
    experiment = worker._experiment
    if command.frozen.shape != experiment.net.params.shape:
        raise ValueError(f"expected {experiment.net.params.size} flags, got {command.frozen.size}")
    experiment.trainer.set_frozen(slice(None), False)
    experiment.trainer.set_frozen(command.frozen)
    worker._emit()


@handles(SetLearningRate)
def _set_learning_rate(worker: TrainingWorker, command: SetLearningRate) -> None:
    worker._experiment.trainer.learning_rate = command.value
    worker._emit()


@handles(SetEpochs)
def _set_epochs(worker: TrainingWorker, command: SetEpochs) -> None:
    worker._set_epochs(int(command.epochs))


@handles(SetDisplayEvery)
def _set_display_every(worker: TrainingWorker, command: SetDisplayEvery) -> None:
    if command.every < 1:
        raise ValueError(f"the display frequency must be at least 1 epoch, not {command.every}")
    worker._experiment.display_every = int(command.every)
    worker._emit()


@handles(SetMaxRate)
def _set_max_rate(worker: TrainingWorker, command: SetMaxRate) -> None:
    worker._min_interval = 1.0 / command.hz if command.hz > 0 else 0.0
    worker._frame_due = 0.0


@handles(SetPace)
def _set_pace(worker: TrainingWorker, command: SetPace) -> None:
    if not 0 <= command.pace <= 1000:
        raise ValueError(f"the pace must be between 0 and 1000 display epochs a second, not {command.pace}")
    worker._experiment.pace = float(command.pace)
    worker._frame_due = 0.0


@handles(ContinueFrom)
def _continue_from(worker: TrainingWorker, command: ContinueFrom) -> RunMemento:
    return worker._continue_from(command.epoch)


@handles(RestoreRun)
def _restore_run(worker: TrainingWorker, command: RestoreRun) -> None:
    memento = command.memento
    worker._experiment.restore(memento.result(timeout=0) if isinstance(memento, Future) else memento)
    worker._enter(worker._state_after_manual_change())


@handles(ReplaceExperiment)
def _replace_experiment(worker: TrainingWorker, command: ReplaceExperiment) -> Experiment:
    incoming = command.experiment
    if isinstance(incoming, Future):
        incoming = incoming.result(timeout=0)  # set by an earlier command of this queue
    previous = worker._experiment
    worker._experiment, worker._version = incoming, command.version
    worker._state = initial_state(incoming)
    worker._emit()
    return previous


@handles(SetData)
def _set_data(worker: TrainingWorker, command: SetData) -> None:
    worker._set_data(command)


@handles(CallInWorker)
def _call_in_worker(worker: TrainingWorker, command: CallInWorker) -> Any:
    return command.function(worker._experiment)
