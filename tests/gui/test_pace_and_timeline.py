"""Pace, timeline scrubbing, Continue from here and replay export, through the window's own controls."""

import numpy as np
import pytest
from PIL import Image
from qt_helpers import wait_for_state

from fcviz.core.presets import build_preset
from fcviz.core.snapshot import RunState
from fcviz.gui.worker import FINISHED, PAUSED

LAB_FRAMES = [1, *range(100, 5001, 100)]


def headless_lab(epochs: int):
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=epochs)
    return experiment


def choose_pace(window, text: str) -> None:
    window.toolbar.pace_box.setCurrentIndex(window.toolbar.pace_box.findText(text))


def trained_lab(qtbot, open_window, epochs: int = 5000):
    """The lab trained to `epochs` at max pace, every display epoch recorded."""
    window = open_window()
    choose_pace(window, "max")
    window.toolbar.epochs_box.setValue(epochs)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED, timeout=30_000)
    # At max pace the redraw timer may skip frames; the timeline bar shows what was drawn last.
    qtbot.waitUntil(lambda: window.controller.drawn is window.controller.latest, timeout=10_000)
    return window


def scrub(window, epoch: int) -> None:
    """Drag the timeline slider to `epoch`, as a person would."""
    timeline = window.controller.latest.timeline
    window.timeline_bar.slider.setValue(int(np.flatnonzero(timeline.epochs == epoch)[0]))


def test_the_lab_at_its_default_pace_draws_every_display_epoch_in_order(qtbot, open_window):
    window = open_window()
    assert window.controller.settings.pace == 10.0 and window.toolbar.pace_box.currentText() == "10/s"
    drawn = []
    window.controller.snapshot_changed.connect(
        lambda snapshot: drawn.append(snapshot.epoch) if snapshot.state in (RunState.RUNNING, FINISHED) else None)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED, timeout=180_000)  # 5.1 s when each frame draws in time
    shown = [epoch for epoch in drawn if epoch > 0]
    assert list(dict.fromkeys(shown)) == LAB_FRAMES, f"drawn: {drawn}"   # 51 distinct epochs, in order
    assert shown == sorted(shown), f"drawn: {drawn}"
    np.testing.assert_array_equal(window.controller.latest.params, headless_lab(5000).net.params)


def test_at_max_pace_the_lab_ends_equal_to_headless_training(qtbot, open_window):
    window = trained_lab(qtbot, open_window)
    expected = headless_lab(5000)
    np.testing.assert_array_equal(window.controller.latest.params, expected.net.params)
    latest, losses = window.controller.latest, expected.trainer.history.loss.array()
    np.testing.assert_array_equal(latest.loss_history, losses[latest.loss_epochs - 1])
    np.testing.assert_array_equal(latest.timeline.epochs, [0, *LAB_FRAMES])
    np.testing.assert_array_equal(latest.timeline.loss[1:], losses[np.array(LAB_FRAMES) - 1])


@pytest.mark.parametrize("epoch", [1, 1200])
def test_scrubbing_shows_the_parameters_fit_gives_in_table_diagram_curve_and_loss_marker(qtbot, open_window, epoch):
    window = trained_lab(qtbot, open_window, 3000)
    scrub(window, epoch)
    expected = headless_lab(epoch).net
    np.testing.assert_array_equal(window.training.parameter_model.numbers("value"), expected.params)
    np.testing.assert_array_equal(window.parameters.model.numbers("value"), expected.params)
    np.testing.assert_array_equal(window.network_diagram.net.params, expected.params)
    x, y = window.scatter.curves[0].getData()
    np.testing.assert_array_equal(y, expected.predict(x[:, None])[:, 0])
    assert window.training.shown_epoch_line.isVisible() and window.training.shown_epoch_line.value() == epoch
    assert window.controller.timeline.shown().metrics["loss"] == headless_lab(epoch).metrics()["loss"]
    assert "1,200" in window.timeline_bar.epoch_label.text() or epoch == 1
    window.timeline_bar.live_button.click()
    np.testing.assert_array_equal(window.network_diagram.net.params, headless_lab(3000).net.params)
    assert not window.training.shown_epoch_line.isVisible()


def test_continue_from_here_trains_on_as_the_uninterrupted_run_and_undo_goes_back(qtbot, open_window):
    window = trained_lab(qtbot, open_window, 3000)
    before = window.controller.latest.params.copy()
    scrub(window, 1200)
    window.timeline_bar.continue_button.click()
    wait_for_state(qtbot, window, FINISHED, timeout=30_000)
    latest = window.controller.latest
    np.testing.assert_array_equal(latest.params, headless_lab(3000).net.params)
    np.testing.assert_array_equal(latest.timeline.epochs, [0, 1, *range(100, 3001, 100)])
    window.controller.undo_stack.undo()
    qtbot.waitUntil(lambda: window.controller.reflects_all_commands(window.controller.latest), timeout=10_000)
    np.testing.assert_array_equal(window.controller.latest.params, before)
    assert window.controller.latest.epoch == 3000


