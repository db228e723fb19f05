"""Open dataset: the dialog's sheets, guesses and errors, and what opening (or cancelling) does."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from qt_helpers import wait_for_state

from fcviz.gui import dataset_dialog
from fcviz.gui.dataset_dialog import DatasetDialog
from fcviz.gui.worker import FINISHED
from fcviz.io import tables
from fcviz.io.samples import sample_path
from fcviz.io.tables import DatasetError, load_dataset

OPEN, CANCEL = QDialogButtonBox.StandardButton.Open, QDialogButtonBox.StandardButton.Cancel


def answer_dialog(qtbot, choose, seen: dict) -> None:
    """Once the modal dataset dialog is up, run `choose(dialog)` on it (it must close the dialog)."""

    deadline = time.monotonic() + 30

    def run():
        dialog = QApplication.activeModalWidget()
        # the dialog reads its file off the GUI thread before exec(): the event loop runs before it shows;
        # a workbook's columns then load in a pool thread
        ready = isinstance(dialog, DatasetDialog) and dialog.isVisible() and not dialog.loading()
        if not ready and time.monotonic() < deadline:
            QTimer.singleShot(20, run)
            return
        try:
            seen["dialog"] = dialog
            choose(dialog)
        finally:
            if dialog is not None and dialog.isVisible():
                dialog.reject()  # never leave a test hanging in exec()

    QTimer.singleShot(0, run)


def test_digits_from_sheets_x_and_y_train_and_fill_the_image_grid(qtbot, open_window):
    window = open_window()
    seen = {}

    def choose(dialog):
        assert [dialog.sheet.itemText(k) for k in range(dialog.sheet.count())] == ["X", "y"]
        seen.update(proposed=(dialog.chosen_sheet(), dialog.chosen_target_sheet()))  # paired by row count
        seen.update(problem=dialog.chosen_problem(), loss=dialog.loss(), output=dialog.output_activation(),
                    summary=dialog.summary.text(), error=dialog.error.isVisible())
        qtbot.mouseClick(dialog.buttons.button(OPEN), Qt.MouseButton.LeftButton)

    answer_dialog(qtbot, choose, seen)
    window.files.open_dataset_dialog(sample_path("digits.xlsx"))
    assert isinstance(seen["dialog"], DatasetDialog)
    assert seen == {**seen, "problem": "multi-class", "loss": "cce", "output": "softmax", "error": False,
                    "proposed": ("X", "y")}
    assert seen["summary"].splitlines() == [
        "1797 rows, 64 inputs, 10 classes.", "rows: 1797 read (no header), 0 dropped", "inputs: 64",
        "target: multi-class, 10 classes (0, 1, 2, 3, 4, 5, 6, 7, …)",
        "loss cce, output softmax; inputs standardized (fitted on the training rows)"]
    setup = window.controller.setup
    assert setup.dataset.n_features == 64 and setup.dataset.classes == tuple("0123456789")
    assert setup.loss_name == "cce" and setup.network_config["activations"][-1] == "softmax"

    window.controller.settings.set("epochs", 3)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    grid = window.image_grid
    qtbot.waitUntil(lambda: not grid.visibleRegion().isEmpty(), timeout=5000)  # raised for pixel data
    window.controller.redraw_now()
    assert grid.samples.image.shape[1] == 8 * (8 + 2)  # 8 images of 8 pixels, 2-pixel gaps
    assert list(grid.shown_rows) == list(range(40))
    network = window.controller.latest.network()
    wrong = int((network.predict(setup.dataset.X).argmax(1) != setup.dataset.labels()).sum())
    assert grid.summary.text() == f"{wrong} of 1797 wrong"


def test_a_loader_error_shows_its_message_and_open_stays_disabled(qtbot, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,y\n1,x,0\n2,3,1\n", encoding="utf-8")
    with pytest.raises(DatasetError) as expected:
        load_dataset(path)
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.error.text() == str(expected.value) and 'column "b"' in dialog.error.text()
    assert not dialog.buttons.button(OPEN).isEnabled()
    dialog.features.item(1).setCheckState(Qt.CheckState.Unchecked)  # without column b it loads
    assert dialog.error.isHidden() and dialog.buttons.button(OPEN).isEnabled()
    assert dialog.dataset.feature_names == ("a",)


def test_a_missing_file_names_itself(qtbot, tmp_path):
    dialog = DatasetDialog(tmp_path / "gone.xlsx")
    qtbot.addWidget(dialog)
    assert dialog.error.text() == "gone.xlsx: file not found"
    assert not dialog.buttons.button(OPEN).isEnabled()


@pytest.mark.parametrize("name, problem, loss, output", [
    ("iris.csv", "multi-class", "cce", "softmax"),
    ("clothes_size.csv", "binary", "bce", "sigmoid"),
    ("linear_regression.csv", "regression", "mse", "linear"),
])
def test_the_problem_type_is_guessed_and_loss_and_output_suggested(qtbot, name, problem, loss, output):
    dialog = DatasetDialog(sample_path(name))
    qtbot.addWidget(dialog)
    assert (dialog.chosen_problem(), dialog.loss(), dialog.output_activation()) == (problem, loss, output)


def test_changing_the_problem_type_reloads_and_checks_it(qtbot):
    dialog = DatasetDialog(sample_path("iris.csv"))
    qtbot.addWidget(dialog)
    dialog.problem.setCurrentIndex(dialog.problem.findData("regression"))
    assert "can only be classified" in dialog.error.text() and dialog.dataset is None
    assert not dialog.buttons.button(OPEN).isEnabled()
    dialog.problem.setCurrentIndex(dialog.problem.findData("multi-class"))
    assert dialog.dataset.classes == ("setosa", "versicolor", "virginica")
    dialog.none_button.click()
    assert dialog.error.text() == "Choose at least one feature column."


def test_whole_number_labels_become_classes_when_multi_class(qtbot, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("x,label\n" + "".join(f"{k / 10},{k % 3}\n" for k in range(12)), encoding="utf-8")
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.chosen_problem() == "multi-class" and dialog.dataset.classes == ("0", "1", "2")
    dialog.problem.setCurrentIndex(dialog.problem.findData("regression"))
    assert dialog.dataset.n_outputs == 1 and dialog.loss() == "mse"


def test_cancel_leaves_the_experiment_untouched(qtbot, open_window):
    window = open_window()
    setup, snapshot = window.controller.setup, window.controller.latest
    seen = {}

    def choose(dialog):
        dialog.target_sheet.setCurrentIndex(dialog.target_sheet.findData("y"))
        qtbot.mouseClick(dialog.buttons.button(CANCEL), Qt.MouseButton.LeftButton)

    answer_dialog(qtbot, choose, seen)
    window.files.open_dataset_dialog(sample_path("digits.xlsx"))
    assert isinstance(seen["dialog"], DatasetDialog) and not seen["dialog"].isVisible()
    assert window.controller.setup is setup and window.controller.undo_stack.count() == 0
    np.testing.assert_array_equal(window.controller.latest.params, snapshot.params)
    data = window.controller.call_in_worker(lambda experiment: experiment.dataset)
    assert data is setup.dataset


def test_the_dialog_starts_from_the_clis_reading(qtbot, tmp_path):
    path = tmp_path / "saved.csv"
    path.write_text(",size,island,label\n" + "".join(f"{k},{k % 5},{'AB'[k % 2]},{1 + k % 3}\n" for k in range(30)))
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    cli = load_dataset(path)
    assert dialog.chosen_features() == ["size", "island"]  # the index column unticked, as the CLI leaves it out
    assert dialog.dataset.feature_names == cli.feature_names == ("size", "island=A", "island=B")
    assert (dialog.chosen_problem(), dialog.loss(), dialog.output_activation()) == ("multi-class", "cce", "softmax")
    assert dialog.header.isChecked() and "left out" not in dialog.summary.text()
    dialog.output_box.setCurrentIndex(dialog.output_box.findData("sigmoid"))
    assert dialog.error.text() == "categorical cross-entropy over 3 classes needs a softmax output, not sigmoid"
    assert not dialog.buttons.button(OPEN).isEnabled()


def slow_loads(monkeypatch, release: threading.Event) -> list[threading.Thread]:
    """The dialog's loader waits for `release`; the threads it ran in are listed."""
    threads = []

    def load(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(3)
        return load_dataset(*args, **kwargs)
    monkeypatch.setattr(dataset_dialog, "load_dataset", load)
    return threads


def test_a_big_tables_columns_load_off_the_gui_thread_and_the_newest_choice_wins(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"  # 30,000 cells: more than a reload done at once
    path.write_text("a,b,label\n" + "".join(f"{k},{k % 7},{'xyz'[k % 3]}\n" for k in range(10_000)))
    release = threading.Event()
    threads = slow_loads(monkeypatch, release)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(10)
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert threading.main_thread() not in threads, "the columns were loaded on the GUI thread"
    qtbot.wait(200)
    assert len(ticks) >= 5, "the dialog did not answer while its columns loaded"
    assert dialog.loading() and dialog.dataset is None and not dialog.buttons.button(OPEN).isEnabled()
    assert dialog.summary.text() == "Loading the chosen columns…"
    dialog.accept()  # Enter while loading
    assert dialog.result() != DatasetDialog.DialogCode.Accepted

    dialog.features.item(1).setCheckState(Qt.CheckState.Unchecked)  # a newer choice while the first loads
    release.set()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10_000)
    heartbeat.stop()
    assert dialog.dataset.feature_names == ("a",), "an older choice's data was shown"
    assert dialog.dataset.classes == ("x", "y", "z") and dialog.chosen_problem() == "multi-class"
    assert dialog.buttons.button(OPEN).isEnabled() and dialog.error.isHidden()
    assert threading.main_thread() not in threads


def test_a_problem_type_chosen_while_loading_is_checked_when_the_data_arrives(qtbot, monkeypatch):
    monkeypatch.setattr(dataset_dialog, "MAX_GUI_CELLS", 0)  # iris stands for a big table
    release = threading.Event()
    slow_loads(monkeypatch, release)
    dialog = DatasetDialog(sample_path("iris.csv"))
    qtbot.addWidget(dialog)
    dialog.problem.setCurrentIndex(dialog.problem.findData("binary"))  # before the guess arrives
    release.set()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10_000)
    assert dialog.chosen_problem() == "binary", "the late guess overrode the person's choice"
    assert "needs a single target column of 0 and 1" in dialog.error.text() and dialog.dataset is None
    assert not dialog.buttons.button(OPEN).isEnabled()
    dialog.problem.setCurrentIndex(dialog.problem.findData("multi-class"))
    assert not dialog.buttons.button(OPEN).isEnabled() and dialog.error.isHidden()  # loading: no stale error
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10_000)
    assert dialog.dataset.classes == ("setosa", "versicolor", "virginica")
    assert dialog.buttons.button(OPEN).isEnabled() and dialog.loss() == "cce"


