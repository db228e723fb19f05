"""Open-dataset dialog: sheet, target sheet, header, feature and target columns, problem type, loss and output.

Each choice reloads the data with fcviz.io, so problems (an unreadable file,
an impossible loss, ...) show inline in red with the loader's or core's own
message, and Open stays disabled until the newest choice has loaded and works.
A small table reloads at once; a bigger one in a pool thread, the newest
choice winning (NewestWins), while the dialog keeps answering. Another
sheet, target sheet or header of a bigger file is read so too (the reads are
remembered: the dialog then fills its lists from memory). The
header, the problem type (fcviz.core.tasks, the CLI's rules) and, in a
workbook whose sheets pair by row count, the input/target sheets are
proposed and can be changed; the loss and output activation follow the
problem as suggestions. Below, the same data report `fcviz train` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fcviz.core.dataset import Dataset
from fcviz.core.tasks import (
    BINARY,
    MULTI_CLASS,
    REGRESSION,
    check_settings,
    data_report,
    infer_task,
    suggest_loss,
    suggest_output_activation,
)
from fcviz.gui.newest_wins import NewestWins
from fcviz.io.tables import (
    DatasetError,
    has_header,
    left_out_columns,
    list_sheets,
    load_dataset,
    paired_sheets,
    read_sheet_for_dialog,
    read_table,
)

PREVIEW_ROWS = 200
MAX_GUI_CELLS = 2_000  # a table this small (rows x columns) reloads in 10-20 ms: at once, on the GUI thread
MAX_GUI_BYTES = 20_000  # a file this small is read again (another sheet or header) at once, on the GUI thread
ERROR_STYLE = "color: #c62828;"
LOSSES = ("mse", "bce", "cce")
OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "softmax", "tanh", "relu")


@dataclass(frozen=True)
class Choice:
    """What the dialog asks of the file: one reload's arguments, read on the GUI thread."""
    path: Path
    features: tuple[str, ...]
    target: str | None
    sheet: str | None
    target_sheet: str | None
    header: bool | None
    problem: str | None  # None: guess it from the target

    def load(self, one_hot: bool | None) -> Dataset:
        return load_dataset(self.path, features=list(self.features), target=self.target, sheet=self.sheet,
                            target_sheet=self.target_sheet, one_hot=one_hot, header=self.header)


@dataclass(frozen=True)
class Loaded:
    """A reload's outcome: the problem type (guessed or as chosen), the data, or the loader's error."""
    problem: str | None
    dataset: Dataset | None
    error: str = ""


def load_choice(choice: Choice) -> Loaded:
    """Load `choice`, guessing the problem type first when it has none; never raises a loader's error."""
    problem = choice.problem
    try:
        if problem is None:
            problem = infer_task(choice.load(one_hot=None))
        dataset = choice.load(one_hot=problem == MULTI_CLASS)
        _ = dataset.target_range, dataset.one_hot  # worked out here, not at each choice of loss on the GUI thread
        return Loaded(problem, dataset)
    except (DatasetError, OSError) as error:
        return Loaded(problem, None, str(error))


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
            value = self._frame.iat[index.row(), index.column()]
            return "" if pd.isna(value) else str(value)  # a missing cell shows empty
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self._frame is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self._frame.columns[section])
        return str(self._frame.index[section])  # the spreadsheet's row number


