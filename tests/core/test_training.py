"""Trainer behaviour: optimizers, batches, stop conditions, divergence, perceptron."""

from pathlib import Path

import numpy as np
import pytest

from fcviz.core import Network, Trainer
from fcviz.core.optimizers import Adam, Momentum

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def line_data(n=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 1))
    return X, 3 * X + 1


def test_adam_matches_keras_update_rule():
    g = np.array([0.5, -2.0])
    params = np.array([1.0, 1.0])
    adam = Adam(0.1)
    m = v = np.zeros(2)
    expected = params.copy()
    for t in (1, 2, 3):
        adam.apply(params, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        alpha = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        expected = expected - alpha * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(params, expected, rtol=1e-14)


def test_momentum_matches_keras_update_rule():
    params, opt = np.array([0.0]), Momentum(0.1, momentum=0.9)
    opt.apply(params, np.array([1.0]))
    opt.apply(params, np.array([1.0]))
    assert params[0] == pytest.approx(-0.1 + (-0.09 - 0.1))


def test_minibatch_epoch_loss_is_sample_weighted_mean_of_batch_losses():
    X, y = line_data(10)
    net = Network([1, 1], "linear", seed=2)
    start = net.copy()
    trainer = Trainer(net, "mse", "sgd", lr=0.05, batch_size=4, shuffle=False)
    trainer.fit(X, y, epochs=1)
    # replay by hand: batches of 4, 4, 2
    w, b = start.get_weights()
    total = 0.0
    for s in (slice(0, 4), slice(4, 8), slice(8, 10)):
        pred = X[s] @ w + b
        total += np.mean((pred - y[s]) ** 2) * len(X[s])
        grad = 2 * (pred - y[s]) / len(X[s])
        w = w - 0.05 * X[s].T @ grad
        b = b - 0.05 * grad.sum(0)
    assert trainer.history.loss[0] == pytest.approx(total / 10, abs=1e-15)
    np.testing.assert_allclose(net.get_weights()[0], w, atol=1e-15)


def test_shuffle_is_seeded_and_changes_the_order():
    X, y = line_data(12)
    runs = []
    for seed in (1, 1, 2):
        net = Network([1, 1], "linear", seed=0)
        Trainer(net, "mse", "sgd", lr=0.1, batch_size=3, seed=seed).fit(X, y, epochs=3)
        runs.append(net.params.copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_step_trains_one_batch_and_counts_epochs():
    X, y = line_data(10)
    trainer = Trainer(Network([1, 1], "linear"), "mse", "sgd", lr=0.1, batch_size=4, shuffle=False)
    trainer.set_data(X, y)
    trainer.step()
    trainer.step()
    assert (trainer.epoch, trainer.batch_index) == (0, 2)
    trainer.step()
    assert (trainer.epoch, trainer.batch_index, len(trainer.history.loss)) == (1, 0, 1)


def test_stop_at_target_loss_and_by_callback():
    X, y = line_data()
    trainer = Trainer(Network([1, 1], "linear"), "mse", "sgd", lr=0.3)
    trainer.fit(X, y, epochs=10_000, target_loss=1e-6)
    assert trainer.stop_reason == "target_loss" and trainer.history.loss[-1] <= 1e-6
    assert trainer.epoch < 10_000
    trainer.fit(epochs=100, callback=lambda t: t.epoch % 7 == 0)
    assert trainer.stop_reason == "callback" and trainer.epoch % 7 == 0


def test_divergence_stops_and_keeps_last_finite_weights():
    X, y = line_data()
    net = Network([1, 4, 1], ["linear", "linear"], seed=0)
    trainer = Trainer(net, "mse", "sgd", lr=1000.0)
    trainer.fit(X, y * 1e3, epochs=500)
    assert trainer.diverged and trainer.stop_reason == "diverged"
    assert np.isfinite(net.params).all()
    assert "lower the learning rate" in trainer.divergence_message
    assert len(trainer.history.loss) == trainer.epoch


def test_frozen_parameters_do_not_move():
    X, y = line_data()
    net = Network([1, 3, 1], ["tanh", "linear"], seed=0)
    trainer = Trainer(net, "mse", "adam", lr=0.05)
    trainer.set_frozen(net.parameter_index("w12_1"))
    before = net.get_parameter("w12_1")
    trainer.fit(X, y, epochs=20)
    assert net.get_parameter("w12_1") == before
    assert net.get_parameter("w11_1") != Network([1, 3, 1], ["tanh", "linear"], seed=0).get_parameter("w11_1")


def test_perceptron_rule_is_w_plus_lr_error_x():
    X = np.array([[2.0, 1.0]])
    y = np.array([[0.0]])
    net = Network([2, 1], "heaviside")
    net.set_weights([np.array([[0.5], [0.5]]), np.array([0.0])])
    Trainer(net, "mse", "sgd", lr=0.1, batch_size=1).fit(X, y, epochs=1)
    kernel, bias = net.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [0.5 - 0.1 * 2, 0.5 - 0.1 * 1])
    assert bias[0] == pytest.approx(-0.1)


def test_perceptron_separates_iris_setosa():
    tables = pytest.importorskip("fcviz.io.tables")
    data = tables.load_dataset(SAMPLES / "iris.csv", features=["petal_length", "petal_width"])
    setosa = data.y[:, list(data.classes).index("setosa")][:, None]
    net = Network([2, 1], "heaviside", init="zeros")
    trainer = Trainer(net, "mse", "sgd", lr=0.1, batch_size=1, shuffle=True, seed=0)
    trainer.fit(data.X, setosa, epochs=100, target_loss=0.0)
    assert trainer.history.loss[-1] == 0.0
    assert np.array_equal(net.predict(data.X), setosa)


def test_learning_rate_must_be_positive():
    with pytest.raises(ValueError, match="learning rate must be a positive number"):
        Trainer(Network([1, 1]), lr=0)


def test_float32_trains_in_float32():
    X, y = line_data()
    net = Network([1, 4, 1], ["tanh", "linear"], dtype=np.float32)
    Trainer(net, "mse", "adam", lr=0.01).fit(X, y, epochs=50)
    assert net.params.dtype == np.float32 and net.predict(X).dtype == np.float32
