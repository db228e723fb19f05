"""Formula text the GUI shows for a traced batch: forward sums, the chain rule and updates,
as plain text (Unicode) and HTML; the numbers come from fcviz.core.backprop."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

from fcviz.core.activations import CustomActivation
from fcviz.core.backprop import Trace, check_index
from fcviz.core.losses import get_loss
from fcviz.core.network import Network, weight_name
from fcviz.core.optimizers import Optimizer, get_optimizer
from fcviz.core.trainer import Trainer

# Every line is built once as a `_Rich` (plain text with Unicode + HTML with <sub>)
# from plain strings and symbols. Units, inputs and weight indices are 1-based as
# in the names (`a2_1`, `w12_1`); layer 0 is the inputs; samples are 0-based.
# In the chain rule, ℓ is one sample's loss and L = mean(ℓ) the batch loss.

MAX_TERMS = 6     # a sum with more terms is cut ...
SHOWN_TERMS = 3   # ... to its first SHOWN_TERMS and a count of the rest


def fmt(value, paren: bool = False) -> str:
    """A number for display: 4 significant digits at most, trailing zeros kept up to
    2 decimals and 2 significant digits (0.90, 1.70, 0.030, 0.5075); exact integers as
    such; '−' as minus. `paren=True` wraps a negative number: after an operator."""
    v = float(value)
    if not math.isfinite(v):
        text = "nan" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    elif v.is_integer() and abs(v) < 1e6:
        text = str(int(v))
    else:
        text = f"{v:.4g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{int(exponent)}"
        else:
            rounded = float(text)
            magnitude = math.floor(math.log10(abs(rounded)))
            shown = len(text.partition(".")[2])
            text = f"{rounded:.{max(shown, min(max(2, 1 - magnitude), 3 - magnitude))}f}"
    text = text.replace("-", "−")
    return f"({text})" if paren and text.startswith("−") else text


def _setting(value: float) -> str:
    """A setting (learning rate, momentum) as typed: 0.5, not 0.50."""
    return f"{value:g}".replace("-", "−")


@dataclass(frozen=True)
class _Rich:
    """A piece of a line as plain text and as HTML."""

    text: str
    html: str

    def __add__(self, other) -> _Rich:
        other = _rich(other)
        return _Rich(self.text + other.text, self.html + other.html)


def _rich(part) -> _Rich:
    return part if isinstance(part, _Rich) else _Rich(str(part), escape(str(part)))


def _cat(*parts) -> _Rich:
    return sum(parts[1:], _rich(parts[0]))


def _join(separator: str, parts) -> _Rich:
    parts = iter(parts)
    joined = _rich(next(parts))
    for part in parts:
        joined = joined + separator + part
    return joined


def _sum(count: int, term) -> _Rich:
    """term(0) + term(1) + …, cut to the first SHOWN_TERMS when there are more than MAX_TERMS."""
    if count <= MAX_TERMS:
        return _join(" + ", map(term, range(count)))
    return _join(" + ", [*map(term, range(SHOWN_TERMS)), f"… ({count - SHOWN_TERMS} more terms)"])


def _symbol(letter: str, index="", layer: int | None = None) -> _Rich:
    """`a2_1` as text; a<sub>2</sub><sup>(1)</sup> as HTML."""
    text, markup = letter + str(index), escape(letter)
    if index != "":
        markup += f"<sub>{escape(str(index))}</sub>"
    if layer is not None:
        text, markup = f"{text}_{layer}", f"{markup}<sup>({layer})</sup>"
    return _Rich(text, markup)


def _parameter(name: str) -> _Rich:
    """The symbol of a parameter name such as `w12_1` or `b2_1`."""
    index, _, layer = name[1:].rpartition("_")
    return _symbol(name[0], index, int(layer))


def _weight(i: int, j: int, layer: int) -> _Rich:
    return _parameter(weight_name(i, j, layer))


def _node(net: Network, layer: int, unit: int) -> _Rich:
    if layer == 0:
        return _symbol("x", "" if net.layer_sizes[0] == 1 else unit)
    return _symbol("a", unit, layer)


def _output(net: Network, letter: str, unit: int | str) -> _Rich:
    """ŷ / y, or ŷ{j} / y{j} when the network has several outputs."""
    return _symbol(letter, "" if net.layer_sizes[-1] == 1 else unit)



def node_name(net: Network, layer: int, unit: int) -> str:
    """Seed notation of a node: x / x{unit} for layer 0, a{unit}_{layer} above."""
    check_index("layer", layer, 0, len(net.layers))
    check_index("unit", unit, 1, net.layer_sizes[layer])
    return _node(net, layer, unit).text


def _derivative_name(activation) -> str:
    if activation.name == "sigmoid":
        return "σ′"
    if isinstance(activation, CustomActivation):
        return f"[{activation.derivative_formula}]"
    return f"{activation.name}′"


@dataclass(frozen=True)
class Formula:
    """Display lines (plain text and HTML joined by <br>) and the numbers they show.

    forward_formula: `value` = a, `z`, and `loss_term` (output node, loss given).
    chain_rule: `value` = the parameter, `gradient`, per-sample `factors`
    ((label, value) in the order shown) and their `product`, the optimizer's
    `update` and `new_value` = value + update.
    """

    lines: tuple[str, ...]
    html: str
    value: float
    z: float | None = None
    loss_term: float | None = None
    gradient: float | None = None
    factors: tuple[tuple[str, float], ...] = ()
    product: float | None = None
    update: float | None = None
    new_value: float | None = None
    optimizer: str = ""


def _formula(lines, **numbers) -> Formula:
    return Formula(tuple(line.text for line in lines), "<br>".join(line.html for line in lines), **numbers)


class _Sample:
    """One sample of a trace, read the way the trainer computed it."""

    def __init__(self, net: Network, trace: Trace, sample: int, loss=None):
        self.net, self.trace = net, trace
        self.n = trace.inputs.shape[1]
        self.s = check_index("sample", sample, 0, self.n - 1)
        self.loss = None if loss is None else get_loss(loss)
        self.rule = "" if loss is None else Trainer(net, self.loss).output_rule

    def column(self, array: np.ndarray) -> np.ndarray:
        return array[:, self.s: self.s + 1]

    def a(self, layer: int) -> np.ndarray:
        """Outputs of a layer (layer 0: the inputs) for this sample."""
        return (self.trace.inputs if layer == 0 else self.trace.layers[layer - 1].a)[:, self.s]

    def z(self, layer: int) -> np.ndarray:
        return self.trace.layers[layer - 1].z[:, self.s]

    def y(self) -> np.ndarray:
        return self.trace.targets[:, self.s]

    def derivative(self, layer: int) -> np.ndarray:
        """f′(z) of a layer for this sample."""
        lt = self.trace.layers[layer - 1]
        return self.net.layers[layer - 1].activation.derivative(self.column(lt.z), self.column(lt.a))[:, 0]

    def delta(self, layer: int) -> np.ndarray:
        """δ = ∂ℓ/∂z of this sample's loss (the trace holds ∂L/∂z = δ/n)."""
        return self.n * self.trace.layers[layer - 1].delta[:, self.s]

    def loss_gradient(self) -> np.ndarray:
        """∂ℓ/∂ŷ, the loss's gradient on a batch of this one sample."""
        out = self.trace.layers[-1]
        return self.loss.gradient(self.column(out.a), self.column(self.trace.targets))[:, 0]

    def output_delta(self) -> np.ndarray:
        """∂ℓ/∂z at the output for the fused and perceptron rules."""
        a, y = self.column(self.trace.layers[-1].a), self.column(self.trace.targets)
        return (self.loss.fused_delta(a, y) if self.rule == "fused" else a - y)[:, 0]

    def loss_term(self, unit: int) -> float:
        """Output `unit`'s part of this sample's loss, by the loss's own code."""
        out, j = self.trace.layers[-1], unit - 1
        fused = self.rule == "fused"
        prediction = self.column(out.z if fused else out.a)
        targets = self.column(self.trace.targets)
        if self.loss.name == "cce":  # softmax couples the outputs: keep all, count only y_j
            kept = np.zeros_like(targets)
            kept[j] = targets[j]
            targets = kept
        else:
            prediction, targets = prediction[j: j + 1], targets[j: j + 1]
        return self.loss.from_logits(prediction, targets) if fused else self.loss(prediction, targets)


