"""Compiled training kernels (numba): a whole chunk of batches in one call that releases the GIL.

The maths is the NumPy reference's (`ReferencePass.compute_gradients` of `numpy_loop` and the
optimizers), written as explicit loops over samples, units and inputs, so
that tiny networks pay no per-call overhead and the GUI thread can run while
a chunk trains. Sums run in float64 whatever the network's dtype; results are
stored in the network's dtype. Numbers agree with the NumPy engine to ~1e-15
relative per step in float64 (only the order of additions differs).

Everything the kernel needs comes in as arrays and integer codes (see
`fcviz.core.compiled_loop`, which prepares them): no Python objects inside.
"""

from __future__ import annotations

import math

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
EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(13, -1, -1))       # 1/13!, ..., 1/1!, 1/0!


@njit(nogil=True, cache=True, error_model="numpy")
def _exp_small(y):
    """e**y for 0 ≤ y ≤ 44 without a library call, so that loops of it vectorize: y = n·log 2 + r with
    |r| ≤ log(2)/2, e**r by its Taylor series to degree 13 (remainder < 1e-17 relative), times 2**n."""
    n = math.floor(y * LOG2E + 0.5)
    r = (y - n * LN2_HI) - n * LN2_LO
    p = 0.0
    for c in EXP_TAYLOR:
        p = p * r + c
    return p * _power_of_two(np.int64(n))


# Cephes' tanh (S. L. Moshier): a rational function below 0.625, else 1 − 2/(e**2|z| + 1). Within 1 ulp
# of the exact value over ±25, as np.tanh; branch-free, so a loop of it vectorizes: 3–4 ns a value where
# libm's tanh took 20 ns and made up most of the time of small tanh networks (benchmarks W2).
TANH_P = (-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3)
TANH_Q = (1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3)


@njit(nogil=True, cache=True, error_model="numpy")
def _tanh(z):
    size = min(abs(z), 22.0)   # tanh(22) is 1 in float64
    large = math.copysign(1.0 - 2.0 / (_exp_small(2.0 * size) + 1.0), z)
    p, q, x = TANH_P, TANH_Q, z * z
    small = z + z * x * (((p[0] * x + p[1]) * x + p[2]) / (((x + q[0]) * x + q[1]) * x + q[2]))
    return small if size < 0.625 else large


@njit(nogil=True, cache=True, error_model="numpy")
def _tanh_block(Z, A, first, stop):
    """A[first:stop] = tanh(Z[first:stop]) for whole rows: one flat loop over every column, so it vectorizes
    (the columns past a short batch's samples hold unused values)."""
    z, a = Z.reshape(Z.size), A.reshape(A.size)
    width = Z.shape[1]
    for k in range(first * width, stop * width):
        a[k] = _tanh(z[k])


@njit(nogil=True, cache=True, error_model="numpy")
def _tanh_slope_block(A, D, first, stop):
    """D[first:stop] *= tanh'(z) = 1 − a² for whole rows, in one flat loop (as `_tanh_block`)."""
    a, d = A.reshape(A.size), D.reshape(D.size)
    width = A.shape[1]
    for k in range(first * width, stop * width):
        d[k] *= 1.0 - a[k] * a[k]


@njit(nogil=True, cache=True, error_model="numpy")
def _activate(code, z):
    if code == SIGMOID:
        return 1.0 / (1.0 + math.exp(-z))
    if code == TANH:
        return _tanh(z)
    if code == RELU:
        return z if z > 0.0 else 0.0
    if code == LEAKY_RELU:
        return max(z, LEAKY_SLOPE * z)
    if code == ELU:
        return z if z > 0.0 else math.expm1(z)
    if code == SOFTPLUS:
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    if code == HEAVISIDE:
        return 1.0 if z >= 0.0 else 0.0
    return z


@njit(nogil=True, cache=True, error_model="numpy")
def _slope(code, z, a):
    """f'(z) given z and a = f(z)."""
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 1.0 if z > 0.0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    if code == ELU:
        return 1.0 if z > 0.0 else a + 1.0
    if code == SOFTPLUS:
        return 1.0 / (1.0 + math.exp(-z))
    if code == HEAVISIDE:
        return 0.0
    return 1.0


