"""Training speed on the clothes lab: fcviz's Trainer.fit against the seed-style hand loop.

Both run in this process, one after the other, several times; the best of
each is compared, so the ratio is what matters, not the absolute figures.
"""

from __future__ import annotations

import time

import numpy as np

from fcviz.core.presets import CLOTHES_FITS, CLOTHES_SIZES, build_preset

EPOCHS = 5000
REPEATS = 5


def seed_style_loop(epochs: int) -> float:
    """The lab as the seed code writes it: one NumPy expression per weight."""
    X, Y = np.array(CLOTHES_SIZES), np.array(CLOTHES_FITS, float)
    w11_1, b1_1, w12_1, b2_1, w11_2, w21_2, b1_2 = 0.1, 0.6, 0.9, -1.5, 0.1, 0.9, 0.2
    lr, n = 0.5, len(X)
    loss = 0.0
    for _ in range(epochs):
        a1_1 = 1 / (1 + np.exp(-(w11_1 * X + b1_1)))
        a2_1 = 1 / (1 + np.exp(-(w12_1 * X + b2_1)))
        a1_2 = 1 / (1 + np.exp(-(w11_2 * a1_1 + w21_2 * a2_1 + b1_2)))
        loss = np.sum((Y - a1_2) ** 2) / n
        d_out = -2 * (Y - a1_2) / n * a1_2 * (1 - a1_2)
        d1 = d_out * w11_2 * a1_1 * (1 - a1_1)
        d2 = d_out * w21_2 * a2_1 * (1 - a2_1)
        w11_2 -= lr * np.sum(d_out * a1_1)
        w21_2 -= lr * np.sum(d_out * a2_1)
        b1_2 -= lr * np.sum(d_out)
        w11_1 -= lr * np.sum(d1 * X)
        b1_1 -= lr * np.sum(d1)
        w12_1 -= lr * np.sum(d2 * X)
        b2_1 -= lr * np.sum(d2)
    return loss


def fcviz_fit(epochs: int) -> float:
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=epochs)
    return experiment.trainer.history.loss[-1]


def best_rate(run) -> tuple[float, float]:
    best = 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        loss = run(EPOCHS)
        best = max(best, EPOCHS / (time.perf_counter() - start))
    return best, loss


def main() -> None:
    reference, reference_loss = best_rate(seed_style_loop)
    ours, our_loss = best_rate(fcviz_fit)
    print(f"{'W1 clothes lab, 1-2-1 sigmoid, full batch':<44} {'epochs/s':>10} {'final loss':>12}")
    print(f"{'  seed-style hand loop (reference)':<44} {reference:>10,.0f} {reference_loss:>12.6f}")
    print(f"{'  fcviz Trainer.fit':<44} {ours:>10,.0f} {our_loss:>12.6f}")
    print(f"  ratio fcviz / hand loop: {ours / reference:.2f}x")


if __name__ == "__main__":
    main()