def test_editing_a_weight_at_a_scrubbed_epoch_continues_from_there(qtbot, open_window):
    window = trained_lab(qtbot, open_window, 2000)
    scrub(window, 500)
    window.controller.edit_parameter("w11_1", 0.25)
    qtbot.waitUntil(lambda: window.controller.reflects_all_commands(window.controller.latest), timeout=10_000)
    expected = headless_lab(500).net
    expected.set_parameter("w11_1", 0.25)
    latest = window.controller.latest
    assert latest.epoch == 500 and latest.state == PAUSED and not window.controller.timeline.shown().scrubbed
    np.testing.assert_array_equal(latest.params, expected.params)
    window.controller.undo_stack.undo()   # one step: the edit and the going back
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 2000, timeout=10_000)
    np.testing.assert_array_equal(window.controller.latest.params, headless_lab(2000).net.params)


def test_replay_plays_the_recording_and_returns_to_live(qtbot, open_window):
    window = trained_lab(qtbot, open_window, 1000)
    choose_pace(window, "30/s")
    shown = []
    window.controller.snapshot_changed.connect(lambda snapshot: shown.append(snapshot.epoch))
    window.timeline_bar.replay_button.click()
    qtbot.waitUntil(lambda: not window.timeline_bar.replay_button.isChecked(), timeout=20_000)
    assert shown == [0, 1, *range(100, 1001, 100)]
    assert not window.controller.timeline.shown().scrubbed


def test_the_replay_exports_every_recorded_epoch_of_a_panel_as_a_gif(qtbot, open_window, tmp_path):
    window = trained_lab(qtbot, open_window, 1000)
    runner = window.files.replays.export(tmp_path / "run.gif", panel="scatter", fps=20)
    with qtbot.waitSignal(runner.written, timeout=30_000):
        pass
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == 12 and gif.info["duration"] == 50
        assert gif.size == (window.scatter.width(), window.scatter.height())
    assert not window.controller.timeline.shown().scrubbed


def test_a_replay_to_an_unknown_format_says_so_and_writes_nothing(qtbot, open_window, tmp_path):
    window = open_window()
    assert window.files.replays.export(tmp_path / "run.avi") is None
    assert list(tmp_path.iterdir()) == []


def test_pause_step_and_edits_answer_at_once_at_the_slowest_pace(qtbot, open_window):
    window = open_window()
    choose_pace(window, "1/s")
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 1, timeout=5_000)
    window.controller.edit_parameter("w11_1", 0.5)   # while the worker waits for the next frame's turn
    qtbot.waitUntil(lambda: window.controller.reflects_all_commands(window.controller.latest), timeout=500)
    assert window.controller.latest.params[window.controller.setup.parameter_index("w11_1")] == 0.5
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.state == PAUSED, timeout=500)
    epoch = window.controller.latest.epoch
    window.toolbar.step_epoch_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == epoch + 1, timeout=500)


@pytest.mark.parametrize("remembered, pace", [("abc", 10.0), ("nan", 10.0), ("inf", 1000.0), ("1e308", 1000.0),
                                              ("9" * 4000, 1000.0), ("-5", 0.0), ("", 10.0)],
                         ids=["text", "nan", "inf", "1e308", "4000 digits", "-5", "empty"])
def test_a_remembered_pace_beyond_the_paces_is_clamped(qtbot, tmp_path, remembered, pace):
    from PySide6.QtCore import QSettings

    from fcviz.gui.main_window import MainWindow
    from fcviz.gui.training_toolbar import PACE_KEY

    settings = QSettings(str(tmp_path / "fcviz.ini"), QSettings.Format.IniFormat)
    settings.setValue(PACE_KEY, remembered)  # as a person may edit the settings file
    window = MainWindow(build_preset("clothes"), settings=settings)
    qtbot.addWidget(window)
    assert window.controller.settings.pace == pace
    assert window.toolbar.pace_box.currentData() == pace
    window.close()


def test_the_chosen_pace_is_remembered_for_the_next_window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from fcviz.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "fcviz.ini"), QSettings.Format.IniFormat)
    for expected in (10.0, 2.0):   # the lab's own pace, then the one chosen in the first window
        window = MainWindow(build_preset("clothes"), settings=settings)
        qtbot.addWidget(window)
        assert window.controller.settings.pace == expected
        choose_pace(window, "2/s")
        window.close()
        assert not window.controller.running
