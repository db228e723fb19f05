"""The window through its real controls: toolbar, parameter table, display frequency, sessions."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QFileDialog, QMessageBox
from qt_helpers import saved, wait_for_state

from fcviz.core.network import Network
from fcviz.core.presets import build_preset
from fcviz.gui.file_actions import EXPORT_FORMATS
from fcviz.gui.main_window import MainWindow, format_loss
from fcviz.gui.worker import DIVERGED, FINISHED, IDLE, PAUSED, RUNNING
from fcviz.io.samples import open_preset
from fcviz.io.session import SessionError, load_session
from fcviz.io.weights import load_weights


def headless_lab(epochs: int = 0):
    experiment = build_preset("clothes")
    if epochs:
        experiment.trainer.fit(epochs=epochs)
    return experiment


def test_window_opens_on_the_clothes_lab(open_window):
    window = open_window()
    snapshot = window.controller.latest
    assert window.windowTitle().startswith("fcviz")
    assert snapshot.target_epochs == 5000 and snapshot.learning_rate == 0.5
    assert window.controller.settings.display_every == 100
    np.testing.assert_array_equal(snapshot.params, headless_lab().net.params)
    assert window.toolbar.epochs_box.value() == 5000
    assert window.toolbar.learning_rate_box.value() == 0.5


def test_step_trains_one_batch_like_the_core(qtbot, open_window):
    window = open_window()
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 1)
    expected = headless_lab()
    expected.trainer.step()
    np.testing.assert_array_equal(window.controller.latest.params, expected.net.params)
    assert window.controller.latest.state == PAUSED


def test_play_pause_play_then_reset_returns_to_the_start(qtbot, open_window):
    window = open_window()
    window.controller.settings.set("epochs", 100_000_000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, RUNNING)
    assert window.toolbar.play_action.isChecked() and window.toolbar.play_action.text() == "Pause"
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)
    paused_at = window.controller.latest.epoch
    assert paused_at > 0
    window.toolbar.reset_action.trigger()
    wait_for_state(qtbot, window, IDLE)
    snapshot = window.controller.latest
    assert snapshot.epoch == 0 and len(snapshot.loss_history) == 0
    np.testing.assert_array_equal(snapshot.params, headless_lab().net.params)


def test_training_to_the_end_matches_headless_training(qtbot, open_window):
    window = open_window()
    window.toolbar.epochs_box.setValue(700)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    expected = headless_lab(700)
    assert window.controller.latest.epoch == 700
    np.testing.assert_array_equal(window.controller.latest.params, expected.net.params)
    assert not window.toolbar.play_action.isChecked()


def _edit_table_value(qtbot, panel, name: str, text: str) -> None:
    """Type `text` into the parameter table's value cell of `name`, as a person would."""
    index = panel.model.index(panel.model.row_of(name), panel.model.column_of("value"))
    panel.table.setFocus()
    panel.table.setCurrentIndex(index)
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.findChild(QDoubleSpinBox)
    assert editor is not None, "no editor opened on the value cell"
    editor.lineEdit().selectAll()
    qtbot.keyClicks(editor.lineEdit(), text)
    qtbot.keyClick(editor.lineEdit(), Qt.Key.Key_Return)


def test_editing_a_weight_while_paused_redraws_the_curve_and_loss_from_the_core(qtbot, open_window):
    window = open_window()
    _edit_table_value(qtbot, window.parameters, "w11_1", "2.5")
    index = window.controller.setup.parameter_index("w11_1")
    qtbot.waitUntil(lambda: window.controller.latest.params[index] == 2.5)
    window.controller.redraw_now()

    expected = headless_lab()
    expected.net.set_parameter("w11_1", 2.5)
    x, y = window.scatter.curves[0].getData()
    np.testing.assert_allclose(y, expected.net.predict(x[:, None])[:, 0], rtol=0, atol=1e-12)
    loss = expected.metrics()["loss"]
    assert window.toolbar.loss_label.text() == f"Loss {format_loss(loss)}"
    assert window.controller.latest.loss == pytest.approx(loss, abs=1e-15)

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.params[index] == headless_lab().net.params[index])


def test_editing_a_weight_while_running_takes_effect_between_batches(qtbot, open_window):
    window = open_window()
    window.controller.settings.set("epochs", 100_000_000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, RUNNING)
    window.controller.edit_parameter("b1_2", 40.0)  # saturates the output: a jump no step could make
    index = window.controller.setup.parameter_index("b1_2")
    qtbot.waitUntil(lambda: window.controller.latest.params[index] > 30.0)
    assert window.controller.latest.state == RUNNING


