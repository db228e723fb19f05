"""The clothes-size lab must reproduce the plainest hand-written NumPy loop."""

import numpy as np
import pytest

from fcviz.core import Network, Trainer
from fcviz.core.presets import CLOTHES_FITS, CLOTHES_SIZES, build_preset

X = np.array(CLOTHES_SIZES)
Y = np.array(CLOTHES_FITS, dtype=float)


def hand_loop(epochs, lr=0.5):
    """The seed lab's loop, written out weight by weight (the independent reference)."""
    w11_1, b1_1, w12_1, b2_1 = 0.1, 0.6, 0.9, -1.5
    w11_2, w21_2, b1_2 = 0.1, 0.9, 0.2
    sigmoid = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    losses = []
    n = len(X)
    for _ in range(epochs):
        z1_1 = w11_1 * X + b1_1
        a1_1 = sigmoid(z1_1)
        z2_1 = w12_1 * X + b2_1
        a2_1 = sigmoid(z2_1)
        z1_2 = w11_2 * a1_1 + w21_2 * a2_1 + b1_2
        a1_2 = sigmoid(z1_2)
        losses.append(np.sum((Y - a1_2) ** 2) / n)
        dL_da = -2.0 * (Y - a1_2) / n
        dL_dz1_2 = dL_da * a1_2 * (1 - a1_2)
        d_w11_2, d_w21_2, d_b1_2 = np.sum(dL_dz1_2 * a1_1), np.sum(dL_dz1_2 * a2_1), np.sum(dL_dz1_2)
        dL_dz1_1 = dL_dz1_2 * w11_2 * a1_1 * (1 - a1_1)
        dL_dz2_1 = dL_dz1_2 * w21_2 * a2_1 * (1 - a2_1)
        d_w11_1, d_b1_1 = np.sum(dL_dz1_1 * X), np.sum(dL_dz1_1)
        d_w12_1, d_b2_1 = np.sum(dL_dz2_1 * X), np.sum(dL_dz2_1)
        w11_1 -= lr * d_w11_1
        b1_1 -= lr * d_b1_1
        w12_1 -= lr * d_w12_1
        b2_1 -= lr * d_b2_1
        w11_2 -= lr * d_w11_2
        w21_2 -= lr * d_w21_2
        b1_2 -= lr * d_b1_2
    params = dict(w11_1=w11_1, b1_1=b1_1, w12_1=w12_1, b2_1=b2_1, w11_2=w11_2, w21_2=w21_2, b1_2=b1_2)
    return np.array(losses), params


@pytest.fixture(scope="module")
def reference():
    return hand_loop(5000)


def test_preset_matches_hand_loop_every_epoch(reference):
    losses, params = reference
    experiment = build_preset("clothes")
    history = experiment.trainer.fit(epochs=5000)
    np.testing.assert_allclose(history.loss.array(), losses, rtol=0, atol=1e-9)
    for name, value in params.items():
        assert experiment.net.get_parameter(name) == pytest.approx(value, abs=1e-9), name
    assert history.loss[-1] == pytest.approx(0.0033, abs=5e-5)


def test_public_api_as_documented_matches(reference):
    losses, _ = reference
    net = Network([1, 2, 1], activations=["sigmoid", "sigmoid"], init="glorot_uniform", seed=0)
    net.set_weights([np.array([[0.1, 0.9]]), np.array([0.6, -1.5]),
                     np.array([[0.1], [0.9]]), np.array([0.2])])
    trainer = Trainer(net, loss="mse", optimizer="sgd", lr=0.5, batch_size=None, shuffle=False, seed=0)
    history = trainer.fit(X[:, None], Y[:, None], epochs=50)
    # loss of epoch k is the loss before epoch k's update: epoch 1 is the initial weights' loss
    np.testing.assert_allclose(history.loss.array(), losses[:50], rtol=0, atol=1e-12)


def test_initial_loss_is_the_seed_value():
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=1)
    prediction = 1 / (1 + np.exp(-(0.1 * (1 / (1 + np.exp(-(0.1 * X + 0.6))))
                                   + 0.9 * (1 / (1 + np.exp(-(0.9 * X - 1.5)))) + 0.2)))
    assert experiment.trainer.history.loss[0] == pytest.approx(np.mean((Y - prediction) ** 2), abs=1e-15)


def test_one_step_off_would_fail(reference):
    losses, _ = reference
    experiment = build_preset("clothes")
    history = experiment.trainer.fit(epochs=10)
    assert not np.allclose(history.loss.array()[1:], losses[:9], rtol=0, atol=1e-9)
