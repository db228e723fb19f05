"""Weights files built to hurt: deep nesting, huge declared layers, sizes, FIFOs (issue 18)."""

from __future__ import annotations

import json
import os

import pytest

from fcviz.core import limits
from fcviz.core.network import Network
from fcviz.io.weights import WeightsError, apply_weights, load_weights


def refusal(load, *args) -> str:
    with pytest.raises(WeightsError) as error:
        load(*args)
    return str(error.value)


def test_json_nested_100k_deep_is_refused_without_recursion(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert refusal(load_weights, path) == f"{path} nests deeper than 64 levels (not a weights file)"


def test_a_huge_declared_layer_is_refused_before_its_kernel_is_read(tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"format": "fcviz-weights", "version": 1, "input_dim": 1, "layers": [
        {"units": 30_000, "activation": "tanh", "use_bias": False, "kernel": "not read"}]}))
    assert refusal(load_weights, path) == f"{path}: units in a layer: 30,000 is more than the 4,096 fcviz supports"


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_WEIGHTS_JSON_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(" " * 1000)
    with pytest.raises(WeightsError, match="big.json is 0.0 MB; fcviz opens a weights file of at most 0 MB"):
        load_weights(path, limits.MAX_WEIGHTS_JSON_BYTES)


def test_weights_far_larger_than_the_network_needs_are_refused_unread(tmp_path):
    path = tmp_path / "w.json"
    with open(path, "w") as stream:
        stream.write(" " * (3 * 2 ** 20))  # 3 MB for a 7-parameter network: not its weights
    assert "w.json is 3.0 MB; fcviz opens a weights file of at most 1 MB" in refusal(
        apply_weights, Network([1, 2, 1], ["sigmoid", "sigmoid"]), path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "w.json"
    os.mkfifo(fifo)
    assert refusal(load_weights, fifo) == (f"{fifo} cannot be read: "
                                           "w.json is a FIFO (named pipe), not a file fcviz can open")
