"""Formula text for the GUI: the clothes lab's exact text, and every number shown agrees
with the trace, with finite differences of the loss and with one training step."""

import re

import numpy as np
import pytest
from finite_differences import numerical_gradient

from fcviz.core import Network, Trainer, get_optimizer
from fcviz.core.backprop import parameter_table, trace_batch
from fcviz.core.network import weight_name
from fcviz.core.presets import CLOTHES_FITS, CLOTHES_SIZES, build_preset
from fcviz.gui.formulas import chain_rule, fmt, forward_formula, node_name


def clothes():
    X = np.array(CLOTHES_SIZES)[:, None]
    y = np.array(CLOTHES_FITS, float)[:, None]
    return build_preset("clothes").net, "mse", X, y


def random_case(sizes, activations, loss, seed=0, n=5):
    net = Network(sizes, activations, seed=seed)
    rng = np.random.default_rng(seed)
    net.params[...] = rng.normal(0, 0.7, net.params.size)
    X = rng.normal(0, 1, (n, sizes[0]))
    if loss == "cce":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "bce":
        y = (rng.random((n, sizes[-1])) < 0.5).astype(float)
    else:
        y = rng.normal(0, 1, (n, sizes[-1]))
    return net, loss, X, y


CASES = {
    "clothes": clothes,
    # one path from every weight to the loss: tanh, custom x**2, sigmoid fused with bce
    "chain-tanh-x2-bce": lambda: random_case([2, 3, 1, 1], ["tanh", "x**2", "sigmoid"], "bce"),
    # several paths (δ recursion) with the same activations
    "paths-tanh-x2-bce": lambda: random_case([2, 3, 2, 1], ["tanh", "x**2", "sigmoid"], "bce", seed=1),
    "softmax-cce": lambda: random_case([2, 3, 2, 3], ["tanh", "x**2", "softmax"], "cce", seed=2),
    "softmax-mse": lambda: random_case([2, 3, 3], ["x*sigmoid(x)", "softmax"], "mse", seed=3),
    "bce-two-outputs": lambda: random_case([3, 4, 2], ["softplus", "sigmoid"], "bce", seed=4),
    "mse-two-outputs": lambda: random_case([2, 3, 2], ["elu", "linear"], "mse", seed=5),
}


def parameters(net):
    """(layer, i, j, name) of every parameter; i = 0 is the bias."""
    for layer, dense in enumerate(net.layers, 1):
        for j in range(1, dense.units + 1):
            for i in range(dense.fan_in + 1):
                yield layer, i, j, weight_name(i, j, layer) if i else f"b{j}_{layer}"


# --- the clothes lab, character for character -------------------------------------------

def test_clothes_hidden_node_text():
    net, loss, X, y = clothes()
    trace = trace_batch(net, loss, X, y)
    formula = forward_formula(net, trace, 1, 2, sample=2)
    assert formula.lines == ("z2_1 = w12_1·x + b2_1 = 0.90·1.70 + (−1.50) = 0.030",
                             "a2_1 = sigmoid(z2_1) = 0.5075")
    assert formula.z == trace.layers[0].z[1, 2] and formula.value == trace.layers[0].a[1, 2]
    assert formula.html == ("z<sub>2</sub><sup>(1)</sup> = w<sub>12</sub><sup>(1)</sup>·x + "
                            "b<sub>2</sub><sup>(1)</sup> = 0.90·1.70 + (−1.50) = 0.030<br>"
                            "a<sub>2</sub><sup>(1)</sup> = sigmoid(z<sub>2</sub><sup>(1)</sup>) = 0.5075")


def test_clothes_output_node_and_loss_term():
    net, loss, X, y = clothes()
    trace = trace_batch(net, loss, X, y)
    formula = forward_formula(net, trace, 2, 1, sample=2, loss_name="mse")
    assert formula.lines == (
        "z1_2 = w11_2·a1_1 + w21_2·a2_1 + b1_2 = 0.10·0.6835 + 0.90·0.5075 + 0.20 = 0.7251",
        "ŷ = a1_2 = sigmoid(z1_2) = 0.6737",
        "(y − ŷ)² = (0 − 0.6737)² = 0.4539")
    assert formula.loss_term == pytest.approx((0 - trace.output[0, 2]) ** 2, rel=1e-15)
    assert len(forward_formula(net, trace, 2, 1, sample=2).lines) == 2  # no loss given, no loss line