def test_display_frequency_gives_snapshots_at_epoch_one_and_multiples_of_n(qtbot, open_window):
    window = open_window()
    window.display_frequency.every.setValue(7)
    window.controller.settings.set("max_redraw_hz", 0)  # no throttle: every display epoch is sent
    window.toolbar.epochs_box.setValue(150)
    received = []
    window.controller.snapshot_received.connect(
        lambda snapshot: received.append((snapshot.epoch, snapshot.state)))
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    while_running = {epoch for epoch, state in received if state == RUNNING and epoch > 0}
    assert while_running == {1, *range(7, 150, 7)}
    assert received[-1] == (150, FINISHED)


def test_divergence_pauses_with_a_message_and_keeps_finite_weights(qtbot, open_window):
    window = open_window(open_preset("linear"))  # unbounded outputs: lr 1000 overflows within epochs
    window.toolbar.learning_rate_box.setValue(1000)
    qtbot.waitUntil(lambda: window.controller.latest.learning_rate == 1000)
    window.toolbar.epochs_box.setValue(100_000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, DIVERGED)
    box = window._divergence_box
    assert box is not None and box.isVisible()
    assert "learning rate" in box.text() and "1000" in box.text()
    assert np.all(np.isfinite(window.controller.latest.params))
    assert not window.toolbar.play_action.isChecked()
    assert "learning rate" in window.statusBar().currentMessage()


def test_save_open_continue_equals_uninterrupted_training(qtbot, open_window, tmp_path):
    window = open_window()
    window.toolbar.epochs_box.setValue(300)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    window.training.log_y.setChecked(True)
    path = tmp_path / "lab.fcviz"
    assert saved(qtbot, window.files.save_session_to(path))
    assert json.loads(json.dumps(load_session(path).ui_state))["log_loss_axis"] is True

    reopened = MainWindow(load_session(path), settings=None, session_path=path)
    qtbot.addWidget(reopened)
    try:
        reopened.show()
        assert reopened.training.log_y.isChecked()
        assert reopened.controller.latest.epoch == 300
        reopened.toolbar.epochs_box.setValue(800)
        reopened.toolbar.play_action.trigger()
        wait_for_state(qtbot, reopened, FINISHED)
        np.testing.assert_array_equal(reopened.controller.latest.params, headless_lab(800).net.params)
    finally:
        reopened.close()


def test_a_corrupt_session_shows_the_message_and_keeps_the_experiment(qtbot, open_window, tmp_path):
    window = open_window()
    bad = tmp_path / "broken.fcviz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    before = window.controller.setup
    assert not window.files.open_session(bad)
    assert window.controller.setup is before
    with pytest.raises(SessionError) as raised:
        load_session(bad)
    boxes = [box for box in window.findChildren(QMessageBox, "errorMessage") if box.isVisible()]
    assert [box.text() for box in boxes] == [str(raised.value)]
    assert "broken.fcviz" in str(raised.value)


def test_dock_layout_and_recent_files_persist_in_settings(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "fcviz.ini"), QSettings.Format.IniFormat)
    first = MainWindow(build_preset("clothes"), settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.docks["backprop"].close()
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, first.docks["display_frequency"])
    assert saved(qtbot, first.files.save_session_to(tmp_path / "lab.fcviz"))
    first.close()

    second = MainWindow(build_preset("clothes"), settings=settings)
    qtbot.addWidget(second)
    try:
        second.show()
        assert second.dockWidgetArea(second.docks["display_frequency"]) == Qt.DockWidgetArea.BottomDockWidgetArea
        assert not second.docks["backprop"].isVisible() and second.docks["scatter"].isVisible()
        assert second.files.recent_files() == [str((tmp_path / "lab.fcviz").resolve())]
        assert [action.text() for action in second.files.recent_menu.actions()] == ["lab.fcviz"]
    finally:
        second.close()


@pytest.mark.parametrize("export_format, marker", [("json", '"layers"'), ("numpy", "def predict"),
                                                   ("torch", "nn.Linear"), ("keras", "Dense")])
