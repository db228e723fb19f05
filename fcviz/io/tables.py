"""Read CSV/TSV/TXT and Excel/ODS tables into DataFrames and Datasets.

Row numbers, in error messages and in the index of every frame returned here,
are the rows a person sees when the file is opened in a spreadsheet: the first
line is row 1, so below a header line the first data row is row 2 (as in
Excel), and blank lines count. Parsing is left to pandas (C engine for text,
calamine or openpyxl for workbooks); this module decides what the cells mean.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from fcviz.core import limits
from fcviz.core.dataset import Dataset
from fcviz.core.tasks import looks_like_class_labels
from fcviz.io import table_limits
from fcviz.io.files import FileRefused, check_readable, read_limited

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
# utf-8-sig reads plain UTF-8 too and drops a byte-order mark; gb18030 covers GBK.
ENCODINGS = ("utf-8-sig", "gb18030", "latin-1")
_DELIMITERS = ("\t", ";", ",")  # tried in this order: ';' wins over a decimal comma
_WHITESPACE = r"\s+"
_SNIFF_CHARS = 64 * 1024
_SNIFF_LINES = 50
_SNIFF_QUOTED_CHARS = 2048
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")  # control characters if read as Latin-1
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n?|\n))*")
_NAMES_LISTED = 12
MAX_CLASSES = limits.MAX_CLASSES  # one-hot y is n x classes floats; more is an ID column, not a class
MISSING_MARKERS = ("", "?", "NA", "N/A", "n/a", "NaN", "nan", "-", "null", "NULL", "None")
MAX_CATEGORIES = 50  # a text feature with more different values is a name or ID, not a category
INDEX_NAMES = ("", "index", "unnamed: 0", "row", "id")
HEADER_SAMPLE_ROWS = 50
PARSE_PIECE = 16_384  # text cells per pd.to_numeric call (see _parse_numbers)


class DatasetError(ValueError):
    """A table that cannot be read or used; the message names the file and where."""


@dataclass(frozen=True)
class _Source:
    """The file (and sheet) a table comes from, which every message names."""

    path: Path
    sheet: str | None = None

    def error(self, message: str) -> DatasetError:
        where = f'sheet "{self.sheet}": ' if self.sheet is not None else ""
        return DatasetError(f"{self.path.name}: {where}{message}")

    def cell_error(self, row: int, column: str, message: str) -> DatasetError:
        where = f'sheet "{self.sheet}", ' if self.sheet is not None else ""
        return DatasetError(f'{self.path.name}: {where}row {row}, column "{column}"{message}')


@dataclass(frozen=True)
class _Table:
    frame: pd.DataFrame
    has_header: bool
    source: _Source


REMEMBERED_READS = 4  # answers kept per reader, for files unchanged since: one dialog's worth


def _remembered(reader):
    """`reader(path, *args)`, answered again without reading while the file is unchanged (same
    inode, size and change time), refusals included. The dataset dialog asks one file the same
    questions many times; its first answers are read off the GUI thread (`read_for_dialog`),
    so the dialog itself reads nothing."""
    @functools.lru_cache(maxsize=REMEMBERED_READS)
    def answer(path: Path, stamp: tuple, *args):
        try:
            return reader(path, *args), None
        except DatasetError as error:
            return None, str(error)

    @functools.wraps(reader)
    def read(path: Path, *args):
        info = path.stat()
        result, refusal = answer(path, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns), *args)
        if refusal is not None:
            raise DatasetError(refusal)
        return result
    return read


def read_for_dialog(path) -> None:
    """Read what the dataset dialog shows first (sheets, the sheets it proposes, their header and the
    columns it leaves out), so that the dialog answers from memory; a refusal is remembered for the
    dialog to show."""
    path = Path(path)
    try:
        sheets, pair = list_sheets(path), paired_sheets(path)
    except (DatasetError, OSError):
        return
    read_sheet_for_dialog(path, pair[0] if pair else (sheets[0] if sheets else None), None,
                          pair[1] if pair else None)


def read_sheet_for_dialog(path, sheet: str | None, header: bool | None, target_sheet: str | None) -> None:
    """Read what the dataset dialog shows of `sheet` read with `header` (None: detected) and of
    `target_sheet` (None: the same sheet): the dialog then answers from memory (see `read_for_dialog`)."""
    path = Path(path)
    try:
        has_header(path, sheet)
        read_table(path, sheet, header)
        left_out_columns(path, sheet, header)
        if target_sheet is not None:
            read_table(path, target_sheet)
    except (DatasetError, OSError):
        return


def list_sheets(path) -> list[str]:
    """Sheet names of a workbook in file order; [] for a text table."""
    path = _checked_path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return []
    return _sheet_names(path)


@_remembered
def _sheet_names(path: Path) -> list[str]:
    return _with_workbook(path, lambda book: list(book.sheet_names))


def read_table(path, sheet=None, header: bool | None = None) -> pd.DataFrame:
    """The table in `path` (first sheet unless `sheet` is given) as a DataFrame.

    Column names come from the header row, or are x1..xn without one. `header`
    None detects it: the first row is a header only when it holds text where
    the rows below hold numbers (or, in an all-text table, names that never
    recur below), so a data row is never taken for one. The index holds
    spreadsheet row numbers. Blank rows and columns with neither a name nor a
    value are dropped; empty cells and the markers ?, NA, N/A, NaN, - are
    NaN; cells that read as numbers are numbers, other text stays text.
    """
    return _read(path, sheet, header).frame.copy(deep=False)  # the remembered frame stays as read


def has_header(path, sheet=None) -> bool:
    """Whether the detected (or only possible) reading takes the first row as a header."""
    return _read(path, sheet, None).has_header


def left_out_columns(path, sheet=None, header: bool | None = None) -> list[str]:
    """Columns the default features leave out: an unnamed index column, text with too many values."""
    return list(_left_out_columns(_checked_path(path), sheet, header))


@_remembered
def _left_out_columns(path: Path, sheet: str | None, header: bool | None) -> tuple[str, ...]:
    table = _read(path, sheet, header)  # counting 100k text cells' values takes 0.3 s: asked once
    return tuple(c for c in table.frame.columns if _is_index(table, c) or _too_many_categories(table.frame[c]))


def paired_sheets(path) -> tuple[str, str] | None:
    """Input and target sheets of a workbook holding them apart (X/y, Xval/yval): the first sheet
    followed by a narrower sheet with as many rows; None for a text file or no such pair."""
    path = _checked_path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return None
    sheets = _sheet_shapes(path)
    for position, (name, rows, columns) in enumerate(sheets):
        for other, other_rows, other_columns in sheets[position + 1:]:
            if rows and abs(other_rows - rows) <= 1 and other_columns < columns:
                return name, other
    return None


@_remembered
def _sheet_shapes(path: Path) -> list[tuple[str, int, int]]:
    """(name, rows, columns) of every sheet, blank rows left out."""
    def shapes(book) -> list[tuple[str, int, int]]:
        found = []
        for name in book.sheet_names:
            grid = pd.read_excel(book, sheet_name=name, header=None).dropna(how="all")
            found.append((name, len(grid), grid.shape[1]))
        return found
    return _with_workbook(path, shapes)


def load_dataset(path, features=None, target=None, sheet=None, target_sheet=None, one_hot=None,
                 header: bool | None = None, missing: str = "impute") -> Dataset:
    """Read a table and split it into features X and target y.

    Without sheet, target sheet or target, a workbook's `paired_sheets` are used.
    `features` and `target` are column names or positions (a name, or a list:
    "3" is the third column, "-1" the last, "1:5" the first five, where no
    column has that name). The default target is the last column, or every
    column of `target_sheet`; the default features are the other columns
    except an unnamed index column (0…n-1 or 1…n) and text columns with more
    than MAX_CATEGORIES values (names, IDs). Text features become one-hot
    columns "name=value" (`meta["one_hot_groups"]`). A text target becomes
    one-hot columns with `classes` sorted by name; whole-number labels do too
    when `one_hot` is True, or None and they look like class labels
    (fcviz.core.tasks). A row without a target is dropped; a missing feature
    cell stays NaN to be filled from the training rows (`missing="impute"`),
    or its row is dropped (`missing="drop"`). `meta["report"]` says what was done.
    """
    if missing not in ("impute", "drop"):
        raise DatasetError(f'unknown missing-value rule "{missing}"; choose impute or drop')
    if sheet is None and target_sheet is None and target is None:
        sheet, target_sheet = paired_sheets(path) or (None, None)
    table = _read(path, sheet, header)
    target_table = table if target_sheet in (None, table.source.sheet) else _read(path, target_sheet, header)
    _require_rows(table)
    if len(target_table.frame) != len(table.frame):
        raise DatasetError(
            f'{table.source.path.name}: sheet "{table.source.sheet}" has {len(table.frame)} data rows '
            f'but target sheet "{target_table.source.sheet}" has {len(target_table.frame)}'
        )
    if target is not None:
        target_columns = _columns(target_table, target)
    elif target_sheet is not None:
        target_columns = list(target_table.frame.columns)
    else:
        target_columns = list(table.frame.columns[-1:])
    if not target_columns:
        raise target_table.source.error("needs a target column")
    left_out: list[str] = []
    if features is not None:
        feature_columns = _columns(table, features)
    else:
        candidates = [c for c in table.frame.columns if target_table is not table or c not in target_columns]
        left_out = [c for c in candidates if _is_index(table, c) or _too_many_categories(table.frame[c])]
        feature_columns = [c for c in candidates if c not in left_out]
    if not feature_columns:
        raise table.source.error("needs at least one feature column besides the target")

    rows_read = len(table.frame)
    has_target = target_table.frame[target_columns].notna().all(axis=1).to_numpy()
    encoded = _encode_features(table, feature_columns)
    X = np.column_stack([block for block, _ in encoded])
    names = [name for _, block_names in encoded for name in block_names]
    gaps = np.isnan(X).any(axis=1)
    keep = has_target & ~gaps if missing == "drop" else has_target
    target_frame = target_table.frame.iloc[keep]
    kept_target = _Table(target_frame, target_table.has_header, target_table.source)
    if len(target_frame) < 2:
        raise target_table.source.error(f"needs at least 2 rows with a target and inputs, found {len(target_frame)}")
    y, target_names, classes = _encode_target(kept_target, target_columns, one_hot)
    if target is None and target_sheet is not None and not target_table.has_header and not classes:
        sheet_name = str(target_sheet)
        target_names = [sheet_name] if len(target_names) == 1 else [
            f"{sheet_name}{k}" for k in range(1, len(target_names) + 1)]
    X = X[keep]
    report = {"rows_read": rows_read, "rows_without_target": int((~has_target).sum()),
              "rows_with_gaps_dropped": int((gaps & has_target).sum()) if missing == "drop" else 0,
              "cells_missing": int(np.isnan(X).sum()), "rows_with_gaps": int(np.isnan(X).any(axis=1).sum()),
              "header": table.has_header, "left_out": left_out,
              "text_features": [c for c, (_, block_names) in zip(feature_columns, encoded)
                                if block_names != [c]]}
    groups, position = [], 0
    for _, block_names in encoded:
        if len(block_names) > 1 or "=" in block_names[0]:
            groups.append([position, len(block_names)])
        position += len(block_names)
    meta = {"path": str(path), "sheet": table.source.sheet, "target_sheet": target_sheet}
    if groups:
        meta["one_hot_groups"] = groups
    if header is not None:
        meta["header"] = header
    if missing != "impute":
        meta["missing"] = missing
    meta["report"] = report
    return Dataset(X, y, names, target_names, classes, name=table.source.path.stem, meta=meta)


# ---- files ------------------------------------------------------------------


def _checked_path(path) -> Path:
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path.name}: file not found")
    if path.suffix.lower() not in TEXT_SUFFIXES + WORKBOOK_SUFFIXES:
        raise DatasetError(
            f'{path.name}: unsupported file type "{path.suffix}" (use .csv, .tsv, .txt, .xlsx, .xls or .ods)'
        )
    try:
        check_readable(path)
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            _check_workbook(path)
    except FileRefused as exc:
        raise DatasetError(str(exc)) from None
    except OSError as exc:
        raise DatasetError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        pass  # a damaged or encrypted zip: the workbook readers name the damage
    return path


@_remembered
def _check_workbook(path: Path) -> None:
    """A workbook's limits (it streams every sheet: 0.7 s for digits.xlsx), checked once while unchanged."""
    try:
        table_limits.check_workbook(path)
    except limits.LimitError as exc:
        raise DatasetError(f"{path.name}: {exc}") from None


