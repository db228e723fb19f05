"""The NumPy engine's split products in compiled code (numba, no GIL): a block is described as the call to
NumPy's own BLAS (`native_blas`) that NumPy's dot would make (`describe`) and run on this thread (`run`) or by
the helper thread, whose loop (`serve`) polls for calls and sleeps only after `spin_ns` without one; the
posting thread then finishes (`finish`): it runs the call itself if the helper has not taken it, else polls
for the result.

Why poll: on a virtual machine a thread woken from sleep on the other core answers ~60 µs late (a queue's
round trip measured 120–150 µs here, 10 µs on one core), longer than many of the products it was meant
to share. OpenBLAS's own threads poll too, but between every pair of their blocks and without end; these
loops give the core away at every turn (sched_yield), so a busy machine's other programs run.

A product is the GEMM call NumPy's dot makes for it (row-major, each operand's transposition read from its
strides as NumPy reads it: the last bits depend on it), so the numbers are `np.dot`'s on either thread.
Products NumPy computes otherwise (a vector: GEMV; a matrix by its transpose: SYRK; an operand NumPy would
copy into rows) are left to `np.dot` (`describe` returns False).

`state` is an int64 array: POSTED (calls posted so far), CLAIMED (the last call a thread took, by an
atomic compare-and-swap: the helper, or the poster when it finds its own part done first), DONE and
STOP, each in its own cache line; `call` holds the posted call's integers. The BLAS and C-library
functions come in as addresses (`functions`), so numba's cache keeps these kernels across processes.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

POSTED, CLAIMED, DONE, STOP = 0, 8, 16, 24
STATE_SIZE = 32
NO_TRANS, TRANS = 111, 112
GEMM, AXPY = 0, 1
SINGLE, DOUBLE = 1, 2
# `functions`: the addresses of these C functions (64-bit BLAS integers), in this order
SGEMM, DGEMM, SAXPY, DAXPY, SCHED_YIELD, CLOCK_GETTIME = range(6)


@intrinsic
def _swap_if(typingctx, address, expected, new):
    """Atomically: if the int64 at `address` is `expected`, make it `new`; True when it did."""
    def codegen(context, builder, signature, args):
        pointer = builder.inttoptr(args[0], ir.IntType(64).as_pointer())
        return builder.extract_value(builder.cmpxchg(pointer, args[1], args[2], "seq_cst", "seq_cst"), 1)
    return types.boolean(types.int64, types.int64, types.int64), codegen


@intrinsic
def _call(typingctx, address, arguments):
    """Call the C function at `address` (an int64) with the tuple `arguments`; its result is ignored. (numba
    matches ctypes functions passed in only by compiling again, ~0.4 ms a call: addresses are integers.)"""
    def codegen(context, builder, signature, args):
        values = [builder.extract_value(args[1], i) for i in range(len(signature.args[1]))]
        function_type = ir.FunctionType(ir.VoidType(), [value.type for value in values])
        function = builder.inttoptr(args[0], function_type.as_pointer())
        builder.call(function, values)
        return context.get_dummy_value()
    return types.none(address, arguments), codegen


@njit(nogil=True, cache=True)
def _layout(x):
    """(NO_TRANS or TRANS, leading dimension) of a matrix operand as NumPy's dot hands it to GEMM, read in
    place, or (0, 0) where NumPy would copy it transposed (then `np.dot` computes the product).

    NumPy passes an F-contiguous operand transposed and any other as a C-contiguous one (a copy unless it
    is one): rows with a gap between them are read in place with their leading dimension, which changes
    no number (only where BLAS reads); columns with a gap would be copied into rows."""
    rows, columns = x.shape
    size = x.itemsize
    along_rows, along_columns = x.strides
    if along_rows <= 0 or along_columns <= 0 or along_rows % size or along_columns % size or x.ctypes.data % size:
        return 0, 0
    if along_rows == size and along_columns == rows * size:
        return TRANS, rows
    if along_columns == size and along_rows // size >= columns:
        return NO_TRANS, along_rows // size
    return 0, 0


@njit(nogil=True, cache=True)
def describe(a, b, out, call):
    """Write the GEMM call for out = a·b into `call`; False where NumPy's dot would not make one."""
    rows, inner = a.shape
    columns = b.shape[1]
    if rows < 2 or columns < 2 or inner < 2 or out.shape[0] != rows or out.shape[1] != columns \
            or a.ctypes.data == b.ctypes.data:   # vectors (GEMV) and a matrix by its transpose (SYRK)
        return False
    trans_a, lda = _layout(a)
    trans_b, ldb = _layout(b)
    trans_out, ldc = _layout(out)
    if trans_a == 0 or trans_b == 0 or trans_out != NO_TRANS:
        return False
    call[0] = GEMM
    call[1], call[2], call[3], call[4], call[5] = trans_a, trans_b, rows, columns, inner
    call[6], call[7], call[8], call[9], call[10], call[11] = (a.ctypes.data, lda, b.ctypes.data, ldb,
                                                              out.ctypes.data, ldc)
    call[12] = SINGLE if out.itemsize == 4 else DOUBLE
    return True


