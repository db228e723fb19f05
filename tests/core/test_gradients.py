"""Backpropagated gradients equal central finite differences of the reported loss."""

import numpy as np
import pytest
from finite_differences import numerical_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

from fcviz.core import Network, Trainer
from fcviz.core.activations import BUILTINS
from fcviz.core.backprop import trace_batch

SMOOTH = [name for name in BUILTINS if name not in ("heaviside", "softmax")]
CUSTOM = ["x**2", "x*sigmoid(x)", "log(1+exp(x))", "sin(x)+0.5*x", "x**3/3 - x"]


def assert_gradient_matches(sizes, activations, loss, X, y, seed=0):
    net = Network(sizes, activations, seed=seed)
    rng = np.random.default_rng(seed)
    net.params[...] = rng.normal(0, 0.7, net.params.size)
    analytic = trace_batch(net, loss, X, y).gradient
    numeric = numerical_gradient(net, loss, X, y)
    # relative error, with a floor so that finite-difference round-off (~1e-11) on
    # near-zero gradients is not mistaken for a wrong derivative
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-3)
    rel = np.abs(analytic - numeric) / scale
    assert rel.max() < 1e-6, (activations, loss, rel.max())


def regression_data(seed, n, n_in, n_out):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, n_in)), rng.normal(0, 1, (n, n_out))


def class_data(seed, n, n_in, n_out):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_out, n)
    return rng.normal(0, 1, (n, n_in)), np.eye(n_out)[labels]


@pytest.mark.parametrize("hidden", SMOOTH + CUSTOM)
@pytest.mark.parametrize("output", ["linear", "sigmoid", "tanh", "softplus"])
def test_mse_every_activation(hidden, output):
    X, y = regression_data(1, 7, 3, 2)
    assert_gradient_matches([3, 4, 2], [hidden, output], "mse", X, y)


@pytest.mark.parametrize("hidden", SMOOTH + CUSTOM)
def test_bce_sigmoid_output_fused(hidden):
    X, y = class_data(2, 9, 2, 2)
    assert_gradient_matches([2, 3, 2], [hidden, "sigmoid"], "bce", X, y)


@pytest.mark.parametrize("hidden", SMOOTH + CUSTOM)
def test_cce_softmax_output_fused(hidden):
    X, y = class_data(3, 8, 3, 4)
    assert_gradient_matches([3, 5, 4], [hidden, "softmax"], "cce", X, y)


@pytest.mark.parametrize("loss", ["mse", "bce", "cce"])
def test_softmax_output_with_any_loss(loss):
    X, y = class_data(4, 6, 2, 3)
    assert_gradient_matches([2, 3, 3], ["tanh", "softmax"], loss, X, y)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cce_and_bce_through_chain_rule(output):
    """bce on softmax and cce on sigmoid are not fused: the chain rule must still be exact."""
    X, y = class_data(5, 6, 2, 3)
    loss = "bce" if output == "softmax" else "cce"
    assert_gradient_matches([2, 3, 3], ["elu", output], loss, X, y)


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       n=st.integers(1, 6), seed=st.integers(0, 10_000),
       hidden=st.sampled_from(SMOOTH), pair=st.sampled_from(
           [("linear", "mse"), ("sigmoid", "bce"), ("softmax", "cce"), ("tanh", "mse")]))
def test_random_shapes(sizes, n, seed, hidden, pair):
    output, loss = pair
    if output == "softmax" and sizes[-1] == 1:
        sizes = sizes[:-1] + [2]
    maker = class_data if loss != "mse" else regression_data
    X, y = maker(seed, n, sizes[0], sizes[-1])
    assert_gradient_matches(sizes, [hidden] * (len(sizes) - 2) + [output], loss, X, y, seed)


def test_trainer_step_applies_lr_times_gradient():
    X, y = regression_data(6, 5, 2, 1)
    net = Network([2, 3, 1], ["tanh", "linear"], seed=1)
    expected = net.params - 0.1 * trace_batch(net, "mse", X, y).gradient
    Trainer(net, "mse", "sgd", lr=0.1, shuffle=False).fit(X, y, epochs=1)
    np.testing.assert_allclose(net.params, expected, rtol=0, atol=1e-15)