@njit(nogil=True, cache=True, error_model="numpy")
def forward(params, layers, X, index, first, count, Z, A):
    """z and a of every layer for samples X[index[first:first + count]].

    Z and A are feature-major, (inputs + units of all layers, batch): A's first rows hold the inputs,
    then each layer's activations from its COLUMN on; a layer's inputs are the rows just above its own.
    Sums run over the inputs in order, then the bias (as the NumPy engine's W·x with a ones row).
    """
    n_in = X.shape[1]
    for s in range(count):
        sample = index[first + s]
        for i in range(n_in):
            A[i, s] = X[sample, i]
    for layer in range(layers.shape[0]):
        fan_in, units, bias = layers[layer, FAN_IN], layers[layer, UNITS], layers[layer, BIAS]
        offset, code, column = layers[layer, OFFSET], layers[layer, ACTIVATION], layers[layer, COLUMN]
        width, below = fan_in + bias, column - fan_in
        for j in range(units):
            base, row = offset + j * width, column + j
            for s in range(count):
                Z[row, s] = 0.0
            for i in range(fan_in):
                w = params[base + i]
                for s in range(count):
                    Z[row, s] += w * A[below + i, s]
            if bias:
                b = params[base + fan_in]
                for s in range(count):
                    Z[row, s] += b
            if code != SOFTMAX and code != TANH:
                for s in range(count):
                    A[row, s] = _activate(code, Z[row, s])
        if code == TANH:
            _tanh_block(Z, A, column, column + units)
        elif code == SOFTMAX:
            for s in range(count):
                top = -np.inf
                for j in range(units):
                    top = max(top, Z[column + j, s])
                norm = 0.0
                for j in range(units):
                    e = math.exp(Z[column + j, s] - top)
                    A[column + j, s] = e
                    norm += e
                for j in range(units):
                    A[column + j, s] /= norm


@njit(nogil=True, cache=True, error_model="numpy")
def output_loss(layers, loss, rule, Y, index, first, count, Z, A):
    """The summed loss of the batch's outputs (not yet divided: see `loss_divisor`)."""
    last = layers.shape[0] - 1
    units, column = layers[last, UNITS], layers[last, COLUMN]
    total = 0.0
    for s in range(count):
        sample = index[first + s]
        if rule == FUSED and loss == CCE:
            top = -np.inf
            for j in range(units):
                top = max(top, Z[column + j, s])
            norm = 0.0
            for j in range(units):
                norm += math.exp(Z[column + j, s] - top)
            log_norm = math.log(norm)
            for j in range(units):
                total -= Y[sample, j] * (Z[column + j, s] - top - log_norm)
            continue
        for j in range(units):
            y = Y[sample, j]
            if rule == FUSED:  # sigmoid + bce from the logits
                z = Z[column + j, s]
                total += max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))
            elif loss == MSE:
                d = A[column + j, s] - y
                total += d * d
            else:
                p = min(max(A[column + j, s], EPSILON), 1.0 - EPSILON)
                if loss == BCE:
                    total -= y * math.log(p) + (1.0 - y) * math.log1p(-p)
                else:
                    total -= y * math.log(p)
    return total


@njit(nogil=True, cache=True, error_model="numpy")
def loss_divisor(loss, units, count):
    """cce is a mean over samples; mse and bce over every output of every sample."""
    return count if loss == CCE else units * count


@njit(nogil=True, cache=True, error_model="numpy")
def output_delta(layers, loss, rule, Y, index, first, count, Z, A, D, scale):
    """scale·∂L/∂z of the output layer into D (L the batch-mean loss), as ReferencePass.compute_gradients."""
    last = layers.shape[0] - 1
    units, code, column = layers[last, UNITS], layers[last, ACTIVATION], layers[last, COLUMN]
    size = units * count
    for s in range(count):
        sample = index[first + s]
        for j in range(units):
            a, y = A[column + j, s], Y[sample, j]
            if rule == FUSED:
                D[column + j, s] = (a - y) * (scale / (count if loss == CCE else size))
            elif rule == PERCEPTRON:
                D[column + j, s] = (a - y) * (scale / count)
            elif loss == MSE:
                D[column + j, s] = (a - y) * (2.0 * scale / size)
            else:
                inside = EPSILON < a < 1.0 - EPSILON
                p = min(max(a, EPSILON), 1.0 - EPSILON)
                if not inside:
                    g = 0.0
                elif loss == BCE:
                    g = (p - y) / (p * (1.0 - p) * size)
                else:
                    g = -y / (p * count)
                D[column + j, s] = g * scale
        if rule == CHAIN:
            if code == SOFTMAX:
                dot = 0.0
                for j in range(units):
                    dot += D[column + j, s] * A[column + j, s]
                for j in range(units):
                    D[column + j, s] = (D[column + j, s] - dot) * A[column + j, s]
            elif code != LINEAR:
                for j in range(units):
                    D[column + j, s] *= _slope(code, Z[column + j, s], A[column + j, s])


@njit(nogil=True, cache=True, error_model="numpy")
def _dot(D, row, A, other, count):
    """Σ_s D[row, s]·A[other, s] in four interleaved partial sums (no chain of dependent additions)."""
    t0 = t1 = t2 = t3 = 0.0
    s = 0
    while s + 4 <= count:
        t0 += D[row, s] * A[other, s]
        t1 += D[row, s + 1] * A[other, s + 1]
        t2 += D[row, s + 2] * A[other, s + 2]
        t3 += D[row, s + 3] * A[other, s + 3]
        s += 4
    while s < count:
        t0 += D[row, s] * A[other, s]
        s += 1
    return (t0 + t1) + (t2 + t3)


