"""Weights JSON round trips and errors; NumPy, PyTorch and Keras exports compute what the network does."""

import ast
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fcviz.core import Network
from fcviz.core.presets import CLOTHES_INITIAL
from fcviz.io.weights import (
    WeightsError,
    apply_weights,
    export,
    export_keras,
    export_numpy,
    export_torch,
    load_weights,
    network_from_dict,
    save_weights,
    weights_to_dict,
)

BUILTIN_ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "heaviside"]
CUSTOM_ACTIVATIONS = ["x*sigmoid(x)", "x**2", "minimum(maximum(x, 0), 6)", "sin(x)*cos(x) - abs(x)/3",
                      "sqrt(x**2 + 1) + log(1 + exp(-x))", "exp(2)*x - 2**3", "-x**3/3", "2.5"]


def clothes_network() -> Network:
    net = Network([1, 2, 1], ["sigmoid", "sigmoid"])
    for name, value in CLOTHES_INITIAL.items():
        net.set_parameter(name, value)
    return net


def mixed_network(hidden="x*sigmoid(x)", output="sigmoid") -> Network:
    """A 3-4-3-2 network with a layer without bias and trained-looking (random, non-zero) weights."""
    net = Network([3, 4, 3, 2], [hidden, "tanh", output], seed=7, use_bias=[True, False, True])
    net.params[...] = np.random.default_rng(1).normal(size=net.params.size)
    return net


def assert_same_network(a: Network, b: Network) -> None:
    assert a.layer_sizes == b.layer_sizes
    assert a.activations == b.activations
    assert [layer.use_bias for layer in a.layers] == [layer.use_bias for layer in b.layers]
    for mine, theirs in zip(a.get_weights(), b.get_weights()):
        assert np.array_equal(mine, theirs)


def samples(n_in: int, n: int = 25) -> np.ndarray:
    return np.random.default_rng(2).uniform(-3, 3, size=(n, n_in))


# --- Weights JSON -----------------------------------------------------------------------

def test_the_document_follows_the_design():
    assert weights_to_dict(clothes_network()) == {
        "format": "fcviz-weights", "version": 1, "input_dim": 1,
        "layers": [
            {"units": 2, "activation": "sigmoid", "use_bias": True, "kernel": [[0.1, 0.9]], "bias": [0.6, -1.5]},
            {"units": 1, "activation": "sigmoid", "use_bias": True, "kernel": [[0.1], [0.9]], "bias": [0.2]},
        ],
    }


def test_a_layer_without_bias_has_no_bias_entry():
    layer = weights_to_dict(mixed_network())["layers"][1]
    assert layer["use_bias"] is False and "bias" not in layer


@pytest.mark.parametrize("hidden", ["relu", "x*sigmoid(x)", "x**2"])
def test_files_round_trip_exactly(tmp_path, hidden):
    net = mixed_network(hidden)
    path = tmp_path / "w.json"
    save_weights(path, net)
    assert json.loads(path.read_text()) == weights_to_dict(net)
    assert_same_network(load_weights(path), net)


def test_dicts_round_trip_exactly():
    net = mixed_network(output="softmax")
    assert_same_network(network_from_dict(weights_to_dict(net)), net)


def test_a_float32_network_is_stored_with_its_exact_values(tmp_path):
    net = Network([2, 3, 1], "tanh", dtype=np.float32, seed=4)
    save_weights(tmp_path / "w.json", net)
    loaded = load_weights(tmp_path / "w.json")
    assert np.array_equal(loaded.params, net.params.astype(np.float64))


def test_apply_weights_loads_into_a_matching_network(tmp_path):
    source, target = mixed_network(), Network([3, 4, 3, 2], "relu", use_bias=[True, False, True])
    save_weights(tmp_path / "w.json", source)
    apply_weights(target, tmp_path / "w.json")
    assert np.array_equal(target.params, source.params)
    assert target.activations == ["relu"] * 3  # only the numbers are taken


