"""Paced drawing, scrubbing and timeline memory, each against a reference in the same run.

1. Frames drawn a second at each pace (1, 2, 5, 10, 20, 30/s and max) while the whole window trains
   the lab and the spiral: the ratio drawn / requested should be within 10 % of 1 up to 30/s.
2. Time to draw a scrubbed epoch (lab, spiral, digits), against redrawing the live snapshot.
3. Timeline memory of a 100,000-epoch spiral run (display every 5: 20,001 frames), recorded with the
   spiral's own state (parameters, Adam's slots, metrics); the run itself is not trained here (it
   would take minutes), the frames are the state of its first epochs recorded again and again.

    python benchmarks/pace_and_timeline.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402

from fcviz.core.snapshot import RunState  # noqa: E402
from fcviz.core.timeline import MAX_BYTES, PACES, Timeline  # noqa: E402
from fcviz.gui.app import application  # noqa: E402
from fcviz.gui.main_window import MainWindow  # noqa: E402
from fcviz.io.samples import open_preset  # noqa: E402

LONG_RUN_EPOCHS = 100_000_000
SCRUBS = 15


def open_window(experiment) -> MainWindow:
    window = MainWindow(experiment, settings=None)
    window.resize(1400, 900)
    window.show()
    for _ in range(5):
        QCoreApplication.processEvents()
    return window


def frames_per_second(name: str, pace: float, seconds: float) -> float:
    """Distinct display epochs drawn a second while the window trains preset `name` at `pace`."""
    experiment = open_preset(name)
    experiment.epochs = LONG_RUN_EPOCHS
    window = open_window(experiment)
    controller = window.controller
    controller.settings.set("pace", pace)
    drawn: list[tuple[float, int]] = []
    controller.snapshot_changed.connect(lambda snapshot: drawn.append((time.perf_counter(), snapshot.epoch))
                                        if snapshot.state == RunState.RUNNING else None)
    controller.play()
    end = time.perf_counter() + seconds + 0.5
    while time.perf_counter() < end:
        QCoreApplication.processEvents()
        time.sleep(0.001)
    controller.pause()
    window.close()
    measured = [(t, epoch) for t, epoch in drawn if t >= drawn[0][0] + 0.5]  # after the first half second
    epochs = [epoch for _, epoch in measured]
    if len(measured) < 2:
        return 0.0
    assert epochs == sorted(epochs)
    return (len(set(epochs)) - 1) / (measured[-1][0] - measured[0][0])


def scrub_seconds(name: str) -> tuple[float, float]:
    """Median seconds to show a scrubbed epoch and to redraw the live snapshot, whole window painted."""
    experiment = open_preset(name)
    experiment.train_to(experiment.epochs)
    window = open_window(experiment)
    controller = window.controller
    epochs = [int(epoch) for epoch in controller.latest.timeline.epochs]
    picks = [epochs[round(k * (len(epochs) - 2) / (SCRUBS - 1))] for k in range(SCRUBS)]

    def timed(action) -> float:
        start = time.perf_counter()
        action()
        window.repaint()
        QCoreApplication.processEvents()
        return time.perf_counter() - start

    def live() -> None:
        controller.pacer.drawn = None   # draw the same snapshot again
        controller.redraw_now()

    scrubbed = [timed(lambda epoch=epoch: controller.timeline.scrub_to(epoch)) for epoch in picks]
    controller.timeline.show_live()
    lives = [timed(live) for _ in picks]
    window.close()
    return statistics.median(scrubbed), statistics.median(lives)


def timeline_megabytes(epochs: int = 100_000) -> tuple[float, int, bool]:
    """(MB, frames kept, thinned) of a spiral timeline over `epochs` epochs."""
    experiment = open_preset("spiral")
    experiment.trainer.fit(epochs=3)   # Adam's slots exist from the first step on
    trainer, timeline = experiment.trainer, Timeline()
    state = (experiment.net.params, float(trainer.history.loss[-1]), experiment.metrics(),
             trainer.optimizer.get_state(), trainer.rng.bit_generator.state)
    for epoch in [0, 1, *range(experiment.display_every, epochs + 1, experiment.display_every)]:
        timeline.record(epoch, *state)
    view = timeline.view()
    megabytes = sum(column.nbytes for column in timeline.arrays().values()) / 2**20
    return megabytes, view.count, view.thinned


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of training at each pace")
    args = parser.parse_args(argv)
    application()
    print("frames drawn a second at each pace (ratio to the requested pace):")
    for name in ("clothes", "spiral"):
        cells = []
        for pace in (*PACES, 0.0):
            rate = frames_per_second(name, pace, max(args.seconds, 6 / pace) if pace else args.seconds)
            cells.append(f"{pace:g}/s: {rate:5.1f} ({rate / pace:.2f})" if pace else f"max: {rate:5.1f}")
        print(f"  {name:8s} " + "  ".join(cells))
    print("showing a scrubbed epoch vs redrawing the live one (median, whole window painted):")
    for name in ("clothes", "spiral", "digits"):
        scrubbed, live = scrub_seconds(name)
        print(f"  {name:8s} scrubbed {1000 * scrubbed:6.1f} ms   live {1000 * live:6.1f} ms   "
              f"ratio {scrubbed / live:.2f}")
    megabytes, frames, thinned = timeline_megabytes()
    print(f"timeline of a 100,000-epoch spiral run: {frames:,} frames, {megabytes:.1f} MB "
          f"(bound {MAX_BYTES / 2**20:.0f} MB){', thinned' if thinned else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
