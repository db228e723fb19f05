"""Network diagram: hover formulas carry the trainer's numbers; clicks, the wheel, drags and the
neuron menu edit the worker's network through the undo stack; wide layers collapse."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip
from qt_helpers import wait_for_state

from fcviz.core import Trainer
from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment
from fcviz.core.presets import CLOTHES_FITS, CLOTHES_SIZES, build_preset
from fcviz.gui.formulas import fmt
from fcviz.gui.panels.diagram.editing import DRAG_STEP, WHEEL_STEP
from fcviz.gui.panels.diagram.view import (
    BIAS,
    EDGE,
    MAX_WIDTH,
    MORE,
    NEGATIVE_COLOR,
    NODE,
    POSITIVE_COLOR,
    TOP_K,
    Target,
)
from fcviz.gui.worker import PAUSED


def clothes_trainer():
    """The lab's network and data in a Trainer of our own: the reference numbers."""
    experiment = build_preset("clothes")
    X, y = np.array(CLOTHES_SIZES)[:, None], np.array(CLOTHES_FITS, float)[:, None]
    trainer = Trainer(experiment.net, loss="mse", optimizer="sgd", lr=1.0, shuffle=False)
    trainer.set_data(X, y)
    plan = trainer.reference.plan_for(len(X))
    trainer.reference.compute_gradients(*trainer.reference.feature_major(*trainer.batch(0)), plan=plan)
    return trainer, plan


def exposed(qtbot, window):
    """The window once it can take mouse events (the fixture's window is re-exposed after its first layout)."""
    qtbot.waitUntil(lambda: window.windowHandle().isExposed(), timeout=5000)
    return window


def hover(qtbot, panel, target):
    diagram = panel.diagram
    qtbot.mouseMove(diagram.viewport(), QPoint(1, 1))  # Qt drops a move to where the cursor already is
    qtbot.mouseMove(diagram.viewport(), diagram.position_of(target))
    qtbot.waitUntil(lambda: panel.target == target, timeout=2000)


def worker_weight(window, name):
    return window.controller.call_in_worker(lambda experiment: experiment.net.get_parameter(name))