@pytest.mark.parametrize("target, problem", [
    (Network([3, 4, 2]), "it has 3 layers, the network has 2"),
    (Network([3, 5, 3, 2], use_bias=[True, False, True]), "layer 1 kernel: expected shape (3, 5), found (3, 4)"),
    (Network([3, 4, 3, 2]), "layer 2: the network has a bias, the file has no bias"),
])
def test_apply_weights_names_what_does_not_fit(tmp_path, target, problem):
    path = tmp_path / "w.json"
    save_weights(path, mixed_network())
    before = target.params.copy()
    with pytest.raises(WeightsError) as error:
        apply_weights(target, path)
    assert str(error.value) == f"{path} does not fit the network: {problem}"
    assert isinstance(error.value, ValueError)
    assert np.array_equal(target.params, before)


def write_document(tmp_path, change) -> str:
    """A weights file for the clothes network after `change(document)`; returns its path."""
    document = weights_to_dict(clothes_network())
    change(document)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(document))
    return str(path)


def layer(number, **values):
    def change(document):
        document["layers"][number - 1].update(values)
    return change


def load_error(path) -> str:
    with pytest.raises(WeightsError) as error:
        load_weights(path)
    return str(error.value)


@pytest.mark.parametrize("change, problem", [
    (layer(1, kernel=[[0.1, 0.9], [0.5]]), "layer 1 kernel must have 1 rows (one per input), found 2"),
    (layer(2, kernel=[[0.1], [0.9, 0.3]]), "layer 2 kernel row 2 must have 1 values (one per unit), found 2"),
    (layer(2, kernel=[[0.1], 0.9]), "layer 2 kernel row 2 must have 1 values (one per unit), found 0.9"),
    (layer(1, kernel=[[0.1, "abc"]]), "layer 1 kernel row 1 value 2 is not a number: 'abc'"),
    (layer(1, kernel=[[0.1, True]]), "layer 1 kernel row 1 value 2 is not a number: True"),
    (layer(2, bias=[float("nan")]), "layer 2 bias value 1 is nan (weights must be finite)"),
    (layer(1, bias=[1e999, 0.0]), "layer 1 bias value 1 is inf (weights must be finite)"),
    (layer(1, bias=[0.0]), "layer 1 bias must have 2 values (one per unit), found 1"),
    (layer(1, units=0), "layer 1 units must be a positive integer, not 0"),
    (layer(1, use_bias="yes"), "layer 1 use_bias must be true or false, not 'yes'"),
    (layer(2, use_bias=False), "layer 2 has use_bias false but gives a bias"),
    (layer(1, activation="swishy"), "layer 1 activation: unknown activation 'swishy'; use one of elu, heaviside, "
                                    "leaky_relu, linear, relu, sigmoid, softmax, softplus, tanh or an expression in x"),
    (layer(1, activation="softmax"), "softmax belongs on the output layer, not hidden layer 1"),
    (lambda d: d["layers"][0].pop("kernel"), "layer 1 has no 'kernel'"),
    (lambda d: d.pop("input_dim"), "the file has no 'input_dim'"),
    (lambda d: d.update(input_dim=2.0), "input_dim must be a positive integer, not 2.0"),
    (lambda d: d.update(layers=[]), "layers must be a non-empty list"),
    (lambda d: d["layers"].append(3), "layer 3 must be an object, not 3"),
    (lambda d: d.update(version="1"), "unknown format version '1'"),
])
def test_invalid_content_is_named(tmp_path, change, problem):
    path = write_document(tmp_path, change)
    assert load_error(path) == f"{path} is invalid: {problem}"


def test_a_newer_version_is_refused(tmp_path):
    path = write_document(tmp_path, lambda d: d.update(version=3))
    assert load_error(path) == f"{path} was saved by a newer fcviz (format version 3); this version reads up to 1"


def test_another_format_is_refused(tmp_path):
    path = write_document(tmp_path, lambda d: d.update(format="keras"))
    assert load_error(path) == f"{path} is not an fcviz weights file (format 'keras', expected 'fcviz-weights')"


