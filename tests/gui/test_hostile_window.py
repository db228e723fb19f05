"""The window against hostile files and numbers: it keeps answering, never crashes (issue 18)."""

from __future__ import annotations

import json
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from fcviz.core.limits import short_number
from fcviz.core.presets import build_preset
from fcviz.gui import loading, parameter_model
from fcviz.gui.dataset_dialog import DatasetDialog
from fcviz.gui.loading import Cancelled, run_with_progress
from fcviz.gui.panels.scatter.maps import ConfusionMatrixPlot
from fcviz.gui.panels.training import loss_view_range
from fcviz.gui.plots import padded_range
from fcviz.io import session as session_io
from fcviz.io import tables
from fcviz.io.samples import sample_path
from fcviz.io.session import save_session


def heartbeat():
    """A 10 ms timer on the GUI thread; its tick count shows the event loop ran."""
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    return timer, ticks


def test_a_slow_load_keeps_the_event_loop_answering(qtbot):
    timer, ticks = heartbeat()
    assert run_with_progress(None, "slow", lambda: time.sleep(0.6) or 42) == 42
    timer.stop()
    assert len(ticks) >= 10, "the event loop did not run during the load"
    assert np.diff(ticks).max() < 0.3, "the window stopped answering for more than 0.3 s"


def test_an_error_of_the_load_is_raised_in_the_gui_thread(qtbot):
    def fail():
        raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        run_with_progress(None, "failing", fail)


def cancel_when_shown(qtbot):
    """Press Cancel on the progress dialog once it shows."""
    def press():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.findChild(QPushButton).click()  # as a person does: the Cancel button
                return
        QTimer.singleShot(20, press)
    QTimer.singleShot(loading.SHOW_AFTER_MS, press)


def test_cancel_ends_the_wait_at_once(qtbot):
    release = threading.Event()
    cancel_when_shown(qtbot)
    started = time.perf_counter()
    with pytest.raises(Cancelled):
        run_with_progress(None, "forever", release.wait, 10)
    assert time.perf_counter() - started < 3
    release.set()