def test_clothes_chain_rule_text_and_factors():
    net, loss, X, y = clothes()
    trace = trace_batch(net, loss, X, y)
    formula = chain_rule(net, trace, loss, 1, 1, 1, sample=2, learning_rate=0.5)
    assert formula.lines == (
        "∂L/∂w11_1 = mean( ∂ℓ/∂ŷ · σ′(z1_2) · w11_2 · σ′(z1_1) · x )",
        "sample 3: 1.347 · 0.2198 · 0.10 · 0.2163 · 1.70 = 0.01089",
        "mean over 12 samples: ∂L/∂w11_1 = 0.01008",
        "w11_1 ← w11_1 − lr·∂L/∂w11_1 = 0.10 − 0.5·0.01008 = 0.09496")
    # the factors, computed here independently from a forward pass
    (_, a1), (_, a2) = net.forward(X)
    y_hat = a2[0, 2]
    expected = [2 * (y_hat - y[2, 0]), y_hat * (1 - y_hat), 0.1, a1[0, 2] * (1 - a1[0, 2]), 1.7]
    assert [label for label, _ in formula.factors] == ["∂ℓ/∂ŷ", "σ′(z1_2)", "w11_2", "σ′(z1_1)", "x"]
    np.testing.assert_allclose([value for _, value in formula.factors], expected, rtol=1e-13)
    assert formula.gradient == trace.layers[0].kernel_grad[0, 0]


def test_clothes_bias_uses_index_zero():
    net, loss, X, y = clothes()
    trace = trace_batch(net, loss, X, y)
    formula = chain_rule(net, trace, loss, 1, 0, 2)
    assert formula.lines[0] == "∂L/∂b2_1 = mean( ∂ℓ/∂ŷ · σ′(z1_2) · w21_2 · σ′(z2_1) )"
    assert formula.gradient == trace.layers[0].bias_grad[1]
    assert formula.value == -1.5


# --- every network, every parameter -------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_gradients_are_the_trace_and_the_finite_differences(case):
    net, loss, X, y = CASES[case]()
    trace = trace_batch(net, loss, X, y)
    numeric = numerical_gradient(net, loss, X, y)
    for layer, i, j, name in parameters(net):
        formula = chain_rule(net, trace, loss, layer, i, j)
        index = net.parameter_index(name)
        layer_grads = trace.layers[layer - 1]
        assert formula.gradient == trace.gradient[index]
        assert formula.gradient == (layer_grads.kernel_grad[i - 1, j - 1] if i else layer_grads.bias_grad[j - 1])
        assert formula.lines[0].startswith(f"∂L/∂{name} = mean( ")
        assert formula.lines[-2].endswith(f"∂L/∂{name} = {fmt(formula.gradient)}")
        scale = max(abs(formula.gradient) + abs(numeric[index]), 1e-3)  # floor: FD round-off near 0
        assert abs(formula.gradient - numeric[index]) / scale < 1e-6, (name, formula.gradient, numeric[index])


@pytest.mark.parametrize("case", [*CASES, "perceptron"])
def test_shown_factors_average_to_the_gradient(case):
    if case == "perceptron":
        net, loss, X, y = random_case([2, 1], "heaviside", "mse", seed=6, n=8)
        y = (y > 0).astype(float)
    else:
        net, loss, X, y = CASES[case]()
    trace = trace_batch(net, loss, X, y)
    n = len(X)
    for layer, i, j, name in parameters(net):
        products = []
        for sample in range(n):
            formula = chain_rule(net, trace, loss, layer, i, j, sample=sample)
            values = [value for _, value in formula.factors]
            assert formula.product == np.prod(values)
            assert formula.lines[0].count(" · ") == len(values) - 1
            shown = " · ".join(fmt(v, paren=k > 0) for k, v in enumerate(values))
            assert f"sample {sample + 1}: {shown} = {fmt(formula.product)}" in formula.lines
            products.append(formula.product)
        assert np.mean(products) == pytest.approx(formula.gradient, rel=1e-10, abs=1e-15), name


