"""How fast load_dataset reads a big CSV and a big workbook, against bare pandas.

Run: `python benchmarks/load_tables.py`. Writes a 100k x 10 CSV and a 4000 x 400 XLSX
(1.6M cells: within fcviz.core.limits.MAX_WORKBOOK_CELLS) into a temporary folder and prints
the best of a few timings for fcviz's load_dataset and for pandas reading the same file, plus their
ratio (the reference is measured in the same run, so the ratio travels
between machines better than the seconds do).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from fcviz.io.tables import load_dataset


def best_time(action, repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def write_csv(path: Path, rows: int, columns: int) -> None:
    values = np.random.default_rng(0).normal(size=(rows, columns))
    pd.DataFrame(values, columns=[f"f{k}" for k in range(columns)]).to_csv(path, index=False)


def write_xlsx(path: Path, rows: int, columns: int) -> None:
    values = np.random.default_rng(1).normal(size=(rows, columns)).round(4)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append([f"f{k}" for k in range(columns)])
    for row in values.tolist():
        sheet.append(row)
    book.save(path)


def report(label: str, ours: float, reference_name: str, reference: float) -> None:
    ratio = ours / reference
    print(f"{label:<14} load_dataset {ours:7.3f} s   {reference_name} {reference:7.3f} s   ratio {ratio:5.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        csv_path, xlsx_path = Path(folder) / "big.csv", Path(folder) / "big.xlsx"
        write_csv(csv_path, 100_000, 10)
        print("writing the 4000 x 400 workbook (openpyxl is slow at this) ...", flush=True)
        write_xlsx(xlsx_path, 4_000, 400)
        report(
            "CSV 100k x 10",
            best_time(lambda: load_dataset(csv_path), repeat=5),
            "pandas.read_csv",
            best_time(lambda: pd.read_csv(csv_path), repeat=5),
        )
        report(
            "XLSX 4000x400",
            best_time(lambda: load_dataset(xlsx_path), repeat=2),
            "pandas.read_excel",
            best_time(lambda: pd.read_excel(xlsx_path, engine="calamine"), repeat=2),
        )


if __name__ == "__main__":
    main()