def test_cancelling_a_session_load_leaves_the_experiment_as_it_was(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window()
    before = window.controller.setup
    path = tmp_path / "other.fcviz"
    save_session(path, build_preset("clothes"))
    release = threading.Event()
    real = session_io.load_session
    monkeypatch.setattr(session_io, "load_session", lambda *args: (release.wait(10), real(*args))[1])
    cancel_when_shown(qtbot)
    assert window.files.open_session(path) is False
    release.set()
    qtbot.wait(50)
    assert window.controller.setup is before and window.files.session_path is None


def test_a_table_network_is_built_off_the_gui_thread_and_cancel_keeps_the_lab(qtbot, open_window, monkeypatch):
    from fcviz.core import experiment as experiment_module
    window = open_window()
    before = window.controller.setup
    path = Path(__file__).resolve().parents[2] / "samples" / "clothes_size.csv"
    release, builders = threading.Event(), []
    real = experiment_module.build_table_experiment

    def slow_build(*args):
        builders.append(threading.current_thread())
        release.wait(10)
        return real(*args)
    monkeypatch.setattr(experiment_module, "build_table_experiment", slow_build)
    cancel_when_shown(qtbot)
    window.files.open_dataset(tables.load_dataset(path), path)
    release.set()
    assert builders and builders[0] is not threading.main_thread()
    qtbot.wait(50)
    assert window.controller.setup is before


def test_a_table_network_and_its_first_metrics_are_made_off_the_gui_thread(qtbot, open_window, monkeypatch):
    from fcviz.core.experiment import Experiment
    window = open_window()
    path = Path(__file__).resolve().parents[2] / "samples" / "clothes_size.csv"
    measured_in, real = [], Experiment.metrics
    monkeypatch.setattr(Experiment, "metrics", lambda self: (measured_in.append(threading.current_thread()),
                                                            real(self))[1])
    window.files.open_dataset(tables.load_dataset(path), path)
    assert window.controller.setup.dataset.n_samples == tables.load_dataset(path).n_samples
    assert measured_in and threading.main_thread() not in measured_in


def test_an_opened_experiments_first_frame_waits_for_the_timers_already_due(qtbot, open_window):
    """Opening a file installs its network and draws its first frame: two turns of the event loop, not one
    (a 1000-class table's were one 0.3 s pause)."""
    window = open_window()  # the clothes lab: paced, so a snapshot is drawn as it arrives
    order = []
    window.controller.snapshot_changed.connect(
        lambda snapshot: order.append(("frame", snapshot.network_config["layer_sizes"])))
    due = QTimer(singleShot=True, interval=0)
    due.timeout.connect(lambda: order.append("timer"))
    due.start()
    window.files.open_preset("xor")
    window.controller.pacer.offer()  # the worker's first snapshot, arriving in the install's turn
    assert order == []
    qtbot.waitUntil(lambda: len(order) >= 2, timeout=5000)
    assert order[:2] == ["timer", ("frame", window.controller.setup.layer_sizes)]


def test_the_neuron_maps_are_one_image_made_once_and_each_drawn_where_it_belongs(qtbot, open_window, tmp_path):
    """64 image items made anew for every network were most of opening a 1000-class table (issue 18)."""
    from fcviz.gui.panels.scatter.maps import MAP_STEP, activation_levels
    from fcviz.gui.plots import colored
    window = open_window()
    path = tmp_path / "classes.csv"
    path.write_text("a,b,label\n" + "".join(f"{k % 13},{k % 7},kind{k % 1000}\n" for k in range(1999)))
    window.files.open_dataset(tables.load_dataset(path), path)
    maps = window.scatter.neuron_maps
    items = list(maps.box.addedItems)
    window.files.open_preset("xor")
    window.files.open_dataset(tables.load_dataset(path), path)
    assert maps.box.addedItems == items, "the maps' items were made again"
    assert len(maps.cells) == 64
    window.controller.redraw_now()
    window.scatter.grid_forward.wait()
    view = window.scatter.mode_view
    hidden = window.controller.latest.network().forward(view.grid)[0][1]  # (units, grid points)
    for unit in (0, 37, 63):
        values = hidden[unit]
        expected = colored(values.reshape(view.size, view.size)[::MAP_STEP, ::MAP_STEP].T,
                           activation_levels("relu", values), maps._lut)
        top, left = maps._corners[unit]
        np.testing.assert_array_equal(maps.mosaic.image[top:top + expected.shape[0], left:left + expected.shape[1]],
                                      expected)
        shown = maps.mosaic.mapRectToView(QRectF(left, top, expected.shape[1], expected.shape[0]))
        cell = maps.cells[unit]  # where a click chooses this unit
        assert [shown.left(), shown.top(), shown.width(), shown.height()] == pytest.approx(
            [cell.left(), cell.top(), cell.width(), cell.height()])


def test_a_data_table_behind_its_tab_fits_its_columns_once_shown(qtbot, open_window, tmp_path, monkeypatch):
    """Measuring a hidden table's columns was part of opening a 1000-class table (issue 18)."""
    window = open_window()
    table = window.data_table.table
    fitted = []
    real = table.resizeColumnsToContents
    monkeypatch.setattr(table, "resizeColumnsToContents", lambda: (fitted.append(True), real())[1])
    path = tmp_path / "wide.csv"
    path.write_text("x,a_rather_long_column_name\n" + "".join(f"{k},{k % 2}\n" for k in range(50)))
    window.files.open_dataset(tables.load_dataset(path), path)
    assert window.data_table.visibleRegion().isEmpty()  # behind the Training tab
    assert fitted == [], "its columns were measured behind its tab"
    window.show_panel("data_table", flash=False)
    qtbot.waitUntil(lambda: fitted == [True], timeout=5000)
    header = table.horizontalHeader()
    assert header.sectionSize(1) >= header.sectionSizeHint(1)


def test_the_network_is_exported_off_the_gui_thread_and_cancel_writes_nothing(qtbot, open_window, tmp_path,
                                                                              monkeypatch):
    """Exporting 8M parameters takes half a minute: done on the GUI thread, the window froze for it."""
    from fcviz.io import weights
    window = open_window()
    threads, release = [], threading.Event()
    real = weights.export_numpy

    def slow_export(*args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(*args, **kwargs)
    monkeypatch.setattr(weights, "export_numpy", slow_export)
    path = tmp_path / "net.py"
    cancel_when_shown(qtbot)
    assert window.files.export_network(path, "numpy") is False
    release.set()
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=10_000)
    assert threads[0] is not threading.main_thread() and not path.exists()
    assert window.files.export_network(path, "numpy") and "def predict" in path.read_text()
    assert threads[1] is not threading.main_thread()


def test_a_thousand_classes_share_ten_point_styles(qtbot, open_window, tmp_path):
    """pyqtgraph renders a symbol per brush object: one brush per class drew 1000 symbols, and more at each edit."""
    from fcviz.gui.plots import CLASS_COLORS, class_color
    path = tmp_path / "classes.csv"
    path.write_text("a,b,label\n" + "".join(f"{k % 13},{k % 7},kind{k % 1000}\n" for k in range(1999)))
    window = open_window()
    window.files.open_dataset(tables.load_dataset(path), path)
    points = window.scatter.points
    assert 0 < len(points.fragmentAtlas) <= 2 * len(CLASS_COLORS) + 2
    labels = window.controller.setup.dataset.labels()
    train = np.setdiff1d(np.arange(len(labels)), window.controller.setup.test_rows)[:50]
    brushes = points.data["brush"]
    assert all(brushes[k].color() == class_color(labels[k]) for k in train)
    sizes = []
    for percent in (30, 20, 40):  # edits redraw the points (test points hollow with their class's pen)
        window.scatter.test_slider.setValue(percent)
        qtbot.wait(50)
        sizes.append(len(points.fragmentAtlas))
    assert sizes[0] == sizes[1] == sizes[2] <= 2 * len(CLASS_COLORS) + 2


def hostile_session(tmp_path, edit) -> str:
    """The clothes lab saved, with `edit(document)` applied to its session.json."""
    path = tmp_path / "hostile.fcviz"
    save_session(path, build_preset("clothes"))
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("session.json"))
        arrays = archive.read("arrays.npz")
    edit(document)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays)
    return path