def test_single_paths_are_spelled_out_and_several_paths_use_delta():
    net, loss, X, y = CASES["chain-tanh-x2-bce"]()
    trace = trace_batch(net, loss, X, y)
    assert chain_rule(net, trace, loss, 1, 2, 3).lines[0] == (
        "∂L/∂w23_1 = mean( (ŷ − y) · w11_3 · [2 * x](z1_2) · w31_2 · tanh′(z3_1) · x2 )")
    net, loss, X, y = CASES["paths-tanh-x2-bce"]()
    trace = trace_batch(net, loss, X, y)
    formula = chain_rule(net, trace, loss, 1, 2, 3)
    assert formula.lines[0] == "∂L/∂w23_1 = mean( δ3_1 · x2 )"
    assert formula.lines[1].startswith("δ3_1 = tanh′(z3_1) · Σₖ w3k_2·δk_2 = ")
    # the δ shown is f′(z)·Σ w·δ above, for this sample
    (_, a1), _, _ = net.forward(X)
    above = trace.layers[1].delta[:, 0] * len(X)
    expected = (1 - a1[2, 0] ** 2) * net.layers[1].kernel[2] @ above
    assert formula.factors[0] == ("δ3_1", pytest.approx(expected, rel=1e-12))


def test_fused_and_softmax_outputs():
    net, loss, X, y = CASES["bce-two-outputs"]()
    trace = trace_batch(net, loss, X, y)
    formula = chain_rule(net, trace, loss, 2, 3, 2)
    assert formula.lines[0] == "∂L/∂w32_2 = mean( (ŷ2 − y2)/2 · a3_1 )"
    assert formula.factors[0][1] == pytest.approx((trace.output[1, 0] - trace.targets[1, 0]) / 2, rel=1e-15)
    net, loss, X, y = CASES["softmax-cce"]()
    trace = trace_batch(net, loss, X, y)
    assert chain_rule(net, trace, loss, 3, 1, 2).lines[0] == "∂L/∂w12_3 = mean( (ŷ2 − y2) · a1_2 )"
    net, loss, X, y = CASES["softmax-mse"]()
    trace = trace_batch(net, loss, X, y)
    formula = chain_rule(net, trace, loss, 2, 1, 2)
    assert formula.lines[1].startswith("δ2_2 = ŷ2·(∂ℓ/∂ŷ2 − Σₖ ŷk·∂ℓ/∂ŷk) = ")


@pytest.mark.parametrize("case", CASES)
def test_forward_formulas_show_the_trace_and_the_loss(case):
    net, loss, X, y = CASES[case]()
    trace = trace_batch(net, loss, X, y)
    n_out, n = trace.targets.shape
    terms = np.empty((n_out, n))
    for layer in range(1, len(net.layers) + 1):
        for unit in range(1, net.layer_sizes[layer] + 1):
            for sample in range(n):
                formula = forward_formula(net, trace, layer, unit, sample, loss_name=loss)
                assert formula.z == trace.layers[layer - 1].z[unit - 1, sample]
                assert formula.value == trace.layers[layer - 1].a[unit - 1, sample]
                assert formula.lines[0].endswith(f" = {fmt(formula.z)}")
                assert formula.lines[1].endswith(fmt(formula.value))
                if layer == len(net.layers):
                    assert formula.lines[2].endswith(f" = {fmt(formula.loss_term)}")
                    terms[unit - 1, sample] = formula.loss_term
    # each output's term of each sample's loss adds up to the trace's loss
    total = terms.sum(axis=0).mean() if loss == "cce" else terms.mean()
    assert total == pytest.approx(trace.loss, rel=1e-12)


