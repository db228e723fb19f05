"""The architecture editor's number type (float64/float32) rebuilds the network in that dtype, undoably."""

import numpy as np


def test_choosing_float32_rebuilds_the_network_and_undo_brings_float64_back(open_window, qtbot):
    window = open_window()
    panel, controller = window.architecture, window.controller
    assert panel.dtype.currentData() == "float64"
    panel.dtype.setCurrentIndex(panel.dtype.findData("float32"))
    panel.apply()
    qtbot.waitUntil(lambda: controller.setup.network_config["dtype"] == "float32", timeout=5000)
    assert controller.call_in_worker(lambda e: e.net.params.dtype) == np.float32
    assert controller.blueprint().dtype == "float32"
    controller.undo_stack.undo()
    qtbot.waitUntil(lambda: controller.setup.network_config["dtype"] == "float64", timeout=5000)
    qtbot.waitUntil(lambda: panel.dtype.currentData() == "float64", timeout=5000)
