"""Hostile inputs for every surface of issue 18, judged by the crash/freeze/memory oracle.

Each input is built to hurt (extreme numbers, bombs, deep nesting, huge declared sizes, wide
tables, many classes) and loaded in an isolated child process with RLIMIT_AS (see isolation.py):
it must load, or be refused in one line; never crash, hang, blow memory, or stall the window.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fuzzing import EXAMPLES, FUZZ, tried
from hypothesis import given, settings
from hypothesis import strategies as st
from isolation import Isolated
from openpyxl import Workbook

from fcviz.io.samples import open_preset
from fcviz.io.session import save_session

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# fewer windows than files: each opens a whole experiment in a window (~1 s an input)
WINDOW = settings(FUZZ, max_examples=max(4, EXAMPLES // 10))
# half as many workbooks: writing and reading one costs ~1 s (`make fuzz` stays within ~40 minutes)
WORKBOOKS = settings(FUZZ, max_examples=max(4, EXAMPLES // 2))


@pytest.fixture(scope="module")
def oracle():
    isolated = Isolated()
    yield isolated
    isolated.close()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "null").symlink_to("/dev/null")  # a device behind a link: a regression replaces the link only
    shutil.copy(SAMPLES / "clothes_size.csv", folder / "clothes.csv")  # an input the command must not overwrite
    return folder


def judge(oracle: Isolated, target: str, path: Path, counted_as: str | None = None) -> None:
    tried[counted_as or f"hostile {target}"] += 1
    failure = oracle.verdict(target, path)
    assert failure is None, f"{target} {path.name}: {failure}"


# --- numbers and names -------------------------------------------------------------------------

NUMBER_TEXT = st.sampled_from(["1e308", "-1e308", "1.7976931348623157e308", "inf", "-inf", "nan", "NaN",
                               "1e-320", "0", "-0", "9" * 400, "1e30", "2147483648", "-2147483649",
                               "0x10", "１２", "1,5", ""]) | st.floats(allow_nan=False).map(repr)
NAME_TEXT = st.sampled_from(["a", "a", "a.1", "", " ", "名字", "x" * 2000, '"q"', "c"]) | st.text(max_size=6)


@st.composite
def hostile_csv(draw) -> bytes:
    """A table: wide or not, numbers at the float edges, many class names, a sniffer trap."""
    if draw(st.integers(0, 9)) == 0:
        return (',"a' * draw(st.integers(1, 30_000))).encode()  # csv.Sniffer's quadratic quote search
    columns = draw(st.sampled_from([1, 2, 3, 5, 12]) | st.sampled_from([200, 17_000]))
    rows = draw(st.integers(0, 40))
    classes = draw(st.sampled_from([2, 50, 1000, 1001, 5000]))
    sep = draw(st.sampled_from([",", ";", "\t", " "]))
    header = [draw(NAME_TEXT) for _ in range(min(columns, 20))] + [f"h{k}" for k in range(columns - 20)]
    lines = [sep.join(header)]
    label_column = draw(st.booleans())
    for row in range(rows):
        cells = [draw(NUMBER_TEXT) for _ in range(min(columns, 8))] + ["1"] * (columns - 8)
        if label_column:
            cells[-1] = f"c{row % classes}" if row < rows - 1 else f"c{classes}"
        lines.append(sep.join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


@st.composite
def hostile_xlsx(draw) -> bytes:
    """A workbook with cells anywhere, up to the last address XFD1048576."""
    book = Workbook()
    sheet = book.active
    sheet.append(["x", "y"])
    for _ in range(draw(st.integers(0, 6))):
        sheet.append([draw(st.floats(allow_nan=True) | st.integers(-2 ** 63, 2 ** 63)), draw(st.integers(0, 3))])
    for _ in range(draw(st.integers(0, 2))):
        row, column = draw(st.integers(1, 1_048_576)), draw(st.integers(1, 16_384))
        sheet.cell(row=row, column=column, value=draw(st.integers(0, 9)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(content=hostile_csv())
def test_hostile_tables(oracle, scratch, content):
    path = scratch / "table.csv"
    path.write_bytes(content)
    judge(oracle, "table", path)


@WORKBOOKS
@given(content=hostile_xlsx())
def test_hostile_workbooks(oracle, scratch, content):
    path = scratch / "book.xlsx"
    path.write_bytes(content)
    judge(oracle, "table", path, "hostile xlsx")


# --- sessions ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def session_parts() -> tuple[dict, dict[str, bytes]]:
    """session.json and the .npy members of the clothes lab's session."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.fcviz"
        save_session(path, open_preset("clothes"))
        with zipfile.ZipFile(path) as archive:
            document = json.loads(archive.read("session.json"))
            with zipfile.ZipFile(io.BytesIO(archive.read("arrays.npz"))) as npz:
                arrays = {name: npz.read(name) for name in npz.namelist()}
    return document, arrays


def deep(levels: int):
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


HOSTILE_VALUES = st.sampled_from([1e30, 10 ** 4000, 10 ** 12, 10 ** 9, float("inf"), float("nan"), -1, 0, 2 ** 31,
                                  2 ** 63, 1e308, "x", "布局", [], {}, None, True, 1.5, [1] * 3]) \
    | st.integers() | st.floats() | st.text(max_size=10) | st.integers(10, 300).map(deep)
PLACES = [("experiment", "epochs"), ("experiment", "display_every"), ("experiment", "test_fraction"),
          ("experiment", "split_seed"), ("trainer", "batch_size"), ("trainer", "seed"), ("trainer", "shuffle"),
          ("network", "layer_sizes"), ("network", "activations"), ("network", "use_bias"), ("network", "seed"),
          ("dataset", "classes"), ("dataset", "feature_names"), ("state", "epoch"), ("state", "batch_index"),
          ("experiment", "ui_state"), ("dataset", "meta"), ("experiment", "pace"), ("optimizer", "learning_rate")]
