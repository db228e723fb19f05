"""A network near the parameter limit in the window (issue 18): the panels neither build networks of
their own on the GUI thread nor copy every parameter to draw a snapshot. A 1-4096-2000-1 network
(8.2M parameters) blocked the window 2.1 s on opening: each panel copied or drew all its weights."""

from __future__ import annotations

import threading
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
from qt_helpers import wait_for_state

from fcviz.core import network as network_module
from fcviz.core.experiment import build_experiment
from fcviz.core.presets import clothes_dataset
from fcviz.gui import newest_wins
from fcviz.gui.parameter_model import CHANGE, NAME, VALUE, ParameterTableModel
from fcviz.gui.worker import PAUSED

WIDE = (1000, 1000)  # ~1M parameters (8 MB): big enough that a copy of all of them stands out


@pytest.fixture
def networks_built(monkeypatch):
    """Every Network that allocates its own parameters: (thread name, number of parameters)."""
    built = []
    original = network_module.Network.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if kwargs.get("params") is None:
            built.append((threading.current_thread().name, self.params.size))
    monkeypatch.setattr(network_module.Network, "__init__", recording)
    return built


@pytest.fixture
def forward_passes(monkeypatch):
    """Every forward pass of a Network: (thread name, rows)."""
    passes = []
    forward = network_module.Network.forward

    def recording(self, X):
        passes.append((threading.current_thread().name, len(X)))
        return forward(self, X)
    monkeypatch.setattr(network_module.Network, "forward", recording)
    return passes


def test_installing_and_drawing_an_experiment_builds_no_network_on_the_gui_thread(qtbot, open_window,
                                                                                networks_built):
    """The loss surface built a second network and trainer in its setup, the diagrams and the scatter
    plot each a copy of the weights, redrawn by copying every parameter into them."""
    window = open_window()
    experiment = build_experiment(clothes_dataset(), hidden=WIDE, activation="tanh")
    networks_built.clear()
    window.controller.open_experiment(experiment)
    for panel in window.panels.values():
        panel.draw(window.controller.latest)
    main = threading.main_thread().name
    assert [count for thread, count in networks_built if thread == main] == []
    surface = window.loss_surface
    surface.request_now()
    qtbot.waitUntil(lambda: surface.result is not None, timeout=20000)
    assert [count for thread, count in networks_built if thread != main] == [experiment.net.params.size]


def test_a_redraw_of_a_wide_network_makes_no_copy_of_every_parameter(qtbot, open_window):
    """Each redraw copied the weights into every panel's private network, the loss surface's request
    copied them twice more, the training panel subtracted all of them for 'change since start'."""
    window = open_window(build_experiment(clothes_dataset(), hidden=WIDE, activation="tanh"))
    controller = window.controller
    controller.step_epoch()
    # The step's own snapshot, drawn: the first snapshot_changed could be the initial one's late redraw (a
    # loaded machine), and the worker then copied the step's weights while the allocations were traced.
    wait_for_state(qtbot, window, PAUSED, timeout=20000)
    qtbot.waitUntil(lambda: controller.drawn is controller.latest, timeout=20000)
    snapshot = controller.latest
    assert snapshot.epoch == 1
    # the backprop view's trace holds the gradient of every parameter (what it shows); the scatter plot's
    # work arrays grow with the points of its curve times the units: it computes with the snapshot's array
    drawn = [panel for panel in window.panels.values() if panel not in (window.backprop, window.scatter)]
    for panel in window.panels.values():  # the first draw of a snapshot fills the shared cache (predictions)
        panel.draw(snapshot)
    assert np.shares_memory(window.scatter._net.params, snapshot.params)
    assert np.shares_memory(window.backprop.view.net.params, snapshot.params)
    tracemalloc.start()
    try:
        for panel in drawn:
            panel.draw(snapshot)
        window.loss_surface.build_request()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < snapshot.params.nbytes / 2