@njit(nogil=True, cache=True, error_model="numpy")
def backward(params, layers, count, Z, A, D, grad):
    """∂/∂params into grad from the output delta in D, layer by layer down (weights before the update)."""
    for layer in range(layers.shape[0] - 1, -1, -1):
        fan_in, units, bias = layers[layer, FAN_IN], layers[layer, UNITS], layers[layer, BIAS]
        offset, column = layers[layer, OFFSET], layers[layer, COLUMN]
        width, below = fan_in + bias, column - fan_in
        for j in range(units):
            base, row = offset + j * width, column + j
            for i in range(fan_in):
                grad[base + i] = _dot(D, row, A, below + i, count)
            if bias:
                total = 0.0
                for s in range(count):
                    total += D[row, s]
                grad[base + fan_in] = total
        if layer == 0:
            continue
        below_code = layers[layer - 1, ACTIVATION]
        for i in range(fan_in):
            for s in range(count):
                D[below + i, s] = 0.0
        for j in range(units):
            base, row = offset + j * width, column + j
            for i in range(fan_in):
                w = params[base + i]
                for s in range(count):
                    D[below + i, s] += w * D[row, s]
        if below_code == TANH:
            _tanh_slope_block(A, D, below, below + fan_in)
        else:
            for i in range(fan_in):
                for s in range(count):
                    D[below + i, s] *= _slope(below_code, Z[below + i, s], A[below + i, s])


@njit(nogil=True, cache=True, error_model="numpy")
def update(params, grad, frozen, optimizer, settings, velocity, second, iterations):
    """One optimizer step (settings: lr, momentum, beta_1, beta_2, epsilon); SGD's lr is already in grad.

    `velocity` is Momentum's velocity or Adam's m, `second` Adam's v."""
    n = params.shape[0]
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


@njit(nogil=True, cache=True, error_model="numpy")
def dataset_loss(params, layers, loss, rule, X, Y, index, Z, A):
    """The loss of the current weights on all of X, Y (in blocks as wide as the work arrays)."""
    n, width = X.shape[0], Z.shape[1]
    total = 0.0
    for first in range(0, n, width):
        count = min(width, n - first)
        forward(params, layers, X, index, first, count, Z, A)
        total += output_loss(layers, loss, rule, Y, index, first, count, Z, A)
    return total / loss_divisor(loss, layers[layers.shape[0] - 1, UNITS], n)


@njit(nogil=True, cache=True, error_model="numpy")
def train_chunk(params, grad, epoch_start, frozen, layers, loss, rule, optimizer, settings, velocity, second,
                iterations,
                X, Y, orders, shuffled, batch_size, first_batch, loss_sum, max_batches, max_epochs, target,
                X_val, Y_val, val_index, Z, A, D, epoch_losses, val_losses):
    """Train from batch `first_batch` of the epoch under way until `max_batches` batches or `max_epochs`
    epoch ends are done, the epoch loss reaches `target`, or training diverges.

    `orders` holds the sample order of each epoch touched, in turn (one row, reused, when not shuffled);
    `loss_sum[0]` carries the epoch's Σ batch loss × batch size in and out. Per finished epoch its loss
    (and the held-out loss when there is held-out data) goes into `epoch_losses` / `val_losses`.
    Returns (status, batches done, epochs finished, last batch loss, order rows used); on divergence
    the caller puts back the weights of `epoch_start`.
    """
    n = X.shape[0]
    n_batches = (n + batch_size - 1) // batch_size
    out_units = layers[layers.shape[0] - 1, UNITS]
    scale = settings[0] if optimizer == SGD else 1.0
    batch, done, epochs, rows_used, value = first_batch, 0, 0, 1, np.nan
    while done < max_batches and epochs < max_epochs:
        if batch == 0:
            epoch_start[:] = params
            loss_sum[0] = 0.0
            if done:
                rows_used += 1
        index = orders[rows_used - 1] if shuffled else orders[0]
        first = batch * batch_size
        count = min(batch_size, n - first)
        forward(params, layers, X, index, first, count, Z, A)
        value = output_loss(layers, loss, rule, Y, index, first, count, Z, A) / loss_divisor(loss, out_units, count)
        if not math.isfinite(value):
            return BAD_LOSS, done, epochs, value, rows_used
        output_delta(layers, loss, rule, Y, index, first, count, Z, A, D, scale)
        backward(params, layers, count, Z, A, D, grad)
        update(params, grad, frozen, optimizer, settings, velocity, second, iterations)
        loss_sum[0] += value * count
        done += 1
        batch += 1
        if batch < n_batches:
            continue
        batch = 0
        epoch_losses[epochs] = loss_sum[0] / n
        if X_val.shape[0]:
            val_losses[epochs] = dataset_loss(params, layers, loss, rule, X_val, Y_val, val_index, Z, A)
        epochs += 1
        if not math.isfinite(np.sum(params)):
            return BAD_WEIGHTS, done, epochs, value, rows_used
        if epoch_losses[epochs - 1] <= target:
            return TARGET, done, epochs, value, rows_used
    return DONE, done, epochs, value, rows_used
