"""Reading tables: formats, header detection, one-hot targets and every error message."""

import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcviz.io import tables
from fcviz.io.tables import DatasetError, list_sheets, load_dataset, read_table

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_workbook(path: Path, sheets: dict) -> Path:
    """An .xlsx with one sheet per entry: name -> list of rows (None = empty cell)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def error_of(*args, **kwargs) -> str:
    with pytest.raises(DatasetError) as caught:
        load_dataset(*args, **kwargs)
    return str(caught.value)


# ---- formats and header detection ---------------------------------------------


def test_header_row_names_columns_and_index_holds_spreadsheet_rows(tmp_path):
    frame = read_table(write(tmp_path / "clothes.csv", " size , fits\n0.8,0\n2.7,1\n"))
    assert list(frame.columns) == ["size", "fits"]
    assert list(frame.index) == [2, 3]
    assert frame["size"].tolist() == [0.8, 2.7]


def test_numeric_first_row_means_no_header(tmp_path):
    path = write(tmp_path / "plain.csv", "1,2,3\n4,5,6\n")
    assert list(read_table(path).columns) == ["x1", "x2", "x3"]
    data = load_dataset(path)
    assert data.feature_names == ("x1", "x2") and data.target_names == ("x3",)  # the same name as in the dialog
    np.testing.assert_array_equal(data.X, [[1, 2], [4, 5]])
    np.testing.assert_array_equal(data.y, [[3], [6]])


def test_byte_order_mark_is_stripped(tmp_path):
    path = write(tmp_path / "bom.csv", "\ufeffsize,fits\n1,0\n2,1\n")
    assert load_dataset(path).feature_names == ("size",)


def test_gbk_file_with_chinese_column_names(tmp_path):
    path = write(tmp_path / "衣服.csv", "尺码,合身\n1.5,0\n3.0,1\n", encoding="gbk")
    data = load_dataset(path)
    assert data.feature_names == ("尺码",) and data.target_names == ("合身",)
    assert data.name == "衣服"


def test_latin1_file(tmp_path):
    path = write(tmp_path / "temp.csv", "température,été\n1,0\n2,1\n", encoding="latin-1")
    assert load_dataset(path).feature_names == ("température",)


def test_semicolons_with_decimal_commas(tmp_path):
    data = load_dataset(write(tmp_path / "eu.csv", "a;b;c\n1,5;2,0;0\n3,25;4;1\n"))
    np.testing.assert_array_equal(data.X, [[1.5, 2.0], [3.25, 4.0]])


def test_decimal_commas_in_a_column_holding_text_are_still_numbers(tmp_path):
    frame = read_table(write(tmp_path / "eu.csv", "a;b\n1,5;x\n2,5;y\n"))
    assert frame["a"].tolist() == [1.5, 2.5]


def test_tab_separated(tmp_path):
    data = load_dataset(write(tmp_path / "data.tsv", "a\tb\tc\n1\t2\t3\n4\t5\t6\n"))
    assert data.feature_names == ("a", "b") and data.X.shape == (2, 2)


def test_whitespace_separated_text(tmp_path):
    data = load_dataset(write(tmp_path / "data.txt", "x1  x2 y\n 1   2  3\n4 5    6\n"))
    np.testing.assert_array_equal(data.X, [[1, 2], [4, 5]])


def test_single_column_file_is_a_table(tmp_path):
    assert list(read_table(write(tmp_path / "one.csv", "y\n1\n2\n")).columns) == ["y"]


def test_quoted_fields_with_commas(tmp_path):
    frame = read_table(write(tmp_path / "q.csv", 'name,x\n"Smith, J",1\n"Doe, A",2\n'))
    assert frame["name"].tolist() == ["Smith, J", "Doe, A"]


def test_blank_rows_and_empty_trailing_columns_are_dropped(tmp_path):
    frame = read_table(write(tmp_path / "gaps.csv", "\n\na,b,\n1,2,\n\n3,4,\n,,\n\n\n"))
    assert list(frame.columns) == ["a", "b"]
    assert list(frame.index) == [4, 6]


def test_blank_lines_keep_row_numbers_true(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n\n1,2\n\n3,abc\n")
    assert error_of(path) == 'data.csv: row 5, column "b": "abc" is not a number'


def test_duplicate_and_blank_header_cells_get_unique_names(tmp_path):
    frame = read_table(write(tmp_path / "dup.csv", "a,a, ,d\n1,2,3,4\n"))
    assert list(frame.columns) == ["a", "a.1", "column 3", "d"]


def test_text_cells_stay_text(tmp_path):
    frame = read_table(write(tmp_path / "mixed.csv", "a,b\n1,x\nn.a.,y\n"))
    assert frame["b"].tolist() == ["x", "y"]
    assert frame["a"].tolist() == [1, "n.a."]


def test_list_sheets(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1]], "y": [[0]]})
    assert list_sheets(book) == ["X", "y"]
    assert list_sheets(write(tmp_path / "data.csv", "a\n1\n")) == []


def test_excel_with_separate_headerless_target_sheet(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1, 2], [3, 4], [5, 6]], "y": [[0], [1], [0]]})
    data = load_dataset(book, target_sheet="y")
    assert data.feature_names == ("x1", "x2") and data.target_names == ("y",)
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(data.y, [[0], [1], [0]])
    meta = {k: v for k, v in data.meta.items() if k != "report"}
    assert meta == {"path": str(book), "sheet": "X", "target_sheet": "y"}


def test_excel_sheet_choice_and_table_away_from_a1(tmp_path):
    rows = [[], [None, " a ", "b", "label"], [None, 1, "2.5", "cat"], [None, 3, 4, "dog"]]
    book = write_workbook(tmp_path / "book.xlsx", {"first": [[0]], "data": rows})
    frame = read_table(book, sheet="data")
    assert list(frame.columns) == ["a", "b", "label"]
    assert list(frame.index) == [3, 4]
    data = load_dataset(book, sheet="data")
    np.testing.assert_array_equal(data.X, [[1, 2.5], [3, 4]])
    assert data.classes == ("cat", "dog")


def write_ods(path: Path, rows: list) -> Path:
    """A minimal OpenDocument spreadsheet (pandas needs odfpy to write one; reading uses calamine)."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    mimetype = "application/vnd.oasis.opendocument.spreadsheet"
    namespaces = f'xmlns:office="{office}:office:1.0" xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0"'

    def cell(value):
        kind = f'"float" office:value="{value}"' if isinstance(value, float) else '"string"'
        return f"<table:table-cell office:value-type={kind}><text:p>{value}</text:p></table:table-cell>"

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = (
        f'<office:document-content {namespaces} office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="data">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_ods_workbook(tmp_path):
    path = write_ods(tmp_path / "book.ods", [["a", "b"], [1.5, 0.0], [2.5, 1.0]])
    assert list_sheets(path) == ["data"]
    data = load_dataset(path)
    assert data.feature_names == ("a",) and data.meta["sheet"] == "data"
    np.testing.assert_array_equal(data.X, [[1.5], [2.5]])


# ---- features and targets -----------------------------------------------------


def test_text_target_becomes_one_hot_with_sorted_classes(tmp_path):
    path = write(tmp_path / "pets.csv", "w,kind\n1,dog\n2,cat\n3, dog\n4,bird\n")
    data = load_dataset(path)
    assert data.classes == ("bird", "cat", "dog") and data.target_names == data.classes
    np.testing.assert_array_equal(data.y, [[0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]])


def test_one_hot_integer_labels_sort_numerically(tmp_path):
    path = write(tmp_path / "labels.csv", "a,label\n1,10\n2,2\n3,1\n4,2\n")
    data = load_dataset(path, one_hot=True)
    assert data.classes == ("1", "2", "10")
    assert data.labels().tolist() == [2, 1, 0, 1]


def test_single_zero_one_column_stays_one_column(tmp_path):
    data = load_dataset(write(tmp_path / "fits.csv", "size,fits\n1,0\n2,1\n3,0\n"))
    assert data.y.shape == (3, 1) and data.classes == () and data.is_classification


def test_features_and_target_by_name(tmp_path):
    path = write(tmp_path / "data.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n")
    data = load_dataset(path, features=["c", "a"], target=["b", "d"])
    assert data.feature_names == ("c", "a") and data.target_names == ("b", "d")
    np.testing.assert_array_equal(data.X, [[3, 1], [7, 5]])
    assert load_dataset(path, target="a").feature_names == ("b", "c", "d")


def test_dataset_name_and_meta(tmp_path):
    path = write(tmp_path / "clothes.csv", "size,fits\n1,0\n2,1\n")
    data = load_dataset(path)
    assert data.name == "clothes"
    meta = {k: v for k, v in data.meta.items() if k != "report"}
    assert meta == {"path": str(path), "sheet": None, "target_sheet": None}


# ---- errors -------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "clothes.csv") == "clothes.csv: file not found"


def test_unsupported_extension(tmp_path):
    path = write(tmp_path / "data.json", "{}")
    assert error_of(path) == 'data.json: unsupported file type ".json" (use .csv, .tsv, .txt, .xlsx, .xls or .ods)'


@pytest.mark.parametrize("content", ["", "  \n\n"])
def test_empty_file(tmp_path, content):
    assert error_of(write(tmp_path / "data.csv", content)) == "data.csv: file is empty"


def test_unreadable_encoding(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\x00\x01\n\x02\x03,4\n")
    assert error_of(path) == "data.csv: unreadable text encoding (tried UTF-8, GB18030 and Latin-1)"


def test_non_numeric_feature_cell(tmp_path):
    rows = "".join(f"{k},0\n" for k in range(15))
    path = write(tmp_path / "data.csv", "size,fits\n" + rows + "abc,1\n")
    assert error_of(path) == 'data.csv: row 17, column "size": "abc" is not a number'


def test_infinite_value_is_not_a_number(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n1,inf\n2,3\n")
    assert error_of(path) == 'data.csv: row 2, column "b": "inf" is not a number'


def test_empty_cell_is_a_gap_to_fill(tmp_path):
    path = write(tmp_path / "data.csv", "x1,x2,y\n1,2,3\n1,2,3\n1,2,3\n1,,3\n")
    data = load_dataset(path)
    assert np.isnan(data.X[3, 1]) and data.meta["report"]["cells_missing"] == 1


def test_empty_cell_in_text_target_drops_the_row(tmp_path):
    path = write(tmp_path / "data.csv", "a,species\n1,setosa\n2,\n")
    assert error_of(path) == "data.csv: needs at least 2 rows with a target and inputs, found 1"
    data = load_dataset(write(tmp_path / "more.csv", "a,species\n1,setosa\n2,\n3,virginica\n"))
    assert data.n_samples == 2 and data.meta["report"]["rows_without_target"] == 1


def test_empty_cell_in_unused_column_is_fine(tmp_path):
    path = write(tmp_path / "data.csv", "a,notes,y\n1,,0\n2,ok,1\n")
    assert load_dataset(path, features="a").X.shape == (2, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n1,2\n3,4\n5,6,7\n", "data.csv: row 4 has 3 fields but the header has 2"),
        ("a,b\n1,2\n3\n5,6\n", "data.csv: row 3 has 1 field but the header has 2"),
        ("a,b\n1,2,3\n3,4\n", "data.csv: row 2 has 3 fields but the header has 2"),
        ("a,b\n1,2\n3,4,\n", "data.csv: row 3 has 3 fields but the header has 2"),
        ("1,2\n3,4\n5,6,7,8\n", "data.csv: row 3 has 4 fields but row 1 has 2"),
        ("\na,b\n1,2\n\n3\n", "data.csv: row 5 has 1 field but the header has 2"),
    ],
)
def test_ragged_rows(tmp_path, content, message):
    path = write(tmp_path / "data.csv", content)
    with pytest.raises(DatasetError) as caught:
        read_table(path)
    assert str(caught.value) == message


def test_ragged_row_in_semicolon_file(tmp_path):
    path = write(tmp_path / "data.csv", "a;b\n" + "1,5;2\n" * 12 + "3;4;5\n")
    assert error_of(path) == "data.csv: row 14 has 3 fields but the header has 2"


@pytest.mark.parametrize(("content", "found"), [("a,b\n1,2\n", 1), ("a,b\n", 0), ("1,2\n", 1)])
def test_too_few_data_rows(tmp_path, content, found):
    path = write(tmp_path / "data.csv", content)
    assert error_of(path) == f"data.csv: needs at least 2 data rows, found {found}"


def test_unknown_column_lists_the_available_ones(tmp_path):
    path = write(tmp_path / "data.csv", "size,fits\n1,0\n2,1\n")
    assert error_of(path, target="sise") == 'data.csv: no column "sise"; available: "size", "fits"'
    assert error_of(path, features=["size", "x"]) == 'data.csv: no column "x"; available: "size", "fits"'


def test_long_column_lists_are_cut(tmp_path):
    path = write(tmp_path / "wide.csv", ",".join(f"c{k}" for k in range(20)) + "\n" + ("1," * 19 + "1\n") * 2)
    listed = ", ".join(f'"c{k}"' for k in range(12))
    assert error_of(path, target="q") == f'wide.csv: no column "q"; available: {listed} and 8 more'


def test_only_a_target_column(tmp_path):
    path = write(tmp_path / "data.csv", "y\n1\n2\n")
    assert error_of(path) == "data.csv: needs at least one feature column besides the target"


def test_empty_target_list(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n1,2\n3,4\n")
    assert error_of(path, target=[]) == "data.csv: needs a target column"


def test_unknown_sheet_lists_the_available_ones(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1, 2], [3, 4]], "y": [[0], [1]]})
    assert error_of(book, sheet="Z") == 'book.xlsx: no sheet "Z"; available: "X", "y"'
    assert error_of(book, target_sheet="Z") == 'book.xlsx: no sheet "Z"; available: "X", "y"'