def test_the_change_since_start_is_worked_out_for_the_rows_listed():
    from fcviz.core.experiment_setup import Setup
    from fcviz.core.presets import build_preset

    model = ParameterTableModel([NAME, VALUE, CHANGE])
    model.set_setup(Setup.of(build_preset("clothes")))
    start, values = np.arange(7.0), np.arange(7.0) ** 2
    start.flags.writeable = values.flags.writeable = False  # as a snapshot hands them over
    changes = []
    model.dataChanged.connect(lambda first, last, roles: changes.append((first.column(), last.column())))
    model.set_numbers(VALUE, values)
    model.set_start(start)
    assert changes == [(1, 1), (2, 2), (2, 2)]
    column = model.column_of(CHANGE)
    assert [model.data(model.index(row, column)) for row in range(7)] == \
        [f"{value:.6g}" for value in values - start]
    np.testing.assert_array_equal(model.numbers(CHANGE), values - start)
    changes.clear()
    model.set_start(start)      # the same start again: nothing to repaint
    assert changes == []


def test_a_big_networks_curve_is_computed_off_the_gui_thread_then_drawn(qtbot, open_window, monkeypatch,
                                                                     forward_passes):
    """The scatter plot passed 300 curve points through all 8.2M weights on the GUI thread each frame."""
    monkeypatch.setattr(newest_wins, "MAX_GUI_WORK", 0)  # the clothes lab's curve stands for a big network's
    passes = forward_passes
    window = open_window()
    controller, scatter = window.controller, window.scatter
    with qtbot.waitSignal(controller.snapshot_changed, timeout=20000):
        controller.step_epoch()
    snapshot = controller.latest
    passes.clear()
    scatter.draw(snapshot)
    scatter.grid_forward.wait()
    grid = scatter.mode_view.grid
    curve_passes = [thread for thread, rows in passes if rows == len(grid)]
    assert len(curve_passes) == 1 and curve_passes[0] != threading.main_thread().name
    _, drawn = scatter.curves[0].getData()
    np.testing.assert_array_equal(drawn, snapshot.network().forward(grid)[-1][1][0])


def test_only_the_newest_grid_pass_is_drawn(qtbot, monkeypatch):
    monkeypatch.setattr(newest_wins, "MAX_GUI_WORK", 0)
    passes = newest_wins.NewestWins()
    net, grid, shown = network_module.Network([1, 3, 1]), np.linspace(0, 1, 5)[:, None], []
    for number in range(3):
        passes.forward(net, grid, lambda trace, number=number: shown.append(number))
    passes.wait()
    assert shown == [2]
    passes.forward(net, grid, lambda trace: shown.append("stale"))
    passes.cancel()
    passes.wait()
    assert shown == [2]
    passes.shutdown()


