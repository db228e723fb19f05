"""The NumPy engine's large matrix products on one or two threads, chosen by timing them, with the
same numbers either way.

BLAS itself runs one thread (`engine.limit_blas_threads`): OpenBLAS's own threads spin, and with one
busy process per core they took 9.75× the time of one (`benchmarks/blas_threads.py`), and they change
the last bits of a product with their count. Instead a product of at least `PARALLEL_MIN_WORK`
multiply-adds is always computed as the same `BLOCKS` blocks, each one single-threaded BLAS call, and
`threads` only says whether a helper thread computes one of them meanwhile: the numbers never depend
on it, so Play, `fit` and a resumed run agree bit for bit whatever the machine's load. Which blocks
depends on the shapes (one-thread CPU time of 400→25 float32 products over 5,000 samples: row blocks
of a dozen rows took 1.6× one call, two summed halves 1.1×, transposed blocks 0.7×): a product with a long inner
size (∂L/∂W over a big batch) is summed from its two halves; the first layer's forward pass with few
rows is computed transposed (samples as rows, then copied back); others are split into row blocks.
Two independent products of the backward pass (`Products.pair`) are each computed whole, side by
side: one hand-over to the helper for both, and no blocks at all.

`ThreadPolicy` decides the count from the training's own batches: it times windows of `PROBE_SECONDS`
in the order 1, 2, 2, 1 (the chosen count first on a later probe), so that a load arriving or leaving
during the probe weighs on both counts alike, takes each count's best window (a moment of the machine's
noise slows one window, never speeds one up), keeps the faster count, and probes again every
`REPROBE_SECONDS` of training or at once when a batch window runs `DRIFT`× slower than the chosen
count's probe (a machine that became busy).
"""

from __future__ import annotations

import os
import queue
import threading
import weakref

import numpy as np

PARALLEL_MIN_WORK = 500_000    # multiply-adds (rows × columns × inner size) before a product is split
PARALLEL_MIN_PARAMS = 100_000  # parameters before SGD's step is shared by the threads (a hand-over costs ~5-10 µs)
BLOCKS = 2                     # blocks of a split product: fixed, so the numbers never depend on threads
NARROW = 64                    # a large product with fewer rows than this (and more columns) is computed transposed
LONG_INNER = 4                 # a product whose inner size is this many times its sides is split along the inner one
PROBE_SECONDS = 0.02           # training time timed for each thread count (0.05: W3, 0.12 s, ran ~60 % probing)
REPROBE_SECONDS = 5.0          # training time between probes
DRIFT = 1.5                    # a window this much slower than the chosen count's probe probes again


def is_large(rows: int, inner: int, columns: int) -> bool:
    """Whether a (rows × inner) · (inner × columns) product is split into blocks."""
    return max(rows, columns) >= BLOCKS and rows * inner * columns >= PARALLEL_MIN_WORK


