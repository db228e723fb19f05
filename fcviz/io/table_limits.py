"""How big a table may be, checked before pandas or calamine allocate anything.

A text table is measured by its bytes, its lines and its first row; a workbook by its
file size, the uncompressed size of its parts and, for .xlsx, the cell references its
sheets declare (a one-cell file whose cell sits at XFD1048576 asks calamine for a
16384 x 1048576 grid). Each check raises LimitError with one line naming the limit;
tables.py adds the file name.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from fcviz.core import limits

_CHUNK = 1024 ** 2
# a cell (r="XFD1048576") or a row (r="1048576") reference, and a sheet's declared dimension
_REFERENCE = re.compile(rb'\br="([A-Z]{0,3})([0-9]{1,9})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?([0-9]{1,9})?(?::([A-Z]{1,3})([0-9]{1,9}))?"')
_OVERLAP = 64  # bytes kept between chunks so a reference cut in two is still seen


def check_first_line(line: str, separator: str) -> None:
    """Refuse a text table whose first line has more fields than the column limit (an upper
    bound from counting separators: pandas takes minutes to build 100k columns)."""
    fields = len(line.split()) if separator == r"\s+" else line.count(separator) + 1
    limits.check_count("columns", fields, limits.MAX_COLUMNS)


def check_text_shape(data: bytes, width: int) -> None:
    """Refuse a text table whose lines times first-row fields exceed the cell limit."""
    limits.check_count("columns", width, limits.MAX_COLUMNS)
    lines = data.count(b"\n") + 1
    limits.check_count("rows", lines, limits.MAX_ROWS + 1)
    limits.check_count("cells (rows x columns)", lines * width, limits.MAX_CELLS)


def column_number(letters: bytes) -> int:
    """A1 column letters as a number: A = 1, Z = 26, AA = 27, XFD = 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def check_workbook(path: Path) -> None:
    """Refuse a workbook too large to read: file size, parts' uncompressed size, sheet extents."""
    limits.check_count("workbook bytes", path.stat().st_size, limits.MAX_WORKBOOK_BYTES)
    if not zipfile.is_zipfile(path):
        return  # .xls (BIFF): its size limit is the check; calamine refuses what it cannot read
    with zipfile.ZipFile(path) as book:
        members = book.infolist()
        limits.check_count("workbook bytes uncompressed", sum(info.file_size for info in members),
                           limits.MAX_WORKBOOK_UNCOMPRESSED_BYTES)
        for info in members:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_sheet_extent(book, info)


def _check_sheet_extent(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """The largest row and column any reference of one .xlsx sheet names, streamed in chunks."""
    rows = columns = 0
    tail = b""
    with book.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            for match in _DIMENSION.finditer(text):
                for letters, digits in (match.group(1, 2), match.group(3, 4)):
                    columns = max(columns, column_number(letters or b""))
                    rows = max(rows, int(digits or 0))
            for letters, digits in _REFERENCE.findall(text):
                columns = max(columns, column_number(letters))
                rows = max(rows, int(digits))
            _check_extent(rows, columns)
            tail = text[-_OVERLAP:]


def _check_extent(rows: int, columns: int) -> None:
    limits.check_count("sheet rows", rows, limits.MAX_ROWS + 1)
    limits.check_count("sheet columns", columns, limits.MAX_COLUMNS)
    limits.check_count("sheet cells (rows x columns, from A1)", rows * columns, limits.MAX_WORKBOOK_CELLS)
