"""BLAS threads for the NumPy engine: one against all cores, quiet and with a busy process per core —
the measurement behind `fcviz.core.engine.BLAS_THREADS`.

Trains the NumPy engine's large workloads (W3, W4 and a shortened W5 of
benchmarks/engine_speed.py, the ones `engine.choose` gives to NumPy) under
threadpoolctl limits of 1 and of every core, in this process.

    python benchmarks/blas_threads.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cpu_hogs import busy_cores  # noqa: E402  (this folder)

from fcviz.core import Network, Trainer  # noqa: E402

CASES = {  # name: (sizes, activations, loss, samples, batch, dtype)
    "W3 400-25-10 full batch f32": ((400, 25, 10), ["sigmoid", "sigmoid"], "bce", 5000, None, "float32"),
    "W4 64-32-10 batch 32": ((64, 32, 10), ["relu", "softmax"], "cce", 1797, 32, "float64"),
    "W5 784-300-100-10 batch 32 f32 (6000 rows)": ((784, 300, 100, 10), ["relu", "relu", "softmax"], "cce", 6000,
                                                   32, "float32"),
    "400-25-10 batch 128": ((400, 25, 10), ["sigmoid", "sigmoid"], "bce", 5000, 128, "float64"),
}


def seconds(sizes, activations, loss, samples, batch, dtype) -> float:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], samples)]
    trainer = Trainer(Network(sizes, activations, dtype=dtype), loss, "sgd", lr=0.01, batch_size=batch,
                      engine="numpy")
    trainer.set_data(X, y)
    trainer.fit(epochs=1)
    best = np.inf
    for _ in range(2):
        start = time.perf_counter()
        trainer.fit(epochs=1)
        best = min(best, time.perf_counter() - start)
    return best


def table(title: str) -> None:
    cores = os.cpu_count() or 1
    print(title)
    for name, case in CASES.items():
        timings = {}
        for threads in (1, cores):
            with threadpool_limits(limits=threads, user_api="blas"):
                timings[threads] = seconds(*case)
        print(f"   {name:<44} 1 thread {timings[1]:.3f} s, {cores} threads {timings[cores]:.3f} s "
              f"({timings[cores] / timings[1]:.2f}x the time)", flush=True)


def main() -> None:
    table(f"quiet (load average {os.getloadavg()[0]:.2f}):")
    with busy_cores() as hogs:
        table(f"loaded ({hogs} busy processes):")


if __name__ == "__main__":
    main()
