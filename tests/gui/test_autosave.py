"""Autosave, restoring unsaved work, and the Save / Discard / Cancel question before work is lost."""

from __future__ import annotations

import errno
import os
import sys
import threading
import zipfile
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox
from qt_helpers import saved, wait_for_state

from fcviz.gui.autosave import Autosave, find_recoverable
from fcviz.gui.worker import PAUSED
from fcviz.io.samples import open_preset
from fcviz.io.session import load_session, save_session

Button = QMessageBox.StandardButton


class Answers:
    """Stands in for the modal questions: records them and gives the planned answer."""

    def __init__(self, answer=Button.Cancel, restore=True):
        self.answer, self.restore, self.asked = answer, restore, 0

    def unsaved(self, window):
        self.asked += 1
        return self.answer

    def restore_copy(self, window, copy):
        self.asked += 1
        return self.restore


@pytest.fixture
def guarded(open_window, tmp_path):
    """Factory: a window with autosave into tmp_path/autosave and scripted answers."""

    made = []

    def make(experiment=None, answers=None):
        window = open_window(experiment)
        answers = answers or Answers()
        window.autosave = Autosave(window, tmp_path / "autosave")
        window.autosave.ask, window.autosave.ask_restore = answers.unsaved, answers.restore_copy
        made.append(answers)
        return window, answers

    yield make
    for answers in made:  # the windows close after this: let them
        answers.answer = Button.Discard


def copies(tmp_path):
    return sorted((tmp_path / "autosave").glob("session-*.fcviz"))


def autosave_now(qtbot, window):
    """Start an autosave and wait for the worker to finish writing it; its Future (None: nothing to write)."""
    written = window.autosave.save_now()
    if written is not None:
        qtbot.waitUntil(written.done, timeout=10_000)
    return written


def step_once(qtbot, window):
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch == 1, timeout=10_000)


def test_a_fresh_experiment_is_unmodified_and_not_copied(qtbot, guarded, tmp_path):
    window, _ = guarded()
    assert not window.autosave.modified
    assert autosave_now(qtbot, window) is None
    assert copies(tmp_path) == []
    assert len(list((tmp_path / "autosave").glob("session-*.lock"))) == 1


def test_training_is_a_change_and_the_copy_holds_it(qtbot, guarded, tmp_path):
    window, _ = guarded()
    step_once(qtbot, window)
    assert window.autosave.modified
    assert autosave_now(qtbot, window).exception() is None
    [copy] = copies(tmp_path)
    restored = load_session(copy)
    assert restored.trainer.epoch == 1
    np.testing.assert_array_equal(restored.net.params, window.controller.latest.params)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux threads have a nice value of their own")
def test_the_copy_is_compressed_in_a_thread_of_lower_cpu_priority_than_the_window(qtbot, guarded, monkeypatch):
    """On busy cores compressing a copy (seconds for a long timeline) gives way to the window and training."""
    import fcviz.io.session

    niceness = []
    write_session = fcviz.io.session.write_session

    def observed_write(path, packed, inputs=()):
        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        write_session(path, packed, inputs)

    monkeypatch.setattr(fcviz.io.session, "write_session", observed_write)
    window, _ = guarded(open_preset("spiral"))
    controller = window.controller
    controller.play()
    qtbot.waitUntil(lambda: controller.latest.epoch > 20, timeout=10_000)
    controller.pause()
    wait_for_state(qtbot, window, PAUSED)
    written = window.autosave.save_now()
    qtbot.waitUntil(written.done, timeout=20_000)
    assert written.exception() is None
    assert niceness == [min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + 10)]


def test_training_goes_on_while_the_copy_is_written_and_the_copy_holds_the_state_it_was_asked_at(
        qtbot, guarded, tmp_path, monkeypatch):
    """The worker only packs the session; compressing a long timeline (seconds) runs in the session
    writer's thread. Written in the worker, it stopped training and the paced frames every autosave."""
    import fcviz.io.session

    release, writing = threading.Event(), threading.Event()
    write_session = fcviz.io.session.write_session

    def slow_write(path, packed, inputs=()):
        writing.set()
        assert release.wait(20)
        write_session(path, packed, inputs)

    monkeypatch.setattr(fcviz.io.session, "write_session", slow_write)
    experiment = open_preset("spiral")
    experiment.epochs = 1_000_000
    window, _ = guarded(experiment)
    controller = window.controller
    controller.settings.set("pace", 0.0)
    controller.play()
    qtbot.waitUntil(lambda: controller.latest.epoch > 20, timeout=10_000)
    asked_at = controller.latest.epoch
    written = window.autosave.save_now()
    qtbot.waitUntil(writing.is_set, timeout=10_000)
    packed_by = controller.call_in_worker(lambda experiment: experiment.trainer.epoch)  # after the packing
    qtbot.waitUntil(lambda: controller.latest.epoch > packed_by + 100, timeout=10_000)  # trains on meanwhile
    controller.pause()
    wait_for_state(qtbot, window, PAUSED)
    release.set()
    qtbot.waitUntil(written.done, timeout=20_000)
    assert written.exception() is None
    copy = load_session(copies(tmp_path)[0])
    assert asked_at <= copy.trainer.epoch <= packed_by
    live = controller.latest.timeline
    assert 0 < len(copy.timeline) < live.count
    for name in ("epochs", "params", "loss"):
        np.testing.assert_array_equal(getattr(copy.timeline.view(), name), getattr(live, name)[: len(copy.timeline)])


