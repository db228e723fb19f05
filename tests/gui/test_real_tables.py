"""Real tables in the window: preprocessing on clicked points, one set of defaults, the window fixes."""

from __future__ import annotations

import numpy as np
from scatter_helpers import click, pixel_size

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment, build_table_experiment
from fcviz.core.generators import generate
from fcviz.gui.app import load_experiment
from fcviz.gui.plots import CLASS_COLORS, WRONG_COLOR


def scaled_line_lab():
    """y = 3x + 1 in thousands, a 1-3-1 network on standardized inputs and target."""
    data = generate("line", n=20, noise=0.1)
    data = Dataset(data.X * 100 + 500, data.y * 1000, data.feature_names, data.target_names)
    return build_experiment(data, hidden=(3,), activation="tanh", optimizer="adam", lr=0.01, batch_size=None,
                            epochs=100_000, scale="standard")


def test_a_clicked_point_goes_through_the_same_preprocessing(qtbot, open_window):
    window = open_window(scaled_line_lab())
    panel = window.scatter
    before = window.controller.setup
    x, y = float(before.dataset.X[:, 0].mean()), float(before.dataset.y.max() + 500)
    click(qtbot, panel, x, y)

    def network_rows(experiment):
        return experiment.preprocessing, experiment.trainer.data.X.copy(), experiment.dataset.X[-1].copy()

    preprocessing, data, added = window.controller.call_in_worker(network_rows)
    assert abs(added[0] - x) <= pixel_size(panel)[0]  # stored in the data's own units
    assert preprocessing is before.preprocessing      # not refitted: the model's preprocessing holds
    np.testing.assert_allclose(data[-1, 0], preprocessing.inputs(added[None, :])[0, 0])  # the network's input


def test_the_window_opens_a_table_with_the_settings_fcviz_train_uses(tmp_path):
    path = tmp_path / "classes.csv"
    rows = "".join(f"{k % 7},{k % 5},{1 + k % 3}\n" for k in range(60))
    path.write_text("a,b,label\n" + rows)
    from fcviz.io.tables import load_dataset

    opened, direct = load_experiment(path), build_table_experiment(load_dataset(path))
    assert opened.trainer.config() == direct.trainer.config()
    assert opened.net.config() == direct.net.config() and opened.epochs == direct.epochs == 200
    assert opened.dataset.classes == ("1", "2", "3") and opened.trainer.loss.name == "cce"
    assert opened.preprocessing.scale == "standard"


def test_no_class_is_drawn_in_the_mistake_colour():
    assert WRONG_COLOR not in CLASS_COLORS


def test_predicted_vs_actual_covers_predictions_outside_the_targets(qtbot, open_window):
    data = Dataset(np.random.default_rng(0).normal(size=(30, 3)), np.linspace(0, 1, 30), ("a", "b", "c"), ("y",))
    experiment = build_experiment(data, hidden=(2,), output_activation="linear", loss="mse")
    experiment.net.layers[-1].bias[...] = 5.0  # every prediction well above the targets (0 to 1)
    window = open_window(experiment)
    window.controller.redraw_now()
    (x0, x1), (y0, y1) = window.scatter.view_box.viewRange()
    predicted = experiment.net.predict(data.X)
    assert y1 >= predicted.max() and y0 <= 0.0 and x1 >= 1.0


def test_the_loss_axis_follows_a_short_run(qtbot, open_window):
    window = open_window(scaled_line_lab())  # the epoch box says 100,000
    for _ in range(3):
        window.toolbar.step_epoch_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 3, timeout=10_000)
    window.controller.redraw_now()
    x0, x1 = window.training.loss_plot.getPlotItem().getViewBox().viewRange()[0]
    assert 3 <= x1 < 4  # the three epochs run, not a vertical line at the left of 100,000


def test_a_finite_blow_up_stops_the_window_run_and_says_where(qtbot, open_window):
    from qt_helpers import wait_for_state

    from fcviz.gui.worker import DIVERGED

    k = np.arange(40.0)
    data = Dataset(np.column_stack([k * 40, k % 7]), k * 1000, ("a", "b"), ("y",))
    experiment = build_experiment(data, hidden=(64,), activation="relu", output_activation="linear", loss="mse",
                                  optimizer="sgd", lr=1.0, batch_size=None, epochs=500, display_every=1)
    window = open_window(experiment)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, DIVERGED)
    latest = window.controller.latest
    assert latest.epoch < 500 and "diverged at epoch" in latest.message and "its best" in latest.message
