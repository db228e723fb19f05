"""Python's cyclic garbage collector runs only on the GUI thread.

Left on, the collector runs in whichever thread happens to allocate; when it frees a Qt object there
(a closed window's widget, a dialog), Qt's destructor waits for the GIL that thread already holds in
shiboken, and the process hangs (seen: a loss-surface grid in the thread pool collecting a widget of a
closed window). pyqtgraph's GarbageCollector disables the automatic collector and collects on a GUI-thread
timer instead, with the same generation thresholds.
"""

from __future__ import annotations

from pyqtgraph.util.garbage_collector import GarbageCollector

COLLECT_INTERVAL_SECONDS = 0.5
_collector: GarbageCollector | None = None


def collect_garbage_on_gui_thread() -> None:
    """Install the GUI-thread collector once (call on the GUI thread, with the QApplication created)."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=COLLECT_INTERVAL_SECONDS)
