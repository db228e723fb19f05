"""GUI latency and training speed with the window open, against headless training in the same run.

Offscreen: trains the clothes lab with the whole window open and drawing for
a few seconds while a 10 ms QTimer measures how late the event loop answers,
then compares the epochs per second with `Trainer.fit` alone (measured before
and after, averaged). Targets: p99 lateness < 50 ms, speed ratio >= 0.9.

    python benchmarks/gui_latency.py [--seconds 4] [--max-rate 30]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer  # noqa: E402

from fcviz.core.presets import build_preset  # noqa: E402
from fcviz.gui.app import application  # noqa: E402
from fcviz.gui.main_window import MainWindow  # noqa: E402

PROBE_MS = 10
WARM_UP_SECONDS = 0.5
LONG_RUN_EPOCHS = 100_000_000


def headless_epochs_per_second(experiment, seconds: float, epochs_per_call: int = 2000) -> float:
    """Epochs per second of Trainer.fit on `experiment` (after a warm-up), in calls of `epochs_per_call`
    until `seconds` have passed. Shared with benchmarks/window_speed.py."""
    trainer = experiment.trainer
    trainer.fit(epochs=2)
    done, start = trainer.epoch, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.fit(epochs=epochs_per_call)
    return (trainer.epoch - done) / (time.perf_counter() - start)


def train_in_window(experiment, seconds: float, max_rate: float | None = None) -> tuple[np.ndarray, float, int]:
    """Lateness samples (s) of a 10 ms timer, epochs per second and redraws while the whole window
    trains `experiment` for `seconds` (after a warm-up). Shared with benchmarks/window_speed.py."""
    app = application()
    window = MainWindow(experiment, settings=None)
    window.resize(1400, 900)
    window.show()
    controller = window.controller
    controller.settings.set("pace", 0.0)  # "max": as fast as training goes, as this benchmark measures
    if max_rate is not None:
        controller.settings.set("max_redraw_hz", max_rate)
    lateness: list[float] = []
    redraws = [0]
    marks: dict[str, tuple[float, int]] = {}
    controller.snapshot_changed.connect(lambda _snapshot: redraws.__setitem__(0, redraws[0] + 1))

    def current_epoch() -> int:
        return controller.call_in_worker(lambda running: running.trainer.epoch)

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PROBE_MS)
    last = [time.perf_counter()]

    def on_probe():
        now = time.perf_counter()
        if "start" in marks:
            lateness.append(now - last[0] - PROBE_MS / 1000)
        last[0] = now

    def begin():
        redraws[0] = 0
        marks["start"] = (time.perf_counter(), current_epoch())

    def finish():
        marks["end"] = (time.perf_counter(), current_epoch())
        probe.stop()
        window.close()
        app.quit()

    probe.timeout.connect(on_probe)
    probe.start()
    QTimer.singleShot(100, controller.play)
    QTimer.singleShot(round(1000 * WARM_UP_SECONDS), begin)
    QTimer.singleShot(round(1000 * (WARM_UP_SECONDS + seconds)), finish)
    app.exec()
    (t0, e0), (t1, e1) = marks["start"], marks["end"]
    return np.array(lateness), (e1 - e0) / (t1 - t0), redraws[0]


def lab_experiment():
    experiment = build_preset("clothes")
    experiment.epochs = LONG_RUN_EPOCHS
    return experiment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--max-rate", type=float, default=30.0, help="redraws per second (the window's default)")
    args = parser.parse_args()
    application()  # the same switch interval for both measurements
    before = headless_epochs_per_second(build_preset("clothes"), 2.0)
    lateness, windowed, redraws = train_in_window(lab_experiment(), args.seconds, args.max_rate)
    after = headless_epochs_per_second(build_preset("clothes"), 2.0)
    headless = (before + after) / 2
    p50, p95, p99 = (1000 * np.percentile(lateness, q) for q in (50, 95, 99))
    print(f"event-loop lateness of a {PROBE_MS} ms timer over {args.seconds:g} s of training "
          f"({len(lateness)} samples): p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
          f"max {1000 * lateness.max():.1f} ms")
    print(f"redraws: {redraws} ({redraws / args.seconds:.1f}/s, cap {args.max_rate:g}/s)")
    print(f"epochs/s: window open {windowed:,.0f}, headless Trainer.fit {headless:,.0f} "
          f"(before {before:,.0f}, after {after:,.0f}); ratio {windowed / headless:.3f}")
    print(f"targets: p99 < 50 ms {'OK' if p99 < 50 else 'MISSED'}, "
          f"ratio >= 0.9 {'OK' if windowed / headless >= 0.9 else 'MISSED'}")


if __name__ == "__main__":
    main()