def _read(path, sheet, header: bool | None = None) -> _Table:
    path = _checked_path(path)
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return _read_sheet(path, sheet, header)
    if sheet is not None:
        raise DatasetError(f'{path.name}: no sheet "{sheet}"; a text file has no sheets')
    return _read_text(path, header)


def _read_bytes(source: _Source) -> bytes:
    try:
        return read_limited(source.path, limits.MAX_TABLE_BYTES, "table")
    except FileRefused as exc:
        raise DatasetError(str(exc)) from None
    except OSError as exc:
        raise source.error(f"cannot read the file ({exc.strerror or exc})") from None


def _decode(data: bytes, source: _Source) -> tuple[str, str]:
    """The text of the file, and the first encoding that reads it cleanly.

    Control characters in the first 64 KiB mean a binary file, or a
    Latin-1 reading that is surely wrong.
    """
    head = data[:_SNIFF_CHARS]
    if not _CONTROL_BYTES.search(head):
        for encoding in ENCODINGS:
            if encoding == "latin-1" and _C1_BYTES.search(head):
                break
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError:
                continue
    raise source.error("unreadable text encoding (tried UTF-8, GB18030 and Latin-1)")


# ---- text tables --------------------------------------------------------------


@_remembered
def _read_text(path: Path, header: bool | None = None) -> _Table:
    source = _Source(path)
    data = _read_bytes(source)
    text, encoding = _decode(data, source)
    if not text or text.isspace():
        raise source.error("file is empty")
    blank_lines = _BLANK_LINES.match(text).group()  # type: ignore[union-attr]  # \s* always matches
    first_line_end = text.find("\n", len(blank_lines))
    head = text if first_line_end < 0 else text[: max(first_line_end + 1, _SNIFF_CHARS)]
    sample = [line for line in head.splitlines() if line.strip()][:_SNIFF_LINES]
    separator = _sniff_separator(sample)
    try:
        table_limits.check_first_line(sample[0] if sample else "", separator)
    except limits.LimitError as exc:
        raise source.error(str(exc)) from None
    decimal = "," if separator == ";" else "."
    options = _csv_options(separator, decimal)
    leading_blank_lines = len(blank_lines.splitlines())
    try:
        first_row = pd.read_csv(io.StringIO(head), skiprows=leading_blank_lines, nrows=1, dtype=str, **options)
    except ValueError as exc:
        raise source.error(f"cannot parse the file ({exc})") from None
    first_cells = first_row.iloc[0].tolist()
    width = len(first_cells)
    try:
        table_limits.check_text_shape(data, width)
    except limits.LimitError as exc:
        raise source.error(str(exc)) from None
    has_header = header if header is not None else _looks_like_header(first_cells, _sample_rows(
        head, leading_blank_lines, width, options), decimal)
    skip = leading_blank_lines + has_header
    reference = "the header" if has_header else f"row {leading_blank_lines + 1}"
    try:
        with warnings.catch_warnings():
            # index_col=False would silently cut a row that is too long; make it an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # bytes, not text: pandas decodes in C, twice as fast as reading a StringIO
            frame = pd.read_csv(io.BytesIO(data), encoding=encoding, skiprows=skip, names=range(width), **options)
    except (ValueError, pd.errors.ParserWarning) as exc:
        _raise_if_ragged(text, separator, width, reference, source)
        raise source.error(f"cannot parse the file ({exc})") from None
    if frame.isna().to_numpy().any():  # a short row is padded with NaN: tell it from an empty cell
        _raise_if_ragged(text, separator, width, reference, source)
    frame.index = pd.RangeIndex(skip + 1, skip + 1 + len(frame))
    return _Table(_finish(frame, first_cells if has_header else None, decimal), has_header, source)


