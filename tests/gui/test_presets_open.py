"""Every preset opens in the window with the panels it needs filled in."""

from __future__ import annotations

import numpy as np
import pytest

from fcviz.core.activations import BUILTINS, CustomActivation
from fcviz.core.presets import PRESETS
from fcviz.gui.panels.activations import PLAYGROUND
from fcviz.io.samples import open_preset


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_opens_with_its_panels_populated(qtbot, open_window, name):
    experiment = open_preset(name)
    n_params, n_samples = experiment.net.count_params(), experiment.dataset.n_samples
    window = open_window(experiment)
    assert window.parameters.model.rowCount() == n_params
    assert f"{n_params:,} parameters" in window.network_diagram.heading.text()
    if experiment.dataset.n_features <= 2:
        assert len(window.scatter.points.data) == n_samples
    assert PRESETS[name].title in window.lessons.heading.text()
    first_panel = window.docks[window.lessons.step.panel]
    assert first_panel.isVisible() and not first_panel.visibleRegion().isEmpty()

    controller = window.controller
    controller.step_epoch()
    qtbot.waitUntil(lambda: controller.latest.epoch == 1, timeout=10_000)
    controller.redraw_now()
    _, losses = window.training.train_curve.getData()
    assert len(losses) == 1 and np.isfinite(losses).all()


def test_activations_preset_draws_every_curve_and_its_derivative(open_window):
    """Left: f(x) of every activation; right: f′(x) (the values the core computes, not swapped)."""
    panel = open_window(open_preset("activations")).activations
    custom = CustomActivation(panel.expression.text())
    for name, activation in [*((name, BUILTINS[name]) for name in PLAYGROUND), ("custom", custom)]:
        value_curve, slope_curve = panel.curves[name]
        x, values = value_curve.getData()
        x_slope, slopes = slope_curve.getData()
        with np.errstate(all="ignore"):
            expected_values = activation(x)
            expected_slopes = activation.derivative(x, expected_values)
        np.testing.assert_array_equal(x, x_slope)
        np.testing.assert_allclose(values, expected_values, rtol=0, atol=0, equal_nan=True, err_msg=name)
        np.testing.assert_allclose(slopes, expected_slopes, rtol=0, atol=0, equal_nan=True, err_msg=name)


def test_digits_preset_fills_the_image_grid(open_window):
    window = open_window(open_preset("digits"))
    window.docks["image_grid"].raise_()
    window.controller.redraw_now()
    assert len(window.image_grid.shown_rows) > 0


def test_custom_expression_is_checked_as_it_is_typed(open_window):
    panel = open_window(open_preset("activations")).activations
    value_curve, slope_curve = panel.curves["custom"]
    panel.expression.setText("foo(x)")
    assert "'foo' is not an allowed function" in panel.feedback.text()
    assert value_curve.getData() == (None, None)  # no stale curve of the previous expression
    panel.expression.setText("x**2")
    assert panel.feedback.text() == ""
    np.testing.assert_allclose(slope_curve.getData()[1], 2 * slope_curve.getData()[0])
    panel.choice.setCurrentIndex(panel.choice.findData("custom"))
    assert "f′(x) = 2 * x" in panel.formula.text()


def test_use_in_hidden_layers_rebuilds_the_network_and_undo_brings_it_back(qtbot, open_window):
    window = open_window(open_preset("activations"))
    panel, controller = window.activations, window.controller
    panel.choice.setCurrentIndex(panel.choice.findData("elu"))
    panel.use_button.click()
    assert controller.setup.network_config["activations"] == ["elu", "sigmoid"]
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: controller.setup.network_config["activations"] == ["tanh", "sigmoid"], timeout=5000)


def test_a_check_box_hides_an_activation_and_its_derivative(open_window):
    panel = open_window(open_preset("activations")).activations
    panel.shown["tanh"].setChecked(False)
    assert [curve.isVisible() for curve in panel.curves["tanh"]] == [False, False]
    assert all(curve.isVisible() for curve in panel.curves["relu"])