# --- forward formulas ------------------------------------------------------------------

_LOSS_TERMS = {  # (y, ŷ) -> one output's term of the loss
    "mse": lambda y, p: _cat("(", y, " − ", p, ")²"),
    "bce": lambda y, p: _cat("−[", y, "·log(", p, ") + (1 − ", y, ")·log(1 − ", p, ")]"),
    "cce": lambda y, p: _cat("−", y, "·log(", p, ")"),
}


def forward_formula(net: Network, trace: Trace, layer: int, unit: int, sample: int = 0,
                    loss_name=None) -> Formula:
    """How node a{unit}_{layer} (layer ≥ 1) gets its value for one sample: the weighted
    sum z, the activation, and — for an output node when `loss_name` (the trace's
    loss) is given — that output's term of the sample's loss."""
    check_index("layer", layer, 1, len(net.layers))
    check_index("unit", unit, 1, net.layer_sizes[layer])
    point = _Sample(net, trace, sample, loss_name)
    dense, j = net.layers[layer - 1], unit - 1
    z, a = float(point.z(layer)[j]), float(point.a(layer)[j])
    kernel, below = dense.kernel, point.a(layer - 1)
    z_symbol = _symbol("z", unit, layer)
    symbolic = _sum(dense.fan_in, lambda i: _cat(_weight(i + 1, unit, layer), "·", _node(net, layer - 1, i + 1)))
    numeric = _sum(dense.fan_in, lambda i: _cat(fmt(kernel[i, j], paren=i > 0), "·", fmt(below[i], paren=True)))
    if dense.use_bias:
        symbolic += _cat(" + ", _symbol("b", unit, layer))
        numeric += _cat(" + ", fmt(dense.bias[j], paren=True))
    lines = [_cat(z_symbol, " = ", symbolic, " = ", numeric, " = ", fmt(z))]
    output = layer == len(net.layers)
    name = _cat(_output(net, "ŷ", unit), " = ", _node(net, layer, unit)) if output else _node(net, layer, unit)
    lines.append(_cat(name, " = ", _activation_text(dense.activation, point, layer, unit)))
    numbers = {"value": a, "z": z}
    if output and point.loss is not None:
        term, y = point.loss_term(unit), point.y()[j]
        template = _LOSS_TERMS[point.loss.name]
        lines.append(_cat(template(_output(net, "y", unit), _output(net, "ŷ", unit)), " = ",
                          template(fmt(y), fmt(a, paren=True)), " = ", fmt(term)))
        numbers["loss_term"] = term
    return _formula(lines, **numbers)