def _sample_rows(head: str, skip: int, width: int, options: dict) -> pd.DataFrame:
    """The rows after the first (up to HEADER_SAMPLE_ROWS) as text, for header detection; empty if ragged."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = pd.read_csv(io.StringIO(head), skiprows=skip + 1, nrows=HEADER_SAMPLE_ROWS, dtype=str,
                               names=range(width), **options)
    except (ValueError, pd.errors.ParserWarning):
        return pd.DataFrame()
    return rows.dropna(how="all")


def _csv_options(separator: str, decimal: str) -> dict:
    return {
        "sep": separator,
        "decimal": decimal,
        "header": None,
        "index_col": False,
        "skip_blank_lines": False,  # blank lines stay rows, so row numbers stay true
        "keep_default_na": False,  # only these markers are gaps: "none" or "n.a." stay text to report
        "na_values": list(MISSING_MARKERS),
        "skipinitialspace": True,
        "engine": "c",
        "low_memory": False,  # infer each column's type from all of it, not chunk by chunk
    }


def _sniff_sample(lines: list[str]) -> str:
    """The lines csv.Sniffer may see in bounded time: its quote search is quadratic in the
    sample's length (a 1 MB line of `,"a` takes hours), so quoted text is cut much shorter."""
    sample = "\n".join(lines)
    limit = _SNIFF_QUOTED_CHARS if '"' in sample or "'" in sample else _SNIFF_CHARS
    if len(sample) <= limit:
        return sample
    whole_lines = sample.rfind("\n", 0, limit)
    return sample[:whole_lines] if whole_lines > 0 else sample[:limit]