NAN, INF = float("nan"), float("inf")

# (where in session.json, key, value written, value shown, the notice's words): each through the real window
CLAMPED_IN_THE_WINDOW = [
    ("experiment", "epochs", 1e30, 100_000_000, "epochs 1e+30 → 100,000,000"),
    ("experiment", "epochs", 10 ** 4000, 100_000_000, "epochs a 4001-digit number → 100,000,000"),
    ("experiment", "display_every", 1e30, 1_000_000, "redraw every 1e+30 → 1,000,000"),
    ("experiment", "display_every", -5, 1, "redraw every -5 → 1"),
    ("experiment", "pace", 1e308, 1000.0, "pace 1e+308 → 1,000/s"),
    ("experiment", "pace", -3, 0.0, "pace -3 → max"),
    ("trainer", "batch_size", 1e308, 1_000_000, "batch size 1e+308 → 1,000,000"),
    ("trainer", "batch_size", -3, 1, "batch size -3 → 1"),
    ("optimizer", "learning_rate", 1e308, 1e6, "learning rate 1e+308 → 1e+06"),
    ("optimizer", "learning_rate", NAN, 0.001, "learning rate nan → 0.001"),
    ("ui_state", "max_redraw_hz", INF, 120, "max redraw rate inf → 120/s"),
    ("ui_state", "max_redraw_hz", NAN, 30, "max redraw rate nan → 30/s"),
]


def shown(window, section, key):
    """What the window's control for a setting shows (the pace box: its chosen pace)."""
    return {"epochs": window.toolbar.epochs_box.value, "display_every": window.display_frequency.every.value,
            "pace": window.toolbar.pace_box.currentData, "batch_size": window.architecture.batch_size.value,
            "learning_rate": window.toolbar.learning_rate_box.value,
            "max_redraw_hz": window.display_frequency.max_rate.value}[key]()


def hostile_setting(tmp_path, section, key, value) -> Path:
    def edit(document):
        parts = {"optimizer": document["trainer"]["optimizer"], "ui_state": document["experiment"]["ui_state"]}
        (parts[section] if section in parts else document[section])[key] = value
    return hostile_session(tmp_path, edit)