def input_formula(net: Network, trace: Trace, unit: int, sample: int = 0) -> Formula:
    """The value of input x{unit} for one sample."""
    check_index("unit", unit, 1, net.layer_sizes[0])
    value = float(_Sample(net, trace, sample).a(0)[unit - 1])
    return _formula([_cat(_node(net, 0, unit), " = ", fmt(value))], value=value)


def weight_formula(net: Network, trace: Trace, layer: int, i: int, j: int, sample: int = 0) -> Formula:
    """A weight's value and the term it adds to z{j}_{layer} for one sample; i = 0 is the bias."""
    check_index("layer", layer, 1, len(net.layers))
    check_index("i", i, 0, net.layer_sizes[layer - 1])
    check_index("j", j, 1, net.layer_sizes[layer])
    name = weight_name(i, j, layer) if i else f"b{j}_{layer}"
    value = net.get_parameter(name)
    parameter, z = _parameter(name), _symbol("z", j, layer)
    lines = [_cat(parameter, " = ", fmt(value))]
    if i:
        below = float(_Sample(net, trace, sample).a(layer - 1)[i - 1])
        lines.append(_cat(parameter, "·", _node(net, layer - 1, i), " = ", fmt(value), "·", fmt(below, paren=True),
                          " = ", fmt(value * below), "   (a term of ", z, ")"))
    else:
        lines.append(_cat("(the constant term of ", z, ")"))
    return _formula(lines, value=value)