def _sniff_separator(lines: list[str]) -> str:
    """Tab, ';' or ',' when csv.Sniffer finds it consistent, else runs of whitespace."""
    sample = _sniff_sample(lines)
    for delimiter in _DELIMITERS:
        try:
            return csv.Sniffer().sniff(sample, delimiters=delimiter).delimiter
        except csv.Error:
            continue
    if any(len(line.split()) > 1 for line in lines):
        return _WHITESPACE
    return ","  # a single column


def _records(text: str, separator: str):
    """Each record's fields, with the same quoting rules pandas uses."""
    if separator == _WHITESPACE:
        return (line.split() for line in text.splitlines())
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator, skipinitialspace=True)


def _raise_if_ragged(text: str, separator: str, width: int, reference: str, source: _Source) -> None:
    """Raise for the first non-blank row whose field count is not `width` (that of `reference`)."""
    try:
        for row, fields in enumerate(_records(text, separator), start=1):
            if any(field.strip() for field in fields) and len(fields) != width:
                raise source.error(f"row {row} has {_fields(len(fields))} but {reference} has {width}")
    except csv.Error:  # the csv module gave up (a huge field, say): the caller reports pandas' error
        return


def _fields(count: int) -> str:
    return f"{count} field" if count == 1 else f"{count} fields"


