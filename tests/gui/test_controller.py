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
    window.open_preset("xor")
    n_params = len(controller.setup.parameter_names)
    qtbot.waitUntil(lambda: len(received) > 0 and controller.reflects_all_commands(received[-1]), timeout=5000)
    assert [snapshot.params.size for snapshot in received] == [n_params] * len(received)
    assert controller.latest.params.size == n_params and controller.latest.epoch == 0


def test_a_swap_does_not_wait_for_the_worker_and_undo_waits_for_its_answer(qtbot, open_window):
    window = open_window(open_preset("activations"))
    controller = window.controller
    window.activations.choice.setCurrentIndex(window.activations.choice.findData("elu"))
    before = controller.latest.params.copy()
    busy = []
    controller.busy_changed.connect(busy.append)
    window.activations.use_button.click()
    assert controller.setup.network_config["activations"] == ["elu", "sigmoid"]  # shown at once
    controller.undo_stack.undo()  # at once, too: the experiment to put back is installed when it arrives
    qtbot.waitUntil(lambda: not controller.busy, timeout=5000)
    assert controller.setup.network_config["activations"] == ["tanh", "sigmoid"]
    assert busy[0] is True and busy[-1] is False
    qtbot.waitUntil(lambda: controller.reflects_all_commands(controller.latest), timeout=5000)
    np.testing.assert_array_equal(controller.latest.params, before)
    controller.undo_stack.redo()
    qtbot.waitUntil(lambda: not controller.busy, timeout=5000)
    assert controller.setup.network_config["activations"] == ["elu", "sigmoid"]