class DatasetDialog(QDialog):
    """Pick what to learn from a CSV/TSV/Excel/ODS file; `dataset` holds the result after accept()."""

    def __init__(self, path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.dataset: Dataset | None = None
        self.setWindowTitle(self.tr("Open dataset — {name}").format(name=self.path.name))
        self.sheet = QComboBox()
        self.target_sheet = QComboBox()
        self.target = QComboBox()
        self.header = QCheckBox(self.tr("First row names the columns"))
        self.problem = QComboBox()
        for key, text in ((REGRESSION, self.tr("Regression")), (BINARY, self.tr("Binary classification (0/1)")),
                          (MULTI_CLASS, self.tr("Multi-class classification"))):
            self.problem.addItem(text, key)
        self.loss_box = QComboBox()
        for loss, text in zip(LOSSES, (self.tr("mean squared error (mse)"), self.tr("binary cross-entropy (bce)"),
                                       self.tr("categorical cross-entropy (cce)"))):
            self.loss_box.addItem(text, loss)
        self.output_box = QComboBox()
        for activation in OUTPUT_ACTIVATIONS:
            self.output_box.addItem(activation, activation)
        self.features = QListWidget()
        self.all_button = QPushButton(self.tr("All"))
        self.none_button = QPushButton(self.tr("None"))
        self.preview_model = TablePreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("datasetError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()

        self.reloads = NewestWins(self, gui_limit=MAX_GUI_CELLS)  # big tables load in a pool thread
        self.reads = NewestWins(self, gui_limit=MAX_GUI_BYTES)  # another sheet or header of a big file
        for work in (self.reloads, self.reads):
            self.finished.connect(work.cancel)  # closed: a load still running ends unseen
        self._loading = False   # a reload is asked for and its data not shown yet: Open stays disabled
        self._reading = False   # another sheet or header is being read: the lists still show the last one
        self._guessing = False  # the problem type is to be guessed from the target (a new target or sheet)
        self._rows = 0
        self._columns: list[str] = []
        self._left_out: list[str] = []  # index and ID-like columns, unticked as the CLI leaves them out
        self._header_detected = True
        self._fill_sheets()
        self.sheet.currentIndexChanged.connect(self._on_sheet_chosen)
        self.target_sheet.currentIndexChanged.connect(lambda: self._read_then(self._on_target_sheet_changed))
        self.target.currentIndexChanged.connect(self._on_target_changed)
        self.problem.currentIndexChanged.connect(self._on_problem_changed)
        self.header.toggled.connect(self._on_header_toggled)
        self.loss_box.currentIndexChanged.connect(self._check_choice)
        self.output_box.currentIndexChanged.connect(self._check_choice)
        self.features.itemChanged.connect(lambda _item: self._reload())
        self.all_button.clicked.connect(lambda: self._check_all_features(Qt.CheckState.Checked))
        self.none_button.clicked.connect(lambda: self._check_all_features(Qt.CheckState.Unchecked))
        self._propose_pair()
        self._detect_header()
        self._on_sheet_changed()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("File"), QLabel(str(self.path)))
        form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("Target sheet"), self.target_sheet)
        form.addRow(self.tr("Header"), self.header)
        form.addRow(self.tr("Target"), self.target)
        form.addRow(self.tr("Problem"), self.problem)
        form.addRow(self.tr("Loss"), self.loss_box)
        form.addRow(self.tr("Output activation"), self.output_box)
        feature_buttons = QHBoxLayout()
        feature_buttons.addWidget(QLabel(self.tr("Features (inputs)")), 1)
        feature_buttons.addWidget(self.all_button)
        feature_buttons.addWidget(self.none_button)
        choices = QWidget()
        choices_layout = QVBoxLayout(choices)
        choices_layout.setContentsMargins(0, 0, 0, 0)
        choices_layout.addLayout(form)
        choices_layout.addLayout(feature_buttons)
        choices_layout.addWidget(self.features, 1)
        splitter = QSplitter()
        splitter.addWidget(choices)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(960, 600)

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

    def chosen_problem(self) -> str:
        return self.problem.currentData()

    def loss(self) -> str:
        return self.loss_box.currentData()

    def output_activation(self) -> str:
        return self.output_box.currentData()

    def chosen_header(self) -> bool | None:
        """None while the header is as detected (each sheet detects its own), else what was ticked."""
        return None if self._header_detected else self.header.isChecked()

    # --- filling ----------------------------------------------------------------------------

    def _fill_sheets(self) -> None:
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

    def _propose_pair(self) -> None:
        """Inputs and targets on two sheets of equal row count (X/y): choose them."""
        try:
            pair = paired_sheets(self.path)
        except (DatasetError, OSError):
            return
        if pair is not None:
            for box, sheet in ((self.sheet, pair[0]), (self.target_sheet, pair[1])):
                box.blockSignals(True)
                box.setCurrentIndex(box.findText(sheet) if box is self.sheet else box.findData(sheet))
                box.blockSignals(False)

    @Slot()
    def _on_sheet_chosen(self) -> None:
        self._header_detected = True
        self._read_then(lambda: (self._detect_header(), self._on_sheet_changed()))

    @Slot()
    def _on_header_toggled(self) -> None:
        self._header_detected = False
        self._read_then(self._on_sheet_changed)

    def _read_then(self, show) -> None:
        """`show()` the chosen sheet, header and target sheet once read: a big file is read in a pool thread
        (the newest choice wins) while the dialog answers, and `show` then fills the lists from memory."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0  # `show` says why the file cannot be read
        self._reading = True
        self._reload()  # no dataset, Open disabled, a load of the last sheet dropped
        self.summary.setText(self.tr("Reading the table…"))
        sheet, header, target_sheet = self.chosen_sheet(), self.chosen_header(), self.chosen_target_sheet()

        def read() -> bool:
            read_sheet_for_dialog(self.path, sheet, header, target_sheet)
            return True

        def shown(_read: bool) -> None:
            self._reading = False
            show()
        self.reads.run(size, read, shown)

    def _detect_header(self) -> None:
        try:
            detected = has_header(self.path, self.chosen_sheet())
        except (DatasetError, OSError):
            detected = True
        with QSignalBlocker(self.header):
            self.header.setChecked(detected)

    def _read(self, sheet: str | None):
        try:
            return read_table(self.path, sheet, self.chosen_header())
        except (DatasetError, OSError) as error:
            self._show_error(str(error))
            return None

    @Slot()
    def _on_sheet_changed(self) -> None:
        self._show_error("")
        frame = self._read(self.chosen_sheet())
        self.preview_model.set_frame(frame)
        self._rows = 0 if frame is None else len(frame)
        self._columns = [] if frame is None else [str(column) for column in frame.columns]
        try:
            self._left_out = [] if frame is None else left_out_columns(self.path, self.chosen_sheet(),
                                                                        self.chosen_header())
        except (DatasetError, OSError):
            self._left_out = []
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
        self.features.blockSignals(True)
        self.features.clear()
        for column in self._columns:
            if same_sheet and column == target:
                continue
            item = QListWidgetItem(column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if column in self._left_out else Qt.CheckState.Checked)
            self.features.addItem(item)
        self.features.blockSignals(False)
        self._reload(guess=True)

    def _check_all_features(self, state: Qt.CheckState) -> None:
        self.features.blockSignals(True)
        for row in range(self.features.count()):
            self.features.item(row).setCheckState(state)
        self.features.blockSignals(False)
        self._reload()

    @Slot()
    def _on_problem_changed(self) -> None:
        self._guessing = False  # chosen by the person: kept
        self._reload()

    # --- loading --------------------------------------------------------------------------------

    def loading(self) -> bool:
        """Whether the newest choice is still being read or loaded (Open is disabled until it has loaded)."""
        return self._loading or self._reading

    @Slot()
    def _reload(self, guess: bool = False) -> None:
        """Load what is chosen; with `guess` (kept until a load shows), first guess the problem type from
        the target. Until the newest choice has loaded, there is no dataset and Open is disabled."""
        self.dataset = None
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(False)
        self._guessing = self._guessing or guess
        self.reloads.cancel()
        self._loading = False
        if self._reading:  # another sheet or header: loaded once it is read
            return
        if not self._columns:  # the table could not be read: its error is showing
            self.summary.setText("")
            return
        if not self.chosen_features():
            self._show_error(self.tr("Choose at least one feature column."))
            self.summary.setText("")
            return
        self._loading = True
        self._show_error("")
        self.summary.setText(self.tr("Loading the chosen columns…"))
        choice = Choice(self.path, tuple(self.chosen_features()), self.chosen_target(), self.chosen_sheet(),
                        self.chosen_target_sheet(), self.chosen_header(),
                        None if self._guessing else self.chosen_problem())
        self.reloads.run(self._rows * len(self._columns), partial(load_choice, choice), self._on_loaded)

    def _on_loaded(self, loaded: Loaded) -> None:
        """The newest choice's data: the problem type guessed, the choice checked, loss and output suggested."""
        self._loading = self._guessing = False
        if loaded.problem is not None:
            with QSignalBlocker(self.problem):
                self.problem.setCurrentIndex(self.problem.findData(loaded.problem))
        try:
            if loaded.dataset is None:
                raise DatasetError(loaded.error)
            self._check_problem(loaded.dataset)
        except DatasetError as error:
            self._show_error(str(error))
            self.summary.setText("")
            return
        self._show_error("")
        self.dataset = loaded.dataset
        self._suggest(loaded.dataset)
        self._check_choice()

    def _check_problem(self, dataset: Dataset) -> None:
        problem = self.chosen_problem()
        if problem == REGRESSION and dataset.classes:
            raise DatasetError(self.tr("The target holds text ({names}): it can only be classified.")
                               .format(names=", ".join(dataset.classes[:5])))
        if problem == BINARY and not (dataset.n_outputs == 1 and dataset.is_classification):
            raise DatasetError(self.tr("Binary classification needs a single target column of 0 and 1; "
                                       "choose multi-class for other labels."))

    def _suggest(self, dataset: Dataset) -> None:
        loss = suggest_loss(dataset)
        for box, value in ((self.loss_box, loss), (self.output_box, suggest_output_activation(dataset, loss))):
            with QSignalBlocker(box):
                box.setCurrentIndex(box.findData(value))

    @Slot()
    def _check_choice(self) -> None:
        """The loaded data with the chosen loss and output: the data report, or why they cannot learn it."""
        open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        if self.dataset is None:
            return
        kind = (self.tr("{n} classes").format(n=len(self.dataset.classes)) if self.dataset.classes
                else self.tr("{n} target column(s)").format(n=self.dataset.n_outputs))
        headline = self.tr("{rows} rows, {inputs} inputs, {kind}.").format(
            rows=self.dataset.n_samples, inputs=self.dataset.n_features, kind=kind)
        try:
            check_settings(self.dataset, self.loss(), self.output_activation())
        except ValueError as error:
            self._show_error(str(error))
            open_button.setEnabled(False)
        else:
            self._show_error("")
            open_button.setEnabled(True)
        report = data_report(self.dataset, self.loss(), self.output_activation(), "standard")
        self.summary.setText("\n".join([headline, *report]))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # --- result --------------------------------------------------------------------------------

    def accept(self) -> None:
        if self.dataset is not None:
            super().accept()