# ---- workbooks ----------------------------------------------------------------


def _engines(path: Path) -> tuple[str, ...]:
    return ("calamine", "openpyxl") if path.suffix.lower() == ".xlsx" else ("calamine",)


def _with_workbook(path: Path, use):
    """`use(book)` on the workbook, trying calamine first, then openpyxl for .xlsx."""
    failure = None
    for engine in _engines(path):
        try:
            with pd.ExcelFile(path, engine=engine) as book:
                return use(book)
        except DatasetError:
            raise
        except Exception as exc:  # noqa: BLE001 - each reader raises its own types for a damaged file
            failure = exc
    raise DatasetError(
        f"{path.name}: cannot read the workbook (damaged, or not really a {path.suffix} file)"
    ) from failure


@_remembered
def _read_sheet(path: Path, sheet: str | None, header: bool | None = None) -> _Table:
    def read(book):
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise DatasetError(f'{path.name}: no sheet "{sheet}"; available: {_quoted(names)}')
        chosen = names[0] if sheet is None else sheet
        return chosen, pd.read_excel(book, sheet_name=chosen, header=None, keep_default_na=False,
                                     na_values=list(MISSING_MARKERS))

    chosen, grid = _with_workbook(path, read)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    grid = grid.dropna(how="all")
    if grid.empty:
        raise DatasetError(f'{path.name}: sheet "{chosen}" is empty')
    first_cells = grid.iloc[0].tolist()
    if header is None:
        has_header = _looks_like_header(first_cells, grid.iloc[1:HEADER_SAMPLE_ROWS + 1], ".")
    else:
        has_header = header
    data = (grid.iloc[1:] if has_header else grid).infer_objects()
    return _Table(_finish(data, first_cells if has_header else None, "."), has_header, _Source(path, chosen))


