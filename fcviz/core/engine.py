"""Which engine trains a network (compiled or NumPy), numba's cache, and BLAS's threads.

The compiled engine (numba, `kernels`) runs networks of the built-in
activations; the NumPy engine (`numpy_loop`) is the reference and runs
everything else. `FCVIZ_ENGINE=numpy` forces the reference; without numba
it is the only one. The choice depends on the network only (never on timing
at run time), so a run resumed from a session, or played in the window,
takes the same engine as headless training and gives the same numbers.

One exception, in the window only (`WARM_UP.stand_in`): on a cold numba cache the kernels compile in
another process (`compile_elsewhere`, about 10 s of CPU that would otherwise hold this process's GIL),
and meanwhile the NumPy engine trains a network that chose the compiled one (`WARM_UP.standing_in`);
the compiled engine takes over at the next chunk once the kernels are loaded, so that one run differs
from headless training at the 1e-12 level (the engines' agreement per step).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
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


def _compiled_module(name: str) -> ModuleType:
    """`fcviz.core.<name>`, a module of numba kernels: imported with numba's cache folder prepared first."""
    with _import_lock:
        _prepare_numba_cache()
        return importlib.import_module(f"fcviz.core.{name}")


def kernels() -> ModuleType:
    """The compiled kernels' module (imports numba on first use; compiling happens on first call)."""
    return _compiled_module("kernels")


def shuffle_kernel() -> ModuleType:
    """The compiled sample orders' module (see `kernels`)."""
    return _compiled_module("shuffle_kernel")


def spin_kernels() -> ModuleType:
    """The NumPy engine's helper thread's compiled polling loop (see `kernels`)."""
    return _compiled_module("spin_kernels")


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


def kernels_cached(dtype: str) -> bool:
    """Whether numba's cache holds what `warm_up` of `dtype` loads on this machine, fresh for this source
    and numba: the training kernel (loading it takes ~0.3 s, compiling ~10 s of CPU) unless the NumPy engine
    is requested, and the NumPy engine's compiled products (~5 s). Imports numba; compiles nothing."""
    if not numba_installed():
        return False

    def cached(dispatcher, first_argument: str) -> bool:
        magic = dispatcher.targetctx.codegen().magic_tuple()
        index = dispatcher._cache._cache_file._load_index()   # {} when stale (numba's version, source stamp)
        return any(key[1] == magic and first_argument in str(key[0][0]) for key in index)

    try:   # the training kernel for `dtype`, the sample orders' and the products' polling loop (one signature)
        return cached(spin_kernels().serve, "") and (requested() == NUMPY or (
            cached(kernels().train_chunk, f"({dtype},") and cached(shuffle_kernel().draw_orders, "")))
    except Exception:   # numba's internals changed: say cold, which costs only a compile in another process
        return False


COMPILE_COMMAND = "from fcviz.core import engine; engine.compile_for_parent({dtype!r}, {parent})"


def compile_elsewhere(dtype: str) -> bool:
    """Compile the kernels for `dtype` into numba's cache in another Python process (its GIL, not this
    one's); True when it succeeded. The child ends if this process goes away."""
    _prepare_numba_cache()
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    code = COMPILE_COMMAND.format(dtype=dtype, parent=os.getpid())
    result = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return result.returncode == 0


def compile_for_parent(dtype: str, parent: int, poll_seconds: float = 0.5) -> None:
    """`warm_up` of `dtype` in the process `compile_elsewhere` starts; exits early when `parent` has gone."""
    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(poll_seconds)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    warm_up((dtype,))


def warm_up(dtypes=("float64", "float32")) -> None:
    """Load (or compile) the kernels for these number types: a few epochs of a tiny network; then the NumPy
    engine's compiled products (`blas_threads.polling_kernels`, both types, whichever engine is requested)."""
    if not numba_installed():
        return
    from fcviz.core.blas_threads import polling_kernels
    from fcviz.core.network import Network
    from fcviz.core.trainer import Trainer

    X = np.linspace(-1.0, 1.0, 4)[:, None]
    for dtype in dtypes if requested() != NUMPY else ():
        trainer = Trainer(Network([1, 2, 1], "sigmoid", dtype=dtype), "mse", "sgd", lr=0.1, batch_size=2,
                          engine=COMPILED)
        trainer.fit(X, X, epochs=2)
    polling_kernels()


class _WarmUp:
    """`warm_up` of one number type once per process in a daemon thread; `done` is set when it is ready.

    Only the type the window's network uses: compiling holds the GIL for long stretches (numba and LLVM),
    so a second type compiled in the background would stall the window right when training starts
    on a fresh install (`make install` compiles both ahead of time). With `stand_in` (the window sets
    it) a cold cache is compiled in another process while the NumPy engine trains (`standing_in`)."""

    DECIDE_TIMEOUT = 10.0   # seconds a trainer waits to learn whether the kernels compile elsewhere

    def __init__(self) -> None:
        self.done = threading.Event()
        self.decided = threading.Event()    # known: from the cache, or compiling in another process
        self.stand_in = False
        self.compiling_elsewhere = False
        self._requested = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def preparing(self) -> bool:
        """Requested or started, and not yet done."""
        return (self._requested or self._thread is not None) and not self.done.is_set()

    def standing_in(self) -> bool:
        """Whether the NumPy engine trains networks that chose the compiled one: the kernels compile in
        another process. While that is not known yet (the cache is being looked at), waits for it."""
        if not self.stand_in or not self.preparing:
            return False
        self.decided.wait(self.DECIDE_TIMEOUT)
        return self.compiling_elsewhere and not self.done.is_set()

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
            self.compiling_elsewhere = self.stand_in and numba_installed() \
                and not all(kernels_cached(dtype) for dtype in dtypes)
            self.decided.set()
            if self.compiling_elsewhere:
                for dtype in dtypes:
                    compile_elsewhere(dtype)   # if it failed, warm_up below compiles here
            warm_up(dtypes)
        finally:
            self.decided.set()   # also when looking at the cache failed: no trainer waits on
            self.done.set()


WARM_UP = _WarmUp()
