"""Autosave and crash recovery, and the Save / Discard / Cancel question before unsaved work is lost.

Each running window keeps a copy of its experiment, `session-<id>.fcviz`, in the user data
directory, beside a `session-<id>.lock` (a QLockFile) that it holds while it runs. The copy is
packed by the worker (which owns the live experiment) and written by the controller's
`SessionWriter` while training goes on, when the architecture or data
change and every few minutes, and only while there are unsaved changes. A clean exit drops the
lock and the copy, unless it was quit by a signal with changes unsaved: then the copy stays. A
crash or kill -9 leaves the lock of a dead process behind. At the next start, any copy whose lock
no running fcviz holds is offered for restoring.
"""

from __future__ import annotations

import contextlib
import uuid
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QEventLoop,
    QLockFile,
    QObject,
    QStandardPaths,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QMessageBox, QWidget

from fcviz.core.experiment import Experiment
from fcviz.desktop import APP_ID
from fcviz.gui.adjusted_notice import show_adjusted
from fcviz.gui.controller import WORKER_REPLY_TIMEOUT_SECONDS
from fcviz.gui.loading import Cancelled
from fcviz.gui.widgets import show_error
from fcviz.io.session import SessionError

AUTOSAVE_INTERVAL_MS = 3 * 60 * 1000
STATUS_TIMEOUT_MS = 6000
COPY_PATTERN = "session-*.fcviz"
Button = QMessageBox.StandardButton


