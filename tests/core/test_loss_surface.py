"""The loss surface: the trainer's loss at every grid point, its gradient, the default choice of parameters."""

import numpy as np
import pytest

from fcviz.core import loss_surface
from fcviz.core.loss_surface import LossSurface, SurfaceCancelled, axis_values, moved_most, nice_half_width
from fcviz.core.presets import PRESETS
from fcviz.io.samples import open_preset


def trained(name: str, epochs: int):
    experiment = open_preset(name)
    experiment.trainer.fit(epochs=epochs)
    X, y = experiment.dataset.X, experiment.dataset.y
    train = experiment.split_indices()[0]
    surface = LossSurface(experiment.net.config(), experiment.trainer.loss.name, X[train], y[train])
    return experiment, surface, X[train], y[train]


def reference_loss(experiment, params, X, y) -> float:
    """The loss the trainer reports for `params` (Trainer.evaluate_loss on a private network)."""
    net = experiment.net.copy()
    net.params[...] = params
    return type(experiment.trainer)(net, experiment.trainer.loss.name).evaluate_loss(X, y)


def test_the_lab_surface_at_the_current_point_is_the_trainers_next_epoch_loss():
    experiment, surface, X, y = trained("clothes", 700)
    params = experiment.net.params.copy()
    first, second = moved_most(experiment.initial_params, params)
    xs, ys = axis_values(params[first], 2.0, 100), axis_values(params[second], 2.0, 100)
    grid = surface.grid(params, first, second, xs, ys)
    i, j = int(np.flatnonzero(xs == params[first])[0]), int(np.flatnonzero(ys == params[second])[0])
    experiment.trainer.fit(epochs=1)  # full batch: epoch 701's loss is the loss of the forward pass at `params`
    assert grid[i, j] == pytest.approx(experiment.trainer.history.loss[-1], abs=1e-12, rel=0)
    assert grid[i, j] == pytest.approx(reference_loss(experiment, params, X, y), abs=1e-12, rel=0)


@pytest.mark.parametrize("name, epochs, chosen", [
    ("clothes", 300, ("w11_1", "b1_2")),     # a hidden and an output parameter
    ("clothes", 300, ("w12_1", "b2_1")),     # the same hidden unit: one changed row
    ("spiral", 5, ("w21_1", "w34_2")),       # two hidden layers apart
    ("spiral", 5, ("w11_3", "b1_3")),        # both in the output layer
    ("iris", 5, ("w11_1", "w12_1")),         # softmax + cross-entropy, two rows of one layer
    ("xor", 5, ("b1_1", "w21_2")),
])
def test_every_grid_point_is_the_loss_of_those_parameters(name, epochs, chosen, monkeypatch):
    monkeypatch.setattr(loss_surface, "CHUNK_BYTES", 20_000)  # many chunks, a short last one
    experiment, surface, X, y = trained(name, epochs)
    params = experiment.net.params.copy()
    first, second = (experiment.net.parameter_index(n) for n in chosen)
    xs, ys = axis_values(params[first], 1.5, 7), axis_values(params[second], 0.7, 6)
    grid = surface.grid(params, first, second, xs, ys)
    assert grid.shape == (7, 6)
    for i, j in np.ndindex(grid.shape):
        point = params.copy()
        point[first], point[second] = xs[i], ys[j]
        assert grid[i, j] == pytest.approx(reference_loss(experiment, point, X, y), abs=1e-12, rel=1e-12)


def test_the_line_slope_at_the_current_point_is_the_gradient():
    experiment, surface, X, y = trained("clothes", 200)
    params = experiment.net.params.copy()
    index = experiment.net.parameter_index("w11_2")
    h = 1e-5
    ends = surface.line(params, index, [params[index] - h, params[index], params[index] + h])
    gradient = surface.gradient_at(params)
    assert (ends[2] - ends[0]) / (2 * h) == pytest.approx(gradient[index], abs=1e-8)
    assert ends[1] == surface.loss_at(params)
    experiment.trainer.fit(epochs=1)  # SGD: the step the trainer took is −lr·∂L/∂w
    assert experiment.net.params[index] - params[index] == pytest.approx(-0.5 * gradient[index], abs=1e-15)


def test_big_data_uses_a_fixed_sample_of_rows():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(50, 2)), rng.integers(0, 2, (50, 1)).astype(float)
    config = open_preset("xor").net.config()
    first = LossSurface(config, "bce", X, y, max_rows=20)
    second = LossSurface(config, "bce", X, y, max_rows=20)
    assert (first.rows_used, first.rows_total, first.sampled) == (20, 50, True)
    params = open_preset("xor").net.params
    assert first.loss_at(params) == second.loss_at(params)
    assert not LossSurface(config, "bce", X, y).sampled


def test_a_stale_grid_stops_between_chunks(monkeypatch):
    monkeypatch.setattr(loss_surface, "CHUNK_BYTES", 2_000)
    _, surface, _, _ = trained("clothes", 1)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return len(seen) < 3

    with pytest.raises(SurfaceCancelled):
        surface.grid(open_preset("clothes").net.params, 0, 1, np.arange(30.0), np.arange(30.0), progress)
    assert len(seen) == 3 and seen[-1][1] == 900 and seen[0][0] < seen[1][0] < seen[2][0] < 900


def test_default_choice_and_axes():
    assert moved_most(np.zeros(4), np.array([0.5, -3.0, 0.5, 1.0])) == [1, 3]
    assert moved_most(np.zeros(3), np.array([0.0, 2.0, -2.0])) == [1, 2]
    xs = axis_values(0.1 + 1e-3, 0.7, 100)
    assert len(xs) == 100 and xs[50] == 0.1 + 1e-3 and xs[0] == pytest.approx(0.101 - 0.7)
    assert axis_values(3.3, 1.0, 9)[4] == 3.3
    assert nice_half_width(np.array([0.1, -0.2])) == 0.5
    assert nice_half_width(np.array([1.7, -0.3])) == 5.0
    assert nice_half_width(np.array([12.0])) == 20.0
    assert nice_half_width(np.array([])) == 0.5


def test_presets_all_give_a_finite_surface():
    for name in PRESETS:
        experiment, surface, _, _ = trained(name, 1)
        params = experiment.net.params.copy()
        first, second = moved_most(experiment.initial_params, params)
        grid = surface.grid(params, first, second, axis_values(params[first], 1.0, 3),
                            axis_values(params[second], 1.0, 3))
        assert np.isfinite(grid).all(), name