UI_KEYS = ["window_layout", "max_redraw_hz", "log_loss_axis"]
META_KEYS = ["base_features", "transforms"]


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@st.composite
def hostile_session(draw) -> bytes:
    document, arrays = session_parts()
    document, arrays = json.loads(json.dumps(document)), dict(arrays)
    for _ in range(draw(st.integers(1, 3))):
        section, key = draw(st.sampled_from(PLACES))
        if key == "ui_state":
            document[section][key][draw(st.sampled_from(UI_KEYS))] = draw(HOSTILE_VALUES)
        elif key == "meta":
            document[section][key][draw(st.sampled_from(META_KEYS))] = draw(HOSTILE_VALUES)
        elif section == "optimizer":
            document["trainer"][section][key] = draw(HOSTILE_VALUES)
        elif key == "layer_sizes":
            document[section][key] = [1, draw(st.sampled_from([1, 2, 4096, 4097, 30_000, 10 ** 9])), 1]
        else:
            document[section][key] = draw(HOSTILE_VALUES)
    if draw(st.booleans()):
        length = draw(st.sampled_from([0, 1, 600_000]))
        arrays["history.loss.npy"] = npy(np.full(length, draw(st.sampled_from([0.5, 1e308]))))
    npz = io.BytesIO()
    with zipfile.ZipFile(npz, "w") as inner:
        for name, data in arrays.items():
            inner.writestr(name, data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("session.json", json.dumps(document))  # Infinity and NaN as Python writes them
        archive.writestr("arrays.npz", npz.getvalue())
    return out.getvalue()


@FUZZ
@given(content=hostile_session())
def test_hostile_sessions(oracle, scratch, content):
    path = scratch / "hostile.fcviz"
    path.write_bytes(content)
    judge(oracle, "session", path)


@st.composite
def hostile_weights(draw) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        depth = draw(st.integers(60, 200_000))
        return b"[" * depth + b"]" * depth
    units = draw(st.lists(st.sampled_from([1, 2, 3, 4096, 4097, 10 ** 6, 10 ** 30, -1, 1.5, "2"]), min_size=1,
                          max_size=3))
    fan_in = draw(st.sampled_from([1, 2, 10 ** 7]))
    layers, below = [], fan_in
    for count in units:
        rows = below if isinstance(below, int) and 0 < below <= 8 else 1
        columns = count if isinstance(count, int) and 0 < count <= 8 else 1
        layers.append({"units": count, "activation": draw(st.sampled_from(["tanh", "x*sigmoid(x)", "nope"])),
                       "use_bias": False, "kernel": [[draw(st.floats(-1e308, 1e308))] * columns] * rows})
        below = count
    document = {"format": "fcviz-weights", "version": 1, "input_dim": fan_in, "layers": layers}
    return json.dumps(document).encode()


@FUZZ
@given(content=hostile_weights())
def test_hostile_weights(oracle, scratch, content):
    path = scratch / "weights.json"
    path.write_bytes(content)
    judge(oracle, "weights", path)


# --- the command line ----------------------------------------------------------------------------

FLAG_VALUES = st.sampled_from(["0", "-1", "1", "3", "1e308", "inf", "nan", "9" * 4000, "2147483648", "full",
                               "1000000,1000000", "none", "100000x100000", "99999999999x1", "1x1", "名字"])


@st.composite
def hostile_command(draw, scratch: Path) -> list[str]:
    clothes = str(scratch / "clothes.csv")
    command = draw(st.sampled_from(["train", "summary", "screenshot-size"]))
    if command == "summary":
        return ["summary", "--inputs", draw(FLAG_VALUES), "--hidden", draw(FLAG_VALUES), "--outputs", draw(FLAG_VALUES)]
    if command == "screenshot-size":  # only the size is checked: the window is never built here
        return ["screenshot", "--out", str(scratch / "shot.png"), "--size", draw(FLAG_VALUES), "--preset", "nope"]
    # a valid but huge --epochs (2147483648) is an honest hours-long run, not a freeze: only small
    # counts and refused ones (beyond MAX_EPOCHS, negative, not a number) are drawn
    epochs = st.sampled_from(["0", "1", "2", "3", "-1", "1e308", "inf", "9" * 4000, "1000000,1000000", "名字"])
    argv = ["train", clothes, "--quiet", "--epochs", draw(epochs)]
    for flag in draw(st.lists(st.sampled_from(["--hidden", "--batch-size", "--lr", "--seed"]), max_size=3)):
        argv += [flag, draw(FLAG_VALUES)]
    if draw(st.booleans()):
        argv += [draw(st.sampled_from(["--save", "--weights-out", "--history-out"])),
                 draw(st.sampled_from([clothes, str(scratch / "null"), str(scratch), str(scratch / "out.fcviz")]))]
    return argv


@FUZZ
@given(data=st.data())
def test_hostile_command_lines(oracle, scratch, data):
    argv = data.draw(hostile_command(scratch))
    tried["hostile cli"] += 1
    failure = oracle.verdict("cli", json.dumps(argv))
    assert failure is None, f"fcviz {' '.join(a[:40] for a in argv)}: {failure}"


# --- the window ------------------------------------------------------------------------------------

@WINDOW
@given(content=hostile_session() | hostile_csv())
def test_hostile_files_in_the_window(oracle, scratch, content):
    is_session = content[:2] == b"PK"
    path = scratch / ("window.fcviz" if is_session else "window.csv")
    path.write_bytes(content)
    judge(oracle, "window", path, "hostile window")