def test_forward_terms_use_the_right_weights():
    net, loss, X, y = CASES["paths-tanh-x2-bce"]()
    trace = trace_batch(net, loss, X, y)
    kernel, bias = net.get_weights()[:2]
    x = X[1]
    formula = forward_formula(net, trace, 1, 3, sample=1)
    numeric = (f"{fmt(kernel[0, 2])}·{fmt(x[0], paren=True)} + {fmt(kernel[1, 2], paren=True)}·"
               f"{fmt(x[1], paren=True)} + {fmt(bias[2], paren=True)}")
    assert formula.lines[0] == f"z3_1 = w13_1·x1 + w23_1·x2 + b3_1 = {numeric} = {fmt(formula.z)}"


def test_custom_and_softmax_activation_lines():
    net, loss, X, y = CASES["softmax-cce"]()
    trace = trace_batch(net, loss, X, y)
    custom = forward_formula(net, trace, 2, 1)
    assert custom.lines[1] == f"a1_2 = x ** 2 at z1_2 = {fmt(custom.z)} → {fmt(custom.value)}"
    softmax = forward_formula(net, trace, 3, 2, loss_name=loss)
    z = trace.layers[2].z[:, 0]
    assert softmax.lines[1] == (f"ŷ2 = a2_3 = exp(z2_3)/Σₖ exp(zk_3) = exp({fmt(z[1])})/(exp({fmt(z[0])}) + "
                                f"exp({fmt(z[1])}) + exp({fmt(z[2])})) = {fmt(softmax.value)}")
    assert softmax.lines[2].startswith("−y2·log(ŷ2) = ")


def test_wide_layer_is_cut_but_exact():
    net, loss, X, y = random_case([400, 2, 1], ["tanh", "linear"], "mse", seed=7, n=3)
    net.params[...] *= 0.05
    trace = trace_batch(net, loss, X, y)
    formula = forward_formula(net, trace, 1, 2, sample=1)
    assert formula.lines[0].startswith("z2_1 = w12_1·x1 + w22_1·x2 + w32_1·x3 + … (397 more terms) + b2_1 = ")
    assert formula.lines[0].count("more terms") == 2 and len(formula.lines[0]) < 200
    assert formula.z == trace.layers[0].z[1, 1]
    assert formula.z == pytest.approx(X[1] @ net.layers[0].kernel[:, 1] + net.layers[0].bias[1], rel=1e-12)
    gradient = chain_rule(net, trace, loss, 1, 400, 2)
    assert gradient.lines[0].startswith("∂L/∂w400,2_1 = mean( ")
    assert gradient.gradient == trace.gradient[net.parameter_index("w400,2_1")]


# --- updates ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_sgd_update_line_is_one_training_step(case):
    net, loss, X, y = CASES[case]()
    trace = trace_batch(net, loss, X, y)
    trainer = Trainer(net.copy(), loss, "sgd", lr=0.3, batch_size=None, shuffle=False)
    trainer.set_data(X, y)
    trainer.step()
    for layer, i, j, name in parameters(net):
        formula = chain_rule(net, trace, loss, layer, i, j, learning_rate=0.3)
        index = net.parameter_index(name)
        assert formula.value == net.params[index]
        assert abs(formula.new_value - trainer.net.params[index]) <= 1e-12
        assert formula.lines[-1] == (f"{name} ← {name} − lr·∂L/∂{name} = {fmt(formula.value)} − "
                                     f"0.3·{fmt(formula.gradient, paren=True)} = {fmt(formula.new_value)}")


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_other_optimizers_show_their_own_step(optimizer):
    net, loss, X, y = CASES["paths-tanh-x2-bce"]()
    trainer = Trainer(net, loss, optimizer, lr=0.05, batch_size=None, shuffle=False)
    trainer.set_data(X, y)
    for _ in range(3):
        trainer.step()
    state = trainer.optimizer.get_state()
    trace = trace_batch(net, loss, X, y)
    formulas = {name: chain_rule(net, trace, loss, layer, i, j, optimizer=trainer.optimizer)
                for layer, i, j, name in parameters(net)}
    for key, value in trainer.optimizer.get_state().items():  # showing the step changes nothing
        np.testing.assert_array_equal(value, state[key])
    before = net.params.copy()
    trainer.step()
    for name, formula in formulas.items():
        index = net.parameter_index(name)
        assert formula.optimizer == optimizer and f"({optimizer}, lr = 0.05" in formula.lines[-1]
        assert formula.value == before[index]
        assert abs(formula.new_value - net.params[index]) <= 1e-12
        assert formula.lines[-1].startswith(f"{name} ← {name} + Δ = {fmt(formula.value)} + "
                                            f"{fmt(formula.update, paren=True)} = {fmt(formula.new_value)}")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_parameter_table(optimizer):
    net, loss, X, y = CASES["softmax-cce"]()
    trace = trace_batch(net, loss, X, y)
    opt = get_optimizer(optimizer, 0.1)
    rows = parameter_table(net, trace, opt)
    assert [row.name for row in rows] == net.parameter_names()
    assert [row.value for row in rows] == net.params.tolist()
    assert [row.gradient for row in rows] == trace.gradient.tolist()
    assert [row.update for row in rows] == opt.update_of(trace.gradient).tolist()
    if optimizer == "sgd":
        np.testing.assert_allclose([row.update for row in rows], -0.1 * trace.gradient, rtol=1e-15)