def test_a_big_networks_diagram_is_worked_out_off_the_gui_thread_and_drawn_the_same(qtbot, open_window,
                                                                                    monkeypatch, forward_passes):
    """The diagram passed every sample through all 8.2M weights and summed |w| of all of them on the GUI
    thread for each frame (0.5 s of each pause while the big network trained)."""
    window = open_window(build_experiment(clothes_dataset(), hidden=(40, 30), activation="tanh"))
    controller, panel = window.controller, window.network_diagram
    with qtbot.waitSignal(controller.snapshot_changed, timeout=20000):
        controller.step_epoch()
    snapshot = controller.latest
    panel.sample_box.setValue(0)  # the mean of all samples: a pass of every one
    panel.diagram._shown = []     # the strongest units chosen afresh (not kept from the last frame)
    panel.draw(snapshot)
    on_gui, shown_on_gui = panel.diagram._values, panel.diagram._shown
    monkeypatch.setattr(newest_wins, "MAX_GUI_WORK", 0)  # a small network stands for a big one
    passes = forward_passes
    passes.clear()
    panel.diagram._values, panel.diagram._shown = None, []
    panel.draw(snapshot)
    assert panel.diagram._values is None  # not drawn until the pool thread is done
    panel.passes.wait()
    assert passes and threading.main_thread().name not in [thread for thread, _ in passes]
    drawn = panel.diagram._values
    assert sorted(drawn["sums"]) == [0, 1, 2]  # both hidden layers are wide: every matrix touches one
    for ours, theirs in zip(drawn["nodes"], on_gui["nodes"], strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert [len(units) for units in panel.diagram._shown] == [1, 10, 10, 1]
    for ours, theirs in zip(panel.diagram._shown, shown_on_gui, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_big_networks_predictions_are_worked_out_off_the_gui_thread_and_shared(qtbot, open_window,
                                                                                 monkeypatch, forward_passes):
    """The scatter plot's confusion matrix passed every sample through all 8.2M weights on the GUI thread."""
    window = open_window()
    controller, scatter = window.controller, window.scatter
    with qtbot.waitSignal(controller.snapshot_changed, timeout=20000):
        controller.step_epoch()
    snapshot = replace(controller.latest)  # one the shared cache knows nothing of
    monkeypatch.setattr(newest_wins, "MAX_GUI_WORK", 0)  # the clothes lab stands for a big network
    scatter.confusion.draw(np.zeros((0, 1)), np.zeros((0, 1)))
    passes = forward_passes
    passes.clear()
    samples = len(controller.setup.dataset.X)
    scatter.draw(snapshot)
    assert scatter.confusion.counts.sum() == 0  # not drawn until the pool thread is done
    scatter.predicting.wait()
    scatter.grid_forward.wait()
    threads = [thread for thread, rows in passes if rows == samples]
    assert threads and threading.main_thread().name not in threads
    expected = snapshot.network().predict(controller.setup.dataset.X)
    passes.clear()
    np.testing.assert_array_equal(controller.cache.predictions(snapshot), expected)  # shared, not computed again
    assert passes == []
    rows = controller.setup.test_rows if len(controller.setup.test_rows) else controller.setup.train_rows
    reference = type(scatter.confusion)()
    reference.set_classes(scatter.confusion.names)
    reference.draw(expected[rows], controller.setup.dataset.y[rows])
    np.testing.assert_array_equal(scatter.confusion.counts, reference.counts)
    assert scatter.confusion.counts.sum() == len(rows)


def test_a_new_networks_labels_are_made_a_few_per_turn_before_its_frame_is_drawn(qtbot, open_window, monkeypatch):
    """The 66 labels of a big network's first frame were made all at once when it came: the longest
    pause of opening it, once its node values were worked out in a pool thread."""
    from fcviz.gui.panels.diagram import labels as labels_module

    window = open_window()
    panel, diagram = window.network_diagram, window.network_diagram.diagram
    pool = diagram._labels
    monkeypatch.setattr(newest_wins, "MAX_GUI_WORK", 0)  # a small network stands for a big one
    made = []
    original = labels_module.pg.TextItem

    def recording(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(labels_module.pg, "TextItem", recording)
    window.controller.open_experiment(build_experiment(clothes_dataset(), hidden=(40, 30), activation="tanh"))
    wanted = 1 + 10 + 10 + 1  # the input, the 10 strongest of each wide layer, the output
    turns = []
    while made or not turns:  # each turn of the event loop (the frame is not drawn meanwhile)
        made.clear()
        pool._grow_a_few()
        turns.append(len(made))
    assert max(turns) == labels_module.PER_TURN and len(pool.names) == len(pool.values) == len(pool.biases) == wanted
    panel.draw(window.controller.latest)  # the frame is worked out in the pool thread ...
    panel.passes.wait()                   # ... and drawn: it makes no label but the
    assert len(made) == 2                 # "… N more" of each wide layer
    names = [item.toPlainText() for item in pool.names]
    assert [len(units) for units in diagram._shown] == [1, 10, 10, 1]
    assert names[0] == "x" and names[-1] == "ŷ" and all(names)


def test_a_frame_whose_labels_are_not_made_yet_is_drawn_without_texts_and_they_follow(qtbot, open_window):
    """Opening a file installs the network and draws its first frame in one turn of the event loop, so
    the labels made ahead had no turn to come in: making all 66 there was part of the longest pause."""
    from fcviz.gui.panels.diagram import labels as labels_module

    window = open_window()
    panel, diagram = window.network_diagram, window.network_diagram.diagram
    pool = diagram._labels

    def labels() -> int:
        return len(pool.names) + len(pool.values) + len(pool.biases)
    window.controller.open_experiment(build_experiment(clothes_dataset(), hidden=(40, 30), activation="tanh"))
    before = labels()
    panel.draw(window.controller.latest)  # in the same turn (a small network's frame is drawn at once)
    assert labels() - before <= labels_module.PER_FRAME < 3 * 22 - before
    assert [len(units) for units in diagram._shown] == [1, 10, 10, 1]  # the frame is there ...
    assert not any(item.isVisible() and item.toPlainText() for item in pool.names)  # ... without its texts
    qtbot.waitUntil(lambda: len(pool.names) == 22 and pool.names[-1].toPlainText() == "ŷ", timeout=5000)
    names = [item.toPlainText() for item in pool.names]
    assert names[0] == "x" and all(names)
    assert all(item.toPlainText() for item in pool.values)