def test_text_files_have_no_sheets(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n1,2\n3,4\n")
    assert error_of(path, sheet="X") == 'data.csv: no sheet "X"; a text file has no sheets'


def test_row_count_mismatch_between_sheets(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1], [2], [3]], "y": [[0], [1]]})
    assert error_of(book, target_sheet="y") == 'book.xlsx: sheet "X" has 3 data rows but target sheet "y" has 2'


def test_target_sheet_that_is_the_feature_sheet_leaves_no_features(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1, 2], [3, 4]]})
    message = 'book.xlsx: sheet "X": needs at least one feature column besides the target'
    assert error_of(book, target_sheet="X") == message


def test_errors_in_a_sheet_name_the_sheet(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [["a", "b"], [1, 2], [3, "oops"], [5, None]]})
    assert error_of(book) == 'book.xlsx: sheet "X", row 3, column "b": "oops" is not a number'
    assert error_of(book, target="q") == 'book.xlsx: sheet "X": no column "q"; available: "a", "b"'


def test_empty_sheet(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1, 2], [3, 4]], "blank": []})
    assert error_of(book, sheet="blank") == 'book.xlsx: sheet "blank" is empty'


def test_damaged_workbook(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert error_of(path) == "bad.xlsx: cannot read the workbook (damaged, or not really a .xlsx file)"
    with pytest.raises(DatasetError):
        list_sheets(path)


def test_one_hot_needs_whole_numbers(tmp_path):
    path = write(tmp_path / "data.csv", "a,b\n1,2\n3,4\n2,1.5\n")
    assert error_of(path, one_hot=True) == 'data.csv: row 4, column "b": 1.5 is not a whole-number class label'


def test_one_hot_needs_a_single_target(tmp_path):
    path = write(tmp_path / "data.csv", "a,b,c\n1,2,3\n3,4,5\n")
    assert error_of(path, target=["b", "c"], one_hot=True) == (
        "data.csv: one-hot encoding needs a single target column, got 2"
    )


def test_too_many_classes(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_CLASSES", 2)
    path = write(tmp_path / "data.csv", "a,name\n1,ann\n2,bob\n3,cy\n")
    assert error_of(path) == 'data.csv: column "name" has 3 different values; at most 2 classes are supported'


# ---- the shipped samples ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n_samples", "n_features", "n_outputs"),
    [
        ("clothes_size.csv", 12, 1, 1),
        ("linear_regression.csv", 80, 1, 1),
        ("plane_regression.csv", 1000, 2, 1),
        ("xor.csv", 300, 2, 1),
        ("circles.csv", 300, 2, 1),
        ("spiral.csv", 400, 2, 1),
        ("iris.csv", 150, 4, 3),
    ],
)
def test_sample_csv_shapes(name, n_samples, n_features, n_outputs):
    data = load_dataset(SAMPLES / name)
    assert (data.n_samples, data.n_features, data.n_outputs) == (n_samples, n_features, n_outputs)


def test_clothes_sample_is_the_seed_data():
    data = load_dataset(SAMPLES / "clothes_size.csv")
    assert data.X[:, 0].tolist() == [0.8, 1.1, 1.7, 1.9, 2.7, 3.2, 3.7, 4.0, 5.0, 5.5, 6.0, 6.3]
    assert data.y[:, 0].tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]