# --- names, numbers, HTML -------------------------------------------------------------------

def test_node_names():
    one_input = Network([1, 2, 1])
    two_inputs = Network([2, 3, 2])
    assert node_name(one_input, 0, 1) == "x"
    assert [node_name(two_inputs, 0, k) for k in (1, 2)] == ["x1", "x2"]
    assert node_name(two_inputs, 1, 3) == "a3_1" and node_name(two_inputs, 2, 2) == "a2_2"
    for layer, unit in [(0, 3), (3, 1), (1, 0), (-1, 1)]:
        with pytest.raises(ValueError):
            node_name(two_inputs, layer, unit)


@pytest.mark.parametrize("value, text", [
    (0.9, "0.90"), (1.7, "1.70"), (-1.5, "−1.50"), (0.9 * 1.7 - 1.5, "0.030"), (0.50749, "0.5075"),
    (0.0100780152, "0.01008"), (0.12345678, "0.1235"), (1234.56, "1235"), (123.04, "123.0"),
    (0, "0"), (-0.0, "0"), (2.0, "2"), (-3, "−3"), (1.5e-5, "1.5e−5"), (-2.5e7, "−2.5e7"),
    (float("nan"), "nan"),
])
def test_fmt(value, text):
    assert fmt(value) == text


def test_fmt_parenthesises_negatives_after_an_operator():
    assert fmt(-1.5, paren=True) == "(−1.50)"
    assert fmt(1.5, paren=True) == "1.50"


def test_html_has_the_same_numbers_as_the_text():
    net, loss, X, y = CASES["softmax-cce"]()
    trace = trace_batch(net, loss, X, y)
    number = r"−?\d+(?:\.\d+)?"
    for formula in (forward_formula(net, trace, 3, 2, loss_name=loss), chain_rule(net, trace, loss, 1, 2, 3)):
        assert formula.html.count("<br>") == len(formula.lines) - 1
        assert "<sub>" in formula.html and "_" not in formula.html
        plain = re.sub(r"<[^>]+>", "", formula.html)
        assert re.findall(number, plain) == re.findall(number, "\n".join(formula.lines))


def test_bad_arguments_are_named():
    net, loss, X, y = clothes()
    trace = trace_batch(net, loss, X, y)
    with pytest.raises(ValueError, match="layer"):
        forward_formula(net, trace, 0, 1)
    with pytest.raises(ValueError, match="sample"):
        forward_formula(net, trace, 1, 1, sample=12)
    with pytest.raises(ValueError, match="i must"):
        chain_rule(net, trace, loss, 1, 2, 1)
    no_bias = Network([1, 1], use_bias=False)
    with pytest.raises(ValueError, match="b1_1"):
        chain_rule(no_bias, trace_batch(no_bias, "mse", X, y), "mse", 1, 0, 1)
