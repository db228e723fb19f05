"""Open-dataset dialog: choose sheet, target sheet, feature and target columns, with a preview.

Problems (an unreadable file, a text column among the features, ...) are
shown inline in red with the loader's own message; the dialog stays open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Slot
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QSplitter, QTableView, QVBoxLayout, QWidget)

from fcviz.core.dataset import Dataset

PREVIEW_ROWS = 200
ERROR_STYLE = "color: #c62828;"


class TablePreviewModel(QAbstractTableModel):
    """The first rows of a pandas DataFrame, read-only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._frame = None

    def set_frame(self, frame) -> None:
        self.beginResetModel()
        self._frame = None if frame is None else frame.head(PREVIEW_ROWS)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if self._frame is None or parent.isValid() else len(self._frame)

    def columnCount(self, parent=QModelIndex()):
        return 0 if self._frame is None or parent.isValid() else len(self._frame.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return str(self._frame.iat[index.row(), index.column()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self._frame is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self._frame.columns[section])
        return str(section + 1)


class DatasetDialog(QDialog):
    """Pick what to learn from a CSV/TSV/Excel/ODS file; `dataset` holds the result after accept()."""

    def __init__(self, path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.dataset: Dataset | None = None
        self.setWindowTitle(self.tr("Open dataset — {name}").format(name=self.path.name))
        self.sheet = QComboBox()
        self.target_sheet = QComboBox()
        self.features = QListWidget()
        self.target = QComboBox()
        self.preview_model = TablePreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.error = QLabel()
        self.error.setObjectName("datasetError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("File"), QLabel(str(self.path)))
        form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("Target sheet"), self.target_sheet)
        form.addRow(self.tr("Target"), self.target)
        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 0, 0)
        choices_layout.addLayout(form)
        choices_layout.addWidget(QLabel(self.tr("Features (inputs)")))
        choices_layout.addWidget(self.features, 1)
        splitter = QSplitter()
        splitter.addWidget(choices)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(900, 520)

        self._columns: list[str] = []
        self._fill_sheets()
        self.sheet.currentIndexChanged.connect(self._on_sheet_changed)
        self.target_sheet.currentIndexChanged.connect(self._on_target_sheet_changed)
        self.target.currentIndexChanged.connect(self._on_target_changed)
        self._on_sheet_changed()

    # --- what the person chose ------------------------------------------------------------

    def chosen_sheet(self) -> str | None:
        return self.sheet.currentText() if self.sheet.isEnabled() else None

    def chosen_target_sheet(self) -> str | None:
        return self.target_sheet.currentData()

    def chosen_target(self) -> str | None:
        return self.target.currentData()

    def chosen_features(self) -> list[str]:
        return [self.features.item(row).text() for row in range(self.features.count())
                if self.features.item(row).checkState() == Qt.CheckState.Checked]

    # --- filling ----------------------------------------------------------------------------

    def _fill_sheets(self) -> None:
        from fcviz.io.tables import DatasetError, list_sheets
        try:
            sheets = list_sheets(self.path)
        except (DatasetError, OSError) as error:
            self._show_error(str(error))
            sheets = []
        self.sheet.addItems(sheets)
        self.sheet.setEnabled(bool(sheets))
        self.target_sheet.addItem(self.tr("(same sheet)"), None)
        for sheet in sheets:
            self.target_sheet.addItem(sheet, sheet)
        self.target_sheet.setEnabled(len(sheets) > 1)

    def _read(self, sheet: str | None):
        from fcviz.io.tables import DatasetError, read_table
        try:
            return read_table(self.path, sheet)
        except (DatasetError, OSError) as error:
            self._show_error(str(error))
            return None

    @Slot()
    def _on_sheet_changed(self) -> None:
        self._show_error("")
        frame = self._read(self.chosen_sheet())
        self.preview_model.set_frame(frame)
        self._columns = [] if frame is None else [str(column) for column in frame.columns]
        self._on_target_sheet_changed()

    @Slot()
    def _on_target_sheet_changed(self) -> None:
        target_sheet = self.chosen_target_sheet()
        self.target.blockSignals(True)
        self.target.clear()
        if target_sheet is None:
            for column in self._columns:
                self.target.addItem(column, column)
            self.target.setCurrentIndex(len(self._columns) - 1)  # the last column, as the loader defaults
        else:
            frame = self._read(target_sheet)
            self.target.addItem(self.tr("(the whole sheet)"), None)
            for column in [] if frame is None else frame.columns:
                self.target.addItem(str(column), str(column))
        self.target.blockSignals(False)
        self._on_target_changed()

    @Slot()
    def _on_target_changed(self) -> None:
        same_sheet = self.chosen_target_sheet() is None
        target = self.chosen_target()
        self.features.clear()
        for column in self._columns:
            if same_sheet and column == target:
                continue
            item = QListWidgetItem(column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.features.addItem(item)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # --- result --------------------------------------------------------------------------------

    def accept(self) -> None:
        from fcviz.io.tables import DatasetError, load_dataset
        try:
            self.dataset = load_dataset(self.path, features=self.chosen_features(), target=self.chosen_target(),
                                        sheet=self.chosen_sheet(), target_sheet=self.chosen_target_sheet())
        except (DatasetError, OSError) as error:
            self._show_error(str(error))
            return
        super().accept()