def test_iris_sample_classes():
    data = load_dataset(SAMPLES / "iris.csv")
    assert data.classes == ("setosa", "versicolor", "virginica")
    assert data.y.sum(axis=0).tolist() == [50, 50, 50]


def test_digits_sample():
    data = load_dataset(SAMPLES / "digits.xlsx", target_sheet="y", one_hot=True)
    assert data.X.shape == (1797, 64) and data.y.shape == (1797, 10)
    assert data.classes == tuple(str(k) for k in range(10))
    assert data.X.min() == 0 and data.X.max() == 16


# ---- robustness ---------------------------------------------------------------

VALID_CSV = (SAMPLES / "iris.csv").read_bytes()[:600]


def loads_or_raises_dataset_error(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    try:
        read_table(path)
        load_dataset(path)
    except DatasetError:
        pass


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_random_bytes_load_or_raise_dataset_error(tmp_path, content):
    loads_or_raises_dataset_error(tmp_path / "random.csv", content)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    end=st.integers(0, len(VALID_CSV)),
    damage=st.lists(st.tuples(st.integers(0, len(VALID_CSV) - 1), st.integers(0, 255)), max_size=4),
)
def test_truncated_or_damaged_csv_loads_or_raises_dataset_error(tmp_path, end, damage):
    content = bytearray(VALID_CSV)
    for position, value in damage:
        content[position] = value
    loads_or_raises_dataset_error(tmp_path / "damaged.csv", bytes(content[:end]))