# ---- cells --------------------------------------------------------------------


def _finish(data: pd.DataFrame, header_cells: list | None, decimal: str) -> pd.DataFrame:
    """Name the columns, drop blank rows and unnamed empty columns, read numbers."""
    data = data.dropna(how="all")
    named = np.zeros(data.shape[1], bool) if header_cells is None else pd.notna(header_cells)
    keep = data.notna().any().to_numpy() | named
    data = data.loc[:, keep]
    if header_cells is None:
        names = [f"x{k}" for k in range(1, data.shape[1] + 1)]
    else:
        names = _column_names([cell for cell, kept in zip(header_cells, keep) if kept])
    data.columns = names
    return pd.DataFrame({name: _numbers_where_possible(data[name], decimal) for name in names}, index=data.index)


def _column_names(cells: list) -> list[str]:
    """Header cells as unique, stripped names ("column 3" for a blank one, "a.1" for a second "a")."""
    names: list[str] = []
    copies: dict[str, int] = {}  # name -> copies made so far: 100k equal names stay linear
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() if pd.notna(cell) else ""
        name = name or f"column {position}"
        unique, copy = name, copies.get(name, 0)
        while unique in copies:
            copy += 1
            unique = f"{name}.{copy}"
        copies[name] = copy
        copies.setdefault(unique, 0)
        names.append(unique)
    return names


def _parse_numbers(values: pd.Series, decimal: str) -> pd.Series:
    """Every cell as a float: NaN where it is empty or not a number.

    Parsed `PARSE_PIECE` cells per call: `pd.to_numeric` holds the GIL through a call (0.12 s for
    200,000 text cells), and a table read in the background must not keep the window waiting."""
    if is_numeric_dtype(values):
        return values.astype(np.float64)
    text = values.astype(str).str.strip()
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    pieces = [pd.to_numeric(text.iloc[start: start + PARSE_PIECE], errors="coerce").astype(np.float64)
              for start in range(0, max(len(text), 1), PARSE_PIECE)]
    return pieces[0] if len(pieces) == 1 else pd.concat(pieces)


def _numbers_where_possible(values: pd.Series, decimal: str) -> pd.Series:
    """A column of numbers when every filled cell is one; else text with numbers read."""
    if is_numeric_dtype(values):
        return values
    numbers = _parse_numbers(values, decimal)
    is_number = numbers.notna()
    if is_number.sum() == values.notna().sum():
        return numbers
    if not is_number.any():
        return values
    return values.astype(object).where(~is_number, numbers)