def wheel(diagram, target, notches, modifiers=Qt.KeyboardModifier.NoModifier):
    position = QPointF(diagram.position_of(target))
    event = QWheelEvent(position, QPointF(diagram.viewport().mapToGlobal(position.toPoint())), QPoint(),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(diagram.viewport(), event)


def test_hovering_a_hidden_node_shows_the_seed_formula_with_the_trainers_numbers(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    panel.sample_box.setValue(3)
    hover(qtbot, panel, Target(NODE, 1, 2))
    formula = panel.formula(panel.target)
    assert formula.lines == ("z2_1 = w12_1·x + b2_1 = 0.90·1.70 + (−1.50) = 0.030",
                             "a2_1 = sigmoid(z2_1) = 0.5075")
    _, plan = clothes_trainer()
    assert formula.z == plan.layers[0].z[1, 2] and formula.value == plan.layers[0].a[1, 2]
    assert QToolTip.text().startswith(formula.html)
    assert panel.formula_box.text().startswith(formula.html)
    assert "z<sub>2</sub><sup>(1)</sup>" in QToolTip.text()


def test_hovering_the_output_shows_the_loss_term_and_an_arrow_shows_its_weight(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    panel.sample_box.setValue(3)
    hover(qtbot, panel, Target(NODE, 2, 1))
    trainer, plan = clothes_trainer()
    y_hat = plan.layers[1].a[0, 2]
    assert panel.formula(panel.target).lines[-1] == f"(y − ŷ)² = (0 − {fmt(y_hat)})² = {fmt(y_hat ** 2)}"
    hover(qtbot, panel, Target(EDGE, 1, 2, 1))
    assert panel.formula(panel.target).lines == ("w12_1 = 0.90", "w12_1·x = 0.90·1.70 = 1.53   (a term of z2_1)")
    assert panel.formula(panel.target).value == trainer.net.get_parameter("w12_1")
    assert "w<sub>12</sub><sup>(1)</sup> = 0.90" in QToolTip.text()
    hover(qtbot, panel, Target(BIAS, 1, 2))
    assert panel.formula(panel.target).lines[0] == "b2_1 = −1.50"


def test_node_values_follow_the_chosen_sample_and_the_mean(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    _, plan = clothes_trainer()
    values = panel.diagram._labels.values  # drawn in layer order: x, a1_1, a2_1, ŷ
    panel.sample_box.setValue(3)
    assert [item.toPlainText() for item in values[:4]] == [
        "1.70", fmt(plan.layers[0].a[0, 2]), fmt(plan.layers[0].a[1, 2]), fmt(plan.layers[1].a[0, 2])]
    panel.sample_box.setValue(0)
    assert values[3].toPlainText() == fmt(plan.layers[1].a[0].mean())


def test_typing_a_weight_on_an_arrow_edits_the_network_and_ctrl_z_undoes_it(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    target = Target(EDGE, 1, 2, 1)
    qtbot.mouseClick(panel.diagram.viewport(), Qt.MouseButton.LeftButton, pos=panel.diagram.position_of(target))
    editor = panel.editing.editor
    assert editor.isVisible() and editor.name == "w12_1" and float(editor.text()) == 0.9
    editor.selectAll()
    qtbot.keyClicks(editor, "-2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert not editor.isVisible()
    assert worker_weight(window, "w12_1") == -2.5
    assert window.controller.call_in_worker(lambda e: e.net.get_weights()[0][0, 1]) == -2.5
    qtbot.waitUntil(lambda: panel.formula(target).value == -2.5, timeout=5000)  # the diagram shows it too
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(panel.diagram, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert worker_weight(window, "w12_1") == 0.9
    qtbot.keyClick(panel.diagram, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert worker_weight(window, "w12_1") == -2.5


def test_clicking_a_node_edits_its_bias_and_escape_cancels(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    qtbot.mouseClick(panel.diagram.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.diagram.position_of(Target(NODE, 1, 1)))
    editor = panel.editing.editor
    assert editor.name == "b1_1"
    qtbot.keyClicks(editor, "7")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert window.controller.undo_stack.count() == 0
    assert worker_weight(window, "b1_1") == window.controller.setup.initial_params[1] == 0.6


def test_wheel_notches_nudge_a_weight_as_one_undo_step(qtbot, open_window):
    window = exposed(qtbot, open_window())
    diagram = window.network_diagram.diagram
    target = Target(EDGE, 2, 1, 2)  # w21_2 = 0.9
    for _ in range(3):
        wheel(diagram, target, 1)
    assert worker_weight(window, "w21_2") == pytest.approx(0.9 + 3 * WHEEL_STEP, abs=1e-12)
    wheel(diagram, target, -1, Qt.KeyboardModifier.ShiftModifier)
    assert worker_weight(window, "w21_2") == pytest.approx(0.9 + 3 * WHEEL_STEP - 0.01, abs=1e-12)
    assert window.controller.undo_stack.count() == 1
    window.undo_action.trigger()
    assert worker_weight(window, "w21_2") == 0.9


def test_dragging_an_arrow_up_raises_its_weight_live_as_one_undo_step(qtbot, open_window):
    window = exposed(qtbot, open_window())
    diagram = window.network_diagram.diagram
    start = diagram.position_of(Target(EDGE, 2, 1, 2))
    qtbot.mousePress(diagram.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):
        qtbot.mouseMove(diagram.viewport(), start - QPoint(0, 10 * step))
    qtbot.mouseRelease(diagram.viewport(), Qt.MouseButton.LeftButton, pos=start - QPoint(0, 40))
    assert worker_weight(window, "w21_2") == pytest.approx(0.9 + 40 * DRAG_STEP, abs=1e-12)
    assert window.controller.undo_stack.count() == 1
    assert not window.network_diagram.editing.editor.isVisible()  # a drag is not a click
    window.undo_action.trigger()
    assert worker_weight(window, "w21_2") == 0.9


def test_a_frozen_neuron_keeps_its_weights_while_the_others_train(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    viewport = panel.diagram.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=panel.diagram.position_of(Target(NODE, 1, 2)))
    menu = panel.editing.menu
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    next(action for action in menu.actions() if action.objectName() == "freezeNeuron").trigger()
    menu.close()
    names = window.controller.setup.parameter_names
    expected = np.isin(names, ["w12_1", "b2_1"])
    frozen = window.controller.call_in_worker(lambda e: np.array(e.trainer.frozen))
    np.testing.assert_array_equal(frozen, expected)
    assert panel.diagram._nodes.data["pen"][2].style() == Qt.PenStyle.DashLine  # a2_1 drawn dashed
    before = np.array(window.controller.latest.params)
    window.controller.step_epoch()
    wait_for_state(qtbot, window, PAUSED)
    after = window.controller.latest.params
    np.testing.assert_array_equal(after[expected], before[expected])
    assert np.all(after[~expected] != before[~expected])
    hover(qtbot, panel, Target(NODE, 1, 2))
    assert "frozen" in panel.formula_box.text()
    window.undo_action.trigger()
    assert not window.controller.call_in_worker(lambda e: e.trainer.frozen.any())


def test_reset_neuron_puts_back_its_initial_weights_only(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    controller = window.controller
    controller.settings.set("epochs", 50)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, "finished")
    trained = np.array(controller.latest.params)
    menu = panel.editing.neuron_menu(Target(EDGE, 2, 1, 1))
    next(action for action in menu.actions() if action.objectName() == "resetNeuron").trigger()
    params = controller.call_in_worker(lambda e: e.net.params.copy())
    neuron = np.isin(controller.setup.parameter_names, ["w11_2", "w21_2", "b1_2"])
    np.testing.assert_array_equal(params[neuron], controller.setup.initial_params[neuron])
    np.testing.assert_array_equal(params[~neuron], trained[~neuron])


def wide_experiment(sizes=(400, 25, 10), n=30):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    data = Dataset(X, y, tuple(f"p{k}" for k in range(sizes[0])), tuple(f"c{k}" for k in range(sizes[-1])),
                   classes=tuple(str(k) for k in range(sizes[-1])), name="wide")
    return build_experiment(data, hidden=sizes[1:-1], loss="cce")


def test_a_wide_network_shows_its_strongest_units_and_expands_on_click(qtbot, open_window):
    window = exposed(qtbot, open_window(wide_experiment()))
    panel = window.network_diagram
    diagram = panel.diagram
    assert [len(diagram.shown_units(layer)) for layer in range(3)] == [TOP_K, TOP_K, 10]
    kernel = window.controller.latest.network().layers[0].kernel
    strength = np.abs(kernel).sum(axis=1)
    assert set(diagram.shown_units(0)) == set(np.argsort(-strength)[:TOP_K])
    assert diagram._more_items[0].toPlainText() == "… 390 more"
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=diagram.position_of(Target(MORE, 0)))
    assert len(diagram.shown_units(0)) == 400
    unit = int(diagram.shown_units(1)[0]) + 1
    hover(qtbot, panel, Target(NODE, 1, unit))
    assert panel.formula(panel.target).lines[0].endswith(f"(397 more terms) + {fmt(0.0, paren=True)} = "
                                                         f"{fmt(panel.formula(panel.target).z)}")


def pen_of_arrow(diagram, target):
    """The pen of the curve that draws `target`'s arrow (its segment starts at the source node)."""
    layer, source, unit = target.layer, target.source - 1, target.unit - 1
    start = (diagram._x[layer - 1][source], diagram._y[layer - 1][source])
    end = (diagram._x[layer][unit], diagram._y[layer][unit])
    for curve in diagram._curves:
        x, y = curve.getData()
        if x is not None and any((x[k], y[k], x[k + 1], y[k + 1]) == (*start, *end) for k in range(0, len(x), 2)):
            return curve.opts["pen"]
    raise AssertionError(f"{target} is not drawn")


def test_arrows_are_coloured_by_sign_and_sized_by_magnitude(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel = window.network_diagram
    window.controller.edit_parameter("w11_1", -2.0)
    qtbot.waitUntil(lambda: panel.net.get_parameter("w11_1") == -2.0, timeout=5000)
    negative = pen_of_arrow(panel.diagram, Target(EDGE, 1, 1, 1))
    positive = pen_of_arrow(panel.diagram, Target(EDGE, 1, 2, 1))
    assert negative.color().name() == NEGATIVE_COLOR and positive.color().name() == POSITIVE_COLOR
    assert negative.widthF() == MAX_WIDTH > positive.widthF()


def test_edited_data_is_what_the_formulas_and_nodes_show(qtbot, open_window):
    window = exposed(qtbot, open_window())
    panel, backprop = window.network_diagram, window.backprop
    dataset = window.controller.setup.dataset
    window.controller.edit_data(dataset.with_data(dataset.X[6:], dataset.y[6:]), "keep the last six")
    assert panel.sample_box.maximum() == backprop.sample_box.maximum() == 6
    panel.sample_box.setValue(2)
    formula = panel.formula(Target(NODE, 0, 1))
    assert formula.value == dataset.X[7, 0] and panel.trace().inputs.shape == (1, 6)