# ---- real tables as people have them ---------------------------------------------


def test_a_headerless_file_with_a_text_label_keeps_its_first_row(tmp_path):
    rows = "".join(f"0.{k},0.{k + 1},{'RM'[k % 2]}\n" for k in range(1, 9))
    path = write(tmp_path / "sonar.csv", rows)
    data = load_dataset(path)
    assert data.n_samples == 8 and data.feature_names == ("x1", "x2") and data.target_names == ("M", "R")
    assert tables.has_header(path) is False
    assert load_dataset(path, header=True).n_samples == 7  # asked for: the first row names the columns


def test_a_header_over_all_text_columns_is_still_found(tmp_path):
    path = write(tmp_path / "weather.csv", "outlook,windy,play\nsunny,no,no\nrain,yes,no\nsunny,yes,yes\n")
    assert list(read_table(path).columns) == ["outlook", "windy", "play"]
    assert read_table(path, header=False).shape == (4, 3)


@pytest.mark.parametrize("marker", ["?", "NA", "N/A", "NaN", "", "-"])
def test_missing_markers_are_gaps(tmp_path, marker):
    path = write(tmp_path / "gaps.csv", f"a,b,y\n1,2,0\n{marker},4,1\n5,6,0\n")
    data = load_dataset(path)
    assert np.isnan(data.X[1, 0]) and np.isnan(data.X).sum() == 1
    assert data.meta["report"]["cells_missing"] == 1
    assert load_dataset(path, missing="drop").n_samples == 2