@pytest.mark.parametrize("section, key, value, used, words", CLAMPED_IN_THE_WINDOW,
                         ids=[f"{key} {short_number(value)}" for _, key, value, *_ in CLAMPED_IN_THE_WINDOW])
def test_a_session_value_beyond_its_range_is_clamped_and_the_window_says_so(
        qtbot, open_window, tmp_path, section, key, value, used, words):
    window = open_window()
    path = hostile_setting(tmp_path, section, key, value)
    before = path.read_bytes()
    assert window.files.open_session(path)
    qtbot.wait(50)
    assert window.isVisible() and window.files.session_path == path
    assert shown(window, section, key) == used
    assert getattr(window.controller.settings, key, used) == used
    if key == "batch_size":
        assert window.controller.setup.trainer_config["batch_size"] == used
    notice = "Session values adjusted to what fcviz can hold: " + words
    box = window.findChild(QMessageBox, "adjustedMessage")
    assert box.isVisible() and not box.isModal() and box.text() == notice
    assert window.statusBar().currentMessage() == notice
    assert path.read_bytes() == before  # clamped in the window only, until the person saves


def test_a_session_within_the_ranges_opens_without_a_notice(qtbot, open_window, tmp_path):
    window = open_window()
    path = hostile_session(tmp_path, lambda document: None)
    assert window.files.open_session(path)
    assert window.findChild(QMessageBox, "adjustedMessage") is None
    assert window.statusBar().currentMessage().startswith("Opened hostile.fcviz")


@pytest.mark.parametrize("section, key, value, words", [
    ("ui_state", "max_redraw_hz", INF, "最高重绘频率 inf → 120/秒"),
    ("experiment", "epochs", 10 ** 4000, "训练轮数 一个 4001 位的数 → 100,000,000"),
    ("experiment", "pace", -3, "播放速度 -3 → 最快"),
], ids=["rate", "digits", "pace"])
def test_the_notice_is_translated(qtbot, open_window, tmp_path, section, key, value, words):
    from fcviz.gui.language import set_language
    set_language("zh_CN")
    try:
        window = open_window()
        assert window.files.open_session(hostile_setting(tmp_path, section, key, value))
        text = window.findChild(QMessageBox, "adjustedMessage").text()
    finally:
        set_language("en")
    assert text == "会话中的数值已调整到 fcviz 能容纳的范围：" + words


@pytest.mark.parametrize("section, key, value, message", [
    ("experiment", "epochs", "many", "experiment 'epochs' must be a number, not 'many'"),
    ("experiment", "epochs", 2.5, "experiment 'epochs' must be a whole number, not 2.5"),
    ("state", "epoch", 1e30, "state 'epoch' must be an integer, not 1e+30"),
])
def test_a_damaged_session_is_still_refused_in_a_dialog(qtbot, open_window, tmp_path, section, key, value, message):
    window = open_window()
    before = window.controller.setup
    reports = []
    window.files.report = lambda title, text: reports.append((title, text))
    path = hostile_setting(tmp_path, section, key, value)
    assert window.files.open_session(path) is False
    assert reports == [("Cannot open the session", f"{path} is damaged: {message}")]
    assert window.controller.setup is before and window.findChild(QMessageBox, "adjustedMessage") is None


@pytest.mark.parametrize("edit", [
    lambda d: d["trainer"].update(seed=10 ** 30, batch_size=2 ** 31 - 1),
    lambda d: d["experiment"]["ui_state"].update(max_redraw_hz=1e308),
    lambda d: d["experiment"]["ui_state"].update(window_layout="布局名字"),
], ids=["seed 1e30", "max_redraw_hz 1e308", "non-ASCII layout"])
def test_a_session_with_extreme_numbers_opens(qtbot, open_window, tmp_path, monkeypatch, edit):
    monkeypatch.setattr(QMessageBox, "exec", lambda self: self.reject())
    window = open_window()
    path = hostile_session(tmp_path, edit)
    assert window.files.open_session(path)
    qtbot.wait(50)
    assert window.isVisible() and window.files.session_path == path
    assert window.toolbar.epochs_box.value() <= window.toolbar.epochs_box.maximum()


