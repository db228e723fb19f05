"""The command line against hostile numbers and targets: one line naming the flag, exit 2 (issue 18)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from test_cli import SAMPLES, lab_weights, run  # noqa: F401, F811 - lab_weights is a fixture

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
    (["train", CLOTHES, "--epochs", "1" + "0" * 4000], "argument --epochs: expected 0 to 1,000,000,000,000"),
    (["train", CLOTHES, "--batch-size", "1e308"], "argument --batch-size: expected a number or 'full'"),
    (["train", CLOTHES, "--lr", "inf"], "argument --lr: the learning rate must be a positive number up to 1e+06"),
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