def reads_in(monkeypatch) -> list[threading.Thread]:
    """The threads that read a file's bytes or open its workbook from now on."""
    threads = []
    for name in ("_read_bytes", "_with_workbook"):
        real = getattr(tables, name)
        monkeypatch.setattr(tables, name, lambda *args, real=real: (threads.append(threading.current_thread()),
                                                                    real(*args))[1])
    return threads


def test_a_big_tables_header_is_read_again_off_the_gui_thread_and_the_newest_choice_wins(qtbot, tmp_path,
                                                                                       monkeypatch):
    path = tmp_path / "big.csv"  # 60 KB: more than a file read again at once
    path.write_text("size,weight,label\n" + "".join(f"{k},{k % 7},{'xyz'[k % 3]}\n" for k in range(5_000)))
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10_000)
    threads = reads_in(monkeypatch)
    dialog.header.click()  # the first row as data: columns x1..x3
    assert dialog.loading() and dialog.dataset is None and not dialog.buttons.button(OPEN).isEnabled()
    assert dialog.summary.text() == "Reading the table…"
    dialog.header.click()  # and back, before the first read has shown
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    assert threads and threading.main_thread() not in threads, "the table was read again on the GUI thread"
    assert dialog.header.isChecked() and dialog.chosen_features() == ["size", "weight"]
    assert dialog.dataset.classes == ("x", "y", "z") and dialog.buttons.button(OPEN).isEnabled()
    dialog.header.click()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    assert [dialog.target.itemText(k) for k in range(dialog.target.count())] == ["x1", "x2", "x3"]
    assert threading.main_thread() not in threads


