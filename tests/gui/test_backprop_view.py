"""Backprop view: the chain rule on hover carries the trainer's gradient (and agrees with finite
differences); the stepper shows the batch, weights and update the trainer really used."""

import dataclasses
import sys
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolTip
from qt_helpers import wait_for_state
from test_network_diagram import exposed, hover, wide_experiment

from fcviz.core import Trainer
from fcviz.core.backprop import record_step, trace_batch
from fcviz.core.experiment import build_experiment
from fcviz.core.presets import build_preset, clothes_dataset
from fcviz.gui.panels.diagram.view import BIAS, EDGE, NODE, Target
from fcviz.gui.worker import PAUSED, RUNNING

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from finite_differences import numerical_gradient  # noqa: E402


def take_step(qtbot, panel) -> None:
    """Step one batch in the backprop view and wait for the worker's record of it (the step's
    snapshot may arrive first and leave the previous record before the new one is shown)."""
    before = panel.record
    panel.step()
    qtbot.waitUntil(lambda: panel.record is not None and panel.record is not before, timeout=5000)


def open_backprop(qtbot, open_window, experiment=None):
    window = exposed(qtbot, open_window(experiment))
    window.docks["backprop"].raise_()
    panel = window.backprop
    qtbot.waitUntil(lambda: panel.isVisible() and panel.view is not None, timeout=5000)
    return window, panel


def targets(net):
    """A diagram target for every parameter: an arrow per weight, a square per bias."""
    for layer, dense in enumerate(net.layers, 1):
        for j in range(1, dense.units + 1):
            yield Target(BIAS, layer, j)
            for i in range(1, dense.fan_in + 1):
                yield Target(EDGE, layer, j, i)


def index_of(window, target):
    return window.controller.setup.parameter_index(target.parameter)


