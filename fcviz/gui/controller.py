"""Controller: the experiment as the GUI knows it, the training thread, the latest snapshot, undo.

Panels read `setup` and draw the snapshots of `snapshot_changed`; they change
anything only through the controller's methods, which send worker commands
(through the undo stack for edits a person may want to take back).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.experiment_setup import Blueprint, Setup
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.gui.run_settings import RunSettings, RunValues
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
    RUNNING,
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
    SetParameter,
    SetParameters,
    StepBatch,
    StepEpoch,
    TrainingWorker,
    initial_state,
)

WORKER_REPLY_TIMEOUT_SECONDS = 30.0
UNTHROTTLED_REDRAW_MS = 8
# While training, the GUI thread may use at most this share of a core. Python threads share
# one GIL, so every millisecond spent drawing is a millisecond not spent training.
TRAINING_GUI_SHARE = 0.08
# ... but the panels show training at least this often, even after a costly redraw (the first
# paint of the window can take most of a second, which alone kept them still for ~10 s).
MAX_REDRAW_GAP_SECONDS = 0.5


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
    busy_changed = Signal(bool)         # True while a worker reply is awaited (a swap, a save, a recorded step)
    worker_replied = Signal(object)     # internal: a callable to run in the GUI thread (see when_replied)

    def __init__(self, experiment: Experiment, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.setup = Setup.of(experiment)
        self.settings = RunSettings(experiment, self)  # the one home of epochs, display frequency, ...
        self.settings.changed.connect(self._on_setting_changed)
        self.latest: Snapshot = Snapshot.capture(experiment, initial_state(experiment))
        self.drawn: Snapshot | None = None
        self._unconfirmed: dict[str, float] = {}  # values sent that no snapshot shows yet
        self._experiment: Experiment | None = experiment  # owned by the GUI until start()
        self._version = 0
        self.commands_sent = 0
        self._gui_idle = threading.Event()
        self._gui_idle.set()
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self._last_draw = (time.perf_counter(), time.thread_time())
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setInterval(round(1000 / self.settings.max_redraw_hz))
        self._redraw_timer.timeout.connect(self._on_redraw_tick)
        self._replies_pending = 0
        self.worker_replied.connect(self._on_worker_replied)

    # --- lifetime -----------------------------------------------------------------

    def start(self) -> None:
        """Hand the experiment to a worker in its own thread and start drawing snapshots."""
        if self._thread is not None:
            return
        # A new worker counts the commands it applies from zero, and the last snapshot reflects none.
        self.commands_sent = 0
        self.latest = replace(self.latest, commands_applied=0)
        self._worker = TrainingWorker(self._experiment, self._gui_idle, self._version)
        self._experiment = None
        self._last_draw = (time.perf_counter(), time.thread_time())  # building the window is not drawing
        self._thread = QThread()
        self._thread.setObjectName("fcviz-training")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.snapshot.connect(self._on_snapshot)
        self._worker.command_failed.connect(self._on_command_failed)
        self._send(SetMaxRate(self.settings.max_redraw_hz))
        self._thread.start()
        self._redraw_timer.start()
        # However the application ends, the thread is joined before Qt tears the objects down.
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)

    @Slot()
    def shutdown(self) -> None:
        """Stop the worker and wait for its thread (safe to call twice)."""
        if self._thread is None:
            return
        self._redraw_timer.stop()
        self._worker.stop()
        self._gui_idle.set()
        # Not through worker.finished: a queued quit() would never run while wait() blocks.
        self._thread.quit()
        self._thread.wait()
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
        self._send(Play())

    def pause(self) -> None:
        self._send(Pause())

    def step_batch(self) -> None:
        self._send(StepBatch())

    def step_epoch(self) -> None:
        self._send(StepEpoch())

    def reset(self) -> None:
        self._send(Reset())

    def set_epochs(self, epochs: int) -> None:
        self.settings.set("epochs", int(epochs))

    def set_display_every(self, every: int) -> None:
        self.settings.set("display_every", int(every))

    def set_max_redraw_rate(self, hz: float) -> None:
        """Snapshots and redraws at most `hz` times a second; 0 sends every display epoch."""
        self.settings.set("max_redraw_hz", float(hz))

    @property
    def frozen(self) -> np.ndarray:
        """The mask of the parameters no update touches (read-only)."""
        return self.settings.frozen

    @Slot(str)
    def _on_setting_changed(self, name: str) -> None:
        """The one place a changed run setting goes to the worker."""
        settings = self.settings
        if name == "max_redraw_hz":
            hz = settings.max_redraw_hz
            self._redraw_timer.setInterval(round(1000 / hz) if hz > 0 else UNTHROTTLED_REDRAW_MS)
        elif name == "frozen":
            self.frozen_changed.emit(settings.frozen)
        command = {"epochs": lambda: SetEpochs(settings.epochs),
                   "display_every": lambda: SetDisplayEvery(settings.display_every),
                   "max_redraw_hz": lambda: SetMaxRate(settings.max_redraw_hz),
                   "learning_rate": lambda: SetLearningRate(settings.learning_rate),
                   "frozen": lambda: SetFrozen(settings.frozen)}.get(name)
        if command is not None and self._worker is not None:
            self._send(command())

    # --- undoable edits ----------------------------------------------------------------

    def parameter_value(self, name: str) -> float:
        """The newest value: the latest snapshot's, or one just sent that no snapshot shows yet."""
        if self.reflects_all_commands(self.latest):
            self._unconfirmed.clear()
        elif name in self._unconfirmed:
            return self._unconfirmed[name]
        return float(self.latest.params[self.setup.parameter_index(name)])

    def edit_parameter(self, name: str, value: float, gesture: int | None = None) -> None:
        """Set one parameter (undoable); edits of the same `gesture` merge into one undo step."""
        old = self.parameter_value(name)
        if value != old:
            self.undo_stack.push(SetParameterCommand(self._send, name, old, float(value), gesture))

    def set_frozen(self, frozen: np.ndarray, description: str) -> None:
        """Exclude the parameters `frozen` marks from updates, and only those (undoable)."""
        frozen = np.asarray(frozen, bool)
        if not np.array_equal(frozen, self.frozen):
            self.undo_stack.push(SetFrozenCommand(partial(self.settings.set, "frozen"), self.frozen, frozen,
                                                  description))

    def record_step(self, then: Callable[[Future], None]) -> None:
        """Train one batch; `then(future)` gets its StepRecord (weights before, batch, weights after)
        in the GUI thread when the worker has taken the step."""
        command = StepBatch(record=Future())
        self._send(command)
        self.when_replied(command.record, then)

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
        self.undo_stack.push(ReplaceExperimentCommand(self._swap_experiment, self._installable(experiment),
                                                      description or self.tr("Change architecture")))

    def reinitialize(self, init: str, seed: int) -> None:
        """New starting weights from the init scheme `init` and `seed`; training restarts (undoable)."""
        self.apply_blueprint(replace(self.blueprint(), init=init, seed=int(seed)), fresh_weights=True,
                             description=self.tr("Initialize weights ({init}, seed {seed})").format(
                                 init=init, seed=seed))

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
        self.undo_stack.push(ReplaceExperimentCommand(self._swap_experiment, self._installable(experiment),
                                                      description))

    def _set_data(self, dataset: Dataset, test_fraction: float) -> None:
        self._send(SetData(dataset, test_fraction))
        self.setup = self.setup.with_data(dataset, test_fraction)
        self.data_changed.emit(self.setup)

    def blueprint(self) -> Blueprint:
        return Blueprint.of(self.setup, learning_rate=self.settings.learning_rate)

    def _installable(self, experiment: Experiment) -> Installable:
        """`experiment` (owned by the GUI) with what the window shows of it once installed; the window's
        pace and redraw cap stay."""
        trainer = experiment.trainer
        settings = replace(self.settings.values, epochs=int(experiment.epochs),
                           display_every=int(experiment.display_every), learning_rate=float(trainer.learning_rate),
                           frozen=np.array(trainer.frozen))
        return Installable(experiment, Setup.of(experiment), Snapshot.capture(experiment, initial_state(experiment)),
                           settings)

    def build(self, blueprint: Blueprint, dataset: Dataset, name: str = "", title: str = "", **options) -> Experiment:
        """A new experiment from `blueprint` that trains with this run's settings (epochs, display
        frequency); raises ValueError for an impossible choice."""
        return blueprint.build(dataset, self.settings.epochs, self.settings.display_every, name, title, **options)

    # --- whole experiments ----------------------------------------------------------------

    def open_experiment(self, experiment: Experiment) -> None:
        """Train another experiment from now on (a preset, a dataset or a session); clears undo."""
        self._swap_experiment(self._installable(experiment))
        self.undo_stack.clear()

    def call_in_worker(self, function: Callable[[Experiment], Any]) -> Any:
        """Run `function(experiment)` where the experiment lives and wait for its result (or raise).
        For tests, benchmarks and quick reads; the window's own work uses `start_in_worker`."""
        if self._worker is None:
            return function(self._experiment)
        return self._wait(self.start_in_worker(function))

    def start_in_worker(self, function: Callable[[Experiment], Any]) -> Future:
        """Run `function(experiment)` where the experiment lives without waiting (a long save must
        not freeze the window); the Future gets its result, at once while no worker runs."""
        if self._worker is not None:
            command = CallInWorker(function)
            self._send(command)
            return command.result
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
            replaced = command.previous
        current = self.settings.values
        outgoing = Installable(replaced, self.setup, self.latest, current)
        self.setup, self.drawn = incoming.setup, None
        self.latest = replace(incoming.snapshot, state=_resting_state(incoming.snapshot),
                              data_version=self._version, commands_applied=0)
        # the window's pace and redraw cap are not the experiment's: they stay
        self.settings.adopt(replace(incoming.settings, pace=current.pace, max_redraw_hz=current.max_redraw_hz))
        self.setup_changed.emit(self.setup)
        return outgoing

    def when_replied(self, future: Future, then: Callable[[Future], None]) -> None:
        """Run `then(future)` in the GUI thread once the worker has answered; `busy_changed` tells the
        window to hold back the actions that need the answer until then."""
        self._replies_pending += 1
        if self._replies_pending == 1:
            self.busy_changed.emit(True)
        # The callback runs in the worker thread: the signal queues `then` to the GUI thread.
        future.add_done_callback(lambda done: self.worker_replied.emit(partial(then, done)))

    @property
    def busy(self) -> bool:
        """True while a worker reply is awaited."""
        return self._replies_pending > 0

    @Slot(object)
    def _on_worker_replied(self, finish: Callable[[], None]) -> None:
        self._replies_pending -= 1
        try:
            finish()
        finally:
            if self._replies_pending == 0:
                self.busy_changed.emit(False)

    def _wait(self, future: Future) -> Any:  # only call_in_worker waits
        self._gui_idle.set()  # the worker must not wait for a GUI that is waiting for it
        return future.result(timeout=WORKER_REPLY_TIMEOUT_SECONDS)

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
        self._on_redraw_tick()

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.data_version != self._version:
            return  # sent before another experiment was installed
        self.latest = snapshot
        self.snapshot_received.emit(snapshot)
        if snapshot.state == DIVERGED and snapshot.message:
            self.diverged.emit(snapshot.message)

    @Slot()
    def _on_redraw_tick(self) -> None:
        snapshot = self.latest
        if snapshot is self.drawn or (snapshot.state == RUNNING and self._over_gui_budget()):
            return
        self._last_draw = (time.perf_counter(), time.thread_time())
        self.drawn = snapshot
        with self.gui_busy():
            self.snapshot_changed.emit(snapshot)
        if self._worker is not None:
            self._worker.mark_drawn()

    def _over_gui_budget(self) -> bool:
        """True while the GUI thread has used more than its share of CPU since the last redraw
        (never for longer than MAX_REDRAW_GAP_SECONDS)."""
        wall, cpu = self._last_draw
        elapsed = time.perf_counter() - wall
        return 0 < elapsed < MAX_REDRAW_GAP_SECONDS and (time.thread_time() - cpu) / elapsed > TRAINING_GUI_SHARE

    @Slot(str)
    def _on_command_failed(self, message: str) -> None:
        self.command_failed.emit(message)

    @contextmanager
    def gui_busy(self):
        """Hold training back while the GUI thread draws, so drawing never waits for the GIL
        (docs/ARCHITECTURE.md, Threads: a redraw fighting the training loop takes 5-30 times longer)."""
        self._gui_idle.clear()
        try:
            yield
        finally:
            self._gui_idle.set()


def _resting_state(snapshot: Snapshot) -> RunState:
    """The state an experiment is installed in (as the worker's initial_state, from a snapshot)."""
    if snapshot.epoch == 0:
        return IDLE
    return FINISHED if snapshot.epoch >= snapshot.target_epochs else PAUSED
