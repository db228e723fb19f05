"""The scatter panel through the mouse: add, move, delete points, undo; what the network learned."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from qt_helpers import wait_for_state
from scatter_helpers import activate, click, drag, free_spot, line_lab, pixel_size, widget_pos, worker_data, xor_lab

from fcviz.core.metrics import confusion_matrix
from fcviz.gui.panels.scatter.modes import HEATMAP_SIZE
from fcviz.gui.panels.scatter.panel import HOLLOW
from fcviz.gui.worker import RUNNING
from fcviz.io.samples import open_preset


def _undo(qtbot, window) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window.scatter.plot_widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_a_click_adds_a_point_at_the_data_coordinates_and_ctrl_z_takes_it_back(qtbot, open_window):
    window = open_window(line_lab())
    panel = window.scatter
    before = window.controller.setup.dataset
    x, y = 0.25, -1.5  # well away from the line's points (a click on a point selects it)
    click(qtbot, panel, x, y)
    after = window.controller.setup.dataset
    assert after.n_samples == before.n_samples + 1
    dx, dy = pixel_size(panel)
    assert abs(after.X[-1, 0] - x) <= dx and abs(after.y[-1, 0] - y) <= dy  # within one pixel
    np.testing.assert_array_equal(after.X[:-1], before.X)
    dataset, train, _ = worker_data(window)
    assert dataset.n_samples == before.n_samples + 1 and len(train) == before.n_samples + 1
    assert window.controller.undo_stack.undoText().startswith("Add a point")

    _undo(qtbot, window)
    assert window.controller.setup.dataset.n_samples == before.n_samples
    np.testing.assert_array_equal(worker_data(window)[0].X, before.X)


def test_a_click_on_the_clothes_lab_adds_a_size_that_fits_or_not(qtbot, open_window):
    window = open_window()
    panel = window.scatter
    click(qtbot, panel, 4.5, 0.8)   # near the "fits" level
    click(qtbot, panel, 0.5, 0.2)   # near "does not fit"
    data = window.controller.setup.dataset
    assert data.y[-2:, 0].tolist() == [1.0, 0.0]
    assert abs(data.X[-2, 0] - 4.5) <= pixel_size(panel)[0]


def test_drag_moves_a_point_and_undo_puts_it_back(qtbot, open_window):
    window = open_window(line_lab())
    panel = window.scatter
    before = window.controller.setup.dataset
    row = int(np.argmin(np.abs(before.X[:, 0])))  # a point near the middle
    start = (before.X[row, 0], before.y[row, 0])
    end = (start[0] + 0.3, start[1] - 1.0)
    drag(qtbot, panel, start, end)
    after = window.controller.setup.dataset
    assert after.n_samples == before.n_samples
    dx, dy = pixel_size(panel)
    assert abs(after.X[row, 0] - end[0]) <= 2 * dx and abs(after.y[row, 0] - end[1]) <= 2 * dy
    others = np.arange(before.n_samples) != row
    np.testing.assert_array_equal(after.X[others], before.X[others])
    np.testing.assert_array_equal(worker_data(window)[0].X, after.X)
    assert window.controller.undo_stack.count() == 1  # one edit for the whole drag

    _undo(qtbot, window)
    np.testing.assert_array_equal(window.controller.setup.dataset.X, before.X)
    np.testing.assert_array_equal(worker_data(window)[0].y, before.y)


def test_dragging_empty_space_pans_instead_of_editing(qtbot, open_window):
    window = open_window(line_lab())
    panel = window.scatter
    x_range = panel.view_box.viewRange()[0]
    drag(qtbot, panel, (0.9, -1.5), (0.5, -1.5))
    assert window.controller.undo_stack.count() == 0
    assert panel.view_box.viewRange()[0][0] > x_range[0]


def test_right_click_deletes_a_point_and_box_selection_deletes_several(qtbot, open_window):
    window = open_window(xor_lab())
    panel = window.scatter
    data = window.controller.setup.dataset
    click(qtbot, panel, *data.X[0], button=Qt.MouseButton.RightButton)
    after = window.controller.setup.dataset
    assert after.n_samples == data.n_samples - 1
    np.testing.assert_array_equal(after.X, data.X[1:])

    corner = free_spot(after.X, 0.1, 0.1, reach=0.1)  # not on a point: that would drag the point
    inside = (after.X[:, 0] > corner[0]) & (after.X[:, 1] > corner[1])
    drag(qtbot, panel, corner, (1.15, 1.15), modifier=Qt.KeyboardModifier.ShiftModifier)
    np.testing.assert_array_equal(panel.editor.selected, inside)
    activate(qtbot, window)
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_Delete)
    final = window.controller.setup.dataset
    np.testing.assert_array_equal(final.X, after.X[~inside])
    assert worker_data(window)[0].n_samples == final.n_samples


def test_dragging_a_selection_moves_all_of_it(qtbot, open_window):
    window = open_window(xor_lab())
    panel = window.scatter
    data = window.controller.setup.dataset
    chosen = (data.X[:, 0] < -0.2) & (data.X[:, 1] < -0.2)
    drag(qtbot, panel, (-1.1, -1.1), (-0.2, -0.2), modifier=Qt.KeyboardModifier.ShiftModifier)
    row = int(np.flatnonzero(chosen)[0])
    drag(qtbot, panel, tuple(data.X[row]), (data.X[row, 0], data.X[row, 1] + 0.5))
    moved = window.controller.setup.dataset.X - data.X
    assert np.all(np.abs(moved[chosen, 1] - 0.5) <= 2 * pixel_size(panel)[1])
    np.testing.assert_array_equal(moved[~chosen], 0.0)


def test_new_points_take_the_chosen_class(qtbot, open_window):
    window = open_window(xor_lab())
    panel = window.scatter
    assert panel.class_box.isVisible() and panel.class_box.count() == 2
    activate(qtbot, window)
    panel.plot_widget.setFocus()  # the class keys act while the plot has the focus
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_2)
    assert panel.class_box.currentIndex() == 1
    points = window.controller.setup.dataset.X
    first, second = free_spot(points, -0.5, -0.5), free_spot(points, 0.5, -0.5)
    click(qtbot, panel, *first)
    panel.class_box.setCurrentIndex(0)
    click(qtbot, panel, *second)
    data = window.controller.setup.dataset
    assert data.n_samples == len(points) + 2 and data.y[-2:, 0].tolist() == [1.0, 0.0]
    dx, dy = pixel_size(panel)
    assert np.allclose(data.X[-2], first, atol=max(dx, dy))


def test_the_test_split_draws_held_out_points_hollow_and_undoes(qtbot, open_window):
    window = open_window(xor_lab(n=100))
    panel = window.scatter
    panel.test_slider.setValue(20)
    setup = window.controller.setup
    assert setup.test_fraction == 0.2 and len(setup.test_rows) == 20
    _, train, test = worker_data(window)
    np.testing.assert_array_equal(test, setup.test_rows)
    brushes = [point.brush() for point in panel.points.points()]
    hollow = [brush.color().alpha() == 0 for brush in brushes]
    assert sum(hollow) == 20 and all(hollow[row] for row in setup.test_rows)
    assert panel.test_label.text() == "20 %"
    window.controller.undo_stack.undo()
    assert window.controller.setup.test_fraction == 0.0 and len(worker_data(window)[2]) == 0
    assert HOLLOW not in [point.brush() for point in panel.points.points()]


def test_training_goes_on_while_points_are_added(qtbot, open_window):
    window = open_window(xor_lab())
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, RUNNING)
    n = window.controller.setup.dataset.n_samples
    click(qtbot, window.scatter, *free_spot(window.controller.setup.dataset.X, 0.3, 0.3))
    epoch = window.controller.latest.epoch
    qtbot.waitUntil(lambda: window.controller.latest.epoch > epoch + 5, timeout=10_000)
    assert window.controller.latest.state == RUNNING
    assert worker_data(window)[0].n_samples == n + 1


def test_heatmap_fills_the_data_range_with_both_classes(qtbot, open_window):
    """The spiral bug: setRect before an image existed stretched one pixel over the whole plot."""
    experiment = open_preset("xor")
    experiment.trainer.fit(epochs=150)
    window = open_window(experiment)
    panel = window.scatter
    window.controller.redraw_now()
    shown = panel.heatmap.mapRectToView(panel.heatmap.boundingRect())
    X = experiment.dataset.X
    assert shown.left() < X[:, 0].min() and shown.right() > X[:, 0].max()
    assert shown.width() < 2 * (X[:, 0].max() - X[:, 0].min())
    assert shown.top() < X[:, 1].min() and shown.bottom() > X[:, 1].max()

    image = panel.heatmap.image
    network = window.controller.latest.network()
    assert image.shape == (HEATMAP_SIZE, HEATMAP_SIZE) and image.min() < 0.2 and image.max() > 0.8
    panel.points.setVisible(False)
    picture = panel.plot_widget.grab().toImage()
    colors = set()
    for i, j in (np.unravel_index(image.argmin(), image.shape), np.unravel_index(image.argmax(), image.shape)):
        x = shown.left() + (i + 0.5) * shown.width() / HEATMAP_SIZE
        y = shown.top() + (j + 0.5) * shown.height() / HEATMAP_SIZE
        assert network.predict([[x, y]])[0, 0] == pytest.approx(image[i, j])  # drawn where it was computed
        pos = widget_pos(panel, x, y)
        colors.add(picture.pixelColor(pos.x(), pos.y()).name())
    assert len(colors) == 2  # the two classes' colours where the network says 0 and 1


def test_neuron_maps_show_every_hidden_unit_and_a_click_shows_one_large(qtbot, open_window):
    window = open_window(xor_lab(hidden=(4, 3)))
    panel = window.scatter
    maps = panel.neuron_maps
    assert len(maps.cells) == 7
    window.controller.redraw_now()
    view = maps.mapFromScene(maps.center_of(5))
    qtbot.mouseClick(maps.viewport(), Qt.MouseButton.LeftButton, pos=view)
    assert panel.mode_view.shown_neuron == 5 and "neuron 2 of hidden layer 2" in panel.note.text()
    network = window.controller.latest.network()
    hidden = network.forward(panel.mode_view.grid)[1][1][1].reshape(HEATMAP_SIZE, HEATMAP_SIZE)
    np.testing.assert_allclose(panel.heatmap.image, hidden)
    qtbot.mouseClick(maps.viewport(), Qt.MouseButton.LeftButton, pos=view)
    assert panel.mode_view.shown_neuron == -1 and panel.heatmap.image.max() <= 1.0


def test_discretize_shows_the_decided_class(qtbot, open_window):
    window = open_window(xor_lab())
    panel = window.scatter
    panel.discretize.setChecked(True)
    assert set(np.unique(panel.heatmap.image)) <= {0.0, 1.0}
    panel.discretize.setChecked(False)
    assert len(np.unique(panel.heatmap.image)) > 2


def test_confusion_matrix_counts_the_predictions(qtbot, open_window):
    window = open_window(xor_lab())
    window.controller.redraw_now()
    data = window.controller.setup.dataset
    expected = confusion_matrix(window.controller.latest.network().predict(data.X), data.y, 2)
    np.testing.assert_array_equal(window.scatter.confusion.counts, expected)
    assert [label.toPlainText() for label in window.scatter.confusion.labels] == [str(c) for c in expected.ravel()]


def test_extra_inputs_rebuild_the_network_and_the_map_still_covers_the_plane(qtbot, open_window):
    window = open_window(xor_lab())
    panel = window.scatter
    panel.transform_boxes["product"].setChecked(True)
    setup = window.controller.setup
    assert setup.dataset.feature_names == ("x1", "x2", "x1·x2") and setup.layer_sizes[0] == 3
    np.testing.assert_allclose(setup.dataset.X[:, 2], setup.dataset.X[:, 0] * setup.dataset.X[:, 1])
    window.controller.redraw_now()
    assert panel.heatmap.image.shape == (HEATMAP_SIZE, HEATMAP_SIZE)
    click(qtbot, panel, 0.5, 0.5)  # editing recomputes the product column
    added = window.controller.setup.dataset.X[-1]
    assert added[2] == pytest.approx(added[0] * added[1])
    window.controller.undo_stack.undo()
    window.controller.undo_stack.undo()
    assert window.controller.setup.layer_sizes[0] == 2 and not panel.transform_boxes["product"].isChecked()


def test_one_input_shows_every_hidden_neuron_as_a_curve(qtbot, open_window):
    window = open_window(line_lab())
    panel = window.scatter
    assert panel.neuron_curves == []  # made when first shown
    panel.show_neurons.setChecked(True)
    assert len(panel.neuron_curves) == 3 and all(curve.isVisible() for curve in panel.neuron_curves)
    network = window.controller.latest.network()
    x, values = panel.neuron_curves[1].getData()
    np.testing.assert_allclose(values, network.forward(x[:, None])[0][1][1])


def test_many_inputs_regression_plots_predicted_against_actual(qtbot, open_window):
    from fcviz.core.dataset import Dataset
    from fcviz.core.experiment import build_experiment
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    data = Dataset(X, X @ [1.0, 2.0, -1.0], ("a", "b", "c"), ("y",))
    window = open_window(build_experiment(data, hidden=(4,), activation="tanh"))
    panel = window.scatter
    window.controller.redraw_now()
    assert not panel.heatmap.isVisible() and not panel.hint.isVisible()
    predicted = window.controller.latest.network().predict(X)[:, 0]
    x, y = panel.points.getData()
    np.testing.assert_allclose(x, data.y[:, 0])
    np.testing.assert_allclose(y, predicted)
    click(qtbot, panel, 0.0, 0.0)
    assert window.controller.undo_stack.count() == 0  # not editable: nothing to place a point in


def test_several_inputs_show_the_most_telling_pair_with_the_mistakes_crossed(qtbot, open_window):
    experiment = open_preset("iris")
    experiment.trainer.fit(epochs=3)
    window = open_window(experiment)
    panel = window.scatter
    data = experiment.dataset
    assert (panel.x_feature.currentText(), panel.y_feature.currentText()) == ("petal_length", "petal_width")
    window.controller.redraw_now()
    wrong = window.controller.latest.network().predict(data.X).argmax(1) != data.labels()
    assert wrong.any()
    np.testing.assert_array_equal(np.column_stack(panel.mistakes.getData()), data.X[wrong][:, [2, 3]])
    panel.x_feature.setCurrentIndex(0)
    panel.x_feature.activated.emit(0)
    np.testing.assert_array_equal(np.column_stack(panel.points.getData()), data.X[:, [0, 3]])
    assert panel.plot_widget.getPlotItem().getAxis("bottom").labelText == "sepal_length"
    click(qtbot, panel, *data.X[0, [0, 3]] + 0.01)
    assert window.controller.undo_stack.count() == 0  # other inputs are unknown: no points to add here


def test_a_map_of_many_classes_uses_a_coarser_grid_and_shows_the_decided_class(qtbot, open_window, tmp_path):
    from fcviz.gui.panels.scatter.modes import map_size
    from fcviz.io.tables import load_dataset
    classes = 300
    path = tmp_path / "many.csv"
    path.write_text("a,b,label\n" + "".join(f"{k % 13},{k % 7},kind{k % classes}\n" for k in range(2 * classes)))
    window = open_window()
    window.files.open_dataset(load_dataset(path), path)
    panel, size = window.scatter, map_size(classes)
    assert map_size(2) == HEATMAP_SIZE and 16 <= size < HEATMAP_SIZE
    qtbot.waitUntil(lambda: panel.heatmap.image.shape == (size, size) and panel.heatmap.image.any())
    outputs = window.controller.latest.network().forward(panel.mode_view.grid)[-1][1]
    np.testing.assert_array_equal(panel.heatmap.image, outputs.argmax(axis=0).reshape(size, size))
