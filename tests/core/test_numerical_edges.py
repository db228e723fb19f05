"""Numerical edges: the math itself never makes NaN; only a too-large learning rate diverges."""

import warnings

import numpy as np
import pytest

from fcviz.core import Network, Trainer

PAIRS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "cce"), ("linear", "mse"), ("tanh", "mse")]


def targets_for(output, n, n_out, rng):
    if output == "softmax":
        return np.eye(n_out)[rng.integers(0, n_out, n)]
    return rng.integers(0, 2, (n, n_out)).astype(float)


def train(X, y, hidden="relu", output="sigmoid", loss="mse", lr=0.01, epochs=20, optimizer="adam"):
    net = Network([X.shape[1], 4, y.shape[1]], [hidden, output], seed=0)
    trainer = Trainer(net, loss, optimizer, lr=lr, batch_size=8, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid warnings escape either
        trainer.fit(X, y, epochs=epochs)
    return trainer


@pytest.mark.parametrize("output, loss", PAIRS)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "elu", "softplus", "leaky_relu"])
def test_huge_inputs_stay_finite(hidden, output, loss):
    rng = np.random.default_rng(1)
    X = rng.normal(0, 1e6, (24, 3))
    y = targets_for(output, 24, 2 if output == "softmax" else 1, rng)
    trainer = train(X, y, hidden, output, loss, lr=1e-3)
    assert np.isfinite(trainer.net.params).all()
    assert np.isfinite(trainer.history.loss.array()).all()


def test_saturated_sigmoid_with_bce_has_finite_loss_and_gradient():
    net = Network([1, 1], "sigmoid")
    net.set_weights([np.array([[1.0]]), np.array([0.0])])
    trainer = Trainer(net, "bce", "sgd", lr=0.1)
    X, y = np.array([[800.0], [-800.0]]), np.array([[0.0], [1.0]])  # confidently wrong
    trainer.fit(X, y, epochs=1)
    assert trainer.history.loss[0] == pytest.approx(800.0)  # from the logits: exact, not clipped
    assert np.isfinite(net.params).all() and not trainer.diverged


def test_softmax_with_large_logits():
    net = Network([2, 3], "softmax")
    net.set_weights([np.array([[500.0, -500.0, 0.0], [0.0, 0.0, 900.0]]), np.zeros(3)])
    trainer = Trainer(net, "cce", "sgd", lr=0.01)
    trainer.fit(np.array([[1.0, 1.0], [2.0, -1.0]]), np.array([[1, 0, 0], [0, 0, 1.0]]), epochs=2)
    assert np.isfinite(trainer.history.loss.array()).all() and np.isfinite(net.params).all()


def test_constant_column_and_single_class():
    X = np.column_stack([np.linspace(-1, 1, 16), np.full(16, 3.0)])
    trainer = train(X, np.ones((16, 1)), "tanh", "sigmoid", "bce", lr=0.05, epochs=50)
    assert trainer.history.loss[-1] < trainer.history.loss[0]


def test_dead_relu_units_just_stop_learning():
    net = Network([1, 3, 1], ["relu", "linear"], seed=0)
    net.set_weights([np.full((1, 3), -1.0), np.full(3, -10.0), np.ones((3, 1)), np.zeros(1)])
    X, y = np.linspace(0, 1, 8)[:, None], np.ones((8, 1))
    trainer = Trainer(net, "mse", "sgd", lr=0.1)
    trainer.fit(X, y, epochs=5)
    kernel1, bias1, _, bias2 = net.get_weights()
    np.testing.assert_array_equal(kernel1, np.full((1, 3), -1.0))  # no gradient reaches them
    assert bias2[0] > 0 and np.isfinite(trainer.history.loss.array()).all()


@pytest.mark.parametrize("lr", [1e-6, 1e-3, 1.0, 10.0])
def test_learning_rates_from_tiny_to_large_do_not_break_sigmoid_nets(lr):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.integers(0, 2, (20, 1)).astype(float)
    trainer = train(X, y, "sigmoid", "sigmoid", "bce", lr=lr, optimizer="sgd")
    assert not trainer.diverged and np.isfinite(trainer.net.params).all()


def test_huge_learning_rate_on_an_unbounded_net_is_reported_as_divergence():
    X = np.linspace(-1, 1, 20)[:, None]
    trainer = train(X, 5 * X + 2, "linear", "linear", "mse", lr=1e3, epochs=200, optimizer="sgd")
    assert trainer.diverged and "lower the learning rate (now 1000)" in trainer.divergence_message
    assert np.isfinite(trainer.net.params).all()
