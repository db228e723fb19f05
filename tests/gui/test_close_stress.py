"""Open, train, close: 50 times in one process, never a thread left running or a Qt warning;
and a training loop that fails still lets the window save and close."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QMessageBox
from qt_helpers import saved, wait_for_state

from fcviz.core.trainer import Trainer
from fcviz.gui.autosave import Autosave
from fcviz.gui.main_window import MainWindow
from fcviz.gui.worker import PAUSED, RUNNING
from fcviz.io.samples import open_preset

ROUNDS = 50
HARMLESS = "This plugin does not support propagateSizeHints()"  # offscreen platform, docs/ARCHITECTURE.md


def test_open_train_close_fifty_times(qtbot, qtlog, tmp_path):
    closed = 0
    for round_number in range(ROUNDS):
        window = MainWindow(open_preset("spiral"), settings=None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as a real window goes, and no pile-up
        controller = window.controller
        try:
            if round_number % 2:  # every other window also autosaves, and is asked before closing
                window.autosave = Autosave(window, tmp_path / "autosave")
                window.autosave.ask = lambda _: QMessageBox.StandardButton.Discard
            controller.settings.set("epochs", 100_000_000)
            window.show()
            window.toolbar.play_action.trigger()
            qtbot.waitUntil(lambda c=controller: c.latest.state == RUNNING and c.latest.epoch > 0,
                            timeout=20_000)
            if round_number % 5 == 0:  # a command still queued when the window closes
                controller.reset()
        except BaseException:
            window.close()
            raise
        thread = controller._thread
        assert window.close()
        assert not controller.running and thread.isFinished()
        closed += 1
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert closed == ROUNDS
    assert list((tmp_path / "autosave").iterdir()) == []  # every clean exit removed its copy and lock
    messages = [record.message for record in qtlog.records if record.message != HARMLESS]
    assert messages == []


def test_an_error_while_training_pauses_and_the_window_still_saves_and_closes(qtbot, open_window, tmp_path,
                                                                              monkeypatch):
    window = open_window()

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure in the training loop")

    monkeypatch.setattr(Trainer, "fit", broken)
    monkeypatch.setattr(Trainer, "step", broken)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)
    assert [box.text() for box in window.findChildren(QMessageBox, "errorMessage")] == [
        "simulated failure in the training loop"]
    monkeypatch.undo()
    assert saved(qtbot, window.files.save_session_to(tmp_path / "after.fcviz"))  # the worker still answers
    window.close()
    assert not window.controller.running
