"""Activations: values, stability, custom expressions parsed safely."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fcviz.core import Network
from fcviz.core.activations import BUILTINS, get_activation

Z = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]])


@pytest.mark.parametrize("name, expected", [
    ("linear", Z),
    ("sigmoid", 1 / (1 + np.exp(-Z))),
    ("tanh", np.tanh(Z)),
    ("relu", np.maximum(Z, 0)),
    ("leaky_relu", np.where(Z > 0, Z, 0.01 * Z)),
    ("elu", np.where(Z > 0, Z, np.exp(Z) - 1)),
    ("softplus", np.log(1 + np.exp(Z))),
    ("heaviside", (Z >= 0).astype(float)),
])
def test_values(name, expected):
    np.testing.assert_allclose(get_activation(name)(Z.copy()), expected, rtol=1e-15, atol=1e-15)


def test_softmax_columns_sum_to_one_and_survive_large_logits():
    z = np.array([[1000.0, 1.0], [1001.0, 2.0], [999.0, 3.0]])
    out = get_activation("softmax")(z)
    np.testing.assert_allclose(out.sum(axis=0), [1, 1])
    np.testing.assert_allclose(out[:, 0], np.exp([0, 1, -1]) / np.exp([0, 1, -1]).sum())


def test_sigmoid_is_exact_and_silent_for_huge_inputs():
    net = Network([1, 1], "sigmoid")
    net.set_weights([np.ones((1, 1)), np.zeros(1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net.predict(np.array([[-1e4], [-800.0], [800.0], [1e4]]))
    np.testing.assert_array_equal(out.ravel(), [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("name", [n for n in BUILTINS if n not in ("heaviside", "softmax")])
def test_derivative_matches_finite_difference(name):
    act = get_activation(name)
    z = np.array([-2.3, -0.7, 0.4, 1.9])
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act(z)), numeric, rtol=1e-6, atol=1e-9)


def test_names_and_aliases():
    assert get_activation("Sigmoid").name == "sigmoid"
    assert get_activation("none").name == "linear"
    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        get_activation("sigmod")


@pytest.mark.parametrize("source, x, value, slope", [
    ("x**2", 3.0, 9.0, 6.0),
    ("x*sigmoid(x)", 0.0, 0.0, 0.5),
    ("log(1+exp(x))", 0.0, np.log(2), 0.5),
    ("maximum(x, 0.1*x)", -2.0, -0.2, 0.1),
    ("x^3", 2.0, 8.0, 12.0),
    ("-x + sqrt(abs(x))", 4.0, -2.0, -0.75),
])
def test_custom_expressions_and_their_derivatives(source, x, value, slope):
    act = get_activation(source)
    z = np.array([x])
    assert act(z)[0] == pytest.approx(value)
    assert act.derivative(z, act(z))[0] == pytest.approx(slope)


@pytest.mark.parametrize("source, message", [
    ("__import__('os').system('true')", "not an allowed function"),
    ("x.real", "is not allowed"),
    ("lambda x: x", "is not allowed"),
    ("open('f')", "'open' is not an allowed function"),
    ("y + 1", "unknown name 'y'"),
    ("x**100000", "exponents larger than 64"),
    ("9**9**9", "exponents larger than 64"),
    ("x // 2", "operator 'x // 2' is not allowed"),
    ("exp(x, 2)", "exp() takes 1 argument"),
    ("x +", "is not a valid expression"),
    ("'abc'", "is not a number"),
    ("x" + "+x" * 150, "longer than 200 characters"),
])
def test_dangerous_or_broken_expressions_are_rejected(source, message):
    with pytest.raises(ValueError) as info:
        get_activation(source)
    assert message in str(info.value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="x()+-*/^.,_ aeiosnpqrtlgmuwyz0123456789'\"[]{}:;=<>!", max_size=40))
def test_random_text_is_parsed_or_rejected_never_run(tmp_path_factory, source):
    canary = tmp_path_factory.getbasetemp() / "canary"
    try:
        act = get_activation(source)
    except ValueError:
        return
    act(np.linspace(-2, 2, 5))
    assert not canary.exists()
