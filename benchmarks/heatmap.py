"""How long the scatter panel takes to recompute its output heatmap from a snapshot.

Run: `python benchmarks/heatmap.py`. A 2-8-8-1 tanh/sigmoid network, a
100 x 100 grid over the input plane (the panel's HEATMAP_SIZE). Prints the
median of many runs, in milliseconds, for
  - bare NumPy: the same three matrix products and activations, written inline
    (the reference, measured in the same run, so the ratio travels between
    machines better than the milliseconds do);
  - fcviz forward: `Network.forward` on the grid, as the panel calls it;
  - heatmap: forward + output map + `ImageItem.setImage` (no neuron maps);
  - panel draw: everything the panel does per snapshot (output map, 16 neuron
    maps, confusion matrix), offscreen, without painting;
  - draw + paint: the same plus rendering the big plot (map and 400 points);
and the panel draw as a share of one frame at 30 Hz.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment
from fcviz.core.generators import generate

REPEATS = 200
FRAME_MS = 1000 / 30


def median_ms(action, repeat: int = REPEATS) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return 1000 * statistics.median(timings)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported
    from fcviz.core.snapshot import Snapshot
    from fcviz.gui.app import application
    from fcviz.gui.controller import Controller
    from fcviz.gui.panels.scatter.modes import HEATMAP_SIZE
    from fcviz.gui.panels.scatter.panel import ScatterPanel

    application()
    data: Dataset = generate("spiral", n=400)
    experiment = build_experiment(data, hidden=(8, 8), activation="tanh", output_activation="sigmoid",
                                  loss="bce", optimizer="adam", lr=0.01, batch_size=16, seed=1)
    experiment.trainer.fit(epochs=20)
    controller = Controller(experiment)
    panel = ScatterPanel(controller)
    panel.resize(700, 500)
    panel.show()
    snapshot = Snapshot.capture(experiment, "paused")
    net = snapshot.network()
    grid = panel.mode_view.grid
    assert grid.shape == (HEATMAP_SIZE * HEATMAP_SIZE, 2)

    layers = [(layer.kernel.T.copy(), layer.bias[:, None].copy()) for layer in net.layers]
    inputs = grid.T.copy()

    def bare_numpy():
        (w1, b1), (w2, b2), (w3, b3) = layers
        a = np.tanh(w1 @ inputs + b1)
        a = np.tanh(w2 @ a + b2)
        return 1 / (1 + np.exp(-(w3 @ a + b3)))

    np.testing.assert_allclose(bare_numpy()[0], net.forward(grid)[-1][1][0], rtol=1e-12)

    def heatmap():
        outputs = net.forward(grid)[-1][1]
        panel.heatmap.setImage(panel.mode_view.output_map(outputs), autoLevels=False, levels=(0.0, 1.0))

    reference = median_ms(bare_numpy)
    forward = median_ms(lambda: net.forward(grid))
    image = median_ms(heatmap)
    draw = median_ms(lambda: panel.draw(snapshot), repeat=REPEATS // 2)
    painted = median_ms(lambda: (panel.draw(snapshot), panel.plot_widget.grab()), repeat=REPEATS // 5)
    print(f"grid {HEATMAP_SIZE}x{HEATMAP_SIZE} = {grid.shape[0]} points, network 2-8-8-1 (tanh, tanh, sigmoid)")
    print(f"bare NumPy forward (reference) {reference:7.3f} ms")
    print(f"fcviz Network.forward          {forward:7.3f} ms  ({forward / reference:.2f}x reference)")
    print(f"heatmap: forward + setImage    {image:7.3f} ms  ({image / reference:.2f}x reference)")
    print(f"panel draw (map, 16 neuron maps, confusion) {draw:7.3f} ms  "
          f"= {100 * draw / FRAME_MS:.1f} % of a 30 Hz frame")
    print(f"panel draw + paint of the big plot  {painted:7.3f} ms")
    panel.close()


if __name__ == "__main__":
    main()
