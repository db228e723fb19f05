"""Redraw time of the network diagram and backprop panels, offscreen.

One redraw = the panel's `draw(snapshot)` (forward pass, or trace for the backprop
view, and item updates) plus a synchronous repaint of the diagram. Snapshots carry
fresh weights each time, as during training. Targets: ≤ 16 ms on the clothes lab;
400-25-10 (top-10 of the wide layers shown) stays interactive.

    python benchmarks/diagram_redraw.py [--redraws 40]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fcviz.core.dataset import Dataset  # noqa: E402
from fcviz.core.experiment import build_experiment  # noqa: E402
from fcviz.core.presets import build_preset  # noqa: E402
from fcviz.core.snapshot import Snapshot  # noqa: E402
from fcviz.gui.app import application  # noqa: E402
from fcviz.gui.controller import Controller  # noqa: E402
from fcviz.gui.panels.diagram.backprop import BackpropPanel  # noqa: E402
from fcviz.gui.panels.diagram.network import NetworkDiagramPanel  # noqa: E402

PANEL_SIZE = (420, 520)
TARGET_MS = 16.0


def wide_experiment(samples: int = 500):
    """400 inputs, 25 sigmoid hidden units, 10 softmax classes (the classic digits network)."""
    rng = np.random.default_rng(0)
    X = rng.random((samples, 400))
    y = np.eye(10)[rng.integers(0, 10, samples)]
    data = Dataset(X, y, tuple(f"pixel{k}" for k in range(400)), tuple(f"digit{k}" for k in range(10)),
                   classes=tuple(str(k) for k in range(10)), name="400-25-10")
    return build_experiment(data, hidden=(25,), activation="sigmoid", loss="cce")


def redraw_times(panel_class, experiment, redraws: int) -> np.ndarray:
    """Milliseconds per redraw of a fresh panel, over `redraws` snapshots with moving weights."""
    app = application()
    controller = Controller(experiment)
    panel = panel_class(controller)
    panel.resize(*PANEL_SIZE)
    panel.show()
    app.processEvents()
    base = Snapshot.capture(experiment, "running")
    rng = np.random.default_rng(1)
    times = []
    for _ in range(redraws + 3):
        params = base.params + rng.normal(0, 0.01, base.params.size)
        snapshot = replace(base, params=params)
        start = time.perf_counter()
        panel.draw(snapshot)
        panel.diagram.viewport().repaint()
        times.append(time.perf_counter() - start)
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return 1000 * np.array(times[3:])  # the first redraws build the items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redraws", type=int, default=40)
    args = parser.parse_args()
    print(f"{'network':<22}{'panel':<16}{'median ms':>10}{'p95 ms':>9}")
    lab_median = None
    for name, make in (("clothes lab 1-2-1", lambda: build_preset("clothes")), ("400-25-10", wide_experiment)):
        for panel_class in (NetworkDiagramPanel, BackpropPanel):
            times = redraw_times(panel_class, make(), args.redraws)
            median = float(np.median(times))
            if name.startswith("clothes") and panel_class is NetworkDiagramPanel:
                lab_median = median
            print(f"{name:<22}{panel_class.__name__:<16}{median:>10.2f}{np.percentile(times, 95):>9.2f}")
    verdict = "OK" if lab_median <= TARGET_MS else "TOO SLOW"
    print(f"lab diagram redraw {lab_median:.2f} ms (target ≤ {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
