"""Which engine trains a network (compiled or NumPy), numba's cache, and BLAS's threads.

The compiled engine (numba, `kernels`) runs networks of the built-in
activations; the NumPy engine (`numpy_loop`) is the reference and runs
everything else. `FCVIZ_ENGINE=numpy` forces the reference; without numba
it is the only one. The choice depends on the network only (never on timing
at run time), so a run resumed from a session, or played in the window,
takes the same engine as headless training and gives the same numbers.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from fcviz.core.activations import BUILTINS

if TYPE_CHECKING:
    from fcviz.core.network import Network

COMPILED, NUMPY = "compiled", "numpy"
# Measured by benchmarks/engine_choice.py (2 cores, batch 32): compiled ÷ NumPy was 5.5× with layers
# of 72 parameters ((inputs + 1) × units), 1.3× at 272 and 0.5× at 1,056: above about 400 the NumPy
# engine's BLAS products win.
COMPILED_MAX_LAYER_PARAMS = 400
# Measured by benchmarks/blas_threads.py on a shared 2-core machine: OpenBLAS's own second thread made the NumPy
# engine's workloads take 3× to 127× the time of one under load, and changes a product's last bits with the
# thread count. So BLAS runs one thread, and the NumPy engine shares its large products between threads itself,
# in fixed blocks and only while timing shows it pays (`blas_threads`).
BLAS_THREADS = 1


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fcviz" / "numba"


def _prepare_numba_cache() -> None:
    """numba caches compiled kernels next to `kernels.py`; where that is read-only, in the user cache."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    if not os.access(Path(__file__).parent, os.W_OK):
        directory = _user_cache_dir()
        directory.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(directory)


@functools.cache
def numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


_import_lock = threading.Lock()


def kernels() -> ModuleType:
    """The compiled kernels' module (imports numba on first use; compiling happens on first call)."""
    with _import_lock:
        _prepare_numba_cache()
        from fcviz.core import kernels as module
    return module


def requested() -> str:
    """FCVIZ_ENGINE: 'numpy' forces the reference engine; anything else lets fcviz choose."""
    return os.environ.get("FCVIZ_ENGINE", "").strip().lower()


def compiled_supports(net: "Network") -> bool:
    """Built-in activations only (custom expressions are NumPy code)."""
    return all(BUILTINS.get(layer.activation.name) is layer.activation for layer in net.layers)


def choose(net: "Network") -> str:
    """The engine for `net`: compiled for small layers of built-in activations, else NumPy."""
    if requested() == NUMPY or not numba_installed() or not compiled_supports(net):
        return NUMPY
    if requested() == COMPILED:
        return COMPILED
    largest = max(layer.n_params for layer in net.layers)
    return COMPILED if largest <= COMPILED_MAX_LAYER_PARAMS else NUMPY


@functools.cache
def limit_blas_threads() -> None:
    """BLAS's own threads spin on a busy machine and change the numbers with their count (see BLAS_THREADS)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")


def warm_up(dtypes=("float64", "float32")) -> None:
    """Load (or compile) the kernels for these number types: a few epochs of a tiny network."""
    if not numba_installed() or requested() == NUMPY:
        return
    from fcviz.core.network import Network
    from fcviz.core.trainer import Trainer

    X = np.linspace(-1.0, 1.0, 4)[:, None]
    for dtype in dtypes:
        trainer = Trainer(Network([1, 2, 1], "sigmoid", dtype=dtype), "mse", "sgd", lr=0.1, batch_size=2,
                          engine=COMPILED)
        trainer.fit(X, X, epochs=2)


class _WarmUp:
    """`warm_up` of one number type once per process in a daemon thread; `done` is set when it is ready.

    Only the type the window's network uses: compiling holds the GIL for long stretches (numba and LLVM),
    so a second type compiled in the background would stall the window right when training starts
    on a fresh install (`make install` compiles both ahead of time)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._requested = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def preparing(self) -> bool:
        """Requested or started, and not yet done."""
        return (self._requested or self._thread is not None) and not self.done.is_set()

    def request(self) -> None:
        """Say that `start` follows soon (the window starts it once shown): Play meanwhile shows "preparing…"."""
        self._requested = True

    def start(self, dtype: str = "float64") -> threading.Event:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, args=((dtype,),), name="fcviz-warm-up",
                                                daemon=True)
                self._thread.start()
        return self.done

    def _run(self, dtypes: tuple[str, ...]) -> None:
        try:
            warm_up(dtypes)
        finally:
            self.done.set()

WARM_UP = _WarmUp()

