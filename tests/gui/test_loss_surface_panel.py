"""The loss surface panel: exact losses, the recorded path, the tangent, and picking parameters by clicking."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from qt_helpers import wait_for_state

from fcviz.core.presets import build_preset
from fcviz.gui.panels.loss_surface import grids
from fcviz.gui.panels.loss_surface.panel import CURVE, DEFAULT_GRID
from fcviz.gui.worker import FINISHED

EPOCHS = 300


def headless_lab(epochs: int):
    experiment = build_preset("clothes")
    if epochs:
        experiment.trainer.fit(epochs=epochs)
    return experiment


def trained_window(qtbot, open_window, epochs=EPOCHS):
    window = open_window()
    window.toolbar.epochs_box.setValue(epochs)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    window.show_panel("loss_surface", flash=False)
    return window, window.loss_surface


def wait_for_result(qtbot, window, panel, dimensions=2):
    """Wait until the panel shows a grid of the latest parameters."""
    def shown():
        result = panel.result
        return (result is not None and len(result.request.indices) == dimensions
                and np.array_equal(result.request.params, window.controller.latest.params))
    window.controller.redraw_now()
    qtbot.waitUntil(shown, timeout=15_000)
    return panel.result


def test_the_surface_at_the_current_point_is_the_trainers_loss(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    result = wait_for_result(qtbot, window, panel)
    headless = headless_lab(EPOCHS)
    params = headless.net.params.copy()
    np.testing.assert_array_equal(result.request.params, params)
    first, second = result.request.indices
    xs, ys = result.request.axes
    i, j = np.flatnonzero(xs == params[first])[0], np.flatnonzero(ys == params[second])[0]
    headless.trainer.fit(epochs=1)  # full batch: this epoch's loss is the forward pass at `params`
    assert result.values[i, j] == pytest.approx(headless.trainer.history.loss[-1], abs=1e-12, rel=0)
    assert result.loss == pytest.approx(headless.trainer.history.loss[-1], abs=1e-12, rel=0)
    # The default pair is the two parameters that moved most since the start.
    moved = np.abs(params - build_preset("clothes").net.params)
    assert set(result.request.indices) == set(np.argsort(-moved)[:2])


def test_the_heatmap_puts_every_grid_value_at_its_parameters(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    result = wait_for_result(qtbot, window, panel)
    first, second = result.request.indices
    xs, ys = result.request.axes
    net = headless_lab(EPOCHS)
    trainer = net.trainer
    image = panel.heatmap.image
    for i, j in [(0, 0), (len(xs) - 1, 3), (10, len(ys) - 1), (len(xs) // 2, len(ys) // 2)]:
        pixel = panel.heatmap.mapFromView(QPointF(xs[i], ys[j]))
        assert (pixel.x(), pixel.y()) == (pytest.approx(i + 0.5, abs=1e-6), pytest.approx(j + 0.5, abs=1e-6))
        net.net.params[first], net.net.params[second] = xs[i], ys[j]
        expected = trainer.evaluate_loss(net.dataset.X, net.dataset.y)
        assert 10 ** image[i, j] == pytest.approx(expected, rel=1e-12)
    x, y = panel.current_point.getData()
    assert (x[0], y[0]) == (result.request.params[first], result.request.params[second])


def test_the_path_is_the_recorded_parameters_of_every_display_epoch(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    result = wait_for_result(qtbot, window, panel)
    first, second = result.request.indices
    timeline = window.controller.latest.timeline
    epochs = [0, 1, 100, 200, 300]
    assert list(timeline.epochs) == epochs
    expected = np.array([headless_lab(epoch).net.params for epoch in epochs])
    np.testing.assert_array_equal(timeline.params, expected)
    x, y = panel.path_curve.getData()
    np.testing.assert_array_equal(x, expected[:, first])
    np.testing.assert_array_equal(y, expected[:, second])

    # Showing a recorded epoch: the path ends there, and the grid is that epoch's.
    scrubbed = window.controller.latest.at_frame(2)
    panel.draw(scrubbed)
    panel.request_now()
    qtbot.waitUntil(lambda: np.array_equal(panel.result.request.params, expected[2]), timeout=15_000)
    x, y = panel.path_curve.getData()
    np.testing.assert_array_equal(x, expected[:3, first])
    np.testing.assert_array_equal(y, expected[:3, second])
    assert panel.result.loss == pytest.approx(headless_lab(101).trainer.history.loss[-1], abs=1e-12, rel=0)


def test_the_curve_tangent_is_the_gradient_and_the_step_is_minus_lr_times_it(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    panel.mode.setCurrentIndex(CURVE)
    panel.x_choice.setCurrentIndex(window.controller.setup.parameter_index("w11_2"))
    panel.x_choice.activated.emit(panel.x_choice.currentIndex())
    result = wait_for_result(qtbot, window, panel, dimensions=1)
    assert result.request.indices == (window.controller.setup.parameter_index("w11_2"),)
    headless = headless_lab(EPOCHS)
    trainer = headless.trainer
    inputs = np.vstack([headless.dataset.X.T, np.ones((1, headless.dataset.n_samples))])
    trainer.reference.compute_gradients(inputs, headless.dataset.y.T)
    index = headless.net.parameter_index("w11_2")
    x, y = panel.tangent.getData()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(trainer.grad[index], rel=1e-9)
    x, y = panel.step_line.getData()
    assert x[1] - x[0] == pytest.approx(-0.5 * trainer.grad[index], rel=1e-12)
    headless.trainer.fit(epochs=1)
    assert x[1] == pytest.approx(headless.net.params[index], abs=1e-15)  # SGD took exactly this step


def test_clicking_the_surface_sets_both_parameters_and_undo_restores_them(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    result = wait_for_result(qtbot, window, panel)
    first, second = result.request.indices
    before = window.controller.latest.params.copy()
    viewport = panel.surface_plot.viewport()
    position = QPoint(viewport.width() // 3, viewport.height() // 4)
    target = panel.surface_view.mapSceneToView(panel.surface_plot.mapToScene(position))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=position)
    expected = (round(target.x(), 12), round(target.y(), 12))
    qtbot.waitUntil(lambda: (window.controller.latest.params[first],
                             window.controller.latest.params[second]) == expected, timeout=5000)
    after = window.controller.latest.params
    assert np.array_equal(np.delete(after, [first, second]), np.delete(before, [first, second]))
    assert window.controller.undo_stack.count() == 1
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(window.controller.latest.params, before), timeout=5000)


def test_a_newer_request_stops_the_running_grid_and_a_repeated_one_comes_from_the_cache(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    first_result = wait_for_result(qtbot, window, panel)
    finished = []
    panel.grids.finished.connect(finished.append)
    panel.grid_size.setValue(301)  # 90,601 points: many chunks
    panel.request_now()
    panel.grid_size.setValue(7)
    panel.request_now()
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=15_000)  # queued after the panel's own slot
    assert len(panel.result.request.axes[0]) == 7
    assert finished[0] is None  # the 301-point grid stopped as stale
    assert [len(result.request.axes[0]) for result in finished[1:]] == [7]

    panel.grid_size.setValue(DEFAULT_GRID)
    panel.request_now()  # the first grid again: no job, the cached result
    assert panel.result is first_result and len(finished) == 2 and panel.grids.running is None


def test_a_slow_grid_shows_progress_and_cancel_stops_it(qtbot, open_window, monkeypatch):
    window, panel = trained_window(qtbot, open_window)
    shown = wait_for_result(qtbot, window, panel)
    finished = []
    panel.grids.finished.connect(finished.append)
    # The job waits after its first chunk until Cancel was clicked: no race with a fast machine.
    monkeypatch.setattr(grids, "PROGRESS_AFTER_SECONDS", 0.0)
    clicked, is_stale = threading.Event(), panel.grids._is_stale
    monkeypatch.setattr(panel.grids, "_is_stale", lambda: clicked.wait(15) and is_stale())
    panel.grid_size.setValue(301)
    panel.request_now()
    qtbot.waitUntil(panel.cancel_button.isVisible, timeout=15_000)
    assert 0 < panel.progress.value() < panel.progress.maximum() == 301 * 301
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: finished == [None], timeout=15_000)
    assert panel.result is shown and not panel.progress.isVisible()


def test_dragging_on_the_surface_sets_the_parameters_where_the_button_is_released(qtbot, open_window):
    window, panel = trained_window(qtbot, open_window)
    result = wait_for_result(qtbot, window, panel)
    first, second = result.request.indices
    viewport = panel.surface_plot.viewport()
    width, height = viewport.width(), viewport.height()
    start, end = QPoint(width // 4, height // 4), QPoint(width // 2, 2 * height // 3)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for t in np.linspace(0, 1, 9)[1:]:
        pos = QPointF(start.x() + t * (end.x() - start.x()), start.y() + t * (end.y() - start.y()))
        QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseMove, pos, viewport.mapToGlobal(pos),
                                                     Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                                                     Qt.KeyboardModifier.NoModifier))
        qtbot.wait(5)
    assert len(panel.pick_marker.getData()[0]) == 1  # the marker follows the drag; nothing is set yet
    assert window.controller.undo_stack.count() == 0
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    target = panel.surface_view.mapSceneToView(panel.surface_plot.mapToScene(end))
    expected = (round(target.x(), 12), round(target.y(), 12))
    qtbot.waitUntil(lambda: (window.controller.latest.params[first],
                             window.controller.latest.params[second]) == expected, timeout=5000)
    assert window.controller.undo_stack.count() == 1 and len(panel.pick_marker.getData()[0]) == 0
