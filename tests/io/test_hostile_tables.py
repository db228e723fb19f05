"""Tables built to hurt: sniffer traps, 100k columns, dimension bombs, FIFOs, sizes (issue 18)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from openpyxl import Workbook

from fcviz.core import limits
from fcviz.io import table_limits
from fcviz.io.tables import DatasetError, _column_names, load_dataset, read_table


def refusal(load, *args, seconds: float = 10.0, **kwargs) -> str:
    """The DatasetError message of `load(*args)`, which must answer within `seconds` (in a thread)."""
    answer: list = []

    def run():
        try:
            load(*args, **kwargs)
            answer.append(None)
        except DatasetError as error:
            answer.append(str(error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no answer within {seconds} s"
    assert answer and answer[0] is not None, "it loaded"
    return answer[0]


def test_a_one_line_sniffer_trap_is_answered_at_once(tmp_path):
    path = tmp_path / "trap.csv"
    path.write_text(',"a' * 350_000)  # ~1 MB: csv.Sniffer's quote search alone takes hours
    started = time.perf_counter()
    message = refusal(read_table, path, seconds=30)
    assert time.perf_counter() - started < 30
    assert message.startswith("trap.csv: ")


def test_more_columns_than_the_limit_are_refused_from_the_first_row(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join("a" * 100_000) + "\n" + ",".join("1" * 100_000) + "\n")
    assert refusal(read_table, path) == "wide.csv: columns: 100,000 is more than the 16,384 fcviz supports"


def test_many_equal_header_names_are_made_unique_in_linear_time():
    started = time.perf_counter()
    names = _column_names(["a"] * 16_384)
    assert names[:3] == ["a", "a.1", "a.2"] and len(set(names)) == 16_384
    assert time.perf_counter() - started < 5  # quadratic: minutes


def test_an_xlsx_cell_at_the_last_address_is_refused_before_calamine_reads_it(tmp_path):
    book = Workbook()
    book.active["XFD1048576"] = 1
    path = tmp_path / "bomb.xlsx"
    book.save(path)
    assert os.path.getsize(path) < 10_000
    assert refusal(read_table, path) == "bomb.xlsx: sheet rows: 1,048,576 is more than the 1,000,001 fcviz supports"


def test_an_xlsx_declaring_too_many_cells_is_refused(tmp_path):
    book = Workbook()
    book.active["A1"] = "x"
    book.active["CV20001"] = 1  # 100 columns x 20,001 rows > 2,000,000 cells
    path = tmp_path / "wide.xlsx"
    book.save(path)
    assert refusal(read_table, path) == ("wide.xlsx: sheet cells (rows x columns, from A1): 2,000,100 is more "
                                         "than the 2,000,000 fcviz supports")


def test_column_letters():
    assert [table_limits.column_number(c) for c in (b"A", b"Z", b"AA", b"XFD")] == [1, 26, 27, 16384]


@pytest.mark.parametrize("name", ["x.csv", "x.xlsx"])
def test_a_fifo_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    assert refusal(read_table, fifo, seconds=5) == f"{name} is a FIFO (named pipe), not a file fcviz can open"


def test_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    assert refusal(read_table, link, seconds=5) == "zero.csv is a device, not a file fcviz can open"


def test_a_table_larger_than_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "1,2\n" * 1000)
    assert refusal(read_table, path) == "big.csv is 0.0 MB; fcviz opens a table of at most 0 MB"


def test_rows_times_classes_beyond_the_cell_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TARGET_CELLS", 50)
    path = tmp_path / "classes.csv"
    path.write_text("x,label\n" + "".join(f"{k},c{k % 10}\n" for k in range(20)))
    assert refusal(load_dataset, path) == ('classes.csv: column "label": 20 rows x 10 classes is more than the 50 '
                                           "target cells fcviz supports")
