"""The cyclic garbage collector never runs in a worker thread (a Qt object freed there hangs the process)."""

from __future__ import annotations

import gc
import threading


class Cycle:
    def __init__(self):
        self.me = self


def test_garbage_made_in_a_worker_thread_is_collected_on_the_gui_thread(qtbot, open_window):
    open_window()
    threads = []

    def record(phase, info):
        if phase == "start":
            threads.append(threading.current_thread())

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=lambda: [Cycle() for _ in range(100_000)])
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    finally:
        gc.callbacks.remove(record)
    assert set(threads) == {threading.main_thread()}
