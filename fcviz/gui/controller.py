"""Controller: the experiment as the GUI knows it, the training thread, the latest snapshot, undo.

Panels read `setup` and draw the snapshots of `snapshot_changed`; they change
anything only through the controller's methods, which send worker commands
(through the undo stack for edits a person may want to take back).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot
from PySide6.QtGui import QUndoStack

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.experiment_setup import Blueprint, Setup
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.gui.redraw import RedrawPacer, ReplyRelay
from fcviz.gui.run_settings import RunSettings, RunValues
from fcviz.gui.session_writer import SessionWriter
from fcviz.gui.snapshot_cache import SnapshotCache
from fcviz.gui.timeline_cursor import TimelineCursor
from fcviz.gui.undo_commands import (
    ReplaceExperimentCommand,
    SetDataCommand,
    SetFrozenCommand,
    SetLearningRateCommand,
    SetParameterCommand,
    SetParametersCommand,
)
from fcviz.gui.worker import (
    DIVERGED,
    FINISHED,
    IDLE,
    PAUSED,
    SILENT_COMMANDS,
    CallInWorker,
    Pause,
    Play,
    ReplaceExperiment,
    Reset,
    SetData,
    SetDisplayEvery,
    SetEpochs,
    SetFrozen,
    SetLearningRate,
    SetMaxRate,
    SetPace,
    SetParameter,
    SetParameters,
    StepBatch,
    StepEpoch,
    TrainingWorker,
    initial_state,
)

WORKER_REPLY_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, eq=False)
class Installable:
    """An experiment to install and what the window shows of it meanwhile: its Setup, a snapshot
    and its run settings. `experiment` is a Future when the worker still holds it (undo of a swap)."""

    experiment: Experiment | Future
    setup: Setup
    snapshot: Snapshot
    settings: RunValues


class Controller(QObject):
    """Owns the worker thread and hands the newest snapshot to the panels at most `max_redraw_hz` times a second."""

    snapshot_received = Signal(object)  # every snapshot of the current experiment, as it arrives
    snapshot_changed = Signal(object)   # on the redraw timer, only when a newer snapshot arrived
    setup_changed = Signal(object)      # another experiment was installed (data or architecture)
    data_changed = Signal(object)       # the same network now learns edited data (points or split): the Setup
    diverged = Signal(str)
    command_failed = Signal(str)
    frozen_changed = Signal(object)     # the mask of frozen parameters changed
    pace_changed = Signal(float)        # display epochs drawn a second while training (0 = max)

    def __init__(self, experiment: Experiment, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.setup = Setup.of(experiment)
        self.settings = RunSettings(experiment, self)  # the one home of epochs, display frequency, ...
        self.settings.changed.connect(self._on_setting_changed)
        self.latest: Snapshot = Snapshot.capture(experiment, initial_state(experiment))
        self._unconfirmed: dict[str, float] = {}  # values sent that no snapshot shows yet
        self._experiment: Experiment | None = experiment  # owned by the GUI until start()
        self._version = 0
        self.commands_sent = 0
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self.timeline = TimelineCursor(self, self._send)  # the recorded epoch shown instead of the live one
        # the panels get the newest snapshot (snapshot_changed) on the pacer's timer; the worker may then send the next
        self.pacer = RedrawPacer(self.settings.max_redraw_hz, self.timeline.shown,
                                 lambda: self.settings.pace > 0, self)
        self.pacer.frame.connect(self.snapshot_changed)
        self.pacer.frame.connect(lambda drawn: self._worker is not None and self._worker.mark_drawn(drawn))
        self.replies = ReplyRelay(self)  # answers of the worker, handled in the GUI thread
        self.cache = SnapshotCache(lambda: self.setup)  # predictions and traces the panels share
        self.writer = SessionWriter(self.start_in_worker)  # saves sessions while training goes on

    # --- lifetime -----------------------------------------------------------------

    def start(self) -> None:
        """Hand the experiment to a worker in its own thread and start drawing snapshots."""
        if self._thread is not None:
            return
        # A new worker counts the commands it applies from zero, and the last snapshot reflects none.
        self.commands_sent = 0
        self.latest = replace(self.latest, commands_applied=0)
        self._worker = TrainingWorker(self._experiment, self.pacer.gui_idle, self._version)
        self._experiment = None
        self._thread = QThread()
        self._thread.setObjectName("fcviz-training")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.snapshot.connect(self._on_snapshot)
        self._worker.command_failed.connect(self.command_failed)
        self._send(SetMaxRate(self.settings.max_redraw_hz))
        self._thread.start()
        self.pacer.start()
        # However the application ends, the thread is joined before Qt tears the objects down.
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)

    @Slot()
    def shutdown(self) -> None:
        """Stop the worker and wait for its thread (safe to call twice)."""
        if self._thread is None:
            return
        self.pacer.stop()
        self._worker.stop()
        # Not through worker.finished: a queued quit() would never run while wait() blocks.
        self._thread.quit()
        self._thread.wait()
        self.writer.close()  # the sessions the worker packed are written
        # Its last snapshots arrive now, not after another worker has started counting commands.
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        self._experiment = self._worker.experiment  # the GUI owns it again
        self._thread = None
        self._worker = None

    def reflects_all_commands(self, snapshot: Snapshot) -> bool:
        """True if `snapshot` was taken after the worker applied every command sent so far."""
        return snapshot.commands_applied >= self.commands_sent

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    # --- training -------------------------------------------------------------------

    def play(self) -> None:
        self.timeline.show_live()
        self._send(Play())

    def pause(self) -> None:
        self._send(Pause())

    def step_batch(self, then: Callable[[Future], None] | None = None) -> None:
        """Train one batch; with `then`, `then(future)` gets the step's StepRecord (weights before,
        batch, weights after) in the GUI thread when the worker has taken it."""
        self.timeline.show_live()
        if then is None:
            self._send(StepBatch())
            return
        command = StepBatch(reply=Future())
        self._send(command)
        self.replies.when_replied(command.reply, then)

    def step_epoch(self) -> None:
        self.timeline.show_live()
        self._send(StepEpoch())

    def reset(self) -> None:
        self.timeline.show_live()
        self._send(Reset())

    @property
    def drawn(self) -> Snapshot | None:
        """The snapshot the panels drew last (None: none since the experiment was installed)."""
        return self.pacer.drawn

    @Slot(str)
    def _on_setting_changed(self, name: str) -> None:
        """The one place a changed run setting goes to the worker."""
        settings = self.settings
        if name == "max_redraw_hz":
            self.pacer.set_rate(settings.max_redraw_hz)
        elif name == "frozen":
            self.frozen_changed.emit(settings.frozen)
        elif name == "pace":
            self.pace_changed.emit(settings.pace)
        command = {"epochs": lambda: SetEpochs(settings.epochs),
                   "display_every": lambda: SetDisplayEvery(settings.display_every),
                   "pace": lambda: SetPace(settings.pace),
                   "max_redraw_hz": lambda: SetMaxRate(settings.max_redraw_hz),
                   "learning_rate": lambda: SetLearningRate(settings.learning_rate),
                   "frozen": lambda: SetFrozen(settings.frozen)}.get(name)
        if command is not None and self._worker is not None:
            self._send(command())

    # --- undoable edits ----------------------------------------------------------------

    def parameter_value(self, name: str) -> float:
        """The newest value: the latest snapshot's (the scrubbed epoch's), or one sent that no snapshot shows yet."""
        if self.timeline.scrubbed is not None:
            return float(self.timeline.scrubbed.params[self.setup.parameter_index(name)])
        if self.reflects_all_commands(self.latest):
            self._unconfirmed.clear()
        elif name in self._unconfirmed:
            return self._unconfirmed[name]
        return float(self.latest.params[self.setup.parameter_index(name)])

    def edit_parameter(self, name: str, value: float, gesture: int | None = None) -> None:
        """Set one parameter (undoable); edits of the same `gesture` merge into one undo step."""
        old = self.parameter_value(name)
        if value == old:
            return
        if self.timeline.epoch is None:
            self.undo_stack.push(SetParameterCommand(self._send, name, old, float(value), gesture))
            return
        # Editing a recorded epoch goes on from there: continue from it, then edit (one undo step).
        self.undo_stack.beginMacro(self.tr("Set {name} at epoch {epoch}").format(name=name, epoch=self.timeline.epoch))
        self.timeline.continue_from_here()
        self.undo_stack.push(SetParameterCommand(self._send, name, old, float(value)))
        self.undo_stack.endMacro()

    def set_frozen(self, frozen: np.ndarray, description: str) -> None:
        """Exclude the parameters `frozen` marks from updates, and only those (undoable)."""
        frozen = np.asarray(frozen, bool)
        if not np.array_equal(frozen, self.settings.frozen):
            self.undo_stack.push(SetFrozenCommand(partial(self.settings.set, "frozen"), self.settings.frozen,
                                                  frozen, description))

    def set_parameters(self, params: np.ndarray, description: str) -> None:
        self.undo_stack.push(SetParametersCommand(self._send, self.latest.params, params, description))

    def set_learning_rate(self, value: float) -> None:
        if value <= 0:
            raise ValueError(self.tr("The learning rate must be a positive number."))
        old = self.settings.learning_rate
        if value != old:
            self.undo_stack.push(SetLearningRateCommand(partial(self.settings.set, "learning_rate"), old,
                                                        float(value)))

    def apply_blueprint(self, blueprint: Blueprint, fresh_weights: bool = False,
                        description: str = "") -> None:
        """Rebuild the network from `blueprint` (undoable); raises ValueError for an impossible choice.

        The starting weights are kept where they still fit, unless `fresh_weights` asks for new ones
        drawn with the blueprint's init scheme and seed.
        """
        setup = replace(self.setup, initial_params=self.latest.initial_params)
        experiment = self.build(blueprint, setup.dataset, setup.name, setup.title, previous=setup,
                                keep_weights=not fresh_weights)
        incoming = installable(experiment, self.settings.values)
        self.undo_stack.push(ReplaceExperimentCommand(self._swap_experiment, incoming,
                                                      description or self.tr("Change architecture")))

    def edit_data(self, dataset: Dataset, description: str, test_fraction: float | None = None) -> None:
        """Train on edited data from the next batch on (undoable); inputs and outputs must stay the same."""
        setup = self.setup
        fraction = setup.test_fraction if test_fraction is None else float(test_fraction)
        self.undo_stack.push(SetDataCommand(self._set_data, (setup.dataset, setup.test_fraction),
                                            (dataset, fraction), description))

    def replace_dataset(self, dataset: Dataset, description: str, title: str | None = None) -> None:
        """Learn other data (undoable): the network keeps training if it fits the data, else a fresh
        one with the same hidden layers and an output layer and loss that suit the data is built."""
        setup, blueprint = self.setup, self.blueprint()
        fitted = blueprint.for_dataset(dataset)
        if fitted == blueprint and dataset.n_features == setup.dataset.n_features \
                and dataset.n_outputs == setup.dataset.n_outputs:
            self.edit_data(dataset, description)
            return
        experiment = self.build(fitted, dataset, dataset.name or setup.name, title or dataset.name or setup.title)
        incoming = installable(experiment, self.settings.values)
        self.undo_stack.push(ReplaceExperimentCommand(self._swap_experiment, incoming, description))

    def _set_data(self, dataset: Dataset, test_fraction: float) -> None:
        self._send(SetData(dataset, test_fraction))
        self.setup = self.setup.with_data(dataset, test_fraction)
        self.data_changed.emit(self.setup)

    def blueprint(self) -> Blueprint:
        return Blueprint.of(self.setup, learning_rate=self.settings.learning_rate)

    def build(self, blueprint: Blueprint, dataset: Dataset, name: str = "", title: str = "", **options) -> Experiment:
        """A new experiment from `blueprint` that trains with this run's settings (epochs, display
        frequency); raises ValueError for an impossible choice."""
        experiment = blueprint.build(dataset, self.settings.epochs, self.settings.display_every, name, title,
                                     **options)
        experiment.pace = self.settings.pace
        return experiment

    # --- whole experiments ----------------------------------------------------------------

    def open_experiment(self, experiment: Experiment | Installable) -> None:
        """Train another experiment from now on (a preset, a dataset or a session); clears undo. A big
        one comes as an Installable already made off the GUI thread (see `installable`)."""
        self._swap_experiment(experiment if isinstance(experiment, Installable)
                              else installable(experiment, self.settings.values))
        self.undo_stack.clear()

    def call_in_worker(self, function: Callable[[Experiment], Any]) -> Any:
        """Run `function(experiment)` where the experiment lives and wait for its result (or raise).
        For tests, benchmarks and quick reads; the window's own work uses `start_in_worker`."""
        if self._worker is None:
            return function(self._experiment)
        self.pacer.gui_idle.set()  # the worker must not wait for a GUI that is waiting for it
        return self.start_in_worker(function).result(timeout=WORKER_REPLY_TIMEOUT_SECONDS)

    def start_in_worker(self, function: Callable[[Experiment], Any]) -> Future:
        """Run `function(experiment)` where the experiment lives without waiting (a long save must
        not freeze the window); the Future gets its result, at once while no worker runs."""
        if self._worker is not None:
            command = CallInWorker(function)
            self._send(command)
            return command.reply
        future = Future()
        try:
            future.set_result(function(self._experiment))
        except Exception as error:
            future.set_exception(error)
        return future

    def _swap_experiment(self, incoming: Installable) -> Installable:
        """Install `incoming` without waiting for the worker; returns the replaced experiment as an
        Installable (what undo puts back). The worker applies commands in order, so an experiment it
        has not handed back yet (a Future) is already there when it comes to install it."""
        self._version += 1
        if self._worker is None:
            replaced: Future = Future()
            replaced.set_result(self._experiment)
            self._experiment = incoming.experiment.result() if isinstance(incoming.experiment, Future) \
                else incoming.experiment
        else:
            command = ReplaceExperiment(incoming.experiment, self._version)
            self._send(command)
            replaced = command.reply
        current = self.settings.values
        outgoing = Installable(replaced, self.setup, self.latest, current)
        self.setup, self.pacer.drawn = incoming.setup, None
        self.latest = replace(incoming.snapshot, state=_resting_state(incoming.snapshot),
                              data_version=self._version, commands_applied=0)
        self.timeline.show_live()
        # the experiment brings its pace (a preset's, a session's); the window's redraw cap stays
        self.settings.adopt(replace(incoming.settings, max_redraw_hz=current.max_redraw_hz))
        if incoming.settings.pace != current.pace:
            self.pace_changed.emit(self.settings.pace)
        self.setup_changed.emit(self.setup)
        self.pacer.restart()  # the first frame: in a turn of its own
        return outgoing

    def _send(self, command) -> None:
        if self._worker is None:
            raise RuntimeError("the training thread has not been started")
        if not isinstance(command, SILENT_COMMANDS):
            self.commands_sent += 1
        if isinstance(command, SetParameter):
            self._unconfirmed[command.name] = command.value
        elif isinstance(command, SetParameters):
            self._unconfirmed.clear()
        self._worker.send(command)

    # --- snapshots --------------------------------------------------------------------------

    def redraw_now(self) -> None:
        """Hand the newest snapshot to the panels without waiting for the timer."""
        self.pacer.draw_now()

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.data_version != self._version:
            return  # sent before another experiment was installed
        self.latest = snapshot
        self.timeline.follow(snapshot)
        self.snapshot_received.emit(snapshot)
        if snapshot.state == DIVERGED and snapshot.message:
            self.diverged.emit(snapshot.message)
        self.pacer.offer()  # paced: every snapshot is drawn, as it comes; else if an interval has passed


def installable(experiment: Experiment, current: RunValues) -> Installable:
    """`experiment` (owned by the caller) with what the window shows of it once installed; the window's
    redraw cap (in `current`) stays. No Qt: a file's experiment is made ready in the thread that read it
    (its metrics take a forward pass, its snapshot copies every parameter, the panels' training rows
    are made)."""
    trainer = experiment.trainer
    settings = replace(current, epochs=int(experiment.epochs), display_every=int(experiment.display_every),
                       pace=float(experiment.pace),
                       learning_rate=float(trainer.learning_rate), frozen=np.array(trainer.frozen))
    setup = Setup.of(experiment)
    setup.train_data()
    if setup.dataset.is_classification:
        setup.dataset.labels()  # the scatter panel colours its points by class
    return Installable(experiment, setup, Snapshot.capture(experiment, initial_state(experiment)), settings)


def _resting_state(snapshot: Snapshot) -> RunState:
    """The state an experiment is installed in (as the worker's initial_state, from a snapshot)."""
    if snapshot.epoch == 0:
        return IDLE
    return FINISHED if snapshot.epoch >= snapshot.target_epochs else PAUSED
