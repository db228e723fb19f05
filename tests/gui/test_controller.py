"""The controller between the window and the worker: snapshots of replaced experiments are dropped,
swaps and saves never make the GUI thread wait for the worker."""

from __future__ import annotations

import time

import numpy as np

from fcviz.io.samples import open_preset


def test_snapshots_of_a_replaced_experiment_never_reach_the_panels(qtbot, open_window):
    window = open_window()
    controller = window.controller
    received = []
    controller.snapshot_received.connect(received.append)
    controller.step_epoch()
    time.sleep(0.5)  # the worker answers with a snapshot of the lab; it waits in the queue (no events run)
    window.files.open_preset("xor")
    n_params = len(controller.setup.parameter_names)
    qtbot.waitUntil(lambda: len(received) > 0 and controller.reflects_all_commands(received[-1]), timeout=5000)
    assert [snapshot.params.size for snapshot in received] == [n_params] * len(received)
    assert controller.latest.params.size == n_params and controller.latest.epoch == 0


def test_swap_and_undo_show_at_once_and_the_worker_follows_in_order(qtbot, open_window):
    """Neither the swap nor its undo waits for the worker: the window shows the network at once, and
    the worker, applying commands in order, ends where the window says (an edit after them included)."""
    window = open_window(open_preset("activations"))
    controller = window.controller
    panel = window.activations
    panel.choice.setCurrentIndex(panel.choice.findData("elu"))
    panel.use_button.click()
    assert controller.setup.network_config["activations"] == ["elu", "sigmoid"]
    controller.undo_stack.undo()  # the worker may not even have taken the new network yet
    assert controller.setup.network_config["activations"] == ["tanh", "sigmoid"]
    controller.undo_stack.redo()
    assert controller.setup.network_config["activations"] == ["elu", "sigmoid"]
    controller.edit_parameter("w11_1", 1.5)  # meant for the network now shown
    qtbot.waitUntil(lambda: controller.reflects_all_commands(controller.latest), timeout=5000)
    activations, params = controller.call_in_worker(
        lambda experiment: (experiment.net.config()["activations"], experiment.net.params.copy()))
    assert activations == ["elu", "sigmoid"]
    assert params[controller.setup.parameter_index("w11_1")] == 1.5
    np.testing.assert_array_equal(controller.latest.params, params)


def test_a_save_finishes_in_a_slot_and_holds_back_save_meanwhile(qtbot, open_window, tmp_path):
    window = open_window()
    save_action = window.files.save_action
    enabled = []
    save_action.changed.connect(lambda: enabled.append(save_action.isEnabled()))
    future = window.files.save_session_to(tmp_path / "lab.fcviz")
    qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result() and enabled == [False, True]  # held back until the worker had written it
    assert (tmp_path / "lab.fcviz").exists() and window.files.session_path == tmp_path / "lab.fcviz"


def test_the_snapshot_cache_computes_once_per_snapshot_and_setup(qtbot, open_window):
    window = open_window()
    controller = window.controller
    cache, first = controller.cache, controller.latest
    predictions = cache.predictions(first)
    assert cache.predictions(first) is predictions and cache.trace(first) is cache.trace(first)
    np.testing.assert_array_equal(predictions, first.network().predict(controller.setup.dataset.X))
    controller.step_epoch()
    qtbot.waitUntil(lambda: controller.latest.epoch == 1, timeout=5000)
    second = controller.latest
    assert cache.predictions(second) is not predictions
    np.testing.assert_array_equal(cache.predictions(second), second.network().predict(controller.setup.dataset.X))


def test_an_edit_before_training_moves_the_start_in_a_new_array_that_setups_and_snapshots_share(qtbot, open_window):
    """The start Reset returns to is the experiment's read-only array, shared (not copied) by every setup
    and snapshot: an edit at epoch 0 replaces it, so those taken before the edit keep the old start."""
    window = open_window()
    controller = window.controller
    setup_before, snapshot_before = controller.setup, controller.latest
    start_before = setup_before.initial_params.copy()
    index = setup_before.parameter_index("b1_1")
    controller.edit_parameter("b1_1", -1.25)
    qtbot.waitUntil(lambda: controller.latest.initial_params[index] == -1.25, timeout=5000)
    snapshot_after = controller.latest
    np.testing.assert_array_equal(setup_before.initial_params, start_before)
    np.testing.assert_array_equal(snapshot_before.initial_params, start_before)
    start = controller.call_in_worker(lambda experiment: experiment.initial_params)
    assert snapshot_after.initial_params is start and not start.flags.writeable
    assert snapshot_before.initial_params is setup_before.initial_params
