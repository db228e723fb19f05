"""Soak: the window trains offscreen for a long time; memory, object counts and latency must stay flat.

Half the time on the clothes lab, half on the 2-8-8-1 spiral drawn every epoch (opened through
New from preset in the same window), with autosave on as in the app (into a temporary folder).
A 10 ms timer measures how late the event loop answers.
Every report interval prints the RSS, the items in all plot scenes, the window's QObjects, the
Python objects, the interval's redraws a second, its lateness p99 and the autosaves written in it (with
the longest one's seconds from asking to written). Targets (issue 10), for each phase from the end of
its warm-up to its end: RSS growth < 20 MB beyond the run's bounded timeline (fcviz.core.timeline,
at most 64 MB), no more scene items or QObjects (the fewest of the last STEADY reports against the
fewest of the first STEADY: a leak raises both, a short-lived object caught by one report does not);
and lateness p99
< 50 ms in every interval. Exit code 1 if a target is missed (latency only with --strict-latency).

`--autosave-every SECONDS` autosaves more often than the app's 3 minutes (to see what a write costs).

`--phases spiral --spiral-from 12000` runs the spiral phase alone, from a run trained to epoch 12,000
first (headless, recording every epoch as the window does): the long-run state of the 30-minute soak
(a 30,000-frame timeline, autosaves of 50 MB and more) in a third of the time.

    python benchmarks/soak.py [--seconds 1800] [--report-every 30] [--strict-latency]
                              [--phases lab,spiral] [--spiral-from EPOCH] [--autosave-every SECONDS]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from fcviz.core.timeline import MAX_BYTES as TIMELINE_BYTES  # noqa: E402
from fcviz.gui.app import application  # noqa: E402
from fcviz.gui.autosave import Autosave  # noqa: E402
from fcviz.gui.main_window import MainWindow  # noqa: E402
from fcviz.gui.worker import FINISHED  # noqa: E402
from fcviz.io.samples import open_preset  # noqa: E402

PROBE_MS = 10
# Each phase trains this many epochs, then Reset and Play again, as a learner does: the per-epoch
# loss history (8 bytes an epoch, kept exactly) stays bounded, so what grows is a leak.
RUN_EPOCHS = {"lab": 200_000, "spiral": 50_000}
# A run keeps every display epoch in its timeline, bounded to TIMELINE_BYTES: memory may grow by that
# much and no more, or something leaks.
MAX_RSS_GROWTH_MB = 20.0 + TIMELINE_BYTES / 2 ** 20
MAX_P99_MS = 50.0
STEADY = 3  # reports at each end of a phase whose object counts are compared
PHASES = (("lab", "clothes", None), ("spiral", "spiral", 1))  # name, preset, display every


def rss_mb() -> float:
    """Resident memory of this process (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def counts(window: MainWindow) -> dict[str, int]:
    """What the window keeps: objects it let go with deleteLater() (a layout's dock animations) go first."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return {"scene items": sum(len(view.scene().items()) for view in window.findChildren(pg.GraphicsView)),
            "QObjects": len(window.findChildren(QObject)),
            "python objects": len(gc.get_objects())}


class Soak:
    """Drives the phases on the window's event loop and keeps the figures."""

    def __init__(self, seconds: float, report_every: float, autosave_folder: Path,
                 phases: tuple[str, ...] = ("lab", "spiral"), spiral_from: int = 0,
                 autosave_every: float | None = None):
        self.app = application()
        self.phase_list = [phase for phase in PHASES if phase[0] in phases]
        self.spiral_from = spiral_from
        self.phase_seconds = seconds / len(self.phase_list)
        self.warm_up = min(30.0, 0.2 * self.phase_seconds)
        self.report_every = report_every
        experiment = open_preset("clothes")
        experiment.epochs = RUN_EPOCHS["lab"]
        self.window = MainWindow(experiment, settings=None)
        self.window.autosave = Autosave(self.window, autosave_folder,
                                        round(1000 * autosave_every) if autosave_every else None)
        self.window.autosave.ask = lambda _: QMessageBox.StandardButton.Discard  # the trained lab is not kept
        self.window.resize(1400, 900)
        self.window.show()
        self.lateness: list[float] = []
        self.interval_p99: list[float] = []
        self.phases: list[dict] = []  # per phase: name, counts and RSS after the warm-up and at the end, peak RSS
        self._last_probe = time.perf_counter()
        self.probe = QTimer()
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self._on_probe)
        self.runs = 0
        self.redraws = 0
        self.writes: list[float] = []  # seconds from asking to written, of the autosaves written this interval
        self._time_writes(self.window.controller.writer)
        self.window.controller.snapshot_received.connect(self._on_snapshot)
        self.window.controller.snapshot_changed.connect(self._on_redraw)

    def _time_writes(self, writer) -> None:
        """Keep how long each session write took, from asking to written."""
        save = writer.save

        def timed_save(path, view):
            begin = time.perf_counter()
            written = save(path, view)
            written.add_done_callback(lambda _: self.writes.append(time.perf_counter() - begin))
            return written

        writer.save = timed_save

    def _on_probe(self) -> None:
        now = time.perf_counter()
        self.lateness.append(now - self._last_probe - PROBE_MS / 1000)
        self._last_probe = now

    def run(self) -> None:
        self.probe.start()
        self._started = time.perf_counter()
        for name, preset, every in self.phase_list:
            self._phase(name, preset, every)
        self.probe.stop()
        self.window.close()

    def _phase(self, name: str, preset: str, every: int | None) -> None:
        window, controller = self.window, self.window.controller
        if name == "spiral" and self.spiral_from:
            controller.open_experiment(trained_spiral(self.spiral_from))
            window.mark_unmodified()
        elif name != "lab":  # the window opened on the lab
            window.files.open_preset(preset)
        if every is not None:
            controller.settings.set("display_every", every)
        controller.settings.set("epochs", RUN_EPOCHS[name])
        controller.play()
        self.runs = 0
        begin = time.perf_counter()
        self._spin(self.warm_up)
        phase = {"name": name, "start": counts(window), "rss start": rss_mb()}
        phase["rss peak"] = phase["rss start"]
        self.phases.append(phase)
        phase["p99"], phase["counts"] = [], []
        while time.perf_counter() - begin < self.phase_seconds:
            self.lateness.clear()
            self.redraws, interval = 0, time.perf_counter()
            self.writes.clear()
            self._spin(min(self.report_every, self.phase_seconds - (time.perf_counter() - begin)))
            phase["rss end"], now = self._report(name, controller.latest.epoch, time.perf_counter() - interval)
            phase["counts"].append(now)
            phase["p99"].append(self.interval_p99[-1])
            phase["rss peak"] = max(phase["rss peak"], phase["rss end"])
        phase["end"] = counts(window)

    def _on_snapshot(self, snapshot) -> None:
        """A run reached its epochs: start it again from the initial weights."""
        if snapshot.state == FINISHED and self.window.controller.reflects_all_commands(snapshot):
            self.runs += 1
            self.window.controller.reset()
            self.window.controller.play()

    def _on_redraw(self, _snapshot) -> None:
        self.redraws += 1

    def _spin(self, seconds: float) -> None:
        """Run the event loop for `seconds`, as the app's does. (A processEvents() loop would never
        delete what deleteLater() let go, e.g. the dock animations of each layout: they piled up as
        QObjects the app does not keep.)"""
        loop = QEventLoop()
        QTimer.singleShot(round(1000 * seconds), loop.quit)
        loop.exec()

    def _report(self, phase: str, epoch: int, seconds: float) -> tuple[float, dict[str, int]]:
        """Print the figures of an interval `seconds` long; returns the RSS and the counts."""
        p99 = 1000 * float(np.percentile(self.lateness, 99)) if self.lateness else float("nan")
        self.interval_p99.append(p99)
        rss = rss_mb()
        now = counts(self.window)
        figures = ", ".join(f"{key} {value:,}" for key, value in now.items())
        writes = f"saves {len(self.writes)} ({max(self.writes):4.1f} s)" if self.writes else "saves 0         "
        print(f"{time.perf_counter() - self._started:7.0f} s  {phase:<6} run {self.runs + 1:>4} epoch {epoch:>9,}  "
              f"RSS {rss:7.1f} MB  {figures}  redraws {self.redraws / seconds:4.1f}/s  lateness p99 {p99:5.1f} ms  "
              f"{writes}  load {os.getloadavg()[0]:.2f}",
              flush=True)
        return rss, now

    def verdict(self, strict_latency: bool) -> bool:
        ok_memory = flat = True
        for phase in self.phases:
            start, end, growth = phase["start"], phase["end"], phase["rss end"] - phase["rss start"]
            print(f"{phase['name']}: RSS {phase['rss start']:.1f} MB after the {self.warm_up:.0f} s warm-up, "
                  f"{phase['rss end']:.1f} MB at the end ({growth:+.1f} MB, target < {MAX_RSS_GROWTH_MB:g}), "
                  f"peak {phase['rss peak']:.1f} MB; " + ", ".join(
                      f"{key} {start[key]:,} -> {end[key]:,}" for key in start))
            print(f"{phase['name']}: event-loop lateness p99 per interval: median "
                  f"{float(np.median(phase['p99'])):.1f} ms, worst {max(phase['p99']):.1f} ms")
            lasting = {key: (steady(phase["counts"][:STEADY], key), steady(phase["counts"][-STEADY:], key))
                       for key in ("scene items", "QObjects")}
            print(f"{phase['name']}: lasting (fewest of {STEADY} reports) " + ", ".join(
                f"{key} {first:,} -> {last:,}" for key, (first, last) in lasting.items()))
            ok_memory &= growth < MAX_RSS_GROWTH_MB
            flat &= all(last <= first for first, last in lasting.values())
        worst = max(self.interval_p99)
        print(f"event-loop lateness p99: worst interval {worst:.1f} ms, median interval "
              f"{float(np.median(self.interval_p99)):.1f} ms (target < {MAX_P99_MS:g} throughout)")
        ok_latency = worst < MAX_P99_MS
        print(f"targets: RSS {'OK' if ok_memory else 'MISSED'}, object counts {'OK' if flat else 'MISSED'}, "
              f"latency {'OK' if ok_latency else 'MISSED'}{'' if strict_latency else ' (reported only)'}")
        return ok_memory and flat and (ok_latency or not strict_latency)