def _looks_like_header(first: list, below: pd.DataFrame, decimal: str) -> bool:
    """A header has text above numbers, or (all text) names that never recur below; numbers never are one."""
    cells = pd.Series(first, dtype=object)
    text = cells.notna().to_numpy() & ~np.isfinite(_parse_numbers(cells, decimal).to_numpy())
    if not text.any():
        return False
    if below.empty:
        return True
    for position in np.flatnonzero(text):
        if position >= below.shape[1]:
            continue
        column = below.iloc[:, position].dropna()
        if len(column) and _parse_numbers(column, decimal).notna().mean() > 0.5:
            return True
    for position in np.flatnonzero(text):
        if position < below.shape[1]:
            column = below.iloc[:, position].dropna().astype(str).str.strip()
            if str(first[position]).strip() in set(column):
                return False
    return True


def _quoted(names) -> str:
    names = list(names)
    listed = ", ".join(f'"{name}"' for name in names[:_NAMES_LISTED])
    return listed if len(names) <= _NAMES_LISTED else f"{listed} and {len(names) - _NAMES_LISTED} more"


# ---- dataset ------------------------------------------------------------------


def _require_rows(table: _Table) -> None:
    if len(table.frame) < 2:
        raise table.source.error(f"needs at least 2 data rows, found {len(table.frame)}")


_POSITION = re.compile(r"^\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?$")


def _columns(table: _Table, names) -> list[str]:
    """Columns by name, or where no column has that name by position: 3, -1 (the last), 2:5 (2nd to 5th)."""
    names = [names] if isinstance(names, str) else list(names)
    columns = list(table.frame.columns)
    chosen: list[str] = []
    for name in names:
        if name in columns:
            chosen.append(name)
            continue
        match = _POSITION.match(str(name))
        if match is None:
            raise table.source.error(f'no column "{name}"; available: {_quoted(columns)}')
        first = _position(table, match.group(1), name)
        last = first if match.group(2) is None else _position(table, match.group(2), name)
        if last < first:
            raise table.source.error(f'column range "{name}" is empty')
        chosen.extend(columns[first:last + 1])
    return chosen


def _position(table: _Table, text: str, spec: str) -> int:
    """0-based index of a 1-based (or negative, from the end) column number."""
    count, number = table.frame.shape[1], int(text)
    if not (1 <= number <= count or -count <= number <= -1):
        raise table.source.error(
            f'no column "{spec}": the table has {count} columns (1 to {count}, or -1 for the last)')
    return number - 1 if number > 0 else count + number


def _is_index(table: _Table, column: str) -> bool:
    """An unnamed first column counting the rows 0…n-1 or 1…n (a saved DataFrame index)."""
    frame = table.frame
    if column != frame.columns[0]:
        return False
    unnamed = not table.has_header or column == "column 1" or column.strip().lower() in INDEX_NAMES
    values = frame[column]
    if not unnamed or not is_numeric_dtype(values) or values.isna().any() or len(values) < 3:
        return False
    numbers = values.to_numpy(dtype=np.float64)
    return bool(np.array_equal(numbers, np.arange(len(numbers))) or
                np.array_equal(numbers, np.arange(1, len(numbers) + 1)))


def _is_text_column(values: pd.Series) -> bool:
    """Mostly text: more filled cells are not numbers than are."""
    if is_numeric_dtype(values):
        return False
    filled = values.dropna()
    return len(filled) > 0 and _parse_numbers(filled, ".").isna().mean() > 0.5


def _too_many_categories(values: pd.Series) -> bool:
    return _is_text_column(values) and values.dropna().astype(str).str.strip().nunique() > MAX_CATEGORIES


def _encode_features(table: _Table, columns: list[str]) -> list[tuple[np.ndarray, list[str]]]:
    """Each column as a block: numbers (NaN where missing, all read at once), or one-hot columns of text."""
    text = {column for column in columns if _is_text_column(table.frame[column])}
    numeric = [column for column in columns if column not in text]
    numbers = _numbers(table, numeric, allow_missing=True) if numeric else np.zeros((len(table.frame), 0))
    where = {column: position for position, column in enumerate(numeric)}
    return [_one_hot_feature(table, column) if column in text else
            (numbers[:, where[column]:where[column] + 1], [column]) for column in columns]


