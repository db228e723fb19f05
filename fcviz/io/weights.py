"""Weights JSON (see docs/ARCHITECTURE.md, File formats) and exports of a network as NumPy, PyTorch or Keras code.

Floats are written as `repr` text (JSON's float format too), so every file and every
export holds exactly the network's numbers. A custom activation is translated from its
validated expression tree into the target library's calls; nothing is ever eval'd.
"""

from __future__ import annotations

import ast
import copy
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fcviz import __version__
from fcviz.core import limits
from fcviz.core.activations import LEAKY_SLOPE, CustomActivation, get_activation
from fcviz.core.network import Network
from fcviz.core.preprocessing import PreprocessedNetwork, Preprocessing
from fcviz.io.files import FileRefused, check_format, read_limited, write_atomically

FORMAT = "fcviz-weights"
VERSION = 1


class WeightsError(ValueError):
    """Weights that cannot be read or do not fit; the message names the file and the problem."""


# --- weights JSON ---------------------------------------------------------------

def weights_to_dict(net: Network, preprocessing: Preprocessing | None = None) -> dict:
    """The Weights JSON document of `net` (a layer without bias has no "bias" entry).

    Preprocessing, when there is some, is an optional "preprocessing" block that
    readers without it ignore.
    """
    layers = []
    for layer in net.layers:
        entry = {"units": layer.units, "activation": layer.activation.to_config(),
                 "use_bias": layer.use_bias, "kernel": layer.kernel.tolist()}
        if layer.use_bias:
            entry["bias"] = layer.bias.tolist()
        layers.append(entry)
    document = {"format": FORMAT, "version": VERSION, "input_dim": net.layer_sizes[0], "layers": layers}
    if preprocessing is not None:
        document["preprocessing"] = preprocessing.to_dict()
    return document


def network_from_dict(document, source: str = "weight data") -> Network:
    """A Network built from a Weights JSON document; WeightsError naming `source` if it is invalid."""
    version = check_format(document, FORMAT, VERSION, source, "an fcviz weights file", WeightsError)
    try:
        if version != VERSION:
            raise ValueError(f"unknown format version {version!r}")
        return _build(document)
    except limits.LimitError as exc:
        raise WeightsError(f"{source}: {exc}") from exc
    except ValueError as exc:
        raise WeightsError(f"{source} is invalid: {exc}") from exc


def save_weights(path, net: Network, inputs=(), preprocessing: Preprocessing | None = None) -> None:
    """Write the Weights JSON of `net` (and its preprocessing) to `path` (atomically; never over one of `inputs`)."""
    _write_text(path, _weights_text(net, preprocessing), inputs)


def _weights_text(net: Network, preprocessing: Preprocessing | None = None) -> str:
    return _pretty_json(weights_to_dict(net, preprocessing)) + "\n"


# a weights file of n parameters holds about 20 characters per number; this allows 4x that
_BYTES_PER_PARAMETER = 80


def load_weights(path, max_bytes: int = limits.MAX_WEIGHTS_JSON_BYTES) -> Network:
    """The network stored in the Weights JSON file `path` (refused unread beyond `max_bytes`)."""
    return load_model(path, max_bytes)[0]


