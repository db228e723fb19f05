"""Where the compiled engine stops beating NumPy/BLAS: the measurement behind
`fcviz.core.engine.COMPILED_MAX_LAYER_PARAMS`.

Square-ish networks n-h-h-10 (relu, softmax, CCE, batch 32, 2000 samples) of
growing width train a few epochs with each engine in this process; the table
gives the largest layer's parameter count and compiled ÷ NumPy speed. Both
engines run with the BLAS threads fcviz sets (`engine.limit_blas_threads`).

    python benchmarks/engine_choice.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fcviz.core import Network, Trainer, engine  # noqa: E402

WIDTHS = (8, 16, 32, 48, 64, 96, 128, 256)
SAMPLES, BATCH = 2000, 32


def epochs_per_second(engine_name: str, width: int, dtype: str) -> float:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(SAMPLES, width))
    y = np.eye(10)[rng.integers(0, 10, SAMPLES)]
    trainer = Trainer(Network([width, width, width, 10], ["relu", "relu", "softmax"], dtype=dtype), "cce", "sgd",
                      lr=0.01, batch_size=BATCH, engine=engine_name)
    trainer.set_data(X, y)
    trainer.fit(epochs=1)
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        trainer.fit(epochs=2)
        best = max(best, 2 / (time.perf_counter() - start))
    return best


def main() -> None:
    engine.warm_up()
    print(f"{'width':>6} {'largest layer':>14} {'compiled ÷ numpy f64':>21} {'f32':>6}   (threshold now "
          f"{engine.COMPILED_MAX_LAYER_PARAMS:,} parameters)")
    for width in WIDTHS:
        ratios = [epochs_per_second(engine.COMPILED, width, dtype) / epochs_per_second(engine.NUMPY, width, dtype)
                  for dtype in ("float64", "float32")]
        print(f"{width:>6} {(width + 1) * width:>14,} {ratios[0]:>21.2f} {ratios[1]:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
