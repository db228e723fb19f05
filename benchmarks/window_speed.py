"""Training speed with the window open and drawing every epoch, against headless training, same run.

Issue 8's workload W2 (1000 points in 2-D, 2-8-8-1 tanh, MSE, batch 10) is
trained offscreen in the whole main window with the display frequency set to
1 epoch, for a few seconds; then the same experiment is trained headlessly
with `Trainer.fit` (in 1-epoch calls, as the window's worker does, and in one
long call). Headless speed is measured before and after the window and
averaged. Target: window ÷ headless >= 0.8.

    python benchmarks/window_speed.py [--seconds 6] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui_latency import LONG_RUN_EPOCHS, headless_epochs_per_second, train_in_window  # noqa: E402  (this folder)

from fcviz.core.dataset import Dataset  # noqa: E402
from fcviz.core.experiment import build_experiment  # noqa: E402
from fcviz.gui.app import application  # noqa: E402


def w2_experiment(dtype: str = "float64"):
    """W2 of benchmarks/engine_speed.py as an Experiment, shown every epoch."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 2))
    y = np.sin(X.sum(axis=1, keepdims=True))
    dataset = Dataset(X, y, ("x1", "x2"), ("y",), name="W2")
    return build_experiment(dataset, hidden=(8, 8), activation="tanh", output_activation="linear",
                            loss="mse", lr=0.01, batch_size=10, shuffle=True, epochs=LONG_RUN_EPOCHS,
                            display_every=1, dtype=dtype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole measurement")
    args = parser.parse_args()
    application()  # the same switch interval for every measurement
    for _ in range(args.rounds):
        before = headless_epochs_per_second(w2_experiment(), 3.0, 1)
        _, window_eps, redraws = train_in_window(w2_experiment(), args.seconds)
        after = headless_epochs_per_second(w2_experiment(), 3.0, 1)
        long_calls = headless_epochs_per_second(w2_experiment(), 3.0, 50)
        base = (before + after) / 2
        print(f"W2, display every epoch: window open {window_eps:,.1f} epochs/s ({redraws / args.seconds:.1f} "
              f"redraws/s); headless fit(epochs=1) {base:,.1f} (before {before:,.1f}, after {after:,.1f}), "
              f"fit(epochs=50) {long_calls:,.1f}; ratio window/headless {window_eps / base:.3f} "
              f"(vs fit(50): {window_eps / long_calls:.3f}); target >= 0.8 "
              f"{'OK' if window_eps / base >= 0.8 else 'MISSED'}", flush=True)


if __name__ == "__main__":
    main()