def test_a_table_of_1e308_is_refused_in_a_dialog_or_drawn_with_a_note(qtbot, open_window, tmp_path):
    from fcviz.io.tables import load_dataset
    path = tmp_path / "huge.csv"
    path.write_text("x,y\n1e308,1\n-1e308,0\n1,1\n")
    window = open_window()
    reports = []
    window.files.report = lambda title, message: reports.append(message)
    window.files.open_dataset(load_dataset(path), path)
    qtbot.wait(50)
    assert window.isVisible()
    if reports:  # the input scaling cannot standardise 1e308: one dialog line, the lab unchanged
        assert reports == ["preprocessing 'x_scale' must be a row of finite numbers"]
        return
    assert window.scatter.note.text() == "2 samples hold values beyond ±1e150 and are left out of the plot's range"
    (x0, x1), _ = window.scatter.plot_widget.getPlotItem().viewRange()
    assert np.isfinite([x0, x1]).all() and x1 - x0 < 10


def test_plot_ranges_ignore_values_they_cannot_show():
    assert padded_range(np.array([1e308, -np.inf, np.nan, 0.0, 2.0]), 0.0) == (0.0, 2.0)
    assert padded_range(np.array([np.inf]), 0.1) == (-1.0, 1.0)
    assert loss_view_range(np.array([1e308, 0.3]), False) == (0.0, 0.5)


def test_a_confusion_matrix_of_1000_classes_is_quick(qtbot):
    matrix = ConfusionMatrixPlot()
    started = time.perf_counter()
    matrix.set_classes([f"c{k}" for k in range(1000)])
    labels = np.arange(5000) % 1000
    matrix.draw(labels, labels)
    assert time.perf_counter() - started < 5  # a text per cell: minutes
    assert matrix.labels == []


def test_a_table_is_read_off_the_gui_thread_before_its_dialog_and_cancel_keeps_the_lab(qtbot, open_window,
                                                                                     tmp_path, monkeypatch):
    window = open_window()
    before = window.controller.setup
    path = tmp_path / "slow.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n")
    release = threading.Event()
    real = tables.read_limited
    monkeypatch.setattr(tables, "read_limited", lambda *args: (release.wait(10), real(*args))[1])
    dialogs = []
    monkeypatch.setattr(DatasetDialog, "exec", lambda self: dialogs.append(self) or 0)
    cancel_when_shown(qtbot)  # a GUI-thread timer presses Cancel: it runs only if the read leaves the loop running
    window.files.open_dataset_dialog(path)
    still_reading = not release.is_set()
    release.set()
    assert still_reading, "the read ended before Cancel was pressed"
    assert dialogs == [], "the dataset dialog was built although the read was cancelled"
    assert window.controller.setup is before


def test_the_dataset_dialog_is_built_from_what_was_read_off_the_gui_thread(qtbot, open_window, tmp_path,
                                                                          monkeypatch):
    window = open_window()
    path = tmp_path / "t.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n")
    reader_threads = []
    real = tables.read_limited
    monkeypatch.setattr(tables, "read_limited",
                        lambda *args: (reader_threads.append(threading.current_thread()), real(*args))[1])
    dialogs = []
    monkeypatch.setattr(DatasetDialog, "exec", lambda self: dialogs.append(self) or 0)
    window.files.open_dataset_dialog(path)
    assert len(dialogs) == 1 and dialogs[0].chosen_target() == "label" and dialogs[0].dataset.classes == ("x", "y")
    assert reader_threads and threading.main_thread() not in reader_threads


def test_a_workbooks_dialog_checks_its_limits_and_columns_off_the_gui_thread(qtbot, open_window, monkeypatch):
    window = open_window()
    threads = []
    for module, name in ((tables.table_limits, "check_workbook"), (tables, "_too_many_categories")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, real=real: (threads.append(threading.current_thread()),
                                                                    real(*args))[1])
    dialogs = []
    monkeypatch.setattr(DatasetDialog, "exec", lambda self: dialogs.append(self) or 0)
    window.files.open_dataset_dialog(sample_path("digits.xlsx"))  # every sheet streamed: 0.7 s a check
    qtbot.waitUntil(lambda: not dialogs[0].loading(), timeout=20_000)
    assert dialogs[0].dataset.n_features == 64 and threads
    assert threading.main_thread() not in threads, "the dialog checked the workbook or its columns on the GUI thread"