def _activation_text(activation, point: _Sample, layer: int, unit: int) -> _Rich:
    """f(z) and its value: sigmoid(z2_1) = …; softmax as exp/Σexp; a custom expression at z."""
    z, a = point.z(layer), fmt(point.a(layer)[unit - 1])
    z_symbol = _symbol("z", unit, layer)
    if activation.name == "softmax":
        return _cat("exp(", z_symbol, ")/Σₖ exp(", _symbol("z", "k", layer), ") = exp(", fmt(z[unit - 1]), ")/(",
                    _sum(z.size, lambda k: _cat("exp(", fmt(z[k]), ")")), ") = ", a)
    if isinstance(activation, CustomActivation):
        return _cat(activation.formula, " at ", z_symbol, " = ", fmt(z[unit - 1]), " → ", a)
    return _cat(activation.name, "(", z_symbol, ") = ", a)


# --- chain rule and updates ------------------------------------------------------------

_STEP_RULES = {  # how an optimizer other than SGD turns the gradient g into the change Δ
    "momentum": lambda opt: f"v ← {_setting(opt.momentum)}·v − lr·g, Δ = v",
    "adam": lambda opt: "Δ = −lr·m̂/(√v̂ + ε), moments updated with g",
}


def chain_rule(net: Network, trace: Trace, loss_name, layer: int, i: int, j: int, sample: int | None = None,
               learning_rate: float = 0.01, optimizer: Optimizer | str | None = None,
               frozen: bool = False, with_update: bool = True) -> Formula:
    """∂L/∂w{i}{j}_{layer} by the chain rule, and the parameter's update; i = 0 means b{j}_{layer}.

    Lines: the symbolic product (the single path to the loss spelled out when there
    is one, else δ{j}_{layer} times the input, with a line of the δ recursion); the
    factors' values for `sample` (default 0) and their product; the mean over the
    batch, which is the trace's gradient; the update by `optimizer` (an Optimizer
    or a name; default SGD at `learning_rate`), computed without changing its state;
    a `frozen` parameter is not updated; `with_update=False` leaves the update out (when
    the optimizer's state is not known). `loss_name` (a name or a Loss) must be the
    loss the trace was made with.
    """
    check_index("layer", layer, 1, len(net.layers))
    check_index("i", i, 0, net.layer_sizes[layer - 1])
    check_index("j", j, 1, net.layer_sizes[layer])
    point = _Sample(net, trace, 0 if sample is None else sample, loss_name)
    name = weight_name(i, j, layer) if i else f"b{j}_{layer}"
    index = net.parameter_index(name)
    parameter = _parameter(name)
    single = all(units == 1 for units in net.layer_sizes[layer + 1:]) and not _softmax_without_cce(point)
    factors, delta_lines = _path_factors(point, layer, j) if single else _delta_factors(point, layer, j)
    if i:
        factors.append((_node(net, layer - 1, i), float(point.a(layer - 1)[i - 1])))
    labels, values = zip(*factors)
    product = math.prod(values)
    gradient = float(trace.gradient[index])
    optimizer = get_optimizer("sgd" if optimizer is None else optimizer, learning_rate)
    value = float(net.params[index])
    update = 0.0 if frozen or not with_update else float(optimizer.update_of(trace.gradient)[index])
    symbolic = _cat("∂L/∂", parameter, " = mean( ", _join(" · ", labels), " )")
    if point.rule == "perceptron":
        symbolic += "   (perceptron rule)"
    samples = f"{point.n} sample{'s' if point.n > 1 else ''}"
    lines = [symbolic, *delta_lines,
             _cat(f"sample {point.s + 1}: ", _join(" · ", (fmt(v, paren=k > 0) for k, v in enumerate(values))),
                  " = ", fmt(product)),
             _cat(f"mean over {samples}: ∂L/∂", parameter, " = ", fmt(gradient))]
    if frozen:
        lines.append(_frozen_line(parameter, value))
    elif with_update:
        lines.append(_update_line(optimizer, parameter, value, gradient, update))
    return _formula(lines, value=value, gradient=gradient, factors=tuple((l.text, v) for l, v in factors),
                    product=product, update=update if with_update or frozen else None,
                    new_value=value + update if with_update or frozen else None, optimizer=optimizer.name)


def _softmax_without_cce(point: _Sample) -> bool:
    """Softmax trained through the chain rule: every output depends on every z."""
    return point.net.layers[-1].activation.name == "softmax" and point.rule == "chain"


