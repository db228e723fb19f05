"""Threads for the NumPy engine's products, quiet and with a busy process per core: OpenBLAS's own
threads (one, every core) against fcviz's fixed two row blocks on one or two threads and against its
policy (`fcviz.core.blas_threads`, what users get) — the measurement behind `engine.BLAS_THREADS`.

Trains the NumPy engine's large workloads (W3, W4 and a shortened W5 of
benchmarks/engine_speed.py, the ones `engine.choose` gives to NumPy) for about
SECONDS each way, in this process; seconds per epoch, and each ÷ OpenBLAS on one thread.

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

from fcviz.core import Network, Trainer, engine  # noqa: E402
from fcviz.core.blas_threads import ThreadPolicy  # noqa: E402

CASES = {  # name: (sizes, activations, loss, samples, batch, dtype)
    "W3 400-25-10 full batch f32": ((400, 25, 10), ["sigmoid", "sigmoid"], "bce", 5000, None, "float32"),
    "W4 64-32-10 batch 32": ((64, 32, 10), ["relu", "softmax"], "cce", 1797, 32, "float64"),
    "W5 784-300-100-10 batch 32 f32 (6000 rows)": ((784, 300, 100, 10), ["relu", "relu", "softmax"], "cce", 6000,
                                                   32, "float32"),
    "400-25-10 batch 128": ((400, 25, 10), ["sigmoid", "sigmoid"], "bce", 5000, 128, "float64"),
}


SECONDS = 1.5   # of training per case and way: long enough for the policy's probes (0.02 s a count)
# way: (OpenBLAS threads, fcviz's threads: a count, or None for its policy)
WAYS = {"OpenBLAS 1": (1, 1), "OpenBLAS all": (0, 1), "blocks 2": (1, 2), "policy": (1, None)}


def seconds(case, blas: int, threads: int | None) -> float:
    """Seconds per epoch of one case trained for about SECONDS, the first epoch not counted."""
    sizes, activations, loss, samples, batch, dtype = case
    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], samples)]
    trainer = Trainer(Network(sizes, activations, dtype=dtype), loss, "sgd", lr=0.01, batch_size=batch,
                      engine="numpy")
    trainer.set_data(X, y)
    with threadpool_limits(limits=blas or os.cpu_count(), user_api="blas"):
        start = time.perf_counter()
        trainer.fit(epochs=1)
        first = time.perf_counter() - start
        if threads is not None:   # a policy that never probes, and this count throughout
            trainer._loop.policy = ThreadPolicy(1)
            trainer._loop.products.threads = threads
        epochs = max(2, round(SECONDS / first))
        start = time.perf_counter()
        trainer.fit(epochs=epochs)
        return (time.perf_counter() - start) / epochs


def table(title: str) -> None:
    print(title)
    print(f"   {'':<44} " + " ".join(f"{way:>22}" for way in WAYS))
    for name, case in CASES.items():
        timings = {way: seconds(case, *setting) for way, setting in WAYS.items()}
        base = timings["OpenBLAS 1"]
        print(f"   {name:<44} " + " ".join(f"{t:>9.4f} s ({t / base:5.2f}x)" for t in timings.values()),
              flush=True)


def main() -> None:
    engine.limit_blas_threads()   # once, as a trainer does; each way's limit overrides it while it runs
    print(f"OpenBLAS all: {os.cpu_count()} threads; blocks 2: fcviz's two row blocks on two threads; "
          f"policy: fcviz's choice by timing")
    table(f"quiet (load average {os.getloadavg()[0]:.2f}):")
    with busy_cores() as hogs:
        table(f"loaded ({hogs} busy processes):")


if __name__ == "__main__":
    main()