def test_another_sheet_of_a_big_workbook_is_read_off_the_gui_thread_and_its_errors_shown(qtbot, tmp_path,
                                                                                        monkeypatch):
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "first"
    book.active.append(["a", "b", "label"])
    for k in range(4000):
        book.active.append([k, k % 5, k % 2])
    second = book.create_sheet("second")
    second.append(["height", "kind"])
    for k in range(3000):  # not as many rows: no input/target pair is proposed
        second.append([k % 11, "uv"[k % 2]])
    book.create_sheet("empty")
    path = tmp_path / "big.xlsx"
    book.save(path)
    assert path.stat().st_size > dataset_dialog.MAX_GUI_BYTES
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    threads = reads_in(monkeypatch)
    dialog.sheet.setCurrentIndex(dialog.sheet.findText("second"))
    assert dialog.loading() and not dialog.buttons.button(OPEN).isEnabled()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    assert threads and threading.main_thread() not in threads, "the sheet was read on the GUI thread"
    assert dialog.chosen_features() == ["height"] and dialog.dataset.classes == ("u", "v")
    assert dialog.buttons.button(OPEN).isEnabled() and dialog.error.isHidden()
    dialog.sheet.setCurrentIndex(dialog.sheet.findText("empty"))
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    assert "empty" in dialog.error.text() and dialog.dataset is None and not dialog.buttons.button(OPEN).isEnabled()
    assert threading.main_thread() not in threads


def test_a_big_tables_targets_are_looked_through_once_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    """1000 classes' targets are 16 MB: the dialog checked them on the GUI thread at every choice of loss."""
    from functools import cached_property

    from fcviz.core.dataset import Dataset
    threads = []
    for name in ("target_range", "one_hot"):
        real = getattr(Dataset, name).func
        recorded = cached_property(lambda self, real=real: (threads.append(threading.current_thread()), real(self))[1])
        recorded.__set_name__(Dataset, name)
        monkeypatch.setattr(Dataset, name, recorded)
    path = tmp_path / "classes.csv"
    path.write_text("a,b,label\n" + "".join(f"{k % 13},{k % 7},kind{k % 1000}\n" for k in range(1999)))
    dialog = DatasetDialog(path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=20_000)
    assert dialog.buttons.button(OPEN).isEnabled() and "1000 classes" in dialog.summary.text()
    for loss in ("mse", "bce", "cce"):  # each choice is checked against the targets
        dialog.loss_box.setCurrentIndex(dialog.loss_box.findData(loss))
    assert dialog.buttons.button(OPEN).isEnabled() and dialog.error.isHidden()
    assert len(threads) == 2 and threading.main_thread() not in threads