def test_an_architecture_change_is_autosaved_at_once(qtbot, guarded, tmp_path):
    window, _ = guarded()
    window.controller.apply_blueprint(replace(window.controller.blueprint(), hidden_sizes=(3,),
                                              hidden_activations=("tanh",)))
    assert copies(tmp_path) == []  # saved once the change has settled, not in the middle of it
    qtbot.waitUntil(lambda: len(copies(tmp_path)) == 1, timeout=10_000)
    assert load_session(copies(tmp_path)[0]).net.layer_sizes == [1, 3, 1]


def test_undoing_every_edit_is_no_change(qtbot, guarded):
    window, _ = guarded()
    window.controller.edit_parameter("w11_1", 3.25)
    assert window.autosave.modified
    window.controller.undo_stack.undo()
    qtbot.waitUntil(lambda: window.controller.reflects_all_commands(window.controller.latest), timeout=10_000)
    assert not window.autosave.modified


@pytest.mark.parametrize("answer", [Button.Cancel, Button.Discard], ids=["cancel", "discard"])
def test_closing_with_unsaved_changes_asks(qtbot, guarded, tmp_path, answer):
    window, answers = guarded(answers=Answers(answer))
    step_once(qtbot, window)
    autosave_now(qtbot, window)
    window.close()
    assert answers.asked == 1
    if answer == Button.Cancel:
        assert window.isVisible() and window.controller.running
        assert copies(tmp_path)
    else:
        assert not window.controller.running
        assert copies(tmp_path) == [] and list((tmp_path / "autosave").iterdir()) == []


def test_save_in_the_question_saves_and_closes(qtbot, guarded, tmp_path):
    window, answers = guarded(answers=Answers(Button.Save))
    step_once(qtbot, window)
    window.files.session_path = tmp_path / "lab.fcviz"
    window.close()
    assert answers.asked == 1 and not window.controller.running
    assert load_session(tmp_path / "lab.fcviz").trainer.epoch == 1
    assert list((tmp_path / "autosave").iterdir()) == []


def test_a_saved_experiment_closes_without_a_question(qtbot, guarded, tmp_path):
    window, answers = guarded()
    step_once(qtbot, window)
    autosave_now(qtbot, window)
    assert copies(tmp_path)
    assert saved(qtbot, window.files.save_session_to(tmp_path / "lab.fcviz"))
    assert not window.autosave.modified
    qtbot.waitUntil(lambda: copies(tmp_path) == [], timeout=10_000)  # nothing unsaved: no copy
    window.close()
    assert answers.asked == 0 and not window.controller.running


def test_new_from_preset_cancelled_keeps_the_experiment(qtbot, guarded):
    window, answers = guarded()
    step_once(qtbot, window)
    title = window.windowTitle()
    window.files.open_preset("xor")
    assert answers.asked == 1 and window.windowTitle() == title
    assert window.controller.latest.epoch == 1
    answers.answer = Button.Discard
    window.files.open_preset("xor")
    assert answers.asked == 2 and window.windowTitle() != title
    assert not window.autosave.modified


def test_open_session_cancelled_keeps_the_experiment(qtbot, guarded, tmp_path):
    other = tmp_path / "other.fcviz"
    save_session(other, open_preset("xor"))
    window, answers = guarded()
    step_once(qtbot, window)
    assert not window.files.open_session(other)
    assert answers.asked == 1 and window.controller.latest.epoch == 1


