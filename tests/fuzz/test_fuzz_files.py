"""Random, truncated and mutated CSV, XLSX, .fcviz and weights-JSON bytes: loaded, or refused
with a ValueError (DatasetError, SessionError, WeightsError) that has a message; never another
exception, never a hang, never a huge allocation."""

from __future__ import annotations

import functools
import io
import json
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import FUZZ, loads_or_refuses, mutated
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from fcviz.core.network import Network
from fcviz.io.samples import open_preset
from fcviz.io.session import SessionError, load_session, save_session
from fcviz.io.tables import load_dataset, read_table
from fcviz.io.weights import load_weights, save_weights

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
MAX_PEAK_BYTES = 64 * 1024 ** 2


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# --- CSV -------------------------------------------------------------------------------------

VALID_CSV = (SAMPLES / "xor.csv").read_bytes()[:700]
CSV_TEXT = st.text(alphabet=",;\t \n\r\"'0123456789.-+eE_abcxyNnIiFf\u00e9\u4e2d", max_size=300)


def load_table(path: Path) -> None:
    if loads_or_refuses(path.suffix[1:], read_table, path) is not None:
        loads_or_refuses(None, load_dataset, path)
        loads_or_refuses(None, load_dataset, path, one_hot=True)


@FUZZ
@given(content=st.binary(max_size=400) | mutated(VALID_CSV) | CSV_TEXT.map(str.encode))
def test_csv_bytes(scratch, content):
    path = scratch / "table.csv"
    path.write_bytes(content)
    load_table(path)


# --- XLSX ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def valid_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["x1", "x2", "label"])
    for row in ([0.1, 0.2, "a"], [0.3, -0.4, "b"], [1.5, 2.5, "a"], [-1, 0, "b"]):
        sheet.append(row)
    book.create_sheet("y").append([1])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def mutated_members(draw, data: bytes) -> bytes:
    """A zip whose members are valid zip entries but one holds mutated bytes (checksums still right)."""
    members = members_of(data)
    name = draw(st.sampled_from(sorted(members)))
    members[name] = draw(mutated(members[name]))
    return zipped(members)


@FUZZ
@given(content=mutated(valid_xlsx()) | mutated_members(valid_xlsx()))
def test_xlsx_bytes(scratch, content):
    path = scratch / "book.xlsx"
    path.write_bytes(content)
    load_table(path)


# --- sessions ------------------------------------------------------------------------------

def saved_bytes(save, thing, name: str) -> bytes:
    """The bytes `save(path, thing)` writes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        save(path, thing)
        return path.read_bytes()


@functools.lru_cache(maxsize=None)
def valid_session() -> bytes:
    """A small session saved mid-epoch."""
    experiment = open_preset("xor")
    experiment.trainer.fit(epochs=2)
    experiment.trainer.step()
    return saved_bytes(save_session, experiment, "valid.fcviz")


@st.composite
def mutated_arrays(draw, data: bytes) -> bytes:
    """A session whose arrays.npz holds one mutated .npy member (zip checksums still right)."""
    members = members_of(data)
    arrays = members_of(members["arrays.npz"])
    name = draw(st.sampled_from(sorted(arrays)))
    arrays[name] = draw(mutated(arrays[name]))
    members["arrays.npz"] = zipped(arrays)
    return zipped(members)


def load_or_refuse_session(path: Path, target: str = "fcviz") -> None:
    experiment = loads_or_refuses(target, load_session, path)
    if experiment is not None:
        experiment.trainer.step()  # whatever loads can train


@FUZZ
@given(content=mutated(valid_session()) | mutated_members(valid_session()) | mutated_arrays(valid_session()))
def test_session_bytes(scratch, content):
    path = scratch / "session.fcviz"
    path.write_bytes(content)
    load_or_refuse_session(path)


def npy_header(shape, descr) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def with_params_member(member: bytes) -> bytes:
    members = members_of(valid_session())
    arrays = members_of(members["arrays.npz"])
    arrays["net.params.npy"] = member
    members["arrays.npz"] = zipped(arrays)
    return zipped(members)


def peak_allocation(load, path: Path) -> int:
    tracemalloc.start()
    try:
        load(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_10_gb_shape_in_an_npy_header_is_refused_before_allocation(scratch):
    path = scratch / "huge.fcviz"
    ten_gb = 10 * 1024 ** 3 // 8
    path.write_bytes(with_params_member(npy_header((ten_gb,), "<f8") + bytes(64)))
    with pytest.raises(SessionError, match=r"claims shape \(1342177280,\)"):
        peak_allocation(load_session, path)
    assert peak_allocation(lambda p: loads_or_refuses("npy header", load_session, p), path) < MAX_PEAK_BYTES


@FUZZ
@given(shape=st.lists(st.integers(0, 2 ** 40), max_size=3).map(tuple),
       descr=st.sampled_from(["<f8", "<f4", "<i8", "|b1", "<c16", "|O", "<U8", "|V8", ">f8"]),
       payload=st.binary(max_size=200))
def test_npy_headers_claiming_any_shape(scratch, shape, descr, payload):
    path = scratch / "header.fcviz"
    path.write_bytes(with_params_member(npy_header(shape, descr) + payload))
    assert peak_allocation(functools.partial(load_or_refuse_session, target="npy header"), path) < MAX_PEAK_BYTES


# --- weights JSON ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def valid_weights() -> bytes:
    return saved_bytes(save_weights, Network([2, 3, 1], activations=["tanh", "x*sigmoid(x)"], seed=0), "w.json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["format", "version", "input_dim", "layers", "units", "activation",
                         "use_bias", "kernel", "bias"]) | st.text(max_size=5), inner, max_size=5),
    max_leaves=12)


@FUZZ
@given(content=st.binary(max_size=300) | mutated(valid_weights())
       | JSON_VALUES.map(lambda value: json.dumps(value).encode()))
def test_weights_json_bytes(scratch, content):
    path = scratch / "weights.json"
    path.write_bytes(content)
    net = loads_or_refuses("weights json", load_weights, path)
    if net is not None:
        net.predict(np.zeros((2, net.layer_sizes[0])))