def test_export_writes_the_current_weights(qtbot, open_window, tmp_path, monkeypatch, export_format, marker):
    """File ▸ Export after training writes the trained weights, not the initial ones (or zeros)."""
    window = open_window()
    window.controller.settings.set("epochs", 40)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    trained = window.controller.call_in_worker(lambda experiment: experiment.net.copy())
    assert not np.array_equal(trained.params, window.controller.setup.initial_params)
    path = tmp_path / f"net.{export_format}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(path), ""))
    window.files.export_actions[EXPORT_FORMATS.index(export_format)].trigger()
    text = path.read_text()
    assert marker in text
    if export_format == "json":
        np.testing.assert_array_equal(load_weights(path).params, trained.params)
    else:  # the code carries every weight as it prints it (repr: exact)
        for value in trained.params:
            assert repr(float(value)) in text


def test_values_typed_before_training_are_where_reset_returns(qtbot, open_window):
    window = open_window()
    _edit_table_value(qtbot, window.parameters, "b1_1", "-1.25")
    index = window.controller.setup.parameter_index("b1_1")
    qtbot.waitUntil(lambda: window.controller.latest.initial_params[index] == -1.25)
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 1)
    assert window.controller.latest.params[index] != -1.25
    window.toolbar.reset_action.trigger()
    wait_for_state(qtbot, window, IDLE)
    assert window.controller.latest.params[index] == -1.25


def test_initialize_draws_new_weights_from_the_scheme_and_seed_and_undo_brings_back_the_old(qtbot, open_window):
    window = open_window()
    before = window.controller.latest.params.copy()
    panel = window.parameters
    panel.init_scheme.setCurrentText("he_normal")
    panel.init_seed.setValue(7)
    qtbot.mouseClick(panel.initialize_button, Qt.MouseButton.LeftButton)
    wait_for_state(qtbot, window, IDLE)
    expected = Network([1, 2, 1], ["sigmoid", "sigmoid"], init="he_normal", seed=7).params
    np.testing.assert_array_equal(window.controller.latest.params, expected)
    window.undo_action.trigger()
    wait_for_state(qtbot, window, IDLE)
    np.testing.assert_array_equal(window.controller.latest.params, before)


def test_hovering_the_loss_curve_names_the_nearest_epoch_and_its_loss(qtbot, open_window):
    from PySide6.QtCore import QPointF
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=20_000)  # thinned: the hover must use the curve's own epochs
    window = open_window(experiment)
    window.controller.redraw_now()
    panel = window.training
    snapshot = window.controller.latest
    index = len(snapshot.loss_epochs) // 2
    epoch, loss = int(snapshot.loss_epochs[index]), float(snapshot.loss_history[index])
    view = panel.loss_plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: window.windowHandle().isExposed())
    # What the scene reports when the pointer is at that point of the plot.
    panel.loss_plot.scene().sigMouseMoved.emit(view.mapViewToScene(QPointF(epoch, loss)))
    assert panel.hover_text.isVisible()
    shown = int(panel.hover_text.textItem.toPlainText().split(",")[0].removeprefix("epoch "))
    at = int(np.searchsorted(snapshot.loss_epochs, shown))
    assert snapshot.loss_epochs[at] == shown  # a point of the curve, with its own loss
    assert panel.hover_text.textItem.toPlainText() == f"epoch {shown}, loss {snapshot.loss_history[at]:.6g}"
    assert shown == epoch


def test_a_panel_behind_a_tab_skips_redraws_and_catches_up_when_its_tab_is_chosen(qtbot, open_window,
                                                                                  monkeypatch):
    window = open_window()
    window.docks["network_diagram"].raise_()
    qtbot.waitUntil(lambda: window.windowHandle().isExposed())
    drawn = []
    monkeypatch.setattr(window.backprop, "draw", lambda snapshot: drawn.append(snapshot.epoch))
    window.toolbar.step_epoch_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 1)
    window.controller.redraw_now()
    assert drawn == []
    window.docks["backprop"].raise_()
    qtbot.waitUntil(lambda: drawn == [1])


def test_panels_behind_a_tab_are_not_drawn_when_the_window_first_shows(qtbot, monkeypatch):
    window = MainWindow(build_preset("clothes"), settings=None)
    qtbot.addWidget(window)
    drawn: list[str] = []
    for key, panel in window.panels.items():
        monkeypatch.setattr(panel, "draw", lambda snapshot, key=key: drawn.append(key))
    window.show()
    qtbot.waitExposed(window)
    assert {"scatter", "network_diagram", "training"} <= set(drawn)
    assert not {"backprop", "activations", "loss_surface", "data_table", "architecture"} & set(drawn)
    window.docks["backprop"].raise_()
    qtbot.waitUntil(lambda: "backprop" in drawn)
    window.close()