def test_bad_json_is_located(tmp_path):
    path = tmp_path / "w.json"
    path.write_text('{\n  "format": "fcviz-weights",\n  "version": 1\n  "input_dim": 1\n}')
    assert load_error(path) == f"{path} is not valid JSON: Expecting ',' delimiter at line 4, column 3"


def test_a_binary_file_is_not_weights(tmp_path):
    path = tmp_path / "w.json"
    path.write_bytes(b'{"format": \xff}')
    assert load_error(path) == f"{path} is not UTF-8 text (byte 11)"


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "none.json"
    assert load_error(path) == f"{path} cannot be read: No such file or directory"


def test_a_dict_error_names_its_source():
    with pytest.raises(WeightsError) as error:
        network_from_dict({"format": "fcviz-weights", "version": 1, "input_dim": 1, "layers": "none"})
    assert str(error.value) == "weight data is invalid: layers must be a non-empty list"


wrong_values = (st.none() | st.booleans() | st.integers(-2, 5) | st.floats() | st.text(max_size=3)
                | st.lists(st.floats(), max_size=3) | st.lists(st.lists(st.integers(-2, 2), max_size=3), max_size=3))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), value=wrong_values)
def test_any_wrong_value_gives_a_weights_error(data, value):
    document = weights_to_dict(mixed_network())
    target = data.draw(st.sampled_from([document, *document["layers"]]))
    target[data.draw(st.sampled_from(sorted(target)))] = value
    try:
        network_from_dict(document)
    except WeightsError:
        pass


# --- exports -------------------------------------------------------------------------------

