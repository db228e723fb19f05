"""The data as a table: the same points as the scatter plot, editable cell by cell or by pasting.

Every edit (typing, pasting from a spreadsheet, adding or deleting rows) is
one undoable controller edit; the worker trains on the result from its next
batch on. Transform columns (x², ...) are not shown: they follow the inputs.
"""

from __future__ import annotations

import io

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout

from fcviz.core.data_transforms import base_count, base_X, with_base_data
from fcviz.core.dataset import Dataset
from fcviz.core.experiment_setup import Setup
from fcviz.core.metrics import class_labels
from fcviz.core.snapshot import Snapshot
from fcviz.gui.panels.base import Panel
from fcviz.gui.plots import class_color

FEATURE, TARGET, CLASS, PART, PREDICTION = "feature", "target", "class", "part", "prediction"
MIN_ROWS = 2
RESIZE_PRECISION_ROWS = 50  # column widths fit the first rows (all rows of the digits take seconds)
ERROR_STYLE = "color: #c62828;"
EDITABLE = (FEATURE, TARGET, CLASS)


def class_names(dataset: Dataset) -> list[str]:
    return list(dataset.classes) if dataset.classes else ["0", "1"]


class DataTableModel(QAbstractTableModel):
    """Rows of the dataset: measured inputs, target (or class), training/test part, prediction."""

    edited = Signal(object, str)  # the dataset after a typed edit, and its description
    problem = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setup: Setup | None = None
        self.columns: list[tuple[str, int]] = []
        self._test = np.zeros(0, bool)
        self._labels = np.zeros(0, int)
        self._predicted: np.ndarray | None = None

    def set_setup(self, setup: Setup) -> None:
        """Show `setup`'s data; keeps the view's scroll and selection when only values changed."""
        same_shape = self.setup is not None and (setup.dataset.n_samples, self._columns_of(setup)) == (
            self.setup.dataset.n_samples, self.columns)
        if not same_shape:
            self.beginResetModel()
        self.setup, self.columns = setup, self._columns_of(setup)
        self._test = np.zeros(setup.dataset.n_samples, bool)
        self._test[setup.test_rows] = True
        self._labels = setup.dataset.labels() if setup.dataset.is_classification else np.zeros(0, int)
        self._predicted = None
        if same_shape:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        else:
            self.endResetModel()

    @staticmethod
    def _columns_of(setup: Setup) -> list[tuple[str, int]]:
        dataset = setup.dataset
        columns = [(FEATURE, j) for j in range(base_count(dataset))]
        if dataset.is_classification:
            columns.append((CLASS, 0))
        else:
            columns += [(TARGET, k) for k in range(dataset.n_outputs)]
        return columns + [(PART, 0), (PREDICTION, 0)]

    def set_predictions(self, predicted: np.ndarray) -> None:
        self._predicted = predicted
        column = len(self.columns) - 1
        self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column),
                              [Qt.ItemDataRole.DisplayRole])

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):
        return 0 if self.setup is None or parent.isValid() else self.setup.dataset.n_samples

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self.setup is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        kind, k = self.columns[section]
        dataset = self.setup.dataset
        return {FEATURE: lambda: dataset.feature_names[k], TARGET: lambda: dataset.target_names[k],
                CLASS: lambda: self.tr("class"), PART: lambda: self.tr("part"),
                PREDICTION: lambda: self.tr("prediction")}[kind]()

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()][0] in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, (kind, k) = index.row(), self.columns[index.column()]
        dataset = self.setup.dataset
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, kind, k, dataset)
        if role == Qt.ItemDataRole.DecorationRole and kind == CLASS:
            return class_color(int(self._labels[row]))
        if role == Qt.ItemDataRole.ForegroundRole and self._test[row]:
            return QGuiApplication.palette().placeholderText()
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in (FEATURE, TARGET):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: int, kind: str, k: int, dataset: Dataset) -> str | None:
        if kind == FEATURE:
            return f"{dataset.X[row, k]:.6g}"
        if kind == TARGET:
            return f"{dataset.y[row, k]:.6g}"
        if kind == CLASS:
            return class_names(dataset)[int(self._labels[row])]
        if kind == PART:
            return self.tr("test") if self._test[row] else self.tr("training")
        if self._predicted is None:
            return ""
        if dataset.is_classification:
            return class_names(dataset)[int(class_labels(self._predicted[row:row + 1])[0])]
        return ", ".join(f"{value:.4g}" for value in self._predicted[row])

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        """Typing in a cell: handled like a one-cell paste."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        try:
            dataset = self.with_cells(index.row(), index.column(), [[str(value)]])
        except ValueError as error:
            self.problem.emit(str(error))
            return False
        self.edited.emit(dataset, self.tr("Edit row {row}").format(row=index.row() + 1))
        return True

    # --- edits -----------------------------------------------------------------------------------

    def with_cells(self, top: int, left: int, cells: list[list[str]]) -> Dataset:
        """The dataset with `cells` written from (top, left); rows past the end are added.

        Raises ValueError naming the row and column of a cell that is not a number or class.
        """
        dataset = self.setup.dataset
        X, y = base_X(dataset).copy(), dataset.y.copy()
        extra = top + len(cells) - len(X)
        if extra > 0:  # new rows start as copies of the last one, then take the pasted values
            X, y = np.vstack([X, np.repeat(X[-1:], extra, 0)]), np.vstack([y, np.repeat(y[-1:], extra, 0)])
        for i, line in enumerate(cells):
            for j, text in enumerate(line[:max(0, len(self.columns) - left)]):
                kind, k = self.columns[left + j]
                row = top + i
                if kind == FEATURE:
                    X[row, k] = self._number(text, row, left + j)
                elif kind == TARGET:
                    y[row, k] = self._number(text, row, left + j)
                elif kind == CLASS:
                    y[row] = self._class_row(text, row, left + j)
        return with_base_data(dataset, X, y)

    def _where(self, row: int, column: int) -> str:
        return self.tr('Row {row}, column "{column}"').format(
            row=row + 1, column=self.headerData(column, Qt.Orientation.Horizontal))

    def _number(self, text: str, row: int, column: int) -> float:
        import pandas as pd  # here, not at start-up: pandas takes longer to import than the window to show
        value = pd.to_numeric(pd.Series([text.strip()]), errors="coerce").iloc[0]
        if not np.isfinite(value):
            raise ValueError(self.tr('{where}: "{text}" is not a number').format(
                where=self._where(row, column), text=text))
        return float(value)

    def _class_row(self, text: str, row: int, column: int) -> np.ndarray:
        dataset = self.setup.dataset
        names = class_names(dataset)
        text = text.strip()
        if text in names:
            label = names.index(text)
        elif text.isdigit() and 1 <= int(text) <= len(names) and dataset.classes:
            label = int(text) - 1  # the number shown in the scatter panel's class list
        else:
            raise ValueError(self.tr('{where}: "{text}" is not one of the classes {names}').format(
                where=self._where(row, column), text=text, names=", ".join(names)))
        return np.eye(dataset.n_outputs)[label] if dataset.n_outputs > 1 else np.array([float(label)])


class DataTableView(QTableView):
    """A table view that pastes tab-separated text (as spreadsheets copy it) and deletes rows."""

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Paste):
            self.parent().paste()
        elif event.matches(QKeySequence.StandardKey.Delete):
            self.parent().delete_rows()
        else:
            super().keyPressEvent(event)


class DataTablePanel(Panel):
    """The data table with Add row / Delete rows and a line for problems with what was typed."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.model = DataTableModel(self)
        self.model.edited.connect(self.commit)
        self.model.problem.connect(self._report)
        self.table = DataTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION_ROWS)
        self.add_button = QPushButton(self.tr("Add row"))
        self.add_button.clicked.connect(self.add_row)
        self.delete_button = QPushButton(self.tr("Delete rows"))
        self.delete_button.setToolTip(self.tr("Delete the rows of the selected cells (Delete key)"))
        self.delete_button.clicked.connect(self.delete_rows)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Paste cells from a spreadsheet with Ctrl+V")))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        controller.data_changed.connect(self._on_data_changed)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        self.model.set_setup(setup)
        self._columns_fitted = False
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns as wide as their contents, once the table is on screen: behind its tab, a 1000-class
        table's columns were measured while the file opened."""
        if not self._columns_fitted and self._on_screen():
            self.table.resizeColumnsToContents()
            self._columns_fitted = True

    @Slot(bool)
    def on_dock_visibility_changed(self, visible: bool) -> None:
        super().on_dock_visibility_changed(visible)
        self._fit_columns()

    def showEvent(self, event):
        super().showEvent(event)
        self._fit_columns()

    @Slot(object)
    def _on_data_changed(self, setup: Setup) -> None:
        self.model.set_setup(setup)
        self.draw(self.controller.latest)

    def draw(self, snapshot: Snapshot) -> None:
        setup = self.model.setup
        if setup is not None and snapshot.network_config["layer_sizes"][0] == setup.dataset.n_features:
            self.model.set_predictions(self.controller.cache.predictions(snapshot))

    @Slot(object, str)
    def commit(self, dataset: Dataset, description: str) -> None:
        self.problem.setVisible(False)
        self.controller.edit_data(dataset, description)

    @Slot(str)
    def _report(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)

    @Slot()
    def paste(self) -> None:
        """Write the clipboard's tab-separated cells from the current cell on, adding rows as needed."""
        text = QGuiApplication.clipboard().text()
        current = self.table.currentIndex()
        if not text.strip():
            return
        import pandas as pd  # as in _number
        cells = pd.read_csv(io.StringIO(text), sep="\t", header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=True).values.tolist()
        top, left = (current.row(), current.column()) if current.isValid() else (self.model.rowCount(), 0)
        try:
            dataset = self.model.with_cells(top, left, cells)
        except ValueError as error:
            self._report(str(error))
            return
        self.commit(dataset, self.tr("Paste {count} row(s)").format(count=len(cells)))

    @Slot()
    def add_row(self) -> None:
        """A copy of the last row at the end, ready to be edited."""
        rows = self.model.rowCount()
        self.commit(self.model.with_cells(rows, 0, [[]]), self.tr("Add row {row}").format(row=rows + 1))

    @Slot()
    def delete_rows(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})
        dataset = self.model.setup.dataset
        if not rows:
            return
        if dataset.n_samples - len(rows) < MIN_ROWS:
            self._report(self.tr("At least {count} rows must stay.").format(count=MIN_ROWS))
            return
        keep = np.ones(dataset.n_samples, bool)
        keep[rows] = False
        self.commit(with_base_data(dataset, base_X(dataset)[keep], dataset.y[keep]),
                    self.tr("Delete {count} row(s)").format(count=len(rows)))
