"""The addresses of NumPy's own BLAS routines, for the compiled products of `spin_kernels` (which call
them without the GIL, on either thread): GEMM and AXPY in single and double precision.

Found through threadpoolctl: the BLAS in NumPy's own folder (the wheels' OpenBLAS, 64-bit integers).
Elsewhere (a distribution's NumPy on the system BLAS, no threadpoolctl) `addresses()` is None and the
engine uses `np.dot`.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path

import numpy as np

# CBLAS names of 64-bit integers in the libraries NumPy's wheels ship
PREFIXES, SUFFIX = ("scipy_cblas_", "cblas_"), "64_"
ROUTINES = ("sgemm", "dgemm", "saxpy", "daxpy")


def _numpy_blas_path() -> str | None:
    """The file of the BLAS that NumPy loaded from its own folder, or None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    numpy_folder = Path(np.__file__).resolve().parent
    folders = (numpy_folder.parent / "numpy.libs", numpy_folder / ".dylibs", numpy_folder / ".libs")
    for info in threadpool_info():
        path = Path(info["filepath"]).resolve()
        if info.get("user_api") == "blas" and path.parent in folders:
            return str(path)
    return None


@functools.cache
def addresses() -> tuple[int, ...] | None:
    """The addresses of NumPy's sgemm, dgemm, saxpy and daxpy (CBLAS, 64-bit integers), or None."""
    path = _numpy_blas_path()
    if path is None:
        return None
    try:
        library = ctypes.CDLL(path)
    except OSError:
        return None
    for prefix in PREFIXES:
        names = [f"{prefix}{name}{SUFFIX}" for name in ROUTINES]
        if all(hasattr(library, name) for name in names):
            found = [ctypes.cast(getattr(library, name), ctypes.c_void_p).value for name in names]
            return tuple(address for address in found if address) if all(found) else None
    return None