def test_hovering_an_arrow_shows_the_chain_rule_with_the_trainers_gradient(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    panel.sample_box.setValue(3)
    hover(qtbot, panel, Target(EDGE, 1, 1, 1))
    formula = panel.formula(panel.target)
    assert formula.lines == (
        "∂L/∂w11_1 = mean( ∂ℓ/∂ŷ · σ′(z1_2) · w11_2 · σ′(z1_1) · x )",
        "sample 3: 1.347 · 0.2198 · 0.10 · 0.2163 · 1.70 = 0.01089",
        "mean over 12 samples: ∂L/∂w11_1 = 0.01008",
        "w11_1 ← w11_1 − lr·∂L/∂w11_1 = 0.10 − 0.5·0.01008 = 0.09496")
    assert QToolTip.text().startswith(formula.html)
    assert panel.formula_box.text().startswith(formula.html)
    # the trainer's own gradient, from a Trainer built here on the same data
    experiment = build_preset("clothes")
    X, y = experiment.dataset.X, experiment.dataset.y
    trainer = Trainer(experiment.net, loss="mse", lr=1.0)
    trainer.set_data(X, y)
    trainer.reference.compute_gradients(*trainer.reference.feature_major(*trainer.batch(0)))
    assert formula.gradient == trainer.grad[0]
    assert formula.gradient == pytest.approx(numerical_gradient(experiment.net, "mse", X, y)[0], rel=1e-7)


def test_every_gradient_and_delta_shown_agrees_with_finite_differences(qtbot, open_window):
    experiment = wide_experiment(sizes=(3, 4, 3), n=7)
    X, y, net = experiment.dataset.X, experiment.dataset.y, experiment.net.copy()
    numeric = numerical_gradient(net, "cce", X, y)
    window, panel = open_backprop(qtbot, open_window, experiment)
    for target in targets(net):
        formula = panel.formula(target)
        assert formula.gradient == pytest.approx(numeric[index_of(window, target)], rel=1e-6, abs=1e-9), target
        assert formula.lines[0].startswith(f"∂L/∂{target.parameter} = mean( ")
    # a node shows its bias's chain rule, whose δ is the one drawn under the node
    panel.sample_box.setValue(2)
    formula = panel.formula(Target(NODE, 1, 3))
    delta = panel.view.per_sample_delta(1)[2, 1]
    assert formula.factors[0] == ("δ3_1", pytest.approx(delta, rel=1e-12))
    assert panel.diagram._labels.values[3 + 2].toPlainText() == f"δ {formula.lines[1].rsplit(' = ', 1)[1]}"


def test_step_through_shows_the_weights_and_update_the_trainer_used(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.record is not None, timeout=5000)  # the worker's answer arrives in a slot
    record = panel.record
    setup = window.controller.setup
    np.testing.assert_array_equal(record.params_before, setup.initial_params)
    after = window.controller.call_in_worker(lambda e: e.net.params.copy())
    np.testing.assert_array_equal(record.params_after, after)
    assert "<b>Forward</b>" in panel.phase_label.text() and "layer 1 (1/5)" in panel.phase_label.text()
    for target in targets(panel.view.net):
        formula = panel.formula(target)  # forward phase: the weight itself
        assert formula.value == record.params_before[index_of(window, target)]
    for _ in range(2):
        panel.next_phase()
    assert "<b>Backward</b>" in panel.phase_label.text()
    for target in targets(panel.view.net):
        formula = panel.formula(target)
        index = index_of(window, target)
        assert formula.value == record.params_before[index]
        assert formula.update == pytest.approx(record.update[index], rel=1e-12, abs=1e-16), target
        assert formula.new_value == pytest.approx(after[index], rel=1e-12, abs=1e-16)
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert "<b>Update</b>" in panel.phase_label.text() and not panel.next_button.isEnabled()
    assert "w11_1: 0.10 → 0.09496" in panel.formula_box.text()
    qtbot.mouseClick(panel.previous_button, Qt.MouseButton.LeftButton)
    assert "Backward, layer 1" in panel.formula_box.text()
    window.controller.settings.set("epochs", 100_000_000)
    window.toolbar.play_action.trigger()  # training on leaves the recorded step
    wait_for_state(qtbot, window, RUNNING)
    qtbot.waitUntil(lambda: panel.record is None, timeout=5000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)


def test_minibatch_momentum_steps_show_their_shuffled_batch_and_the_momentum_update(qtbot, open_window):
    experiment = build_experiment(clothes_dataset(), hidden=(2,), optimizer="momentum", lr=0.5,
                                  batch_size=5, shuffle=True, momentum=0.9)
    window, panel = open_backprop(qtbot, open_window, experiment)
    # live, the next update depends on the momentum the worker holds: shown only for a recorded step
    assert panel.formula(Target(EDGE, 1, 1, 1)).update is None
    hover(qtbot, panel, Target(EDGE, 1, 1, 1))
    assert "running averages" in panel.formula_box.text() and "←" not in panel.formula_box.text()
    assert panel.table_model.index(0, 3).data() == ""
    for _ in range(4):  # into the second epoch: the velocity is not zero and the order is reshuffled
        take_step(qtbot, panel)
        record = panel.record
        rows = [np.flatnonzero((experiment.dataset.X == x).all(axis=1))[0] for x in record.inputs]
        np.testing.assert_array_equal(experiment.dataset.y[rows], record.targets)
        panel.set_phase(len(panel.phases) - 2)  # backward, layer 1
        for target in targets(panel.view.net):
            formula = panel.formula(target)
            assert formula.update == pytest.approx(record.update[index_of(window, target)], rel=1e-9, abs=1e-15)
    assert len(record.inputs) == 5 and (record.epoch, record.batch) == (2, 0)
    assert "momentum" in panel.formula(Target(EDGE, 1, 1, 1)).lines[-1]


def test_the_next_steps_own_snapshot_drawn_before_its_record_keeps_the_shown_step(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    take_step(qtbot, panel)
    shown = panel.record
    replies = []
    window.controller.step_batch = lambda then: replies.append(then)  # the record is still on its way
    panel.step()
    latest = window.controller.latest
    moved = dataclasses.replace(latest, params=latest.params + 1.0,
                                commands_applied=window.controller.commands_sent)
    panel.draw(moved)  # the step's snapshot, queued before its record, is drawn first
    assert panel.record is shown and replies
    failed = Future()
    failed.set_exception(RuntimeError("the worker refused the step"))
    replies[0](failed)  # no record after all: a moved snapshot now leaves the shown step
    panel.draw(moved)
    assert panel.record is None


def test_a_frozen_neuron_shows_no_update_and_the_step_leaves_it(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    controller = window.controller
    frozen = np.isin(controller.setup.parameter_names, ["w11_1", "b1_1"])
    controller.set_frozen(frozen, "freeze a1_1")
    assert panel.formula(Target(EDGE, 1, 1, 1)).lines[-1].endswith("(frozen: not updated)")
    take_step(qtbot, panel)
    assert not panel.record.update[frozen].any() and panel.record.update[~frozen].all()
    panel.set_phase(3)
    assert panel.formula(Target(EDGE, 1, 1, 1)).update == 0.0


def test_table_mode_lists_every_parameter_with_its_gradient_and_next_update(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    qtbot.mouseClick(panel.table_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentWidget() is panel.table
    model = panel.table_model
    setup = window.controller.setup
    assert model.rowCount() == len(setup.parameter_names) == 7
    X, y = setup.train_data()
    trace = trace_batch(window.controller.latest.network(), "mse", X, y)
    for row, name in enumerate(setup.parameter_names):
        assert model.index(row, 0).data() == name
        assert model.index(row, 2).data() == f"{trace.gradient[row]:.6g}"
        assert model.index(row, 3).data() == f"{-0.5 * trace.gradient[row]:.6g}"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Next update"


def test_record_step_is_exactly_the_trainers_step():
    """Recording a step changes nothing: two trainers, one recorded, stay identical."""
    experiments = [build_experiment(clothes_dataset(), hidden=(3,), optimizer="adam", lr=0.05,
                                    batch_size=5, shuffle=True) for _ in range(2)]
    plain, recorded = (experiment.trainer for experiment in experiments)
    for _ in range(6):
        plain.step()
        record = record_step(recorded)
        np.testing.assert_array_equal(plain.net.params, recorded.net.params)
        np.testing.assert_array_equal(record.params_after, recorded.net.params)
        trace = trace_batch(record.network_before(), "bce", record.inputs, record.targets)
        np.testing.assert_allclose(record.optimizer.update_of(trace.gradient), record.update, rtol=1e-9, atol=1e-15)


def test_animate_plays_the_phases_in_order_and_stops_at_the_update(qtbot, open_window):
    window, panel = open_backprop(qtbot, open_window)
    take_step(qtbot, panel)
    panel.animation.setInterval(20)
    seen = []
    panel.animation.timeout.connect(lambda: seen.append(panel.phases[panel.phase]))
    qtbot.mouseClick(panel.animate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.animate_button.isChecked(), timeout=5000)
    assert seen[:-1] == [("forward", 2), ("backward", 2), ("backward", 1), ("update", 0)]
    assert panel.phase == len(panel.phases) - 1 and "<b>Update</b>" in panel.phase_label.text()
