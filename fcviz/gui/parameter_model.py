"""ParameterTableModel: one row per weight or bias, in seed notation, for any number of parameters.

Values live in NumPy arrays and are formatted only for the rows a view asks
about, so a 400-25-10 network (10k rows) redraws as fast as a 1-2-1 one. The
rows listed are those of one layer whose names contain a text (`set_filter`),
at most MAX_LISTED_PARAMETERS of them: a whole name (w12_1) finds any parameter.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from fcviz.core.experiment_setup import Setup
from fcviz.core.limits import MAX_LISTED_PARAMETERS

LAYER, NAME, VALUE, CHANGE, GRADIENT = "layer", "name", "value", "change", "gradient"
NUMERIC_COLUMNS = (VALUE, CHANGE, GRADIENT)
KEPT_COLUMNS = (VALUE, GRADIENT)  # CHANGE is value − start, worked out for the rows shown
DISPLAY, EDIT, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
ROLES_SHOWN = frozenset((DISPLAY, EDIT, TOOLTIP, ALIGNMENT))
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ParameterTableModel(QAbstractTableModel):
    """Rows are parameters; `columns` picks which of layer, name, value, change, gradient to show.

    The change (since start) is the value less `set_start`'s, subtracted only for the rows a view shows:
    a redraw of a 10M-parameter network makes no array of 10M changes.

    With `editable=True` the value column can be edited; an edit is reported
    through `value_edited(name, value)` and never changes the network itself.
    """

    value_edited = Signal(str, float)

    def __init__(self, columns: Sequence[str], editable: bool = False, parent=None):
        super().__init__(parent)
        self._columns = tuple(columns)
        self._editable = editable
        self._names: Sequence[str] = ()
        self._layers = np.zeros(0, int)
        self._n_layers = 0
        self._numbers = {key: np.zeros(0) for key in KEPT_COLUMNS}
        self._start = np.zeros(0)  # what the change is counted from
        self._rows = np.zeros(0, np.int64)  # the parameters listed, ascending
        self._layer_filter, self._text_filter = 0, ""
        self.unlisted = 0  # parameters of the chosen layer neither listed nor searched (beyond the limit)

    def _header(self, key: str) -> str:
        return {LAYER: self.tr("Layer"), NAME: self.tr("Parameter"), VALUE: self.tr("Value"),
                CHANGE: self.tr("Change since start"), GRADIENT: self.tr("∂L/∂w")}[key]

    # --- filling --------------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        """New parameter names (a new network): the rows are rebuilt."""
        self.beginResetModel()
        self._names = setup.parameter_names
        self._layers = setup.parameter_layers
        self._n_layers = len(setup.layer_sizes) - 1
        self._numbers = {key: np.zeros(len(self._names)) for key in KEPT_COLUMNS}
        self._start = np.zeros(len(self._names))
        self._layer_filter = 0
        self._rows = self._matching_rows()
        self.endResetModel()

    def set_filter(self, layer: int | None = None, text: str | None = None) -> None:
        """List the parameters of `layer` (0 = all) whose names contain `text` (None keeps either)."""
        self.beginResetModel()
        if layer is not None:
            self._layer_filter = layer
        if text is not None:
            self._text_filter = text.strip().lower()
        self._rows = self._matching_rows()
        self.endResetModel()

    def _matching_rows(self) -> np.ndarray:
        layer, text = self._layer_filter, self._text_filter
        # a layer's parameters are one stretch of `params`: its ends, without a mask of millions
        start, stop = (np.searchsorted(self._layers, layer), np.searchsorted(self._layers, layer, "right")) \
            if layer else (0, len(self._names))
        searched = np.arange(start, min(stop, start + MAX_LISTED_PARAMETERS), dtype=np.int64)
        self.unlisted = int(stop - start) - len(searched)
        if not text:
            return searched
        found = [k for k in searched.tolist() if text in self._names[k].lower()]
        if self.unlisted and text in self._names:  # a whole name, anywhere in a huge layer
            found.append(self._names.index(text))
        return np.unique(np.array(found, np.int64))

    def set_numbers(self, key: str, values: np.ndarray) -> None:
        """New values for the value or gradient column; views repaint the rows they show."""
        self._numbers[key] = self._kept(key, values, self._numbers[key], (key, CHANGE) if key == VALUE else (key,))

    def set_start(self, start: np.ndarray) -> None:
        """The values the change column counts from (the run's initial parameters)."""
        self._start = self._kept(CHANGE, start, self._start, (CHANGE,))

    def _kept(self, key: str, values: np.ndarray, current: np.ndarray, shown: tuple[str, ...]) -> np.ndarray:
        """`values` as the model keeps them, repainting the `shown` columns when a listed row differs.

        A read-only array (a snapshot's) is kept as it is, others are copied; only the listed rows (at
        most MAX_LISTED_PARAMETERS) are compared, so a redraw of a wide network makes no pass over all of it."""
        values = np.asarray(values, dtype=float)
        if values.shape != current.shape:
            raise ValueError(f"{key}: expected {current.size} values, got {values.size}")
        if values is current:
            return current
        rows = self._rows
        changed = not np.array_equal(values[rows], current[rows])
        kept = values if not values.flags.writeable else values.copy()
        for column in (self._columns.index(name) for name in shown if name in self._columns):
            if changed and len(rows):
                self.dataChanged.emit(self.index(0, column), self.index(len(rows) - 1, column),
                                      [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return kept

    def numbers(self, key: str) -> np.ndarray:
        """A copy of a whole numeric column (the change too: value − start)."""
        if key == CHANGE:
            return self._numbers[VALUE] - self._start
        return self._numbers[key].copy()

    def _number(self, key: str, row: int) -> float:
        if key == CHANGE:
            return float(self._numbers[VALUE][row] - self._start[row])
        return float(self._numbers[key][row])

    def name(self, row: int) -> str:
        return self._names[int(self._rows[row])]

    def layer(self, row: int) -> int:
        return int(self._layers[self._rows[row]])

    def column_of(self, key: str) -> int:
        return self._columns.index(key)

    def row_of(self, name: str) -> int:
        """The row listing `name` (ValueError if it is not listed)."""
        parameter = self._names.index(name)
        row = int(np.searchsorted(self._rows, parameter))
        if row == len(self._rows) or self._rows[row] != parameter:
            raise ValueError(f"{name} is not listed")
        return row

    def layer_text(self, layer: int) -> str:
        if layer == self._n_layers:
            return self.tr("{number} (output)").format(number=layer)
        return self.tr("{number} (hidden)").format(number=layer)

    # --- QAbstractTableModel ----------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._header(self._columns[section])
        return None

    def flags(self, index):
        flags = super().flags(index)
        if self._editable and self._columns[index.column()] == VALUE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=DISPLAY):
        # Called for every visible cell and role on each repaint: cheapest checks first.
        if role not in ROLES_SHOWN or not index.isValid():
            return None
        key, row = self._columns[index.column()], int(self._rows[index.row()])
        if key not in NUMERIC_COLUMNS:
            if role != DISPLAY:
                return None
            return self._names[row] if key == NAME else self.layer_text(int(self._layers[row]))
        if role == ALIGNMENT:
            return RIGHT_ALIGNED
        value = self._number(key, row)
        if role == DISPLAY:
            return f"{value:.6g}"
        return value if role == EDIT else repr(value)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        try:
            value = float(value)
        except (TypeError, ValueError):
            return False
        if not np.isfinite(value):
            return False
        row = int(self._rows[index.row()])
        if not self._numbers[VALUE].flags.writeable:   # a snapshot's array: edit a copy
            self._numbers[VALUE] = self._numbers[VALUE].copy()
        self._numbers[VALUE][row] = value
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.value_edited.emit(self._names[row], value)
        return True
