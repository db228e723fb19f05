"""The data table (typing, pasting, deleting rows) and File ▸ New data: every edit undoable, sent to the worker."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
from scatter_helpers import activate, line_lab, worker_data, xor_lab

from fcviz.gui.data_generator import NewDataDialog


def _show_table(qtbot, window):
    window.show_panel("data_table", flash=False)
    panel = window.data_table
    qtbot.waitUntil(lambda: not panel.visibleRegion().isEmpty(), timeout=5000)
    activate(qtbot, window)
    return panel


def test_the_table_shows_inputs_target_part_and_prediction(qtbot, open_window):
    window = open_window(xor_lab(n=10))
    window.scatter.test_slider.setValue(20)
    panel = _show_table(qtbot, window)
    model = panel.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["x1", "x2", "class", "part", "prediction"]
    data, setup = window.controller.setup.dataset, window.controller.setup
    row = int(setup.test_rows[0])
    assert model.index(row, 3).data() == "test"
    assert model.index(row, 0).data() == f"{data.X[row, 0]:.6g}"
    assert model.index(row, 2).data() == str(int(data.y[row, 0]))
    window.controller.redraw_now()
    predicted = window.controller.latest.network().predict(data.X[row:row + 1])[0, 0]
    assert model.index(row, 4).data() == str(int(predicted >= 0.5))


def test_typing_a_value_edits_the_data_and_undo_restores_it(qtbot, open_window):
    window = open_window(line_lab(n=6))
    panel = _show_table(qtbot, window)
    before = window.controller.setup.dataset
    index = panel.model.index(2, 1)  # row 3, column y
    panel.table.setFocus()
    panel.table.setCurrentIndex(index)
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.findChild(QLineEdit)
    assert editor is not None, "no editor opened on the cell"
    editor.selectAll()
    qtbot.keyClicks(editor, "7.25")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits from the event loop
    qtbot.waitUntil(lambda: panel.table.state() != QTableView.State.EditingState, timeout=2000)
    after = window.controller.setup.dataset
    assert after.y[2, 0] == 7.25 and worker_data(window)[0].y[2, 0] == 7.25
    np.testing.assert_array_equal(np.delete(after.y, 2), np.delete(before.y, 2))
    assert panel.model.index(2, 1).data() == "7.25"
    window.controller.undo_stack.undo()
    assert worker_data(window)[0].y[2, 0] == before.y[2, 0]
    assert panel.model.index(2, 1).data() == f"{before.y[2, 0]:.6g}"


def test_pasting_spreadsheet_cells_overwrites_and_adds_rows(qtbot, open_window):
    window = open_window(line_lab(n=6))
    panel = _show_table(qtbot, window)
    panel.table.setCurrentIndex(panel.model.index(5, 0))  # the last row
    QGuiApplication.clipboard().setText("0.5\t2.5\r\n-0.25\t0.25\r\n0.75\t3.25\r\n")
    qtbot.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    data = window.controller.setup.dataset
    assert data.n_samples == 8
    np.testing.assert_array_equal(data.X[5:, 0], [0.5, -0.25, 0.75])
    np.testing.assert_array_equal(data.y[5:, 0], [2.5, 0.25, 3.25])
    assert worker_data(window)[0].n_samples == 8 and panel.model.rowCount() == 8
    assert window.controller.undo_stack.undoText() == "Paste 3 row(s)"


def test_a_bad_paste_names_the_cell_and_changes_nothing(qtbot, open_window):
    window = open_window(xor_lab(n=10))
    panel = _show_table(qtbot, window)
    before = window.controller.setup.dataset
    panel.table.setCurrentIndex(panel.model.index(0, 1))
    QGuiApplication.clipboard().setText("0.5\t1\n0.2\tmaybe\n")
    qtbot.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert panel.problem.text() == 'Row 2, column "class": "maybe" is not one of the classes 0, 1'
    assert window.controller.setup.dataset is before and window.controller.undo_stack.count() == 0


def test_delete_removes_the_selected_rows(qtbot, open_window):
    window = open_window(line_lab(n=6))
    panel = _show_table(qtbot, window)
    before = window.controller.setup.dataset
    selection = panel.table.selectionModel()
    for row in (1, 3):
        selection.select(panel.model.index(row, 0), selection.SelectionFlag.Select)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    after = window.controller.setup.dataset
    np.testing.assert_array_equal(after.X[:, 0], np.delete(before.X[:, 0], [1, 3]))
    assert worker_data(window)[0].n_samples == 4


def _answer_new_data(qtbot, samples: int, seed: int) -> None:
    def run():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewDataDialog)
        dialog.samples.setValue(samples)
        dialog.seed.setValue(seed)
        dialog.accept()
    QTimer.singleShot(0, run)


def _new_data_action(window, title: str):
    menu = next(action.menu() for action in window.menuBar().actions()[0].menu().actions()
                if action.menu() is not None and action.text() == "New data")
    return next(action for action in menu.actions() if action.text() == title + "…")


def test_new_data_with_other_inputs_builds_a_network_for_it_and_undo_returns(qtbot, open_window):
    window = open_window()  # the clothes lab: 1 input
    hidden = window.controller.setup.layer_sizes[1:-1]
    _answer_new_data(qtbot, samples=50, seed=3)
    _new_data_action(window, "XOR").trigger()
    setup = window.controller.setup
    assert setup.dataset.n_samples == 50 and setup.layer_sizes == [2, *hidden, 1]
    assert setup.title == "XOR" and window.scatter.heatmap.isVisible()
    assert worker_data(window)[0].n_samples == 50
    window.controller.undo_stack.undo()
    assert window.controller.setup.dataset.feature_names == ("size",)


def test_new_data_that_fits_the_network_keeps_training_it(qtbot, open_window):
    window = open_window()
    config = window.controller.setup.network_config
    _answer_new_data(qtbot, samples=30, seed=1)
    _new_data_action(window, "Clothes size").trigger()
    setup = window.controller.setup
    assert setup.network_config == config and setup.dataset.n_samples == 30
    assert window.controller.undo_stack.undoText() == "New data: Clothes size"