def _one_hot_feature(table: _Table, column: str) -> tuple[np.ndarray, list[str]]:
    """A text column as one-hot "column=value" columns (NaN rows where the cell is missing)."""
    values = table.frame[column]
    labels = values.astype(object).where(values.isna(), values.astype(str).str.strip())
    categories = sorted(labels.dropna().unique())
    if len(categories) > MAX_CATEGORIES:
        raise table.source.error(f'column "{column}" has {len(categories)} different texts; at most '
                                 f"{MAX_CATEGORIES} categories can be one-hot encoded (leave it out)")
    block = np.zeros((len(values), len(categories)))
    codes = pd.Categorical(labels, categories=categories).codes
    block[np.arange(len(values)), np.maximum(codes, 0)] = 1.0
    block[codes < 0] = np.nan
    return block, [f"{column}={category}" for category in categories]


def _numbers(table: _Table, columns: list[str], allow_missing: bool = False) -> np.ndarray:
    """The columns as a float64 array; the first non-number (or, unless allowed, empty) cell is an error."""
    block = table.frame[columns]
    if all(is_numeric_dtype(dtype) for dtype in block.dtypes):
        values = block.to_numpy(dtype=np.float64)
    else:
        values = np.column_stack([_parse_numbers(block[c], ".").to_numpy() for c in columns])
    bad = ~np.isfinite(values)
    if allow_missing:
        bad &= block.notna().to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        cell = block.iat[r, c]
        message = " is empty" if pd.isna(cell) else f': "{cell}" is not a number'
        raise table.source.cell_error(block.index[r], columns[c], message)
    return values


def _encode_target(table: _Table, columns: list[str], one_hot: bool):
    """y, its column names and its class names (empty unless one-hot)."""
    if len(columns) == 1 and _is_text(table.frame[columns[0]]):
        return _one_hot_text(table, columns[0])
    if one_hot and len(columns) != 1:
        raise table.source.error(f"one-hot encoding needs a single target column, got {len(columns)}")
    if one_hot is None and len(columns) == 1:
        one_hot = looks_like_class_labels(_numbers(table, columns)[:, 0])
    if one_hot:
        return _one_hot_integers(table, columns[0])
    return _numbers(table, columns), list(columns), ()


def _is_text(values: pd.Series) -> bool:
    return bool(values.notna().any()) and _is_text_column(values)


def _one_hot_text(table: _Table, column: str):
    values = table.frame[column]
    if values.isna().any():
        raise table.source.cell_error(values.index[values.isna().to_numpy()][0], column, " is empty")
    labels = values.astype(str).str.strip()
    classes = sorted(labels.unique())
    _check_class_count(table, column, len(classes))
    codes = pd.Categorical(labels, categories=classes).codes
    return _one_hot(codes, len(classes)), list(classes), tuple(classes)


def _one_hot_integers(table: _Table, column: str):
    labels = _numbers(table, [column])[:, 0]
    fractional = labels != np.round(labels)
    if fractional.any():
        first = np.argmax(fractional)
        raise table.source.cell_error(
            table.frame.index[first], column, f": {labels[first]:g} is not a whole-number class label"
        )
    values = np.unique(labels.astype(np.int64))
    _check_class_count(table, column, len(values))
    classes = tuple(str(v) for v in values)
    return _one_hot(np.searchsorted(values, labels.astype(np.int64)), len(values)), list(classes), classes


def _check_class_count(table: _Table, column: str, count: int) -> None:
    if count > MAX_CLASSES:
        raise table.source.error(
            f'column "{column}" has {count} different values; at most {MAX_CLASSES} classes are supported'
        )
    if count * len(table.frame) > limits.MAX_TARGET_CELLS:  # the one-hot targets are rows x classes numbers
        raise table.source.error(f'column "{column}": {len(table.frame):,} rows x {count} classes is more '
                                 f"than the {limits.MAX_TARGET_CELLS:,} target cells fcviz supports")


def _one_hot(codes: np.ndarray, count: int) -> np.ndarray:
    y = np.zeros((len(codes), count))
    y[np.arange(len(codes)), codes] = 1.0
    return y
