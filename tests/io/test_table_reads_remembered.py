"""The dataset dialog's questions about one file are answered from one read (issue 18)."""

from __future__ import annotations

import os

import pytest

from fcviz.io import tables
from fcviz.io.tables import DatasetError, has_header, load_dataset, read_for_dialog, read_table


@pytest.fixture
def reads(monkeypatch):
    """How many times a text table was read from disk."""
    count = []
    real = tables.read_limited
    monkeypatch.setattr(tables, "read_limited", lambda *args: (count.append(args[0]), real(*args))[1])
    return count


def test_after_the_first_read_the_dialog_reads_nothing(tmp_path, reads):
    path = tmp_path / "t.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n")
    read_for_dialog(path)
    assert len(reads) == 1
    assert has_header(path) and list(read_table(path).columns) == ["a", "b", "label"]
    assert load_dataset(path, features=["a", "b"], target="label").classes == ("x", "y")
    assert len(reads) == 1


def test_a_changed_file_is_read_again(tmp_path, reads):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    assert read_table(path)["b"].tolist() == [2, 4]
    path.write_text("a,b\n1,2\n3,5\n7,8\n")
    os.utime(path, ns=(1, 1))  # a different change time even on a coarse clock
    assert read_table(path)["b"].tolist() == [2, 5, 8]
    assert len(reads) == 2


def test_a_refusal_is_remembered_and_given_again(tmp_path, reads):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n1,2,3,4\n")
    read_for_dialog(path)
    with pytest.raises(DatasetError, match="t.csv") as first:
        read_table(path)
    with pytest.raises(DatasetError) as again:
        read_table(path)
    assert str(first.value) == str(again.value) and len(reads) == 1


def test_a_frame_changed_by_its_reader_leaves_the_remembered_one_alone(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    frame = read_table(path)
    frame["b"] = 0
    assert read_table(path)["b"].tolist() == [2, 4]
