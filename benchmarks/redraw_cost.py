"""Where a redraw of the whole window goes: each shown panel's draw and the window's paint, in GUI-thread CPU time.

Opens the spiral preset (2-8-8-1, the issue 14 window) offscreen at 1400x900, records a few
snapshots of it training, then hands each to the shown panels one by one and paints the window,
timing each step with the GUI thread's CPU clock (time.thread_time), so that other processes on a
busy machine count less than in wall time. A redraw must stay well under 30 ms for issue 14's
event-loop target (p99 lateness < 30 ms) and 25 redraws a second.

    python benchmarks/redraw_cost.py [--preset spiral] [--frames 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402

from fcviz.core.snapshot import RunState, Snapshot  # noqa: E402
from fcviz.gui.app import application  # noqa: E402
from fcviz.gui.main_window import MainWindow  # noqa: E402
from fcviz.io.samples import open_preset  # noqa: E402

EPOCHS_BETWEEN_FRAMES = 20


def snapshots_of(experiment, frames: int) -> list[Snapshot]:
    """`frames` running snapshots of `experiment`, EPOCHS_BETWEEN_FRAMES epochs apart (run in the worker)."""
    taken = []
    for _ in range(frames):
        experiment.trainer.fit(epochs=EPOCHS_BETWEEN_FRAMES)
        experiment.record_if_display_epoch()
        taken.append(Snapshot.capture(experiment, RunState.RUNNING))
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="spiral")
    parser.add_argument("--frames", type=int, default=30)
    args = parser.parse_args()
    app = application()
    experiment = open_preset(args.preset)
    experiment.display_every = 1
    window = MainWindow(experiment, settings=None)
    window.resize(1400, 900)
    window.show()
    for _ in range(10):
        app.processEvents()
    controller = window.controller
    snapshots = controller.call_in_worker(lambda running: snapshots_of(running, args.frames + 3))
    costs: dict[str, list[float]] = defaultdict(list)
    for snapshot in snapshots:
        controller.latest = snapshot
        for name, panel in window.panels.items():
            if panel.isVisible() and not panel.visibleRegion().isEmpty():
                start = time.thread_time()
                panel.draw(snapshot)
                costs[name].append(time.thread_time() - start)
        start = time.thread_time()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)  # the plots' queued updates
        QCoreApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
        costs["(window paint)"].append(time.thread_time() - start)
    window.close()
    medians = {name: 1000 * statistics.median(values[3:]) for name, values in costs.items()}  # after a warm-up
    print(f"{args.preset}: GUI-thread CPU per redraw, median of {args.frames} (load average "
          f"{os.getloadavg()[0]:.2f}):")
    for name, ms in sorted(medians.items(), key=lambda item: -item[1]):
        print(f"  {name:<20} {ms:6.2f} ms")
    print(f"  {'total':<20} {sum(medians.values()):6.2f} ms   (issue 14: well under 30 ms)")


if __name__ == "__main__":
    main()