def trained_spiral(epoch: int):
    """The soak's spiral run, trained to `epoch` with every epoch recorded in its timeline."""
    experiment = open_preset("spiral")
    experiment.display_every, experiment.epochs = 1, RUN_EPOCHS["spiral"]
    experiment.train_to(epoch)
    return experiment


def steady(reports: list[dict[str, int]], key: str) -> int:
    """The fewest `key` in `reports`: what lasts, without an object that lived for one report."""
    return min(report[key] for report in reports)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1800.0, help="total run time (default 30 min)")
    parser.add_argument("--report-every", type=float, default=30.0, help="seconds between report lines")
    parser.add_argument("--strict-latency", action="store_true", help="fail when the p99 target is missed")
    parser.add_argument("--phases", default="lab,spiral", help="which phases, of lab,spiral (default both)")
    parser.add_argument("--spiral-from", type=int, default=0, metavar="EPOCH",
                        help="start the spiral phase from its run trained to EPOCH (default 0)")
    parser.add_argument("--autosave-every", type=float, default=None, metavar="SECONDS",
                        help="autosave this often (default the app's 3 minutes)")
    args = parser.parse_args()
    phases = tuple(args.phases.split(","))
    if not phases or not set(phases) <= {name for name, _, _ in PHASES}:
        parser.error(f"--phases: one or both of lab,spiral, not {args.phases!r}")
    with tempfile.TemporaryDirectory() as folder:
        soak = Soak(args.seconds, min(args.report_every, args.seconds / 6), Path(folder), phases, args.spiral_from,
                    args.autosave_every)
        soak.run()
    return 0 if soak.verdict(args.strict_latency) else 1


if __name__ == "__main__":
    sys.exit(main())
