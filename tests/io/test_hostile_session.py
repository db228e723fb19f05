"""Sessions built to hurt: numbers beyond what a widget holds, bombs, deep JSON, FIFOs (issue 18).

Damage is refused with one SessionError line naming the file, before anything large is allocated;
a run setting of the right type beyond its range is clamped to it and reported.
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from test_session import load_error, make_experiment, members, write_session

from fcviz.cli import main
from fcviz.core import limits
from fcviz.core.history import History, LossSeries
from fcviz.io import session
from fcviz.io.samples import sample_path
from fcviz.io.session import load_session, save_session


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "run.fcviz"
    save_session(path, make_experiment())
    return path


def at(document, section):
    """The part of session.json a run setting lives in ("optimizer" sits inside "trainer")."""
    parts = {"optimizer": document["trainer"]["optimizer"], "ui_state": document["experiment"]["ui_state"]}
    return parts[section] if section in parts else document[section]


def with_setting(path, section, key, value):
    document, arrays = members(path)
    at(document, section)[key] = value
    write_session(path, document, arrays)


NAN, INF = float("nan"), float("inf")

# (section, key, value written, value fcviz uses): beyond the range the nearest end, NaN the default
CLAMPED = [
    ("experiment", "epochs", 1e30, limits.MAX_EPOCHS),
    ("experiment", "epochs", 10 ** 4000, limits.MAX_EPOCHS),
    ("experiment", "epochs", -7, 0),
    ("experiment", "epochs", NAN, 5000),
    ("experiment", "display_every", 10 ** 30, limits.MAX_DISPLAY_EVERY),
    ("experiment", "display_every", -5, 1),
    ("experiment", "pace", 1e308, limits.MAX_PACE),
    ("trainer", "batch_size", 1e308, limits.MAX_BATCH_SIZE),
    ("trainer", "batch_size", 0, 1),
    ("optimizer", "learning_rate", 1e308, limits.MAX_LEARNING_RATE),
    ("optimizer", "learning_rate", -1, limits.MIN_LEARNING_RATE),
    ("optimizer", "learning_rate", NAN, 0.001),
    ("ui_state", "max_redraw_hz", INF, float(limits.MAX_REDRAW_HZ)),
    ("ui_state", "max_redraw_hz", 0, float(limits.MIN_REDRAW_HZ)),
    ("ui_state", "max_redraw_hz", NAN, limits.DEFAULT_REDRAW_HZ),
]


def loaded_setting(experiment, section, key):
    if section == "optimizer":
        return experiment.trainer.learning_rate
    if section == "trainer":
        return experiment.trainer.batch_size
    if section == "ui_state":
        return experiment.ui_state[key]
    return getattr(experiment, key)


@pytest.mark.parametrize("section, key, value, used", CLAMPED)
def test_numbers_beyond_a_range_are_clamped_and_reported(saved, section, key, value, used):
    with_setting(saved, section, key, value)
    before = saved.read_bytes()
    adjusted = []
    experiment = load_session(saved, adjusted.append)
    assert loaded_setting(experiment, section, key) == used
    assert type(loaded_setting(experiment, section, key)) is type(used)
    assert [(a.where, a.key, a.used) for a in adjusted] == [(section, key, used)]
    assert saved.read_bytes() == before  # nothing is written back


def test_an_adjustment_reads_as_one_line():
    assert str(limits.Adjustment("experiment", "epochs", 1e30, 100_000_000)) == \
        "experiment 'epochs' 1e+30 → 100,000,000"
    assert str(limits.Adjustment("ui_state", "max_redraw_hz", 10 ** 4000, 120.0, "/s")) == \
        "ui_state 'max_redraw_hz' a 4001-digit number → 120/s"


def test_values_within_their_ranges_are_not_reported(saved):
    adjusted = []
    load_session(saved, adjusted.append)
    assert adjusted == []


@pytest.mark.parametrize("section, key, value, message", [
    ("experiment", "epochs", 2.5, "experiment 'epochs' must be a whole number, not 2.5"),
    ("experiment", "epochs", "many", "experiment 'epochs' must be a number, not 'many'"),
    ("experiment", "display_every", [100], "experiment 'display_every' must be a number, not [100]"),
    ("trainer", "batch_size", True, "trainer 'batch_size' must be a number, not True"),
    ("optimizer", "learning_rate", "0.1", "optimizer 'learning_rate' must be a number, not '0.1'"),
    ("experiment", "test_fraction", 1.5, "experiment 'test_fraction' must be between 0 and 1, not 1.5"),
    ("experiment", "split_seed", -1, "experiment 'split_seed' must be at least 0, not -1"),
    ("state", "epoch", 1e30, "state 'epoch' must be an integer, not 1e+30"),
])
def test_wrong_types_and_what_defines_the_run_are_still_refused(saved, section, key, value, message):
    with_setting(saved, section, key, value)
    assert load_error(saved) == f"{saved} is damaged: {message}"


def test_a_huge_network_is_refused_before_its_weights_are_read(saved):
    with_setting(saved, "network", "layer_sizes", [2, 30000, 1])
    assert load_error(saved) == f"{saved}: units in a layer: 30,000 is more than the 4,096 fcviz supports"


def test_base_features_beyond_the_columns_is_refused(saved):
    document, arrays = members(saved)
    document["dataset"]["meta"]["base_features"] = 10 ** 8
    write_session(saved, document, arrays)
    assert "dataset meta 'base_features' must be at most 2, not 100000000" in load_error(saved)


def test_too_many_class_names_are_refused(saved):
    document, arrays = members(saved)
    document["dataset"]["classes"] = [str(k) for k in range(limits.MAX_CLASSES + 1)]
    write_session(saved, document, arrays)
    assert "dataset 'classes': 1,001 is more than the 1,000 fcviz supports" in load_error(saved)


def test_deeply_nested_json_is_refused_without_recursion(saved):
    depth = 100_000
    write_session(saved, b"[" * depth + b"]" * depth, members(saved)[1])
    assert load_error(saved) == f"{saved} is damaged: session.json nests deeper than 64 levels"


def test_members_claiming_more_than_the_total_are_refused(saved, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SESSION_TOTAL_BYTES", 1000)
    assert "claims" in load_error(saved) and "fcviz reads sessions of at most 1,000" in load_error(saved)


def test_a_long_history_is_refused_from_its_header(saved, monkeypatch):
    document, arrays = members(saved)
    buffer = __import__("io").BytesIO()
    np.save(buffer, np.zeros(200))
    arrays["history.loss.npy"] = buffer.getvalue()
    write_session(saved, document, arrays)
    monkeypatch.setitem(session._ENTRY_LIMITS, "history", 100)
    assert "arrays.npz member history.loss.npy entries: 200 is more than the 100" in load_error(saved)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.fcviz"
    os.mkfifo(fifo)
    answer: list = []
    thread = threading.Thread(target=lambda: answer.append(load_error(fifo)), daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "loading a FIFO blocked"
    assert time.perf_counter() - started < 5
    assert answer == [f"{fifo} cannot be read: x.fcviz is a FIFO (named pipe), not a file fcviz can open"]


def test_a_thinned_history_survives_a_session(tmp_path):
    experiment = make_experiment()
    series = LossSeries(exact=8, thinned=4)
    series.extend(np.arange(100.0))
    experiment.trainer.history = History(series, LossSeries())
    path = tmp_path / "long.fcviz"
    save_session(path, experiment)
    loaded = load_session(path).trainer.history
    assert len(loaded.loss) == 100 and not loaded.loss.is_exact
    np.testing.assert_array_equal(loaded.loss.kept()[0], series.kept()[0])
    np.testing.assert_array_equal(loaded.loss.kept()[1], series.kept()[1])


def test_arrays_go_through_a_file_not_a_second_copy_in_memory(tmp_path):
    path = tmp_path / "wide.fcviz"
    main(["train", str(sample_path("clothes_size.csv")), "--hidden", "1000,1000", "--epochs", "1", "--quiet",
          "--save", str(path)])
    experiment = load_session(path)
    tracemalloc.start()
    try:
        with zipfile.ZipFile(path) as archive:
            arrays = session._read_arrays(archive)
        _, reading = tracemalloc.get_traced_memory()
        del arrays
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        save_session(tmp_path / "again.fcviz", experiment)
        _, saving = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    held = 7 * experiment.net.params.nbytes  # params, initial, epoch start, Adam's m and v, timeline, data
    assert reading < 1.2 * held  # not arrays.npz's bytes besides the arrays
    assert saving - start < 1.5 * held  # not the arrays, their npz and a copy of it
