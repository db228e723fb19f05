"""How long the loss surface panel takes to compute one grid.

Run: `python benchmarks/loss_surface.py`. For the lab (100 x 100), the spiral (60 x 60) and the
digits (40 x 40), after a few epochs, over the two parameters that moved most (the panel's default):
  - point by point: the reference, measured in the same run on a sample of the grid's points —
    set the two parameters, `Trainer.evaluate_loss` on the training rows — scaled to the whole grid;
  - grid: `LossSurface.grid`, the vectorised chunks the panel runs in its thread pool;
  - panel job: grid + gradient + contour lines (`panels.loss_surface.compute`);
and the speed-up of the grid over point by point.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from fcviz.core.loss_surface import LossSurface, axis_values, moved_most
from fcviz.io.samples import open_preset

CASES = (("clothes", 100, 300), ("spiral", 60, 20), ("digits", 40, 3))  # preset, grid points per axis, epochs
REFERENCE_POINTS = 200
REPEATS = 5


def median_seconds(action, repeat: int = REPEATS) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def measure(name: str, size: int, epochs: int) -> str:
    """One row of the table: the preset `name` after `epochs` epochs, a `size` x `size` grid."""
    from fcviz.gui.panels.loss_surface.grids import SurfaceRequest, compute

    experiment = open_preset(name)
    experiment.trainer.fit(epochs=epochs)
    train = experiment.split_indices()[0]
    X, y = experiment.dataset.X[train], experiment.dataset.y[train]
    surface = LossSurface(experiment.net.config(), experiment.trainer.loss.name, X, y)
    params = experiment.net.params.copy()
    first, second = moved_most(experiment.initial_params, params)
    xs, ys = axis_values(params[first], 1.0, size), axis_values(params[second], 1.0, size)
    net, trainer = experiment.net, experiment.trainer
    points = np.random.default_rng(0).integers(0, size, (REFERENCE_POINTS, 2))

    def point_by_point():
        for i, j in points:
            net.params[first], net.params[second] = xs[i], ys[j]
            trainer.evaluate_loss(X, y)

    reference = median_seconds(point_by_point, 3) / REFERENCE_POINTS * size * size
    grid = median_seconds(lambda: surface.grid(params, first, second, xs, ys))
    request = SurfaceRequest((), params, (first, second), (xs, ys), trainer.learning_rate)
    job = median_seconds(lambda: compute(surface, request, lambda done, total: True))
    label = f"{name} {size}x{size}"
    return (f"{label:<18}{surface.rows_used:>6}{reference * 1000:>13.0f} ms{grid * 1000:>7.0f} ms"
            f"{job * 1000:>8.0f} ms{reference / grid:>9.1f}x")


def main() -> None:
    print(f"{'case':<18}{'rows':>6}{'point by point':>16}{'grid':>10}{'panel job':>11}{'speed-up':>10}")
    for case in CASES:
        print(measure(*case), flush=True)


if __name__ == "__main__":
    main()
