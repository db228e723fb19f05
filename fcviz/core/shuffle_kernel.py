"""The sample orders of shuffled epochs, drawn without the GIL: NumPy's `Generator.permutation(n)` for a
PCG64 generator, bit for bit, with the generator's state carried in and out as `timeline.rng_words`.

Drawing them in Python cost ~12 µs an epoch holding the GIL, and several times that while the window's
thread drew (issue 14); here a chunk's orders take one call that releases it. NumPy's algorithm: the
identity, then for i = n-1 … 1 swap entries i and j, where j is uniform on 0 … i (`random_interval`: the
next 32 random bits masked to the smallest covering power of two, drawn again while above i), and the
32 bits come from the halves of one 64-bit PCG64 output (low half first, the high one kept for the next
draw). PCG64 is the 128-bit LCG `state = state × MULTIPLIER + increment` with the XSL-RR output.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fcviz.core.kernels import OPTIONS

STATE_HI, STATE_LO, INC_HI, INC_LO, HAS_UINT32, UINTEGER = range(6)   # timeline.rng_words' layout
MAX_ORDER_LENGTH = 1 << 32       # longer orders draw 64 bits per swap in NumPy (not written here)
_MULTIPLIER_HI = np.uint64(2549297995355413924)
_MULTIPLIER_LO = np.uint64(4865540595714422341)

kernel = njit(**OPTIONS)
inline = njit(forceinline=True, **OPTIONS)


@inline
def _high_product(a, b):
    """The high 64 bits of the 128-bit product of two uint64."""
    low_mask = np.uint64(0xFFFFFFFF)
    shift = np.uint64(32)
    a_lo, a_hi, b_lo, b_hi = a & low_mask, a >> shift, b & low_mask, b >> shift
    cross = a_hi * b_lo + ((a_lo * b_lo) >> shift)
    return a_hi * b_hi + (cross >> shift) + ((a_lo * b_hi + (cross & low_mask)) >> shift)


@inline
def _next64(words):
    hi, lo = words[STATE_HI], words[STATE_LO]
    product_lo = lo * _MULTIPLIER_LO
    new_lo = product_lo + words[INC_LO]
    carry = np.uint64(1) if new_lo < product_lo else np.uint64(0)
    new_hi = hi * _MULTIPLIER_LO + lo * _MULTIPLIER_HI + _high_product(lo, _MULTIPLIER_LO) + words[INC_HI] + carry
    words[STATE_HI], words[STATE_LO] = new_hi, new_lo
    value = new_hi ^ new_lo
    rotation = new_hi >> np.uint64(58)
    return (value >> rotation) | (value << ((np.uint64(64) - rotation) & np.uint64(63)))


@inline
def _next32(words):
    if words[HAS_UINT32]:
        words[HAS_UINT32] = np.uint64(0)
        return words[UINTEGER]
    value = _next64(words)
    words[HAS_UINT32], words[UINTEGER] = np.uint64(1), value >> np.uint64(32)
    return value & np.uint64(0xFFFFFFFF)


@inline
def _interval(words, top):
    """Uniform on 0 … top (top < 2**32), as NumPy's `random_interval`."""
    mask = top
    mask |= mask >> np.uint64(1)
    mask |= mask >> np.uint64(2)
    mask |= mask >> np.uint64(4)
    mask |= mask >> np.uint64(8)
    mask |= mask >> np.uint64(16)
    value = _next32(words) & mask
    while value > top:
        value = _next32(words) & mask
    return value


@kernel
def draw_orders(words, orders, states):
    """Fill each row of `orders` (count × n, int64) with the next permutation of 0 … n-1 that
    `Generator.permutation(n)` would give; `states[k]` (count+1 × 6, uint64) is the generator's state
    after k of them (`states[0]` = `words`, the state before)."""
    count, n = orders.shape
    for word in range(words.size):
        states[0, word] = words[word]
    for k in range(count):
        for word in range(words.size):
            states[k + 1, word] = states[k, word]
        state, order = states[k + 1], orders[k]
        for i in range(n):
            order[i] = i
        for i in range(n - 1, 0, -1):
            j = np.int64(_interval(state, np.uint64(i)))
            order[i], order[j] = order[j], order[i]