def import_script(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(path) -> str:
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


@pytest.mark.parametrize("hidden", BUILTIN_ACTIVATIONS + CUSTOM_ACTIVATIONS)
def test_the_numpy_export_predicts_like_the_network(tmp_path, hidden):
    net = mixed_network(hidden, output="softmax" if hidden == "relu" else "sigmoid")
    path = tmp_path / "exported_net.py"
    export(net, "numpy", path)
    module = import_script(path, f"exported_{abs(hash(hidden))}")
    X = samples(3)
    np.testing.assert_allclose(module.predict(X), net.predict(X), rtol=0, atol=1e-12)


def test_the_numpy_script_prints_the_prediction_for_its_example(tmp_path):
    net = mixed_network()
    example = [0.5, -1.25, 2.0]
    path = tmp_path / "script.py"
    path.write_text(export_numpy(net, example=example))
    printed = json.loads(run_script(path))
    np.testing.assert_allclose(printed, net.predict(np.array([example])), rtol=0, atol=1e-12)


def test_the_numpy_export_takes_one_input_samples_as_a_vector(tmp_path):
    net = clothes_network()
    path = tmp_path / "clothes_export.py"
    export(net, "numpy", path)
    module = import_script(path, "clothes_export")
    sizes = np.linspace(0.5, 6.5, 13)
    np.testing.assert_allclose(module.predict(sizes), net.predict(sizes), rtol=0, atol=1e-12)
    assert json.loads(run_script(path)) == net.predict(np.zeros((1, 1))).tolist()


@pytest.mark.parametrize("hidden", BUILTIN_ACTIVATIONS + CUSTOM_ACTIVATIONS)
def test_the_torch_export_predicts_like_the_network(tmp_path, hidden):
    torch = pytest.importorskip("torch")
    net = mixed_network(hidden, output="softmax" if hidden == "relu" else "sigmoid")
    path = tmp_path / "torch_net.py"
    export(net, "torch", path)
    model = import_script(path, f"torch_{abs(hash(hidden))}").model
    X = samples(3)
    with torch.no_grad():
        predicted = model(torch.tensor(X, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(predicted, net.predict(X), rtol=0, atol=1e-12)


def test_the_torch_export_transposes_kernels():
    source = export_torch(clothes_network())
    assert '"0.weight": torch.tensor([[0.1],\n' in source
    assert '"0.bias": torch.tensor([0.6, -1.5], dtype=DTYPE)' in source
    assert "class Expression" not in source  # only defined when an activation needs it


def literal_arrays(source: str, function: str) -> list[np.ndarray]:
    """The arrays passed as np.array(<literal>) inside calls to `function` in the source."""
    arrays = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == function:
            arrays.extend(np.array(ast.literal_eval(item.args[0])) for item in node.args[0].elts)
    return arrays


def test_the_keras_export_sets_the_exact_weights():
    net = mixed_network()
    source = export_keras(net)
    assert [w.tolist() for w in literal_arrays(source, "model.set_weights")] == [w.tolist() for w in net.get_weights()]
    assert ("keras.layers.Dense(4, activation=lambda x: x * keras.ops.sigmoid(x), use_bias=True, "
            'dtype="float64")') in source
    assert 'keras.layers.Dense(3, activation="tanh", use_bias=False, dtype="float64")' in source
    assert 'keras.Input((3,), dtype="float64")' in source


@pytest.mark.parametrize("hidden", BUILTIN_ACTIVATIONS + CUSTOM_ACTIVATIONS)
def test_the_keras_export_predicts_like_the_network(tmp_path, hidden):
    pytest.importorskip("keras")
    net = mixed_network(hidden)
    path = tmp_path / "keras_net.py"
    export(net, "keras", path)
    model = import_script(path, f"keras_{abs(hash(hidden))}").model
    X = samples(3)
    np.testing.assert_allclose(np.asarray(model(X)), net.predict(X), rtol=0, atol=1e-12)


@pytest.mark.parametrize("fmt", ["numpy", "torch", "keras"])
def test_code_exports_are_valid_python_without_eval(fmt, tmp_path):
    path = tmp_path / "net.py"
    export(mixed_network("x*sigmoid(x)"), fmt.upper(), path)
    source = path.read_text()
    calls = {node.func.id for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & {"eval", "exec", "compile", "__import__"}
    assert "pickle" not in source


def test_the_json_export_is_the_weights_file(tmp_path):
    net = mixed_network()
    export(net, "json", tmp_path / "a.json")
    save_weights(tmp_path / "b.json", net)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_an_unknown_export_format_is_refused(tmp_path):
    with pytest.raises(ValueError) as error:
        export(clothes_network(), "onnx", tmp_path / "net.onnx")
    assert str(error.value) == "unknown export format 'onnx'; use one of numpy, torch, keras, json"
    assert os.listdir(tmp_path) == []


def test_a_failed_export_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    save_weights(path, clothes_network())
    old = path.read_bytes()

    def replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WeightsError) as error:
        export(mixed_network(), "numpy", path)
    assert str(error.value) == f"{path} cannot be saved: No space left on device"
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["w.json"]


def test_weights_with_preprocessing_round_trip_and_a_bad_block_is_named(tmp_path):
    from fcviz.core.preprocessing import Preprocessing
    from fcviz.io.weights import load_model, save_weights

    net = Network([2, 3, 1], ["tanh", "linear"], seed=1)
    pre = Preprocessing.fit(np.array([[1.0, 5.0], [3.0, np.nan], [2.0, 9.0]]), np.array([10.0, 30.0, 20.0]),
                            "standard", scale_target=True)
    path = tmp_path / "w.json"
    save_weights(path, net, preprocessing=pre)
    loaded, again = load_model(path)
    np.testing.assert_array_equal(loaded.params, net.params)
    np.testing.assert_array_equal(again.x_scale, pre.x_scale)
    document = json.loads(path.read_text())
    document["preprocessing"].update(fill=[1.0], x_shift=[0.0], x_scale=[1.0])  # one input, the network has 2
    path.write_text(json.dumps(document))
    with pytest.raises(WeightsError) as caught:
        load_model(path)
    assert str(caught.value) == (f"{path} is invalid: its preprocessing has 1 inputs and 1 outputs, "
                                 "the network 2 and 1")
    for fmt in ("torch", "keras"):
        code = {"torch": export_torch, "keras": export_keras}[fmt](net, pre)
        assert "X_SCALE = " in code and "fitted on the training rows" in code
        compile(code, fmt, "exec")