def test_an_unnamed_index_column_is_left_out(tmp_path):
    path = write(tmp_path / "saved.csv", ",a,b,y\n0,1,2,3\n1,4,5,6\n2,7,8,9\n3,1,1,1\n")
    data = load_dataset(path)
    assert data.feature_names == ("a", "b") and data.meta["report"]["left_out"] == ["column 1"]
    r_style = write(tmp_path / "r.csv", '"","a","y"\n"1",5,0\n"2",6,1\n"3",7,0\n')
    assert load_dataset(r_style).feature_names == ("a",)
    counted = write(tmp_path / "counted.csv", "n,a,y\n1,5,0\n2,6,1\n3,7,0\n")  # named: a real column
    assert load_dataset(counted).feature_names == ("n", "a")


def test_text_features_become_one_hot_columns_and_gaps_take_the_most_frequent(tmp_path):
    path = write(tmp_path / "penguins.csv", "island,mass,species\nDream,3,a\nBiscoe,4,b\nNA,5,a\nDream,6,b\n")
    data = load_dataset(path)
    assert data.feature_names == ("island=Biscoe", "island=Dream", "mass")
    np.testing.assert_array_equal(data.X[[0, 1, 3]], [[0, 1, 3], [1, 0, 4], [0, 1, 6]])
    assert np.isnan(data.X[2, :2]).all() and data.meta["one_hot_groups"] == [[0, 2]]
    from fcviz.core.experiment import build_table_experiment

    filled = build_table_experiment(data).dataset.X[2]
    np.testing.assert_array_equal(filled, [0, 1, 5])  # Dream, the most frequent island