def max_threads() -> int:
    """Threads that can help: the cores this process may use, at most the blocks of a product."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(BLOCKS, cores))


class ThreadPolicy:
    """How many threads the next batches use, decided from (samples, seconds) of the batches so far.

    Pure bookkeeping (no clock of its own), so tests feed it timings. The very first batch is not
    counted (it allocates the work arrays)."""

    def __init__(self, most: int, probe_seconds: float = PROBE_SECONDS, reprobe_seconds: float = REPROBE_SECONDS,
                 drift: float = DRIFT):
        self.candidates = [1] if most <= 1 else [1, most]
        self.probe_seconds, self.reprobe_seconds, self.drift = probe_seconds, reprobe_seconds, drift
        self.rates: dict[int, float] = {}         # threads → seconds per sample of its last probe (best window)
        self.probes = 0                           # probes finished (each times every candidate twice)
        self._windows: dict[int, list[float]] = {}  # the running probe's windows, by threads
        self._to_probe = self._probe_order(self.candidates[0]) if len(self.candidates) > 1 else []
        self.threads = 1
        self._samples = self._seconds = self._since_probe = 0.0
        self._first = True

    @property
    def probing(self) -> bool:
        return bool(self._to_probe)

    def record(self, samples: int, seconds: float) -> None:
        """Account one batch of `samples` that took `seconds` with `threads` threads."""
        if self._first or len(self.candidates) < 2:
            self._first = False
            return
        self._samples += samples
        self._seconds += seconds
        if self._seconds < self.probe_seconds:
            return
        rate, window = self._seconds / self._samples, self._seconds
        self._samples = self._seconds = 0.0
        if self.probing:
            self._windows.setdefault(self._to_probe.pop(0), []).append(rate)
            if self.probing:
                self.threads = self._to_probe[0]
            else:
                self.rates = {n: min(rates) for n, rates in self._windows.items()}
                self._windows = {}
                self.probes += 1
                self.threads = min(self.candidates, key=lambda n: self.rates[n])
                self._since_probe = 0.0
            return
        self._since_probe += window
        if self._since_probe >= self.reprobe_seconds or rate > self.drift * self.rates[self.threads]:
            self._to_probe = self._probe_order(self.threads)
            self.threads = self._to_probe[0]

    def _probe_order(self, first: int) -> list[int]:
        """`first`, the others, then the same backwards: every count timed early and late alike."""
        order = [first] + [n for n in self.candidates if n != first]
        return order + order[::-1]


class _Helper:
    """A daemon thread that computes the blocks it is given (NumPy's dot releases the GIL)."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._run, args=(self.jobs, self.done), name="fcviz-products", daemon=True).start()

    @staticmethod
    def _run(jobs: queue.SimpleQueue, done: queue.SimpleQueue) -> None:
        while (job := jobs.get()) is not None:
            function, arguments = job
            try:
                function(*arguments)
                done.put(None)
            except Exception as error:   # handed to the caller, who raises it
                done.put(error)

    def stop(self) -> None:
        self.jobs.put(None)


class Products:
    """`dot(a, b, out)` as `np.dot`, large products in fixed blocks on `threads` threads (1 or 2), and
    `pair`: two independent products side by side."""

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._helper: _Helper | None = None
        self._work: dict[tuple, np.ndarray] = {}   # a split product's second half or transposed result

    def dot(self, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
        rows, columns = out.shape
        inner = a.shape[1]
        if not is_large(rows, inner, columns):
            return np.dot(a, b, out=out)
        if inner >= LONG_INNER * max(rows, columns):   # ∂L/∂W over a big batch: two halves of the sum
            half = inner // BLOCKS
            other = self._work_array((rows, columns), out.dtype)
            self.pair((a[:, :half], b[:half], out), (a[:, half:], b[half:], other))
            out += other
        elif rows < min(columns, NARROW) and b.flags.f_contiguous:   # the first layer's forward pass
            product = self._work_array((columns, rows), out.dtype)
            self._blocks(b.T, a.T, product)
            np.copyto(out, product.T)
        else:
            self._blocks(a, b, out)
        return out

    def _work_array(self, shape: tuple[int, int], dtype: np.dtype) -> np.ndarray:
        key = (shape, dtype.str)
        array = self._work.get(key)
        if array is None:
            array = self._work[key] = np.empty(shape, dtype)
        return array

    def _blocks(self, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
        """out = a·b as BLOCKS row blocks (out C-contiguous)."""
        half = -(-out.shape[0] // BLOCKS)
        self.pair((a[:half], b, out[:half]), (a[half:], b, out[half:]))

    def pair(self, first: tuple, second: tuple) -> None:
        """np.dot(*first) and np.dot(*second), each whole (a, b, out): the second on the helper thread with two."""
        self._side_by_side(np.dot, first, second)

    def halves(self, ufunc: np.ufunc, *arrays: np.ndarray) -> None:
        """`ufunc(*arrays)` over flat arrays (the last is `out`), each half whole: elementwise, so the same numbers."""
        half = arrays[0].size // BLOCKS
        self._side_by_side(ufunc, tuple(a[:half] for a in arrays), tuple(a[half:] for a in arrays))

    def _side_by_side(self, function, first: tuple, second: tuple) -> None:
        if self.threads == 1:
            function(*first)
            function(*second)
            return
        helper = self._helper_thread()
        helper.jobs.put((function, second))
        function(*first)
        error = helper.done.get()
        if error is not None:
            raise error

    def _helper_thread(self) -> _Helper:
        if self._helper is None:
            self._helper = _Helper()
            weakref.finalize(self, self._helper.stop)
        return self._helper