def test_a_huge_parameter_table_lists_a_part_says_so_and_finds_any_whole_name(qtbot, open_window, monkeypatch):
    monkeypatch.setattr(parameter_model, "MAX_LISTED_PARAMETERS", 3)  # the clothes lab's 7 stand for millions
    window = open_window()
    panel = window.parameters

    def listed():
        return [panel.model.name(row) for row in range(panel.model.rowCount())]

    assert listed() == ["w11_1", "b1_1", "w12_1"]
    assert not panel.unlisted_note.isHidden() and panel.unlisted_note.text().startswith("4 more parameters")
    qtbot.keyClicks(panel.filter_text, "w21_2")
    assert listed() == ["w21_2"]
    panel.filter_text.clear()
    panel.layer_filter.setCurrentIndex(2)  # layer 2 (output): its 3 parameters all fit
    assert listed() == ["w11_2", "w21_2", "b1_2"] and panel.unlisted_note.isHidden()


def test_the_parameter_table_fits_its_longest_name_without_making_every_name(qtbot, open_window, monkeypatch):
    """Making the 8.2M names of a 1-4096-2000-1 network to find the longest took seconds on the GUI thread."""
    from fcviz.core.parameter_names import ParameterNames
    from fcviz.gui.parameter_model import NAME
    every = ParameterNames.__iter__

    def refuse(self):
        if len(self) > 1000:
            raise AssertionError("made every name of a wide network")
        return every(self)
    monkeypatch.setattr(ParameterNames, "__iter__", refuse)
    from fcviz.core.experiment import build_experiment
    from fcviz.core.presets import clothes_dataset
    window = open_window(build_experiment(clothes_dataset(), hidden=(300, 20), activation="tanh"))
    table = window.training.parameter_table
    name_width = table.horizontalHeader().sectionSize(window.training.parameter_model.column_of(NAME))
    assert name_width > table.fontMetrics().horizontalAdvance("w300,20_2")


def test_the_parameter_model_compares_only_listed_rows_and_keeps_a_snapshots_array(qtbot, monkeypatch):
    """A redraw of a wide network passed every value of each column through a copy and a comparison."""
    from fcviz.core.experiment_setup import Setup

    monkeypatch.setattr(parameter_model, "MAX_LISTED_PARAMETERS", 3)  # the clothes lab's 7 stand for millions
    model = parameter_model.ParameterTableModel([parameter_model.NAME, parameter_model.VALUE], editable=True)
    model.set_setup(Setup.of(build_preset("clothes")))
    changes = []
    model.dataChanged.connect(lambda *_: changes.append(1))
    values = np.arange(7.0)
    values.flags.writeable = False                    # as a snapshot hands its parameters over
    model.set_numbers(parameter_model.VALUE, values)
    assert changes == [1]
    unlisted_only = values.copy()
    unlisted_only[5] = 50.0                           # beyond the 3 rows listed: no repaint, but kept
    model.set_numbers(parameter_model.VALUE, unlisted_only)
    assert changes == [1]
    np.testing.assert_array_equal(model.numbers(parameter_model.VALUE), unlisted_only)
    model.set_numbers(parameter_model.VALUE, values)
    assert model.setData(model.index(0, 1), 9.5)      # an edit writes a copy, never the snapshot's array
    assert values[0] == 0.0 and model.numbers(parameter_model.VALUE)[0] == 9.5


def test_a_session_of_zero_epochs_shows_zero_and_play_trains_none(qtbot, open_window, tmp_path):
    window = open_window()
    assert window.files.open_session(hostile_setting(tmp_path, "experiment", "epochs", 0))
    assert window.toolbar.epochs_box.value() == window.controller.settings.epochs == 0
    assert window.findChild(QMessageBox, "adjustedMessage") is None
    window.toolbar.play_action.trigger()
    qtbot.wait(300)
    assert window.controller.latest.epoch == 0 and not window.toolbar.play_action.isChecked()