def _f_prime(net: Network, layer: int, unit: int) -> _Rich:
    return _cat(_derivative_name(net.layers[layer - 1].activation), "(", _symbol("z", unit, layer), ")")


def _output_factors(point: _Sample, unit: int) -> list:
    """∂ℓ/∂ŷ · f′(z) at output `unit`; (ŷ − y) (over the count the loss divides by) when fused."""
    net, top = point.net, len(point.net.layers)
    y_hat = _output(net, "ŷ", unit)
    if point.rule == "chain":
        return [(_cat("∂ℓ/∂", y_hat), float(point.loss_gradient()[unit - 1])),
                (_f_prime(net, top, unit), float(point.derivative(top)[unit - 1]))]
    label = _cat("(", y_hat, " − ", _output(net, "y", unit), ")")
    count = point.loss._count(point.column(point.trace.targets)) if point.rule == "fused" else 1
    return [(label + (f"/{count}" if count > 1 else ""), float(point.output_delta()[unit - 1]))]


def _path_factors(point: _Sample, layer: int, j: int) -> tuple[list, list]:
    """The factors along the only path from node j of `layer` up to the loss, output first."""
    net, top = point.net, len(point.net.layers)
    node = j if layer == top else 1
    factors = _output_factors(point, node)
    for above in range(top, layer, -1):
        below = j if above - 1 == layer else 1
        factors += [(_weight(below, node, above), float(net.layers[above - 1].kernel[below - 1, node - 1])),
                    (_f_prime(net, above - 1, below), float(point.derivative(above - 1)[below - 1]))]
        node = below
    return factors, []


def _delta_factors(point: _Sample, layer: int, j: int) -> tuple[list, list]:
    """δ{j}_{layer} as the one factor, with the line of the δ recursion that gives it."""
    net, delta = point.net, _symbol("δ", j, layer)
    if layer == len(net.layers):  # softmax without cross-entropy: the Jacobian couples the outputs
        gradient, y_hat = point.loss_gradient(), point.a(layer)
        coupling = float(y_hat @ gradient)
        value = float(y_hat[j - 1] * (gradient[j - 1] - coupling))
        mine, each = _output(net, "ŷ", j), _output(net, "ŷ", "k")
        line = _cat(delta, " = ", mine, "·(∂ℓ/∂", mine, " − Σₖ ", each, "·∂ℓ/∂", each, ") = ",
                    fmt(y_hat[j - 1]), "·(", fmt(gradient[j - 1]), " − ", fmt(coupling, paren=True), ") = ",
                    fmt(value))
        return [(delta, value)], [line]
    weights, deltas = net.layers[layer].kernel[j - 1], point.delta(layer + 1)
    slope = float(point.derivative(layer)[j - 1])
    value = slope * float(weights @ deltas)
    weight_k = _symbol("w", f"{j}{',' if j > 9 else ''}k", layer + 1)
    terms = _sum(deltas.size, lambda k: _cat(fmt(weights[k], paren=k > 0), "·", fmt(deltas[k], paren=True)))
    line = _cat(delta, " = ", _f_prime(net, layer, j), " · Σₖ ", weight_k, "·", _symbol("δ", "k", layer + 1),
                " = ", fmt(slope), " · (", terms, ") = ", fmt(value))
    return [(delta, value)], [line]


def _update_line(optimizer: Optimizer, parameter: _Rich, value: float, gradient: float, update: float) -> _Rich:
    new = fmt(value + update)
    if optimizer.name == "sgd":
        return _cat(parameter, " ← ", parameter, " − lr·∂L/∂", parameter, " = ", fmt(value), " − ",
                    _setting(optimizer.learning_rate), "·", fmt(gradient, paren=True), " = ", new)
    rule = _STEP_RULES[optimizer.name](optimizer) if optimizer.name in _STEP_RULES else "its step"
    return _cat(parameter, " ← ", parameter, " + Δ = ", fmt(value), " + ", fmt(update, paren=True), " = ", new,
                f"   ({optimizer.name}, lr = {_setting(optimizer.learning_rate)}: {rule})")


def _frozen_line(parameter: _Rich, value: float) -> _Rich:
    return _cat(parameter, " ← ", parameter, " = ", fmt(value), "   (frozen: not updated)")


