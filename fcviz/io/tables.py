"""Read CSV/TSV/TXT and Excel/ODS tables into DataFrames and Datasets.

Row numbers, in error messages and in the index of every frame returned here,
are the rows a person sees when the file is opened in a spreadsheet: the first
line is row 1, so below a header line the first data row is row 2 (as in
Excel), and blank lines count. Parsing is left to pandas (C engine for text,
calamine or openpyxl for workbooks); this module decides what the cells mean.
"""

from __future__ import annotations

import csv
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


def list_sheets(path) -> list[str]:
    """Sheet names of a workbook in file order; [] for a text table."""
    path = _checked_path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return []
    return _with_workbook(path, lambda book: list(book.sheet_names))


def read_table(path, sheet=None) -> pd.DataFrame:
    """The table in `path` (first sheet unless `sheet` is given) as a DataFrame.

    Column names come from the header row, or are x1..xn when the first row
    holds only numbers. The index holds spreadsheet row numbers. Blank rows and
    columns with neither a name nor a value are dropped; empty cells are NaN;
    cells that read as numbers are numbers, other text stays text.
    """
    return _read(path, sheet).frame


def load_dataset(path, features=None, target=None, sheet=None, target_sheet=None, one_hot=False) -> Dataset:
    """Read a table and split it into features X and target y.

    `features` and `target` are column names (a name or a list). The default
    target is the last column, or every column of `target_sheet`; the default
    features are the other columns. A text target becomes one-hot columns with
    `classes` sorted by name; with `one_hot=True` whole-number labels do too
    (classes sorted numerically). A headerless table's default target is "y".
    """
    table = _read(path, sheet)
    target_table = table if target_sheet in (None, table.source.sheet) else _read(path, target_sheet)
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
    if features is not None:
        feature_columns = _columns(table, features)
    else:
        feature_columns = [c for c in table.frame.columns if target_table is not table or c not in target_columns]
    if not feature_columns:
        raise table.source.error("needs at least one feature column besides the target")

    X = _numbers(table, feature_columns)
    y, target_names, classes = _encode_target(target_table, target_columns, one_hot)
    if target is None and not target_table.has_header and not classes:
        target_names = ["y"] if len(target_names) == 1 else [f"y{k}" for k in range(1, len(target_names) + 1)]
    meta = {"path": str(path), "sheet": table.source.sheet, "target_sheet": target_sheet}
    return Dataset(X, y, feature_columns, target_names, classes, name=table.source.path.stem, meta=meta)


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
            table_limits.check_workbook(path)
    except limits.LimitError as exc:
        raise DatasetError(f"{path.name}: {exc}") from None
    except FileRefused as exc:
        raise DatasetError(str(exc)) from None
    except OSError as exc:
        raise DatasetError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        pass  # a damaged or encrypted zip: the workbook readers name the damage
    return path


def _read(path, sheet) -> _Table:
    path = _checked_path(path)
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return _read_sheet(path, sheet)
    if sheet is not None:
        raise DatasetError(f'{path.name}: no sheet "{sheet}"; a text file has no sheets')
    return _read_text(path)


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


def _read_text(path: Path) -> _Table:
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
    has_header = not _all_numbers(first_cells, decimal)
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


def _csv_options(separator: str, decimal: str) -> dict:
    return {
        "sep": separator,
        "decimal": decimal,
        "header": None,
        "index_col": False,
        "skip_blank_lines": False,  # blank lines stay rows, so row numbers stay true
        "keep_default_na": False,  # "NA" or "null" is text to report, not a silent gap
        "na_values": [""],
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


def _read_sheet(path: Path, sheet: str | None) -> _Table:
    def read(book):
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise DatasetError(f'{path.name}: no sheet "{sheet}"; available: {_quoted(names)}')
        chosen = names[0] if sheet is None else sheet
        return chosen, pd.read_excel(book, sheet_name=chosen, header=None)

    chosen, grid = _with_workbook(path, read)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    grid = grid.dropna(how="all")
    if grid.empty:
        raise DatasetError(f'{path.name}: sheet "{chosen}" is empty')
    first_cells = grid.iloc[0].tolist()
    has_header = not _all_numbers(first_cells, ".")
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
    """Every cell as a float: NaN where it is empty or not a number."""
    if is_numeric_dtype(values):
        return values.astype(np.float64)
    text = values.astype(str).str.strip()
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(np.float64)


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


def _all_numbers(cells: list, decimal: str) -> bool:
    """True when the row's filled cells are all numbers (a data row, not a header)."""
    filled = pd.Series(cells, dtype=object).dropna()
    return len(filled) > 0 and bool(np.isfinite(_parse_numbers(filled, decimal)).all())


def _quoted(names) -> str:
    names = list(names)
    listed = ", ".join(f'"{name}"' for name in names[:_NAMES_LISTED])
    return listed if len(names) <= _NAMES_LISTED else f"{listed} and {len(names) - _NAMES_LISTED} more"


# ---- dataset ------------------------------------------------------------------


def _require_rows(table: _Table) -> None:
    if len(table.frame) < 2:
        raise table.source.error(f"needs at least 2 data rows, found {len(table.frame)}")


def _columns(table: _Table, names) -> list[str]:
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in table.frame.columns:
            raise table.source.error(f'no column "{name}"; available: {_quoted(table.frame.columns)}')
    return names


def _numbers(table: _Table, columns: list[str]) -> np.ndarray:
    """The columns as a float64 array; the first empty or non-number cell is an error."""
    block = table.frame[columns]
    if all(is_numeric_dtype(dtype) for dtype in block.dtypes):
        values = block.to_numpy(dtype=np.float64)
    else:
        values = np.column_stack([_parse_numbers(block[c], ".").to_numpy() for c in columns])
    bad = ~np.isfinite(values)
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
    if one_hot:
        return _one_hot_integers(table, columns[0])
    return _numbers(table, columns), list(columns), ()


def _is_text(values: pd.Series) -> bool:
    return values.notna().any() and not _parse_numbers(values, ".").notna().any()


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
    if count * len(table.frame) > limits.MAX_CELLS:  # the one-hot targets are rows x classes numbers
        raise table.source.error(f'column "{column}": {len(table.frame):,} rows x {count} classes is more '
                                 f"than the {limits.MAX_CELLS:,} target cells fcviz supports")


def _one_hot(codes: np.ndarray, count: int) -> np.ndarray:
    y = np.zeros((len(codes), count))
    y[np.arange(len(codes)), codes] = 1.0
    return y
