"""Background threads give way to the window: a lower CPU priority for the calling thread (Linux).

Linux threads have their own nice value. A thread that writes a session or works out a big network's
plot data runs at BACKGROUND_NICENESS above the process, so that on busy cores the GUI thread (and
training) come first: opening a 1000-class table, the scatter panel's predictions in a pool thread
took the CPU the GUI thread needed to draw the first frame.
"""

from __future__ import annotations

import os
import sys
import threading

BACKGROUND_NICENESS = 10  # above the process's nice value (at most 19)


def give_way() -> None:
    """Run the calling thread at BACKGROUND_NICENESS above the process (again: no change)."""
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        wanted = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICENESS)
        if os.getpriority(os.PRIO_PROCESS, thread) < wanted:
            os.setpriority(os.PRIO_PROCESS, thread, wanted)
    except OSError:
        pass  # a sandbox refusing it: the thread runs at normal priority
