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

The helper: a thread that polls for products in compiled code (`spin_kernels`, no GIL) and sleeps after
SPIN_SECONDS without one, where numba, x86-64 Linux and NumPy's own BLAS are found (each block is then
the GEMM call NumPy's dot makes, run from compiled code); elsewhere a thread woken through a queue,
which on a virtual machine costs 120–150 µs a round trip, more than the blocks of a small batch.

`ThreadPolicy` decides the count from the training's own batches: it times windows of `PROBE_SECONDS`
in the order 1, 2, 2, 1 (the chosen count first on a later probe), so that a load arriving or leaving
during the probe weighs on both counts alike, takes each count's best window (a moment of the machine's
noise slows one window, never speeds one up), keeps the faster count, and probes again every
`REPROBE_SECONDS` of training or at once when a batch window runs `DRIFT`× slower than the chosen
count's probe (a machine that became busy).
"""

from __future__ import annotations

import ctypes
import functools
import os
import platform
import queue
import sys
import threading
import weakref
from types import ModuleType

import numpy as np

from fcviz.core import native_blas

PARALLEL_MIN_WORK = 500_000    # multiply-adds (rows × columns × inner size) before a product is split
PARALLEL_MIN_PARAMS = 100_000  # parameters before SGD's step is shared by the threads (a hand-over costs ~5-10 µs)
BLOCKS = 2                     # blocks of a split product: fixed, so the numbers never depend on threads
NARROW = 64                    # a large product with fewer rows than this (and more columns) is computed transposed
LONG_INNER = 4                 # a product whose inner size is this many times its sides is split along the inner one
PROBE_SECONDS = 0.02           # training time timed for each thread count (0.05: W3, 0.12 s, ran ~60 % probing)
REPROBE_SECONDS = 5.0          # training time between probes
DRIFT = 1.5                    # a window this much slower than the chosen count's probe probes again
SPIN_SECONDS = 0.002           # the helper polls this long after a call before it sleeps (an epoch's gaps are shorter)
CALL_LENGTH = 16               # integers of a described call (spin_kernels)


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


class _QueueHelper:
    """A daemon thread that runs the NumPy calls it is given (they let the GIL go), woken through a queue:
    where the compiled loops cannot run. Each hand-over wakes a sleeping thread (~60 µs on a virtual machine)."""

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

    def side_by_side(self, function, first: tuple, second: tuple) -> None:
        self.jobs.put((function, second))
        function(*first)
        error = self.done.get()
        if error is not None:
            raise error

    def stop(self) -> None:
        self.jobs.put(None)


class _PollingHelper:
    """A daemon thread in compiled code (`spin_kernels.serve`) that polls for products and sleeps only after
    SPIN_SECONDS without one: a hand-over takes microseconds.

    Going to sleep and posting meet under `_lock`: a call posted just then is seen, or wakes the thread."""

    def __init__(self, kernels: ModuleType) -> None:
        self.kernels = kernels
        self.state = np.zeros(kernels.STATE_SIZE, np.int64)
        self.call = np.zeros(CALL_LENGTH, np.int64)
        self.time_spec = np.zeros(2, np.int64)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._sleeping = False
        self.thread = threading.Thread(target=self._run, name="fcviz-products", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        state, kernels = self.state, self.kernels
        spin_ns, calls = round(SPIN_SECONDS * 1e9), functions()
        while True:
            kernels.serve(state, self.call, calls, self.time_spec, spin_ns)
            with self._lock:
                if state[kernels.STOP]:
                    return
                if state[kernels.POSTED] != state[kernels.DONE]:
                    continue
                self._sleeping = True
            self._wake.wait()
            self._wake.clear()

    def post(self) -> None:
        """Hand over the call described in `call` (waking the thread if it sleeps)."""
        with self._lock:
            self.state[self.kernels.POSTED] += 1
            if self._sleeping:
                self._sleeping = False
                self._wake.set()

    def finish(self) -> None:
        """The posted call done (here, if the thread has not taken it yet)."""
        self.kernels.finish(self.state, self.call, functions())

    def stop(self) -> None:
        with self._lock:
            self.state[self.kernels.STOP] = 1
            self._wake.set()


@functools.cache
def functions() -> np.ndarray:
    """The addresses the compiled loops call (`spin_kernels`' order): NumPy's BLAS routines, then the C
    library's sched_yield and clock_gettime."""
    library = ctypes.CDLL(None)
    own = [ctypes.cast(getattr(library, name), ctypes.c_void_p).value for name in ("sched_yield", "clock_gettime")]
    return np.array([*(native_blas.addresses() or ()), *own], np.int64)


_polling_kernels: ModuleType | None = None
_polling_checked = False


def polling_kernels(compile_here: bool = True) -> ModuleType | None:
    """`spin_kernels`, loaded, where they can run (x86-64 Linux: its stores in order, its CLOCK_MONOTONIC;
    numba; NumPy's BLAS found); None elsewhere,
    or while they are not loaded yet and `compile_here` is False (compiling holds the GIL ~1 s)."""
    global _polling_kernels, _polling_checked
    if _polling_checked or not compile_here:
        return _polling_kernels
    _polling_checked = True
    from fcviz.core import engine
    if not sys.platform.startswith("linux") or platform.machine().lower() not in ("x86_64", "amd64") \
            or native_blas.addresses() is None or not engine.numba_installed():
        return None
    try:
        kernels = engine.spin_kernels()
        _compile_locked(kernels)
    except Exception:   # numba cannot type this BLAS's functions: NumPy's dot and the queue helper
        return None
    _polling_kernels = kernels
    return kernels


def _compile_locked(kernels: ModuleType) -> None:
    """Compile (or load from numba's cache) each kernel, the describing ones for operands of any layout ('A'),
    read-only or not, of both number types, and allow no other signature: a view's layout never compiles
    anew in training."""
    from numba import types
    integers = types.Array(types.int64, 1, "C")
    kernels.serve.compile((integers, integers, integers, integers, types.int64))
    kernels.finish.compile((integers, integers, integers))
    kernels.run.compile((integers, integers))
    for dtype in (types.float32, types.float64):   # operands read-only: writable ones match them too
        matrix, vector = types.Array(dtype, 2, "A"), types.Array(dtype, 1, "A")
        operand, subtrahend = types.Array(dtype, 2, "A", readonly=True), types.Array(dtype, 1, "A", readonly=True)
        kernels.describe.compile((operand, operand, matrix, integers))
        kernels.describe_subtract.compile((vector, subtrahend, integers))
    for kernel in (kernels.serve, kernels.finish, kernels.run, kernels.describe, kernels.describe_subtract):
        kernel.disable_compile()


def _subtract_into(y: np.ndarray, x: np.ndarray) -> None:
    np.subtract(y, x, out=y)


class Products:
    """`dot(a, b, out)` as `np.dot`, large products in fixed blocks on `threads` threads (1 or 2), `pair`:
    two independent products side by side, and `subtract`: SGD's step in two halves.

    Through `spin_kernels` (NumPy's BLAS called from compiled code, a polling helper) where they are loaded
    when the first product needs them, else `np.dot` and a queue helper: the same GEMM calls either way."""

    def __init__(self, threads: int = 1):
        self.threads = threads
        self._kernels: ModuleType | None = None
        self._chosen = False
        self._call = np.zeros(CALL_LENGTH, np.int64)   # the call being described on this thread
        self._helper: _QueueHelper | _PollingHelper | None = None
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
        kernels = self._chosen_kernels()
        self._side_by_side(np.dot, first, second, kernels.describe if kernels else None)

    def subtract(self, y: np.ndarray, x: np.ndarray) -> None:
        """y ← y − x over flat arrays, each half whole: elementwise, so the same numbers on any thread."""
        half = y.size // BLOCKS
        kernels = self._chosen_kernels()
        self._side_by_side(_subtract_into, (y[:half], x[:half]), (y[half:], x[half:]),
                           kernels.describe_subtract if kernels else None)

    def _side_by_side(self, function, first: tuple, second: tuple, describe=None) -> None:
        """`function(*first)` and `function(*second)`, the second on the helper thread with two threads; with
        `describe` (a `spin_kernels` describer) each as the compiled call it describes, where it makes one."""
        if describe is None:
            if self.threads == 1:
                function(*first)
                function(*second)
            else:
                self._helper_thread().side_by_side(function, first, second)
            return
        helper = self._helper_thread() if self.threads > 1 else None
        if helper is not None:
            for posted, here in ((second, first), (first, second)):   # one without a call: on this thread
                if describe(*posted, helper.call):
                    helper.post()
                    self._here(function, here, describe)
                    helper.finish()
                    return
        for arguments in (first, second):
            self._here(function, arguments, describe)

    def _here(self, function, arguments: tuple, describe) -> None:
        """Run the call `describe` makes of `arguments` on this thread, or where it makes none `function`."""
        if describe(*arguments, self._call):
            assert self._kernels is not None
            self._kernels.run(self._call, functions())
        else:
            function(*arguments)

    def _chosen_kernels(self) -> ModuleType | None:
        """The compiled kernels, or None for NumPy's dot: chosen at the first product, then kept."""
        if not self._chosen:
            from fcviz.core import engine
            self._kernels = polling_kernels(compile_here=not engine.WARM_UP.stand_in or engine.WARM_UP.done.is_set())
            self._chosen = True
        return self._kernels

    def prepare(self) -> None:
        """Choose the kernels and start the helper thread now, not in the first timed batch."""
        self._chosen_kernels()
        self._helper_thread()

    def _helper_thread(self):
        if self._helper is None:
            kernels = self._chosen_kernels()
            self._helper = _PollingHelper(kernels) if kernels is not None else _QueueHelper()
            weakref.finalize(self, self._helper.stop)
        return self._helper

    def close(self) -> None:
        """Stop the helper thread (also done when this object goes)."""
        if self._helper is not None:
            self._helper.stop()
            self._helper = None