@njit(nogil=True, cache=True)
def run(call, functions):
    """Run a described call on this thread."""
    order, trans_a, trans_b = np.int32(101), np.int32(call[1]), np.int32(call[2])
    if call[0] == GEMM and call[12] == SINGLE:
        _call(functions[SGEMM], (order, trans_a, trans_b, call[3], call[4], call[5], np.float32(1.0), call[6],
                                 call[7], call[8], call[9], np.float32(0.0), call[10], call[11]))
    elif call[0] == GEMM:
        _call(functions[DGEMM], (order, trans_a, trans_b, call[3], call[4], call[5], 1.0, call[6], call[7], call[8],
                                 call[9], 0.0, call[10], call[11]))
    elif call[12] == SINGLE:
        _call(functions[SAXPY], (call[1], np.float32(-1.0), call[2], np.int64(1), call[3], np.int64(1)))
    else:
        _call(functions[DAXPY], (call[1], -1.0, call[2], np.int64(1), call[3], np.int64(1)))


@njit(nogil=True, cache=True)
def describe_subtract(y, x, call):
    """Write the call y ← y − x over flat arrays into `call`: AXPY with α = −1, one rounding as NumPy's
    subtract; False (left to NumPy) unless both are contiguous."""
    if y.strides[0] != y.itemsize or x.strides[0] != x.itemsize or y.size != x.size:
        return False
    call[0], call[1], call[2], call[3] = AXPY, y.size, x.ctypes.data, y.ctypes.data
    call[12] = SINGLE if y.itemsize == 4 else DOUBLE
    return True


@njit(nogil=True, cache=True)
def _now(functions, time_spec):
    _call(functions[CLOCK_GETTIME], (np.int32(1), time_spec.ctypes.data))   # Linux's CLOCK_MONOTONIC
    return time_spec[0] * 1_000_000_000 + time_spec[1]


@njit(nogil=True, cache=True)
def claim(state, posted):
    """Take the call numbered `posted` for this thread, unless the other one took it (atomic): True when taken."""
    claimed = state[CLAIMED]
    return claimed != posted and _swap_if(state.ctypes.data + CLAIMED * 8, claimed, posted)


@njit(nogil=True, cache=True)
def serve(state, call, functions, time_spec, spin_ns):
    """Run each posted call (unless the poster took it back); return after `spin_ns` nanoseconds without
    one, or at STOP."""
    last = _now(functions, time_spec)
    while state[STOP] == 0:
        posted = state[POSTED]
        if posted == state[CLAIMED] or not claim(state, posted):
            _call(functions[SCHED_YIELD], ())
            if _now(functions, time_spec) - last > spin_ns:
                return
            continue
        run(call, functions)
        state[DONE] = posted
        last = _now(functions, time_spec)


@njit(nogil=True, cache=True)
def finish(state, call, functions):
    """The posted call done: run here if the helper has not taken it yet (it sleeps, or a busy machine
    keeps it off a core), else wait for it. Either way the same call, so the same numbers."""
    posted = state[POSTED]
    if claim(state, posted):
        run(call, functions)
        state[DONE] = posted
        return
    while state[DONE] != posted:
        _call(functions[SCHED_YIELD], ())
