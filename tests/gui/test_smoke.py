"""The window opens on the clothes lab, trains from the toolbar, and closes cleanly."""

from qt_helpers import wait_for_state

from fcviz.gui.worker import FINISHED, PAUSED, RUNNING


def test_play_runs_to_the_end_and_close_joins_the_thread(qtbot, open_window):
    window = open_window()
    window.controller.settings.set("epochs", 300)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED)
    assert window.controller.latest.epoch == 300
    window.close()
    assert not window.controller.running


def test_pause_mid_training(qtbot, open_window):
    window = open_window()
    window.controller.settings.set("epochs", 100_000_000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, RUNNING)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)
    assert 0 < window.controller.latest.epoch < 100_000_000
