"""The command line against hostile numbers and targets: one line naming the flag, exit 2 (issue 18)."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from test_cli import SAMPLES, lab_weights, run  # noqa: F401, F811 - lab_weights is a fixture

from fcviz.core import limits

CLOTHES = SAMPLES / "clothes_size.csv"


@pytest.mark.parametrize("argv, message", [
    (["screenshot", "--out", "x.png", "--size", "100000x100000"],
     "argument --size: each side must be 200 to 8192 pixels, got '100000x100000'"),
    (["screenshot", "--out", "x.png", "--size", "99999999999x1"],
     "argument --size: each side must be 200 to 8192 pixels, got '99999999999x1'"),
    (["train", CLOTHES, "--hidden", "1000000,1000000"],
     "argument --hidden: at most 64 layers of at most 4096 units each, got '1000000,1000000'"),
    (["summary", "--inputs", "4096", "--hidden", "4096,4096", "--outputs", "4096"],
     "--hidden: parameters: 50,343,936 is more than the 10,000,000 fcviz supports"),
    (["summary", "--inputs", "1", "--hidden", "100000", "--outputs", "1"],
     "argument --hidden: at most 64 layers of at most 4096 units each, got '100000'"),
    (["train", CLOTHES, "--epochs", "1" + "0" * 4000], "argument --epochs: expected 0 to 100,000,000"),
    (["train", CLOTHES, "--batch-size", "1e308"], "argument --batch-size: expected a number or 'full'"),
    (["train", CLOTHES, "--lr", "1e-12"], "argument --lr: the learning rate must be 1e-09 to 1e+06, got 1e-12"),
    (["train", CLOTHES, "--lr", "inf"], "argument --lr: the learning rate must be 1e-09 to 1e+06"),
    (["train", CLOTHES, "--seed", "-1"], f"argument --seed: expected 0 to {limits.MAX_SEED:,}, got -1"),
])
def test_extreme_numbers_are_one_line_naming_the_flag(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert message in err


def train(capsys, tmp_path, *flags):
    return run(capsys, "train", CLOTHES, "--epochs", 3, "--quiet", *flags)


@pytest.mark.parametrize("flag", ["--save", "--weights-out", "--history-out"])
def test_a_device_is_never_replaced(capsys, tmp_path, flag):
    device = tmp_path / "null"
    device.symlink_to("/dev/null")  # through a link: a regression replaces the link, not /dev/null
    code, _, err = train(capsys, tmp_path, flag, device)
    assert code == 2
    assert err.strip() == (f"fcviz: error: {flag} {device}: null is a device; "
                           "fcviz writes only to regular files (give a file name)")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_fifo_target_is_refused_without_blocking(capsys, tmp_path):
    fifo = tmp_path / "w.json"
    os.mkfifo(fifo)
    code, _, err = train(capsys, tmp_path, "--weights-out", fifo)
    assert code == 2 and "w.json is a FIFO (named pipe)" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_the_input_table_is_not_overwritten(capsys, tmp_path):
    table = tmp_path / "data.csv"
    table.write_bytes(CLOTHES.read_bytes())
    code, _, err = run(capsys, "train", table, "--epochs", 3, "--quiet", "--save", table)
    assert code == 2 and "data.csv is also this command's input" in err
    assert table.read_bytes() == CLOTHES.read_bytes()


def test_a_read_only_file_is_not_replaced(capsys, tmp_path):
    target = tmp_path / "h.csv"
    target.write_text("keep")
    target.chmod(0o444)
    code, _, err = train(capsys, tmp_path, "--history-out", target)
    assert code == 2 and "h.csv is read-only" in err
    assert target.read_text() == "keep"


def test_a_folder_is_refused_by_export(capsys, tmp_path, lab_weights):  # noqa: F811 - the fixture
    code, _, err = run(capsys, "export", lab_weights, "--to", "numpy", "-o", tmp_path)
    assert code == 2 and "is a folder; fcviz writes only to regular files" in err


def test_stale_temp_files_of_a_crashed_save_are_cleaned(capsys, tmp_path):
    dead = tmp_path / ".run.fcviz.999999999-0123456789ab.tmp"  # pid 999999999 does not run
    dead.write_bytes(b"half a session")
    mine = tmp_path / f".other.fcviz.{os.getpid()}-0123456789ab.tmp"  # a running process's: kept
    mine.write_bytes(b"being written")
    code, _, err = train(capsys, tmp_path, "--save", tmp_path / "run.fcviz")
    assert code == 0, err
    assert not dead.exists() and mine.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "run.fcviz"]


def test_history_out_is_atomic(capsys, tmp_path, monkeypatch):
    target = tmp_path / "h.csv"
    target.write_text("old history")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    code, _, err = train(capsys, tmp_path, "--history-out", target)
    assert code == 2 and err.strip() == f"fcviz: error: --history-out {target}: No space left on device"
    assert target.read_text() == "old history"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["h.csv"]


def test_help_says_what_history_out_keeps_exactly(capsys):
    with pytest.raises(SystemExit):
        run(capsys, "train", "--help")
    assert "every epoch of runs up to 524,288 epochs" in " ".join(capsys.readouterr().out.split())


def session_with(tmp_path, section, key, value, also=None) -> Path:
    """The clothes lab saved as a session, with session.json's `key` in `section` set to `value`
    (and `also`, another (section, key, value), set too)."""
    from fcviz.core.presets import build_preset
    from fcviz.io.session import save_session
    path = tmp_path / "odd.fcviz"
    save_session(path, build_preset("clothes"))
    with zipfile.ZipFile(path) as archive:
        document, arrays = json.loads(archive.read("session.json")), archive.read("arrays.npz")
    parts = {"optimizer": document["trainer"]["optimizer"], "ui_state": document["experiment"]["ui_state"]}
    for where, name, number in [(section, key, value), *([also] if also else [])]:
        (parts[where] if where in parts else document[where])[name] = number
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays)
    return path


def saved_settings(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("session.json"))


ADJUSTED = [
    ("experiment", "epochs", 1e30, "experiment 'epochs' 1e+30 → 100,000,000"),
    ("experiment", "epochs", 10 ** 4000, "experiment 'epochs' a 4001-digit number → 100,000,000"),
    ("experiment", "display_every", -5, "experiment 'display_every' -5 → 1"),
    ("experiment", "pace", float("inf"), "experiment 'pace' inf → 1,000/s"),
    ("trainer", "batch_size", 1e308, "trainer 'batch_size' 1e+308 → 1,000,000"),
    ("optimizer", "learning_rate", 1e308, "optimizer 'learning_rate' 1e+308 → 1e+06"),
    ("optimizer", "learning_rate", float("nan"), "optimizer 'learning_rate' nan → 0.001"),
    ("ui_state", "max_redraw_hz", float("inf"), "ui_state 'max_redraw_hz' inf → 120/s"),
]


@pytest.mark.parametrize("section, key, value, words", ADJUSTED, ids=[row[3][:40] for row in ADJUSTED])
def test_train_warns_of_each_clamped_session_value_and_goes_on(capsys, tmp_path, section, key, value, words):
    path = session_with(tmp_path, section, key, value)
    before = path.read_bytes()
    code, out, err = run(capsys, "train", path, "--epochs", 0, "--quiet")
    assert code == 0 and out.startswith("epoch 0 loss ")
    assert err.splitlines() == [f"fcviz: warning: odd.fcviz: {words} (adjusted to what fcviz can hold)"]
    assert path.read_bytes() == before  # nothing written back unasked


def test_a_named_save_keeps_the_clamped_values(capsys, tmp_path):
    path = session_with(tmp_path, "experiment", "display_every", 10 ** 30)
    code, _, err = run(capsys, "train", path, "--epochs", 1, "--quiet", "--save", tmp_path / "fixed.fcviz")
    assert code == 0 and "experiment 'display_every' a 31-digit number → 1,000,000" in err
    assert saved_settings(tmp_path / "fixed.fcviz")["experiment"]["display_every"] == 1_000_000
    assert saved_settings(path)["experiment"]["display_every"] == 10 ** 30
    code, _, err = run(capsys, "train", tmp_path / "fixed.fcviz", "--epochs", 0, "--quiet")
    assert code == 0 and err == ""


def test_export_and_screenshot_warn_too(capsys, tmp_path):
    path = session_with(tmp_path, "trainer", "batch_size", -4)
    line = "fcviz: warning: odd.fcviz: trainer 'batch_size' -4 → 1 (adjusted to what fcviz can hold)\n"
    code, out, err = run(capsys, "export", path, "--to", "json", "-o", tmp_path / "w.json")
    assert (code, out, err) == (0, f"wrote {tmp_path / 'w.json'}\n", line)
    code, out, err = run(capsys, "screenshot", path, "--out", tmp_path / "s.png", "--size", "400x300")
    assert code == 0 and line in err and (tmp_path / "s.png").stat().st_size > 0


@pytest.mark.parametrize("section, key, value, message", [
    ("experiment", "epochs", "1e30", "experiment 'epochs' must be a number, not '1e30'"),
    ("experiment", "display_every", 0.5, "experiment 'display_every' must be a whole number, not 0.5"),
    ("state", "batch_index", -1, "state 'batch_index' must be at least 0, not -1"),
])
def test_a_damaged_session_is_still_one_line_and_exit_2(capsys, tmp_path, section, key, value, message):
    path = session_with(tmp_path, section, key, value, also=("trainer", "batch_size", 1e308))  # read before the
    # damage, and clamped: no warning for it, only the one line of the refusal
    code, _, err = run(capsys, "train", path, "--epochs", 1, "--quiet")
    assert (code, err) == (2, f"fcviz: error: {path} is damaged: {message}\n")
