"""Random custom-activation text: parsed into the allow-list or refused with a message, never run
as Python. A canary file that any executed payload would touch must stay as it was."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from fuzzing import FUZZ, loads_or_refuses
from hypothesis import given
from hypothesis import strategies as st

from fcviz.core.activations import CustomActivation, get_activation

CANARY = "CANARY"  # replaced by the canary file's path
PAYLOADS = [f"open({CANARY!r}, 'w')", f"__import__('os').remove({CANARY!r})", "__import__('os').system('true')",
            f"exec(\"open({CANARY!r},'w')\")", "eval('1')", "(lambda: 1)()", "x.__class__.__bases__",
            "[c for c in ().__class__.__base__.__subclasses__()]", "globals()", "getattr(x, 'real')",
            "sigmoid.__globals__", "exp.__self__", "x if x else 1", "(y := 1)", "x @ x", "f'{x}'"]
TOKENS = ["x", "1", "2.5", "1e308", "0", "-", "+", "*", "/", "**", "^", "(", ")", ",", " ", "exp", "log",
          "sqrt", "sigmoid", "tanh", "abs", "maximum", "minimum", "step", "sign", ".", "__class__", "[", "]",
          "'", "lambda", ":", "for", "in", "not", "and", "%", "//", "<", "==", "=", ";", "\n", "9" * 30]
SOURCES = (st.sampled_from(PAYLOADS) | st.lists(st.sampled_from(TOKENS + PAYLOADS), max_size=25).map("".join)
           | st.text(max_size=60))
AUDITED = ("exec", "open", "os.system", "os.remove", "os.unlink", "os.rename", "os.exec", "os.spawn",
           "os.posix_spawn", "subprocess.Popen", "socket.connect", "ctypes.dlopen", "shutil.rmtree")
_audit = {"on": False, "seen": []}


def _hook(event, args):
    if _audit["on"] and event.startswith(AUDITED):
        _audit["seen"].append(event)


sys.addaudithook(_hook)  # cannot be removed; it records only while a test switches it on


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    path = tmp_path_factory.mktemp("canary") / "canary.txt"
    path.write_text("untouched")
    return path


@FUZZ
@given(source=SOURCES)
def test_activation_text_is_parsed_or_refused_never_run(canary, source):
    source = source.replace(CANARY, str(canary))
    before = canary.stat()
    _audit["on"], _audit["seen"] = True, []
    try:
        activation = loads_or_refuses("activation text", get_activation, source)
        if isinstance(activation, CustomActivation):
            z = np.linspace(-3, 3, 7).reshape(7, 1)
            a = activation(z)
            assert activation.derivative(z, a).shape == a.shape == z.shape
    finally:
        _audit["on"] = False
    assert _audit["seen"] == []
    assert canary.read_text() == "untouched" and canary.stat().st_mtime_ns == before.st_mtime_ns
