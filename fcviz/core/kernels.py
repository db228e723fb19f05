"""Compiled training kernels (numba): a whole chunk of batches in one call that releases the GIL.

The maths is the NumPy reference's (`ReferencePass.compute_gradients` of `numpy_loop` and the
optimizers), written as explicit loops over samples, units and inputs, so
that tiny networks pay no per-call overhead and the GUI thread can run while
a chunk trains. Sums run in float64 whatever the network's dtype; results are
stored in the network's dtype. Numbers agree with the NumPy engine to ~1e-15
relative per step in float64 (only the order of additions differs).

Everything the kernel needs comes in as arrays and integer codes (see
`fcviz.core.compiled_loop`, which prepares them): no Python objects inside.
Work arrays are flat and feature-major (one row of batch-size columns per
input and unit), so that the loops over a row's samples, and the
activations over whole rows, vectorize.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

# activation codes
LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, HEAVISIDE, SOFTMAX = range(9)
ACTIVATION_CODES = {"linear": LINEAR, "sigmoid": SIGMOID, "tanh": TANH, "relu": RELU, "leaky_relu": LEAKY_RELU,
                    "elu": ELU, "softplus": SOFTPLUS, "heaviside": HEAVISIDE, "softmax": SOFTMAX}
# loss codes, output rules, optimizers
MSE, BCE, CCE = range(3)
LOSS_CODES = {"mse": MSE, "bce": BCE, "cce": CCE}
CHAIN, FUSED, PERCEPTRON = range(3)
RULE_CODES = {"chain": CHAIN, "fused": FUSED, "perceptron": PERCEPTRON}
SGD, MOMENTUM, ADAM = range(3)
OPTIMIZER_CODES = {"sgd": SGD, "momentum": MOMENTUM, "adam": ADAM}
# what a chunk ended with: fcviz.core.loop_state's DONE, TARGET, BAD_LOSS, BAD_WEIGHTS
DONE, TARGET, BAD_LOSS, BAD_WEIGHTS = range(4)
# columns of the layer table
FAN_IN, UNITS, BIAS, OFFSET, ACTIVATION, COLUMN = range(6)

# `_nrt=False`: the kernels allocate nothing, so numba's reference counting is off. With it on, every call
# between kernels counted each array argument in and out (an atomic add each: 45 % of a 1-2-1 network's
# time); numba refuses to compile code that would need it (an allocation, a copying slice assignment).
# (numba's own option, private by name and missing from its type stubs, hence the Any.)
OPTIONS: dict[str, Any] = {"nogil": True, "cache": True, "error_model": "numpy", "_nrt": False}
kernel = njit(**OPTIONS)
# small helpers of the loops: inlined (by LLVM, so compiling costs little more), so that the loops vectorize
inline = njit(forceinline=True, **OPTIONS)

EPSILON = 1e-7      # Keras' clipping of probabilities (fcviz.core.losses.EPSILON)
LEAKY_SLOPE = 0.01  # fcviz.core.activations.LEAKY_SLOPE


@intrinsic
def _power_of_two(typingctx, n):
    """2.0 ** n for an int64 n from -1022 to 1023, made from its bits."""
    def codegen(context, builder, signature, args):
        int64 = ir.IntType(64)
        bits = builder.shl(builder.add(args[0], ir.Constant(int64, 1023)), ir.Constant(int64, 52))
        return builder.bitcast(bits, ir.DoubleType())
    return types.float64(types.int64), codegen


LOG2E = 1.4426950408889634
LN2_HI, LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10   # fdlibm's split of log(2)
EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(14))                # 1/0!, 1/1!, ..., 1/13!


@inline
def _exp(y):
    """e**y for -700 ≤ y ≤ 710 (inf above 709.78, as np.exp) without a library call, so that loops of it
    vectorize: y = n·log 2 + r with |r| ≤ log(2)/2, e**r by its Taylor series to degree 13 (remainder
    < 1e-17 relative) as 1 + (r + r²·T(r)), T in Estrin's scheme (pairs of terms, then pairs of pairs: a
    chain of 11 operations where Horner's takes 26), times 2**n (as 2·2**(n−1), so that n = 1024 still makes
    a power of two). Within 2 ulp of the exact value (the tests check it against NumPy)."""
    n = math.floor(y * LOG2E + 0.5)
    r = (y - n * LN2_HI) - n * LN2_LO
    c = EXP_TAYLOR
    r2 = r * r
    r4 = r2 * r2
    tail = (((c[2] + c[3] * r) + (c[4] + c[5] * r) * r2) + ((c[6] + c[7] * r) + (c[8] + c[9] * r) * r2) * r4
            + ((c[10] + c[11] * r) + (c[12] + c[13] * r) * r2) * (r4 * r4))
    return ((1.0 + (r + r2 * tail)) * 2.0) * _power_of_two(np.int64(n) - 1)


# Cephes' tanh (S. L. Moshier): a rational function below 0.625, else 1 − 2/(e**2|z| + 1). Within 1 ulp
# of the exact value over ±25, as np.tanh; branch-free, so a loop of it vectorizes: 3–4 ns a value where
# libm's tanh took 20 ns and made up most of the time of small tanh networks (benchmarks W2).
TANH_P = (-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3)
TANH_Q = (1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3)


@inline
def _tanh(z):
    """Cephes' two formulas with one division: the rational function's quotient or 2/(e**2|z| + 1)."""
    size = min(abs(z), 22.0)   # tanh(22) is 1 in float64
    p, q, x = TANH_P, TANH_Q, z * z
    small = size < 0.625
    quotient = ((((p[0] * x + p[1]) * x + p[2]) if small else 2.0)
                / ((((x + q[0]) * x + q[1]) * x + q[2]) if small else _exp(2.0 * size) + 1.0))
    return z + z * x * quotient if small else math.copysign(1.0 - quotient, z)


@inline
def _sigmoid(z):
    """1/(1 + e**−z) as the NumPy engine computes it, with the branch-free exp: e**−z is below 2**−57
    for z > 40, where 1 + e**−z is 1 either way, and inf for z < −709.78 (so the sigmoid is 0)."""
    return 1.0 / (1.0 + _exp(min(max(-z, -40.0), 710.0)))


# Row helpers of the work arrays. Positions are made unsigned (np.uintp): numba then adds no wraparound
# of negative indices to every access, and loops of them vectorize.

@inline
def _scaled(y, y_first, alpha, x, x_first, count):
    """y[y_first + s] = alpha·x[x_first + s] for s < count."""
    y_first, x_first = np.uintp(y_first), np.uintp(x_first)
    for s in range(np.uintp(count)):
        y[y_first + s] = alpha * x[x_first + s]


@inline
def _add_scaled(y, y_first, alpha, x, x_first, count):
    """y[y_first + s] += alpha·x[x_first + s] for s < count."""
    y_first, x_first = np.uintp(y_first), np.uintp(x_first)
    for s in range(np.uintp(count)):
        y[y_first + s] += alpha * x[x_first + s]


@inline
def _dot(x, x_first, y, y_first, count):
    """Σ_s x[x_first + s]·y[y_first + s] in four interleaved partial sums (no chain of dependent additions)."""
    x_first, y_first, count = np.uintp(x_first), np.uintp(y_first), np.uintp(count)
    one, two, three, four = np.uintp(1), np.uintp(2), np.uintp(3), np.uintp(4)
    t0 = t1 = t2 = t3 = 0.0
    s = np.uintp(0)
    while s + four <= count:
        i, k = x_first + s, y_first + s
        t0 += x[i] * y[k]
        t1 += x[i + one] * y[k + one]
        t2 += x[i + two] * y[k + two]
        t3 += x[i + three] * y[k + three]
        s += four
    while s < count:
        t0 += x[x_first + s] * y[y_first + s]
        s += one
    return (t0 + t1) + (t2 + t3)


@inline
def _sum(x, x_first, count):
    x_first = np.uintp(x_first)
    total = 0.0
    for s in range(np.uintp(count)):
        total += x[x_first + s]
    return total


@kernel
def activate_rows(code, z, a, first, stop):
    """a[k] = f(z[k]) for the flat positions first ≤ k < stop (whole rows of the work arrays: the columns
    past a short batch's samples hold unused values), one loop per activation so that each vectorizes."""
    if code == SIGMOID:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = _sigmoid(z[k])
    elif code == TANH:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = _tanh(z[k])
    elif code == RELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = z[k] if z[k] > 0.0 else 0.0
    elif code == LEAKY_RELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = max(z[k], LEAKY_SLOPE * z[k])
    elif code == ELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = z[k] if z[k] > 0.0 else math.expm1(z[k])
    elif code == SOFTPLUS:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = max(z[k], 0.0) + math.log1p(math.exp(-abs(z[k])))
    elif code == HEAVISIDE:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = 1.0 if z[k] >= 0.0 else 0.0
    else:
        for k in range(np.uintp(first), np.uintp(stop)):
            a[k] = z[k]


@kernel
def slope_rows(code, z, a, d, first, stop):
    """d[k] *= f'(z[k]) (given a = f(z)) for first ≤ k < stop, one loop per activation (as `activate_rows`)."""
    if code == SIGMOID:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= a[k] * (1.0 - a[k])
    elif code == TANH:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= 1.0 - a[k] * a[k]
    elif code == RELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= 1.0 if z[k] > 0.0 else 0.0
    elif code == LEAKY_RELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= 1.0 if z[k] > 0.0 else LEAKY_SLOPE
    elif code == ELU:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= 1.0 if z[k] > 0.0 else a[k] + 1.0
    elif code == SOFTPLUS:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= _sigmoid(z[k])
    elif code == HEAVISIDE:
        for k in range(np.uintp(first), np.uintp(stop)):
            d[k] *= 0.0


@kernel
def forward(params, layers, X, index, first, count, z, a, width):
    """z and a of every layer for samples X[index[first:first + count]].

    z and a are flat feature-major work arrays: row r (of `width` columns, one per sample) starts at r·width.
    a's first rows hold the inputs, then each layer's activations from its COLUMN on; a layer's inputs are
    the rows just above its own. Sums run over the inputs in order, then the bias (as the NumPy engine's
    W·x with a ones row).
    """
    n_in = X.shape[1]
    for s in range(count):
        sample = index[first + s]
        for i in range(n_in):
            a[i * width + s] = X[sample, i]
    for layer in range(layers.shape[0]):
        fan_in, units, bias = layers[layer, FAN_IN], layers[layer, UNITS], layers[layer, BIAS]
        offset, code, column = layers[layer, OFFSET], layers[layer, ACTIVATION], layers[layer, COLUMN]
        size, below = fan_in + bias, (column - fan_in) * width
        for j in range(units):
            base, row = offset + j * size, (column + j) * width
            _scaled(z, row, params[base], a, below, count)
            for i in range(1, fan_in):
                _add_scaled(z, row, params[base + i], a, below + i * width, count)
            if bias:
                b, row = params[base + fan_in], np.uintp(row)
                for s in range(np.uintp(count)):
                    z[row + s] += b
        if code != SOFTMAX:
            activate_rows(code, z, a, column * width, (column + units) * width)
            continue
        for s in range(count):
            top = -np.inf
            for j in range(units):
                top = max(top, z[(column + j) * width + s])
            norm = 0.0
            for j in range(units):
                e = math.exp(z[(column + j) * width + s] - top)
                a[(column + j) * width + s] = e
                norm += e
            for j in range(units):
                a[(column + j) * width + s] /= norm


@kernel
def output_loss(layers, loss, rule, Y, index, first, count, z, a, width):
    """The summed loss of the batch's outputs (not yet divided: see `loss_divisor`)."""
    last = layers.shape[0] - 1
    units, column = layers[last, UNITS], layers[last, COLUMN]
    total = 0.0
    for s in range(count):
        sample = index[first + s]
        if rule == FUSED and loss == CCE:
            top = -np.inf
            for j in range(units):
                top = max(top, z[(column + j) * width + s])
            norm = 0.0
            for j in range(units):
                norm += math.exp(z[(column + j) * width + s] - top)
            log_norm = math.log(norm)
            for j in range(units):
                total -= Y[sample, j] * (z[(column + j) * width + s] - top - log_norm)
            continue
        for j in range(units):
            y, k = Y[sample, j], (column + j) * width + s
            if rule == FUSED:  # sigmoid + bce from the logits
                total += max(z[k], 0.0) - z[k] * y + math.log1p(math.exp(-abs(z[k])))
            elif loss == MSE:
                e = a[k] - y
                total += e * e
            else:
                p = min(max(a[k], EPSILON), 1.0 - EPSILON)
                if loss == BCE:
                    total -= y * math.log(p) + (1.0 - y) * math.log1p(-p)
                else:
                    total -= y * math.log(p)
    return total


@kernel
def loss_divisor(loss, units, count):
    """cce is a mean over samples; mse and bce over every output of every sample."""
    return count if loss == CCE else units * count


@kernel
def output_delta(layers, loss, rule, Y, index, first, count, z, a, d, width, scale):
    """scale·∂L/∂z of the output layer into d (L the batch-mean loss), as ReferencePass.compute_gradients."""
    last = layers.shape[0] - 1
    units, code, column = layers[last, UNITS], layers[last, ACTIVATION], layers[last, COLUMN]
    size = units * count
    for s in range(count):
        sample = index[first + s]
        for j in range(units):
            k = (column + j) * width + s
            y = Y[sample, j]
            if rule == FUSED:
                d[k] = (a[k] - y) * (scale / (count if loss == CCE else size))
            elif rule == PERCEPTRON:
                d[k] = (a[k] - y) * (scale / count)
            elif loss == MSE:
                d[k] = (a[k] - y) * (2.0 * scale / size)
            else:
                inside = EPSILON < a[k] < 1.0 - EPSILON
                p = min(max(a[k], EPSILON), 1.0 - EPSILON)
                if not inside:
                    g = 0.0
                elif loss == BCE:
                    g = (p - y) / (p * (1.0 - p) * size)
                else:
                    g = -y / (p * count)
                d[k] = g * scale
        if rule == CHAIN and code == SOFTMAX:
            dot = 0.0
            for j in range(units):
                dot += d[(column + j) * width + s] * a[(column + j) * width + s]
            for j in range(units):
                k = (column + j) * width + s
                d[k] = (d[k] - dot) * a[k]
    if rule == CHAIN and code != SOFTMAX:
        slope_rows(code, z, a, d, column * width, (column + units) * width)


@kernel
def backward(params, layers, count, z, a, d, width, grad):
    """∂/∂params into grad from the output delta in d, layer by layer down (weights before the update)."""
    for layer in range(layers.shape[0] - 1, -1, -1):
        fan_in, units, bias = layers[layer, FAN_IN], layers[layer, UNITS], layers[layer, BIAS]
        offset, column = layers[layer, OFFSET], layers[layer, COLUMN]
        size, below = fan_in + bias, column - fan_in
        for j in range(units):
            base, row = offset + j * size, (column + j) * width
            for i in range(fan_in):
                grad[base + i] = _dot(d, row, a, (below + i) * width, count)
            if bias:
                grad[base + fan_in] = _sum(d, row, count)
        if layer == 0:
            continue
        for i in range(fan_in):   # d of the layer below: Σ_j w_ji·d_j, in the order of j
            target = (below + i) * width
            _scaled(d, target, params[offset + i], d, column * width, count)
            for j in range(1, units):
                _add_scaled(d, target, params[offset + j * size + i], d, (column + j) * width, count)
        slope_rows(layers[layer - 1, ACTIVATION], z, a, d, below * width, column * width)


@kernel
def update(params, grad, frozen, any_frozen, optimizer, settings, velocity, second, iterations):
    """One optimizer step (settings: lr, momentum, beta_1, beta_2, epsilon); SGD's lr is already in grad.

    `velocity` is Momentum's velocity or Adam's m, `second` Adam's v."""
    n = params.shape[0]
    if any_frozen:
        for k in range(n):
            if frozen[k]:
                grad[k] = 0.0
    if optimizer == SGD:
        for k in range(n):
            params[k] -= grad[k]
    elif optimizer == MOMENTUM:
        lr, momentum = settings[0], settings[1]
        for k in range(n):
            velocity[k] = velocity[k] * momentum - lr * grad[k]
            params[k] += velocity[k]
    else:
        lr, beta_1, beta_2, epsilon = settings[0], settings[2], settings[3], settings[4]
        iterations[0] += 1
        t = iterations[0]
        alpha = lr * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
        for k in range(n):
            g = grad[k]
            velocity[k] = velocity[k] * beta_1 + g * (1.0 - beta_1)
            second[k] = second[k] * beta_2 + g * g * (1.0 - beta_2)
            params[k] -= velocity[k] / (math.sqrt(second[k]) + epsilon) * alpha


@kernel
def dataset_loss(params, layers, loss, rule, X, Y, index, z, a, width):
    """The loss of the current weights on all of X, Y (in blocks as wide as the work arrays)."""
    n = X.shape[0]
    total = 0.0
    for first in range(0, n, width):
        count = min(width, n - first)
        forward(params, layers, X, index, first, count, z, a, width)
        total += output_loss(layers, loss, rule, Y, index, first, count, z, a, width)
    return total / loss_divisor(loss, layers[layers.shape[0] - 1, UNITS], n)


@kernel
def train_chunk(params, grad, epoch_start, frozen, layers, loss, rule, optimizer, settings, velocity, second,
                iterations,
                X, Y, orders, shuffled, batch_size, first_batch, loss_sum, max_batches, max_epochs, target,
                X_val, Y_val, val_index, Z, A, D, epoch_losses, val_losses):
    """Train from batch `first_batch` of the epoch under way until `max_batches` batches or `max_epochs`
    epoch ends are done, the epoch loss reaches `target`, or training diverges.

    `orders` holds the sample order of each epoch touched, in turn (one row, reused, when not shuffled);
    `loss_sum[0]` carries the epoch's Σ batch loss × batch size in and out. Per finished epoch its loss
    (and the held-out loss when there is held-out data) goes into `epoch_losses` / `val_losses`.
    Z, A, D are the C-ordered work arrays (rows of the inputs and every layer's units, batch_size columns).
    Returns (status, batches done, epochs finished, last batch loss, order rows used); on divergence
    the caller puts back the weights of `epoch_start`.
    """
    n = X.shape[0]
    n_batches = (n + batch_size - 1) // batch_size
    out_units = layers[layers.shape[0] - 1, UNITS]
    scale = settings[0] if optimizer == SGD else 1.0
    width = Z.shape[1]
    z, a, d = Z.reshape(Z.size), A.reshape(A.size), D.reshape(D.size)
    any_frozen = frozen.any()
    batch, done, epochs, rows_used, value = first_batch, 0, 0, 1, np.nan
    index = orders[0]
    while done < max_batches and epochs < max_epochs:
        if batch == 0:
            for k in range(params.shape[0]):
                epoch_start[k] = params[k]
            loss_sum[0] = 0.0
            if done:
                rows_used += 1
                if shuffled:
                    index = orders[rows_used - 1]
        first = batch * batch_size
        count = min(batch_size, n - first)
        forward(params, layers, X, index, first, count, z, a, width)
        value = (output_loss(layers, loss, rule, Y, index, first, count, z, a, width)
                 / loss_divisor(loss, out_units, count))
        if not math.isfinite(value):
            return BAD_LOSS, done, epochs, value, rows_used
        output_delta(layers, loss, rule, Y, index, first, count, z, a, d, width, scale)
        backward(params, layers, count, z, a, d, width, grad)
        update(params, grad, frozen, any_frozen, optimizer, settings, velocity, second, iterations)
        loss_sum[0] += value * count
        done += 1
        batch += 1
        if batch < n_batches:
            continue
        batch = 0
        epoch_losses[epochs] = loss_sum[0] / n
        if X_val.shape[0]:
            val_losses[epochs] = dataset_loss(params, layers, loss, rule, X_val, Y_val, val_index, z, a, width)
        epochs += 1
        if not math.isfinite(np.sum(params)):
            return BAD_WEIGHTS, done, epochs, value, rows_used
        if epoch_losses[epochs - 1] <= target:
            return TARGET, done, epochs, value, rows_used
    return DONE, done, epochs, value, rows_used