@pytest.mark.parametrize("failure", ["read-only", "disk full mid-write"])
def test_a_failed_save_over_a_file_leaves_it_intact_and_the_work_unsaved(qtbot, guarded, tmp_path,
                                                                           monkeypatch, failure):
    window, answers = guarded()
    path = tmp_path / "lab.fcviz"
    assert saved(qtbot, window.files.save_session_to(path))
    before = path.read_bytes()
    step_once(qtbot, window)
    if failure == "read-only":  # tests run as root, where chmod does not stop writes
        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr("fcviz.io.session.os.open", refuse)
    else:
        real_open = zipfile.ZipFile.open

        def fill_up(archive, name, mode="r", *args, **kwargs):
            if name == "arrays.npz" and mode == "w":  # the disk fills up as the arrays are written
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_open(archive, name, mode, *args, **kwargs)
        monkeypatch.setattr(zipfile.ZipFile, "open", fill_up)
    assert not saved(qtbot, window.files.save_session_to(path))
    message = [box.text() for box in window.findChildren(QMessageBox, "errorMessage") if box.isVisible()]
    reason = "Read-only file system" if failure == "read-only" else "No space left on device"
    assert message == [f"{path} cannot be saved: {reason}"]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["lab.fcviz"]  # no temp file left
    assert window.autosave.modified
    assert autosave_now(qtbot, window).exception() is not None  # the autosave fails the same way
    qtbot.waitUntil(lambda: reason in window.statusBar().currentMessage(), timeout=10_000)
    monkeypatch.undo()
    window.close()
    assert answers.asked == 1 and window.controller.running  # Cancel: the unsaved work stays


def test_work_left_by_a_signal_is_restored_and_trains_on_identically(qtbot, guarded, open_window, tmp_path):
    window, _ = guarded(open_preset("xor"))
    window.controller.settings.set("epochs", 10_000_000)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.controller.latest.epoch > 30, timeout=10_000)
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, PAUSED)
    window.autosave.interrupted = True
    window.close()
    assert not window.controller.running
    [copy] = find_recoverable(tmp_path / "autosave")
    stopped = window.controller.latest

    answers = Answers(restore=True)
    second, _ = guarded(answers=answers)
    assert second.autosave.offer_recovery()
    assert answers.asked == 1 and second.autosave.modified and second.files.session_path is None
    assert second.controller.latest.epoch == stopped.epoch
    np.testing.assert_array_equal(second.controller.latest.params, stopped.params)
    assert not copy.exists() and len(copies(tmp_path)) == 1  # the restored work is autosaved again

    more = 25
    second.controller.settings.set("epochs", stopped.epoch + more)
    second.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: second.controller.latest.epoch == stopped.epoch + more, timeout=10_000)
    uninterrupted = open_preset("xor")
    uninterrupted.trainer.fit(epochs=stopped.epoch + more)
    np.testing.assert_array_equal(second.controller.latest.params, uninterrupted.net.params)


def test_a_refused_copy_is_deleted_and_a_damaged_one_kept_aside(qtbot, guarded, tmp_path):
    folder = tmp_path / "autosave"
    folder.mkdir()
    good = folder / "session-aaaa.fcviz"
    save_session(good, open_preset("xor"))
    window, answers = guarded(answers=Answers(restore=False))
    assert not window.autosave.offer_recovery()
    assert not good.exists()

    damaged = folder / "session-bbbb.fcviz"
    damaged.write_bytes(b"PK not really")
    answers.restore = True
    assert not window.autosave.offer_recovery()
    assert (folder / "damaged-session-bbbb.fcviz").read_bytes() == b"PK not really"
    assert find_recoverable(folder) == []
    assert [box for box in window.findChildren(QMessageBox, "errorMessage") if box.isVisible()]


def test_a_running_window_copy_is_not_offered_to_another(qtbot, guarded, tmp_path):
    window, _ = guarded()
    step_once(qtbot, window)
    autosave_now(qtbot, window)
    assert copies(tmp_path) and find_recoverable(tmp_path / "autosave") == []


def test_a_copy_is_read_off_the_gui_thread_and_its_clamped_values_are_said(qtbot, guarded, tmp_path, monkeypatch):
    import json
    import threading

    import fcviz.io.session
    folder = tmp_path / "autosave"
    folder.mkdir()
    copy = folder / "session-aaaa.fcviz"
    save_session(copy, open_preset("xor"))
    with zipfile.ZipFile(copy) as archive:
        document, arrays = json.loads(archive.read("session.json")), archive.read("arrays.npz")
    document["experiment"]["epochs"] = 1e30
    with zipfile.ZipFile(copy, "w") as archive:
        archive.writestr("session.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays)
    readers = []
    load = fcviz.io.session.load_session

    def recorded(*args):
        readers.append(threading.current_thread())
        return load(*args)
    monkeypatch.setattr(fcviz.io.session, "load_session", recorded)
    window, _ = guarded(answers=Answers(restore=True))
    assert window.autosave.offer_recovery()
    assert readers and threading.main_thread() not in readers
    assert window.controller.settings.epochs == window.toolbar.epochs_box.value() == 100_000_000
    notice = "Session values adjusted to what fcviz can hold: epochs 1e+30 → 100,000,000"
    box = window.findChild(QMessageBox, "adjustedMessage")
    assert box.isVisible() and box.text() == notice and window.statusBar().currentMessage() == notice
