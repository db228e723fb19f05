"""Reading files off the GUI thread: a progress dialog with Cancel while the window keeps answering.

`run_with_progress(parent, text, function, *args)` calls `function(*args)` in a Python thread
and runs the event loop until it returns, showing a busy progress dialog if that takes longer
than SHOW_AFTER_MS. It returns the result, re-raises the function's exception in the GUI
thread, or raises `Cancelled` when the person presses Cancel: the caller then leaves the
current experiment as it was. A cancelled read goes on in its thread until it ends (readers
are bounded by fcviz.core.limits) and its result is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
SHOW_AFTER_MS = 200  # loads quicker than this show no dialog
POLL_MS = 20         # how often the event loop looks whether the thread is done


class Cancelled(Exception):
    """The person cancelled a load; nothing was changed."""


def run_with_progress(parent: QWidget | None, text: str, function: Callable[..., T], *args) -> T:
    """`function(*args)`, run in a thread while the event loop runs; Cancelled if cancelled."""
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the GUI thread, which raises it
            outcome["error"] = error

    thread = threading.Thread(target=work, name="fcviz-load", daemon=True)
    loop = QEventLoop()
    dialog = QProgressDialog(text, QCoreApplication.translate("loading", "Cancel"), 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.translate("loading", "Opening"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    show = QTimer()
    show.setSingleShot(True)
    show.timeout.connect(dialog.show)
    cancelled = []
    dialog.canceled.connect(lambda: (cancelled.append(True), loop.quit()))
    poll = QTimer()
    poll.setInterval(POLL_MS)
    poll.timeout.connect(lambda: loop.quit() if not thread.is_alive() else None)
    thread.start()
    poll.start()
    show.start(SHOW_AFTER_MS)
    try:
        while thread.is_alive() and not cancelled:  # a loop may be quit by another's quit(): go on
            loop.exec()
    finally:
        poll.stop()
        show.stop()
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()
    if cancelled and thread.is_alive():
        raise Cancelled(text)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
