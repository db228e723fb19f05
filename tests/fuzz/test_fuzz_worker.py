"""Random command sequences through the controller to the training worker: no deadlock, no
exception, no failed command, and afterwards the worker's experiment is what the snapshots show
and trains one more batch exactly like the core."""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np
from fuzzing import FUZZ, tried, within
from hypothesis import given
from hypothesis import strategies as st

from fcviz.gui.controller import Controller
from fcviz.gui.worker import RUNNING
from fcviz.io.samples import open_preset
from fcviz.io.session import load_session, save_session

REPLY_TIMEOUT_MS = 10_000
SEQUENCE_SECONDS = 60  # a sequence that has not ended by then is a deadlock

COMMANDS = st.one_of(
    st.sampled_from([("play",), ("pause",), ("step_batch",), ("step_epoch",), ("reset",), ("undo",),
                     ("redo",), ("close",)]),
    st.tuples(st.just("edit"), st.integers(0, 100), st.floats(-5, 5)),
    st.tuples(st.just("learning_rate"), st.floats(1e-4, 1.0)),
    st.tuples(st.just("epochs"), st.integers(1, 400)),
    st.tuples(st.just("hidden"), st.integers(1, 5)),
    st.tuples(st.just("data"), st.sampled_from(["xor", "circles", "clothes"])),
    st.tuples(st.just("wait"), st.integers(0, 40)),
)


@functools.lru_cache(maxsize=None)
def dataset(name: str):
    return open_preset(name).dataset


def run(qtbot, controller: Controller, command: tuple) -> None:
    kind, *args = command
    if kind in ("play", "pause", "step_batch", "step_epoch", "reset"):
        getattr(controller, kind)()
    elif kind in ("undo", "redo"):
        getattr(controller.undo_stack, kind)()
    elif kind == "close":  # the thread ends and a new one takes the experiment over
        controller.shutdown()
        controller.start()
    elif kind == "edit":
        names = controller.setup.parameter_names
        controller.edit_parameter(names[args[0] % len(names)], args[1])
    elif kind == "learning_rate":
        controller.set_learning_rate(args[0])
    elif kind == "epochs":
        controller.settings.set("epochs", args[0])
    elif kind == "hidden":
        blueprint = controller.blueprint()
        controller.apply_blueprint(replace(blueprint, hidden_sizes=(args[0],),
                                           hidden_activations=blueprint.hidden_activations[:1] or ("tanh",)))
    elif kind == "data":
        controller.replace_dataset(dataset(args[0]), "fuzz data")
    else:
        qtbot.wait(args[0])


def settle(qtbot, controller: Controller) -> None:
    """Pause and wait for a snapshot that reflects every command sent."""
    controller.pause()
    qtbot.waitUntil(lambda: controller.reflects_all_commands(controller.latest)
                    and controller.latest.state != RUNNING, timeout=REPLY_TIMEOUT_MS)


@FUZZ
@given(commands=st.lists(COMMANDS, max_size=15))
def test_command_sequences_keep_the_worker_consistent_with_the_core(qtbot, tmp_path, commands):
    path = tmp_path / "worker.fcviz"
    tried["worker commands"] += 1
    controller = Controller(open_preset("xor"))
    failures = []
    controller.command_failed.connect(failures.append)
    controller.start()
    try:
        with within(SEQUENCE_SECONDS):
            for command in commands:
                run(qtbot, controller, command)
            settle(qtbot, controller)
            # the core's own copy of the worker's experiment: a session file (which resumes exactly)
            controller.call_in_worker(functools.partial(save_session, path))
            core = load_session(path)
            latest = controller.latest
            assert (latest.epoch, latest.batch_index) == (core.trainer.epoch, core.trainer.batch_index)
            np.testing.assert_array_equal(latest.params, core.net.params)
            assert latest.learning_rate == core.trainer.learning_rate
            assert controller.setup.layer_sizes == core.net.layer_sizes
            controller.step_batch()
            settle(qtbot, controller)
            core.trainer.diverged = False  # as the worker's step does
            core.trainer.step()
            np.testing.assert_array_equal(controller.latest.params, core.net.params)
    finally:
        controller.shutdown()
    assert failures == []
    assert not controller.running