def test_an_id_like_text_column_is_left_out_by_default(tmp_path):
    rows = "".join(f"name{k},{k % 3},{k % 2}\n" for k in range(60))
    data = load_dataset(write(tmp_path / "names.csv", "name,a,y\n" + rows))
    assert data.feature_names == ("a",) and data.meta["report"]["left_out"] == ["name"]


def test_columns_by_position(tmp_path):
    path = write(tmp_path / "wide.csv", "a,b,c,d,e,f\n" + "1,2,3,4,5,6\n7,8,9,10,11,12\n")
    data = load_dataset(path, features=["1:3"], target="-1")
    assert data.feature_names == ("a", "b", "c") and data.target_names == ("f",)
    assert load_dataset(path, features=["2", "-2"], target="1").feature_names == ("b", "e")
    assert error_of(path, target="9") == 'wide.csv: no column "9": the table has 6 columns (1 to 6, or -1 for the last)'


def test_whole_number_labels_that_repeat_are_classes(tmp_path):
    rows = "".join(f"{k},{2 + 2 * (k % 2)}\n" for k in range(10))
    data = load_dataset(write(tmp_path / "labels.csv", "a,class\n" + rows))
    assert data.classes == ("2", "4")
    assert load_dataset(tmp_path / "labels.csv", one_hot=False).classes == ()


def test_a_workbook_pairs_its_sheets_by_row_count(tmp_path):
    book = write_workbook(tmp_path / "book.xlsx", {"X": [[1, 2], [3, 4], [5, 6]], "y": [[0], [1], [0]],
                                                   "Xval": [[1, 1]], "yval": [[1]]})
    assert tables.paired_sheets(book) == ("X", "y")
    data = load_dataset(book)
    assert data.feature_names == ("x1", "x2") and data.target_names == ("y",)


def test_a_long_text_column_is_parsed_in_pieces_that_leave_the_gil_to_the_window(tmp_path, monkeypatch):
    """pd.to_numeric holds the GIL through a call: a background read of 200,000 text cells kept the
    dataset dialog's window waiting 0.22 s. Pieces of PARSE_PIECE cells, the same numbers as one call."""
    rng = np.random.default_rng(0)
    cells = rng.choice(["7", " -2.5 ", "?", "x", "1e308", "9007199254740993", "0x10", "", "3,5"],
                       size=3 * tables.PARSE_PIECE + 17)
    path = tmp_path / "long.csv"
    path.write_text("a,label\n" + "".join(f'"{cell}",{k % 2}\n' for k, cell in enumerate(cells)))
    calls = []
    to_numeric = pd.to_numeric
    monkeypatch.setattr(pd, "to_numeric", lambda values, **kw: calls.append(len(values)) or to_numeric(values, **kw))
    column = read_table(path)["a"]
    assert max(calls) <= tables.PARSE_PIECE and sum(calls) >= len(cells)
    whole = to_numeric(pd.Series(cells).str.strip(), errors="coerce").astype(float)
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(float)
    np.testing.assert_array_equal(numbers, whole.to_numpy())
