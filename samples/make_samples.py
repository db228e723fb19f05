"""Regenerate the sample tables in this folder: `python samples/make_samples.py`.

Every synthetic set is seeded, so the files come out byte-identical on each
run. iris.csv and digits.xlsx copy real data sets that ship with scikit-learn,
needed only here (`pip install scikit-learn`); without it they are left as
they are. fcviz itself never imports scikit-learn. Last, preset_tables.npz is
written from the tables (fcviz.io.samples.write_preset_tables).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.functions import tostring

from fcviz.io.samples import write_preset_tables

HERE = Path(__file__).resolve().parent
# openpyxl stamps a workbook and its zip entries with "now"; pin both.
WORKBOOK_TIME = datetime.datetime(2024, 1, 1)

# A garment fits (1) only in the middle of the size range.
CLOTHES_SIZES = [0.8, 1.1, 1.7, 1.9, 2.7, 3.2, 3.7, 4.0, 5.0, 5.5, 6.0, 6.3]
CLOTHES_FITS = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]


def write_csv(name: str, header: list[str], rows) -> None:
    """A UTF-8 CSV with '\\n' line ends; floats written exactly (shortest repr)."""
    with open(HERE / name, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def two_class_rows(points: np.ndarray, labels: np.ndarray, rng: np.random.RandomState) -> list:
    """Rows (x1, x2, label) in a seeded random order, so classes are mixed."""
    order = rng.permutation(len(labels))
    return [(x1, x2, int(label)) for (x1, x2), label in zip(points[order].tolist(), labels[order])]


def linear_regression() -> list:
    """80 points on y = 3x + 1 with N(0, 3) noise, drawn as the seed experiment does."""
    np.random.seed(1101)
    rows = []
    for _ in range(80):
        x = np.random.uniform(-10, 10)
        noise = np.random.normal(0, 3)
        rows.append((float(x), float(3 * x + 1 + noise)))
    return rows


def xor(rng: np.random.RandomState) -> list:
    """300 points in the square [-1, 1]^2; class 1 where x1 and x2 differ in sign."""
    points = rng.uniform(-1, 1, size=(300, 2))
    return two_class_rows(points, (points[:, 0] > 0) != (points[:, 1] > 0), rng)


def circles(rng: np.random.RandomState) -> list:
    """150 points in a disc of radius 0.5 (class 1) inside 150 on a ring 0.7..1 (class 0)."""
    radius = np.concatenate([rng.uniform(0, 0.5, 150), rng.uniform(0.7, 1.0, 150)])
    angle = rng.uniform(0, 2 * np.pi, 300)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return two_class_rows(points, np.repeat([1, 0], 150), rng)


def spiral(rng: np.random.RandomState) -> list:
    """Two interleaved spirals of 200 points each, 1.75 turns, slightly noisy."""
    labels = np.repeat([0, 1], 200)
    radius = rng.uniform(0.05, 1.0, 400)
    angle = 3.5 * np.pi * radius + np.pi * labels + rng.normal(0, 0.15, 400)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return two_class_rows(points, labels, rng)


def plane_regression(rng: np.random.RandomState) -> list:
    """1000 samples of y = 2*x1 + 3*x2 + 4 + 0.1*N(0, 1), x uniform in [-1, 1]^2."""
    x = rng.uniform(-1, 1, size=(1000, 2))
    y = 2 * x[:, 0] + 3 * x[:, 1] + 4 + 0.1 * rng.normal(0, 1, 1000)
    return np.column_stack([x, y]).tolist()


def iris(datasets) -> list:
    data = datasets.load_iris()
    return [(*row, data.target_names[label]) for row, label in zip(data.data.tolist(), data.target)]


def write_digits(datasets) -> None:
    """digits.xlsx: 8x8 pixel values 0..16 on sheet X, the digit on sheet y, both headerless."""
    digits = datasets.load_digits()
    book = openpyxl.Workbook(write_only=True)
    pixels, labels = book.create_sheet("X"), book.create_sheet("y")
    for row in digits.data.astype(int).tolist():
        pixels.append(row)
    for label in digits.target.tolist():
        labels.append([label])
    buffer = io.BytesIO()
    book.save(buffer)
    write_pinned_zip(buffer.getvalue(), HERE / "digits.xlsx")


def write_pinned_zip(workbook: bytes, path: Path) -> None:
    """Rewrite a saved workbook with fixed timestamps, so it is byte-identical each run."""
    properties = DocumentProperties(creator="fcviz samples", created=WORKBOOK_TIME, modified=WORKBOOK_TIME)
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = tostring(properties.to_tree())
            pinned = zipfile.ZipInfo(entry.filename, date_time=WORKBOOK_TIME.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(pinned, data)


def main() -> None:
    write_csv("clothes_size.csv", ["size", "fits"], zip(CLOTHES_SIZES, CLOTHES_FITS))
    write_csv("linear_regression.csv", ["x", "y"], linear_regression())
    write_csv("xor.csv", ["x1", "x2", "label"], xor(np.random.RandomState(2001)))
    write_csv("circles.csv", ["x1", "x2", "label"], circles(np.random.RandomState(2002)))
    write_csv("spiral.csv", ["x1", "x2", "label"], spiral(np.random.RandomState(2003)))
    write_csv("plane_regression.csv", ["x1", "x2", "y"], plane_regression(np.random.RandomState(2004)))
    try:
        from sklearn import datasets
    except ImportError:
        print("scikit-learn is not installed: iris.csv and digits.xlsx left as they are")
    else:
        header = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
        write_csv("iris.csv", header, iris(datasets))
        write_digits(datasets)
    write_preset_tables(HERE)


if __name__ == "__main__":
    main()