def autosave_directory() -> Path:
    """Where the copies live: <data home>/fcviz/autosave (AppDataLocation would add the organization: fcviz/fcviz)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(location) / APP_ID / "autosave"


def _lock_file(copy: Path) -> QLockFile:
    lock = QLockFile(str(copy.with_suffix(".lock")))
    lock.setStaleLockTime(0)  # stale only when the process that took it is gone, never by age
    return lock


def find_recoverable(directory: Path) -> list[Path]:
    """Autosaved copies that no running fcviz holds (left by a crash or a signal), newest first."""
    found = []
    for copy in Path(directory).glob(COPY_PATTERN):
        lock = _lock_file(copy)
        if lock.tryLock(0):  # takes over a dead process's lock; fails while its owner runs
            lock.unlock()
            found.append(copy)
    return sorted(found, key=lambda copy: copy.stat().st_mtime, reverse=True)


def ask_unsaved_changes(window: QWidget) -> Button:
    """Save, Discard or Cancel (a modal question; tests replace `Autosave.ask`)."""
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Autosave", "Unsaved changes"),
                      QCoreApplication.translate("Autosave", "Save the changes to this experiment?"),
                      Button.Save | Button.Discard | Button.Cancel, window)
    box.setInformativeText(QCoreApplication.translate("Autosave", "Edits and training since the last save are lost if you discard them."))  # noqa: E501 (lupdate reads the call on one line)
    box.setDefaultButton(Button.Save)
    box.exec()
    return box.standardButton(box.clickedButton())


def ask_restore(window: QWidget, copy: Path) -> bool:
    """Whether to restore the autosaved `copy` (a modal question; tests replace `Autosave.ask_restore`)."""
    saved_at = QDateTime.fromSecsSinceEpoch(int(copy.stat().st_mtime)).toString("yyyy-MM-dd HH:mm")
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("Autosave", "Restore unsaved work"),
                      QCoreApplication.translate("Autosave", "fcviz was closed with unsaved changes (autosaved {time}). Restore them?")  # noqa: E501 (lupdate reads the call on one line)
                      .format(time=saved_at), Button.Yes | Button.Discard, window)
    box.button(Button.Yes).setText(QCoreApplication.translate("Autosave", "Restore"))
    box.setDefaultButton(Button.Yes)
    box.exec()
    return box.standardButton(box.clickedButton()) == Button.Yes


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _training_mark(experiment: Experiment) -> tuple:
    trainer = experiment.trainer
    return trainer.epoch, trainer.batch_index, trainer.learning_rate, experiment.net.params.tobytes()


class Autosave(QObject):
    """Keeps a copy of `window`'s experiment in `directory` and knows whether it has unsaved changes.

    Unsaved means an edit the undo stack has not marked clean, or weights, epoch or learning rate
    that differ from the last save or open.
    """

    _written = Signal(object)  # the Future of a finished write (emitted in the worker thread)

    def __init__(self, window, directory: Path, interval_ms: int | None = None):
        super().__init__(window)
        self.window, self.controller = window, window.controller
        self.ask, self.ask_restore = ask_unsaved_changes, ask_restore
        self.interrupted = False  # quit by a signal: no questions, and unsaved work stays on disk
        name = f"session-{uuid.uuid4().hex[:12]}"
        self.path: Path | None = Path(directory) / f"{name}.fcviz"
        self._lock = _lock_file(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # tryLock fails below and says so
        if not self._lock.tryLock(0):
            self._show(QCoreApplication.translate("Autosave", "Autosave is off: {folder} is not writable.").format(folder=directory))  # noqa: E501 (lupdate reads the call on one line)
            self.path = None
        self._baseline: tuple | None = None
        self._saved: tuple | None = None  # what the copy holds (undo index, mark); None: no copy
        self._written.connect(self._on_written)
        self.mark_unmodified()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms or AUTOSAVE_INTERVAL_MS)
        self._timer.timeout.connect(self.save_now)
        self._timer.start()
        self._soon = QTimer(self)  # once, after the change that triggers it has settled
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.save_now)
        self.controller.setup_changed.connect(self._soon.start)
        self.controller.data_changed.connect(self._soon.start)

    # --- unsaved changes -----------------------------------------------------------------

    def _mark(self) -> tuple:
        latest = self.controller.latest
        return (latest.data_version, latest.epoch, latest.batch_index, latest.learning_rate,
                latest.params.tobytes())

    @property
    def modified(self) -> bool:
        return not self.controller.undo_stack.isClean() or self._mark() != self._baseline

    def mark_unmodified(self) -> None:
        """The experiment was just saved or opened: what the worker holds now is not a change."""
        self.controller.undo_stack.setClean()
        version = self.controller.latest.data_version
        self._baseline = (version, *self.controller.call_in_worker(_training_mark))
        self.save_now()

    def confirm_discard(self) -> bool:
        """True if the experiment may be closed or replaced: nothing unsaved, or Save (done) or Discard chosen."""
        if self.interrupted or not self.modified:
            return True
        answer = self.ask(self.window)
        if answer == Button.Save:
            saved = self.window.files.save()
            return saved is not None and _finished(saved)
        return answer == Button.Discard

    # --- the copy --------------------------------------------------------------------------

    @Slot()
    def save_now(self) -> Future | None:
        """Start writing the copy if anything is unsaved (else remove it): the write's Future, or None.

        The session writer writes it while the window and training go on (a long timeline takes
        seconds to compress); a failure is shown in the status bar.
        """
        if self.path is None:
            return None
        if not self.modified:
            if self._saved is not None:
                self._remove_copy()
            return None
        mark = (self.controller.undo_stack.index(), self._mark())
        if mark == self._saved:
            return None
        self._saved = mark
        written = self.controller.writer.save(self.path, self.window.view_state())
        written.add_done_callback(self._written.emit)  # from another thread: a queued signal
        return written

    @Slot(object)
    def _on_written(self, written: Future) -> None:
        error = written.exception()
        if error is not None:  # a full or read-only disk: SessionError with the reason
            self._saved = None
            self._show(QCoreApplication.translate("Autosave", "Autosave failed: {error}").format(error=error))

    def _remove_copy(self) -> None:
        """Remove the copy after any write still queued."""
        self._saved = None
        self.controller.writer.submit(_remove, self.path)

    def finish(self) -> None:
        """The window closed: keep the copy only for unsaved work quit by a signal, then drop the lock."""
        self._timer.stop()
        self._soon.stop()
        if self.path is None:
            return
        if self.interrupted and self.modified:
            self._saved = None  # a write still queued when the worker stopped never ran
            self.save_now()  # no worker now: packed at once, written before `finish` returns
        else:
            self._remove_copy()
        self.controller.writer.close()
        self._lock.unlock()
        self.path = None

    # --- recovery ---------------------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """Offer the newest copy left by a crash or a signal; True if it was restored."""
        if self.path is None:
            return False
        try:
            copies = find_recoverable(self.path.parent)
            return bool(copies) and self.restore(copies[0])
        except OSError as error:  # the folder changed under us, or cannot be written
            self._show(QCoreApplication.translate("Autosave", "Cannot restore the autosaved work: {error}").format(error=error))  # noqa: E501 (lupdate reads the call on one line)
            return False

    def restore(self, copy: Path) -> bool:
        """Ask, then open `copy` as unsaved work (it is autosaved again at once); a refused copy is deleted."""
        if not self.ask_restore(self.window, copy):
            copy.unlink(missing_ok=True)
            return False
        try:
            incoming, adjusted = self.window.files.read_session(copy)
        except Cancelled:
            return False  # kept: offered again at the next start
        except SessionError as error:
            damaged = copy.with_name(f"damaged-{copy.name}")
            copy.replace(damaged)  # out of the way of the next start, but kept
            show_error(self.window, QCoreApplication.translate("Autosave", "Cannot restore the autosaved work"),
                       QCoreApplication.translate("Autosave", "{error}\nThe file is kept as {path}.").format(error=error, path=damaged))  # noqa: E501 (lupdate reads the call on one line)
            return False
        experiment = incoming.experiment
        self.window.files.install(incoming, None, dict(experiment.ui_state), unmodified=False)
        self._baseline = None  # unsaved until the person saves it
        written = self.save_now()
        if written is not None and written.exception(timeout=WORKER_REPLY_TIMEOUT_SECONDS) is None:
            with contextlib.suppress(OSError):
                copy.unlink(missing_ok=True)
        self._show(QCoreApplication.translate("Autosave", "Restored the autosaved work at epoch {epoch}.").format(
            epoch=f"{experiment.trainer.epoch:,}"))
        show_adjusted(adjusted, self.window)
        return True

    def _show(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_TIMEOUT_MS)


def _finished(future: Future) -> bool:
    """Whether `future` ended with a true result; the event loop runs meanwhile (the window stays
    live and the worker's reply arrives), for at most WORKER_REPLY_TIMEOUT_SECONDS."""
    if not future.done():
        loop = QEventLoop()
        future.add_done_callback(lambda _: loop.quit())
        QTimer.singleShot(round(WORKER_REPLY_TIMEOUT_SECONDS * 1000), loop.quit)
        loop.exec()
    return future.done() and future.exception() is None and bool(future.result())