def load_model(path, max_bytes: int = limits.MAX_WEIGHTS_JSON_BYTES) -> tuple[Network, Preprocessing | None]:
    """The network and (if the file has the block) the preprocessing stored in the Weights JSON `path`."""
    source = os.fspath(path)
    try:
        data = read_limited(path, max_bytes, "weights file")
        if limits.json_depth(data) > limits.MAX_JSON_DEPTH:
            raise WeightsError(f"{source} nests deeper than {limits.MAX_JSON_DEPTH} levels (not a weights file)")
        text = data.decode("utf-8")
    except OSError as exc:
        raise WeightsError(f"{source} cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise WeightsError(f"{source} is not UTF-8 text (byte {exc.start})") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WeightsError(f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                           f"column {exc.colno}") from exc
    net = network_from_dict(document, source)
    return net, preprocessing_from_dict(document, net, source)


def preprocessing_from_dict(document: dict, net: Network, source: str = "weight data") -> Preprocessing | None:
    """The optional "preprocessing" block, checked against the network's inputs and outputs."""
    if "preprocessing" not in document:
        return None
    try:
        preprocessing = Preprocessing.from_dict(document["preprocessing"])
    except ValueError as exc:
        raise WeightsError(f"{source} is invalid: {exc}") from exc
    if (preprocessing.fill.size, preprocessing.y_shift.size) != (net.layer_sizes[0], net.layer_sizes[-1]):
        raise WeightsError(f"{source} is invalid: its preprocessing has {preprocessing.fill.size} inputs and "
                           f"{preprocessing.y_shift.size} outputs, the network {net.layer_sizes[0]} and "
                           f"{net.layer_sizes[-1]}")
    return preprocessing


def apply_weights(net: Network, path) -> Preprocessing | None:
    """Load the weights file `path` into `net` (its layer shapes must match); returns its preprocessing."""
    source = os.fspath(path)
    loaded, preprocessing = load_model(
        path, min(limits.MAX_WEIGHTS_JSON_BYTES, 2 ** 20 + _BYTES_PER_PARAMETER * net.params.size))
    if len(loaded.layers) != len(net.layers):
        raise WeightsError(f"{source} does not fit the network: it has {len(loaded.layers)} layers, "
                           f"the network has {len(net.layers)}")
    for number, (mine, theirs) in enumerate(zip(net.layers, loaded.layers), 1):
        expected, found = (mine.fan_in, mine.units), (theirs.fan_in, theirs.units)
        if expected != found:
            raise WeightsError(f"{source} does not fit the network: layer {number} kernel: "
                               f"expected shape {expected}, found {found}")
        if mine.use_bias != theirs.use_bias:
            has = ("has a bias", "has no bias")
            raise WeightsError(f"{source} does not fit the network: layer {number}: the network "
                               f"{has[not mine.use_bias]}, the file {has[not theirs.use_bias]}")
    net.set_weights(loaded.get_weights())
    return preprocessing


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _build(document: dict) -> Network:
    """Check every layer entry, then build the network (ValueError naming the layer otherwise)."""
    fan_in = _entry(document, "input_dim", "the file")
    if not _is_int(fan_in) or fan_in < 1:
        raise ValueError(f"input_dim must be a positive integer, not {fan_in!r}")
    layers = _entry(document, "layers", "the file")
    if not isinstance(layers, list) or not layers:
        raise ValueError("layers must be a non-empty list")
    limits.check_count("layers", len(layers), limits.MAX_LAYERS)
    declared = [layer.get("units") if isinstance(layer, dict) else None for layer in layers]
    valid = [units for units in declared if isinstance(units, int) and _is_int(units) and units >= 1]
    if len(valid) == len(declared):
        limits.check_network([fan_in, *valid])  # before any kernel is read
    sizes, activations, biases, weights = [fan_in], [], [], []
    for number, layer in enumerate(layers, 1):
        where = f"layer {number}"
        if not isinstance(layer, dict):
            raise ValueError(f"{where} must be an object, not {layer!r}")
        units, use_bias = _entry(layer, "units", where), _entry(layer, "use_bias", where)
        if not _is_int(units) or units < 1:
            raise ValueError(f"{where} units must be a positive integer, not {units!r}")
        if not isinstance(use_bias, bool):
            raise ValueError(f"{where} use_bias must be true or false, not {use_bias!r}")
        try:
            activations.append(get_activation(_entry(layer, "activation", where)))
        except ValueError as exc:
            raise ValueError(f"{where} activation: {exc}") from None
        weights.append(_matrix(_entry(layer, "kernel", where), sizes[-1], units, f"{where} kernel"))
        if use_bias:
            weights.append(_row(_entry(layer, "bias", where), units, f"{where} bias"))
        elif "bias" in layer:
            raise ValueError(f"{where} has use_bias false but gives a bias")
        sizes.append(units)
        biases.append(use_bias)
    net = Network(sizes, activations, use_bias=biases)
    net.set_weights(weights)
    return net


def _entry(mapping: dict, key: str, where: str):
    if key not in mapping:
        raise ValueError(f"{where} has no {key!r}")
    return mapping[key]


def _matrix(value, rows: int, columns: int, where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != rows:
        found = len(value) if isinstance(value, list) else repr(value)
        raise ValueError(f"{where} must have {rows} rows (one per input), found {found}")
    return np.array([_row(row, columns, f"{where} row {r}") for r, row in enumerate(value, 1)])


def _row(value, size: int, where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != size:
        found = len(value) if isinstance(value, list) else repr(value)
        raise ValueError(f"{where} must have {size} values (one per unit), found {found}")
    for position, number in enumerate(value, 1):
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ValueError(f"{where} value {position} is not a number: {number!r}")
        if not math.isfinite(number):
            raise ValueError(f"{where} value {position} is {number} (weights must be finite)")
    return np.array(value, dtype=np.float64)


def _pretty_json(value, depth: int = 0) -> str:
    """JSON with objects and lists of lists spread over lines, and rows of numbers kept on one line."""
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key)}: {_pretty_json(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        items = [inner + _pretty_json(item, depth + 1) for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, allow_nan=False)


def _write_text(path, text: str, inputs=()) -> None:
    try:
        write_atomically(path, lambda stream: stream.write(text.encode("utf-8")), inputs)
    except FileRefused as exc:
        raise WeightsError(str(exc)) from exc
    except OSError as exc:
        raise WeightsError(f"{os.fspath(path)} cannot be saved: {exc.strerror or exc}") from exc


# --- custom activations as code ---------------------------------------------------

@dataclass(frozen=True)
class _Library:
    """How an export target spells the functions of a custom activation."""

    prefix: str                # module of exp, log, ..., full_like: "np.", "torch.", "keras.ops."
    sigmoid: str
    constant_argument: str = "{}"  # wraps a function argument that does not depend on x

    def name(self, function: str) -> str:
        return self.sigmoid if function == "sigmoid" else self.prefix + function


_NUMPY = _Library("np.", "sigmoid")
_TORCH = _Library("torch.", "torch.sigmoid", "torch.as_tensor({}, dtype=x.dtype)")  # torch.exp(2.0) fails
_KERAS = _Library("keras.ops.", "keras.ops.sigmoid")


class _Translate(ast.NodeTransformer):
    """Rewrite a validated expression tree for one library; numbers become floats, as fcviz computes."""

    def __init__(self, library: _Library):
        self.library = library

    def visit_Constant(self, node):
        return ast.Constant(float(node.value))

    def visit_Call(self, node):
        self.generic_visit(node)
        node.func = _code_tree(self.library.name(node.func.id))
        node.args = [arg if _uses_x(arg) else _code_tree(self.library.constant_argument.format(ast.unparse(arg)))
                     for arg in node.args]
        return node


def _code_tree(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


def _uses_x(tree: ast.AST) -> bool:
    return any(isinstance(node, ast.Name) and node.id == "x" for node in ast.walk(tree))


def _expression_code(activation: CustomActivation, library: _Library) -> str:
    """The custom activation as an expression in `x` for `library` (same shape as x, always)."""
    tree = activation.expression.tree
    code = ast.unparse(_Translate(library).visit(copy.deepcopy(tree)))
    return code if _uses_x(tree) else f"{library.prefix}full_like(x, {code})"


def _custom(net: Network) -> list[CustomActivation]:
    """The distinct custom activations of `net`, in layer order."""
    found: dict[str, CustomActivation] = {}
    for layer in net.layers:
        if isinstance(layer.activation, CustomActivation):
            found.setdefault(layer.activation.name, layer.activation)
    return list(found.values())


def _uses_function(activations: list[CustomActivation], function: str) -> bool:
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function
               for act in activations for node in ast.walk(act.expression.tree))


# --- exports --------------------------------------------------------------------

def _array_text(array: np.ndarray, indent: str) -> str:
    """A list literal of a 1-D or 2-D array, a row per line, floats as exact repr text."""
    if array.ndim == 1:
        return json.dumps(array.tolist(), allow_nan=False)
    rows = f",\n{indent} ".join(json.dumps(row, allow_nan=False) for row in array.tolist())
    return f"[{rows}]"


def _architecture(net: Network) -> str:
    return "-".join(str(size) for size in net.layer_sizes)


_NUMPY_BUILTINS = {
    "linear": "return x",
    "sigmoid": "return 0.5 * (1.0 + np.tanh(0.5 * x))",
    "tanh": "return np.tanh(x)",
    "relu": "return np.maximum(x, 0.0)",
    "leaky_relu": f"return np.maximum(x, {LEAKY_SLOPE!r} * x)",
    "elu": "return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))",
    "softplus": "return np.logaddexp(0.0, x)",
    "heaviside": "return (x >= 0).astype(x.dtype)",
    "softmax": "e = np.exp(x - x.max(axis=1, keepdims=True))  # samples are rows\n"
               "    return e / e.sum(axis=1, keepdims=True)",
}


def _preprocessing_constants(preprocessing: Preprocessing) -> str:
    rows = (("FILL", preprocessing.fill, "value of a missing (NaN) input, from the training rows"),
            ("X_SHIFT", preprocessing.x_shift, "network input = (x - X_SHIFT) / X_SCALE"),
            ("X_SCALE", preprocessing.x_scale, ""),
            ("Y_SHIFT", preprocessing.y_shift, "output = network output * Y_SCALE + Y_SHIFT"),
            ("Y_SCALE", preprocessing.y_scale, ""))
    return "".join(f"{name} = {_array_text(values, '')}{'  # ' + note if note else ''}\n"
                   for name, values, note in rows)


def export_numpy(net: Network, example=None, preprocessing: Preprocessing | None = None) -> str:
    """A standalone NumPy script with `predict(X)`; run as a program it prints predict(example).

    `example` is one input sample (zeros by default). With `preprocessing`,
    predict takes inputs and gives outputs in the data's own units.
    """
    custom = _custom(net)
    names = {act.name: f"custom_{number}" for number, act in enumerate(custom, 1)}
    builtins = [name for name in _NUMPY_BUILTINS
                if any(layer.activation.name == name for layer in net.layers)
                or (name == "sigmoid" and _uses_function(custom, "sigmoid"))]
    functions = [f"def {name}(x):\n    {_NUMPY_BUILTINS[name]}\n" for name in builtins]
    functions += [f'def {names[act.name]}(x):\n    """{act.name}"""\n    return {_expression_code(act, _NUMPY)}\n'
                  for act in custom]
    layers = []
    for layer in net.layers:
        bias = f"np.array({_array_text(layer.bias, '')})" if layer.use_bias else "None"
        layers.append(f"    (np.array({_array_text(layer.kernel, '              ')}),\n"
                      f"     {bias},\n     {names.get(layer.activation.name, layer.activation.name)}),\n")
    n_in, n_out = net.layer_sizes[0], net.layer_sizes[-1]
    example = np.zeros(n_in) if example is None else np.asarray(example, dtype=np.float64).reshape(n_in)
    if preprocessing is None:
        constants, prepare, finish = "", "", "    return a"
    else:
        constants = ("\n# fcviz's preprocessing, fitted on the training rows.\n"
                     + _preprocessing_constants(preprocessing))
        prepare = ("    a = np.where(np.isnan(a), FILL, a)\n"
                   "    a = (a - np.array(X_SHIFT)) / np.array(X_SCALE)\n")
        finish = "    return a * np.array(Y_SCALE) + np.array(Y_SHIFT)"
    return f'''"""A {_architecture(net)} network exported from fcviz {__version__}; it needs only NumPy.

    from this_module import predict
    predict(X)  # X of shape (n, {n_in}) -> outputs of shape (n, {n_out})
"""

import numpy as np

N_INPUTS = {n_in}
{constants}

{"""

""".join(functions)}

# (kernel, bias, activation) per layer; kernel is (inputs, units) as in Keras, bias None if absent.
LAYERS = [
{"".join(layers)}]


def predict(X):
    """Outputs, shape (n, {n_out}), for inputs X of shape (n, {n_in}) (or one sample of shape ({n_in},))."""
    a = np.asarray(X, dtype=float)
    if a.ndim == 1:  # one sample, or one value per sample for a one-input network
        a = a.reshape(-1, N_INPUTS)
{prepare}    for kernel, bias, activation in LAYERS:
        z = a @ kernel
        if bias is not None:
            z = z + bias
        a = activation(z)
{finish}


if __name__ == "__main__":
    example = np.array([{_array_text(example, '')}])
    print(predict(example).tolist())
'''


_TORCH_MODULES = {
    "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
    "leaky_relu": f"nn.LeakyReLU({LEAKY_SLOPE!r})", "elu": "nn.ELU()", "softplus": "nn.Softplus()",
    "softmax": "nn.Softmax(dim=1)", "heaviside": 'Expression("heaviside", lambda x: (x >= 0).to(x.dtype))',
}

_TORCH_EXPRESSION_MODULE = '''

class Expression(nn.Module):
    """An activation given as a formula in x."""

    def __init__(self, formula, function):
        super().__init__()
        self.formula = formula
        self.function = function

    def forward(self, x):
        return self.function(x)

    def extra_repr(self):
        return self.formula
'''


_TORCH_PREPROCESSING = '''

class Preprocessed(nn.Module):
    """fcviz's preprocessing around the network: fill missing inputs, scale them, unscale the outputs."""

    def __init__(self, network):
        super().__init__()
        self.network = network
        for name, values in (("fill", FILL), ("x_shift", X_SHIFT), ("x_scale", X_SCALE),
                             ("y_shift", Y_SHIFT), ("y_scale", Y_SCALE)):
            self.register_buffer(name, torch.tensor(values, dtype=DTYPE))

    def forward(self, x):
        x = torch.where(torch.isnan(x), self.fill, x)
        return self.network((x - self.x_shift) / self.x_scale) * self.y_scale + self.y_shift
'''


def export_torch(net: Network, preprocessing: Preprocessing | None = None) -> str:
    """A PyTorch script building `model`, an nn.Sequential holding the network's weights
    (wrapped in a module applying the preprocessing, when there is some)."""
    modules: list[str] = []
    state: list[str] = []
    for layer in net.layers:
        index = len(modules)
        modules.append(f"nn.Linear({layer.fan_in}, {layer.units}, bias={layer.use_bias}, dtype=DTYPE)")
        opening = f'    "{index}.weight": torch.tensor('
        state.append(f"{opening}{_array_text(layer.kernel.T, ' ' * len(opening))}, dtype=DTYPE),\n")
        if layer.use_bias:
            state.append(f'    "{index}.bias": torch.tensor({_array_text(layer.bias, "")}, dtype=DTYPE),\n')
        act = layer.activation
        if isinstance(act, CustomActivation):
            modules.append(f"Expression({json.dumps(act.name)}, lambda x: {_expression_code(act, _TORCH)})")
        elif act.name != "linear":
            modules.append(_TORCH_MODULES[act.name])
    needs_expression = any(module.startswith("Expression(") for module in modules)
    listing = "".join(f"    {module},\n" for module in modules)
    name = "model" if preprocessing is None else "network"
    wrapper = "" if preprocessing is None else (
        "\n# fcviz's preprocessing, fitted on the training rows.\n" + _preprocessing_constants(preprocessing)
        + _TORCH_PREPROCESSING)
    wrap = "" if preprocessing is None else "model = Preprocessed(network)\n"
    return f'''"""A {_architecture(net)} network exported from fcviz {__version__} as a PyTorch nn.Sequential.

    from this_module import model
    model(torch.tensor(X, dtype=DTYPE))
"""

import torch
from torch import nn

DTYPE = torch.{net.dtype.name}
{_TORCH_EXPRESSION_MODULE if needs_expression else ""}{wrapper}

{name} = nn.Sequential(
{listing})
# nn.Linear keeps its weight as (units, inputs): the transpose of the Keras-layout kernel.
{name}.load_state_dict({{
{"".join(state)}}})
{wrap}model.eval()
'''


_KERAS_ACTIVATIONS = {
    "leaky_relu": f"lambda x: keras.ops.leaky_relu(x, negative_slope={LEAKY_SLOPE!r})",
    "heaviside": "lambda x: keras.ops.cast(keras.ops.greater_equal(x, 0.0), x.dtype)",
}


def export_keras(net: Network, preprocessing: Preprocessing | None = None) -> str:
    """A Keras script building `model`, a Sequential of Dense layers holding the network's weights
    (inside a functional model applying the preprocessing, when there is some)."""
    dtype = net.dtype.name
    layers = [f'    keras.Input(({net.layer_sizes[0]},), dtype="{dtype}"),\n']
    for layer in net.layers:
        act = layer.activation
        if isinstance(act, CustomActivation):
            activation = f"lambda x: {_expression_code(act, _KERAS)}"
        else:
            activation = _KERAS_ACTIVATIONS.get(act.name, json.dumps(act.name))
        layers.append(f"    keras.layers.Dense({layer.units}, activation={activation}, "
                      f'use_bias={layer.use_bias}, dtype="{dtype}"),\n')
    weights = "".join(f"    np.array({_array_text(w, '             ')}),\n" for w in net.get_weights())
    name = "model" if preprocessing is None else "network"
    wrap = "" if preprocessing is None else (
        "\n# fcviz's preprocessing, fitted on the training rows.\n" + _preprocessing_constants(preprocessing) +
        f'inputs = keras.Input(({net.layer_sizes[0]},), dtype="{dtype}")\n'
        "filled = keras.ops.where(keras.ops.isnan(inputs), np.array(FILL), inputs)\n"
        "outputs = network((filled - np.array(X_SHIFT)) / np.array(X_SCALE)) * np.array(Y_SCALE) + np.array(Y_SHIFT)\n"
        "model = keras.Model(inputs, outputs)\n")
    return f'''"""A {_architecture(net)} network exported from fcviz {__version__} as a Keras Sequential model.

    from this_module import model
    model.predict(X)
"""

import keras
import numpy as np

{name} = keras.Sequential([
{"".join(layers)}])
# Keras order: kernel (inputs, units), then bias, for each layer that has one.
{name}.set_weights([
{weights}])
{wrap}'''


def export(net: Network | PreprocessedNetwork, fmt: str, path, inputs=(),
           preprocessing: Preprocessing | None = None, cancelled: Callable[[], bool] = lambda: False) -> None:
    """Write `net` to `path` as `fmt`: numpy, torch or keras code, or json weights (never over `inputs`).

    A PreprocessedNetwork (what a snapshot hands out) brings its preprocessing along. Nothing is written
    if `cancelled()` once the text is made (the window's Cancel: 8M parameters take half a minute).
    """
    plain: Network = net.net if isinstance(net, PreprocessedNetwork) else net
    if isinstance(net, PreprocessedNetwork):
        preprocessing = net.preprocessing
    writers = {"numpy": lambda: export_numpy(plain, preprocessing=preprocessing),
               "torch": lambda: export_torch(plain, preprocessing),
               "keras": lambda: export_keras(plain, preprocessing),
               "json": lambda: _weights_text(plain, preprocessing)}
    key = str(fmt).strip().lower()
    if key not in writers:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(writers)}")
    text = writers[key]()
    if not cancelled():
        _write_text(path, text, inputs)
