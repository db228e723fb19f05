"""Training speed with the window open and drawing every epoch, against headless training, same run.

The spiral preset (2-8-8-1 tanh, batch 10) is trained offscreen in the whole
main window with the display frequency set to 1 epoch and the redraw cap at
its default, for a few seconds, while a 10 ms timer measures how late the
event loop answers; headless `Trainer.fit` (in long calls, as `fcviz train`
does) is measured before and after and averaged. Issue 14's targets: window ÷
headless ≥ 0.9, ≥ 25 redraws/s, event-loop p99 lateness < 30 ms. `--hog`
repeats it with one busy process per core in the background.

    python benchmarks/window_speed.py [--seconds 6] [--rounds 1] [--hog]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cpu_hogs import busy_cores  # noqa: E402  (this folder)
from gui_latency import LONG_RUN_EPOCHS, headless_epochs_per_second, train_in_window  # noqa: E402  (this folder)

from fcviz.gui.app import application  # noqa: E402
from fcviz.io.samples import open_preset  # noqa: E402

RATIO, REDRAWS, P99_MS = 0.9, 25.0, 30.0


def spiral_experiment():
    """The spiral preset, shown every epoch, with room for any number of epochs."""
    experiment = open_preset("spiral")
    experiment.display_every = 1
    experiment.epochs = LONG_RUN_EPOCHS
    return experiment


def measure(seconds: float, label: str) -> None:
    before = headless_epochs_per_second(spiral_experiment(), 2.0, 500)
    lateness, window_eps, redraws = train_in_window(spiral_experiment(), seconds)
    after = headless_epochs_per_second(spiral_experiment(), 2.0, 500)
    headless = (before + after) / 2
    ratio, rate, p99 = window_eps / headless, redraws / seconds, 1000 * float(np.percentile(lateness, 99))
    engine = spiral_experiment().trainer.engine
    print(f"{label}: spiral, display every epoch, {engine} engine: window {window_eps:,.0f} epochs/s, "
          f"{rate:.1f} redraws/s, event-loop lateness p50 {1000 * np.median(lateness):.1f} ms "
          f"p99 {p99:.1f} ms; headless fit {headless:,.0f} epochs/s (before {before:,.0f}, after {after:,.0f}); "
          f"ratio {ratio:.3f}", flush=True)
    print(f"   targets: ratio >= {RATIO} {'OK' if ratio >= RATIO else 'MISSED'}, redraws >= {REDRAWS:g}/s "
          f"{'OK' if rate >= REDRAWS else 'MISSED'}, p99 < {P99_MS:g} ms {'OK' if p99 < P99_MS else 'MISSED'}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole measurement")
    parser.add_argument("--hog", action="store_true", help="then again with one busy process per core")
    args = parser.parse_args()
    application()  # the same switch interval for every measurement
    for _ in range(args.rounds):
        measure(args.seconds, f"quiet (load average {os.getloadavg()[0]:.2f})")
    if args.hog:
        with busy_cores() as hogs:
            for _ in range(args.rounds):
                measure(args.seconds, f"loaded ({hogs} busy processes)")


if __name__ == "__main__":
    main()
