"""Snapshots the worker sent for a replaced experiment never reach the panels."""

from __future__ import annotations

import time


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
