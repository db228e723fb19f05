"""The NumPy engine: the reference loop, for every network (custom activations included).

The pass over a batch works on preallocated feature-major buffers: the data
carries a row of ones (so the bias is one more column of each layer's
matrix), every product writes into its buffer with `out=`, and the optimizer
updates one flat parameter vector. For SGD the learning rate is folded into
the output delta. Large layers spend their time in BLAS, where this engine is
the fastest; the compiled engine (`compiled_loop`) must agree with it.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np

from fcviz.core.blas_threads import (
    PARALLEL_MIN_PARAMS,
    PARALLEL_MIN_WORK,
    Products,
    ThreadPolicy,
    is_large,
    max_threads,
)
from fcviz.core.loop_state import BAD_LOSS, BAD_WEIGHTS, DONE, TARGET, LoopState, Progress, sample_order
from fcviz.core.losses import Loss
from fcviz.core.network import Dense, Network
from fcviz.core.optimizers import SGD

if TYPE_CHECKING:
    from fcviz.core.trainer import Trainer

# Samples up to this many bytes are kept once more with a ones column, so that a shuffled batch is one `take`
# (a 64-input batch of 32: 1 µs where a take and a copy into the ones-column buffer took 3 µs).
ONES_COPY_MAX = 32 << 20


class LayerPlan:
    """One layer's preallocated work arrays, and the views the pass needs, made once."""

    def __init__(self, layer: Dense, grad_block: np.ndarray, size: int, below: "LayerPlan | None",
                 a_ones: np.ndarray):
        dtype = layer.matrix.dtype
        self.layer = layer
        self.activation = layer.activation
        self.matrix = layer.matrix
        self.weights_t = layer.matrix[:, : layer.fan_in].T       # (fan_in, units), for δ below
        self.fan = layer.matrix.shape[1]                          # fan_in, +1 with a bias
        self.z = np.empty((layer.units, size), dtype)
        self.a_ones = a_ones                                      # activations and a row of ones
        self.a = self.a_ones[: layer.units]
        self.delta = np.empty((layer.units, size), dtype)         # ∂L/∂z (times the scale)
        self.scratch = np.empty((layer.units, size), dtype)
        self.grad_block = grad_block                              # this layer's part of the gradient
        self.below = below
        self.large = is_large(layer.units, self.fan, size)     # forward and ∂L/∂W: in blocks (blas_threads)
        # ∂L/∂W and δ below are independent: side by side, each whole, once together they are this large
        self.paired = below is not None and layer.units * (self.fan + layer.fan_in) * size >= PARALLEL_MIN_WORK
        if below is not None:
            self.input = below.a_ones[: self.fan]
            self.input_t = self.input.T


class Plan:
    """Work arrays for batches of one size (every z, a and δ stays there for inspection)."""

    def __init__(self, net: Network, grad: np.ndarray, size: int):
        self.layers: list[LayerPlan] = []
        offset, below = 0, None
        for layer in net.layers:
            block = grad[offset: offset + layer.n_params].reshape(layer.matrix.shape)
            below = LayerPlan(layer, block, size, below, np.ones((layer.units + 1, size), net.dtype))
            offset += layer.n_params
            self.layers.append(below)
        self.reversed = self.layers[::-1]
        self.output = self.layers[-1]
        self.parallel = any(lp.large or lp.paired for lp in self.layers)   # products worth a second thread


def compute_gradients(plan: Plan, loss: Loss, rule: str, inputs: np.ndarray, targets: np.ndarray,
                      scale: float, products: Products) -> float:
    """Forward and backward over one batch; fills the plan's gradient blocks with scale·∂L/∂params.

    `inputs` is feature-major with a ones row, (n_in + 1, b); `targets` (n_out, b);
    `rule` says how the output delta is formed (see `Trainer.output_rule`). Returns the batch loss.
    `products` computes the matrix products (the same numbers on any number of threads).
    """
    dot = products.dot if plan.parallel else np.dot
    first = plan.layers[0]
    x = inputs if first.fan == inputs.shape[0] else inputs[: first.fan]
    for lp in plan.layers:
        dot(lp.matrix, x if lp.below is None else lp.input, out=lp.z)
        if lp is not plan.output:
            lp.activation(lp.z, out=lp.a)
    out = plan.output
    if rule == "fused":
        value = loss.activate_from_logits(out.activation, out.z, targets, out.a, out.scratch)
        loss.fused_delta(out.a, targets, out.delta, scale)
    else:
        out.activation(out.z, out=out.a)
        if rule == "chain":
            value = loss.value_and_gradient(out.a, targets, out.delta, scale)
            out.activation.backward(out.z, out.a, out.delta, out.scratch)
        else:  # perceptron: δ = (ŷ − y)/b, so that w ← w + lr·mean((y − ŷ)·x)
            value = loss(out.a, targets)
            np.subtract(out.a, targets, out=out.delta)
            out.delta *= scale / targets.shape[1]
    for lp in plan.reversed:
        below = lp.below
        if below is None:
            dot(lp.delta, x.T, out=lp.grad_block)
        else:
            if lp.paired:
                products.pair((lp.delta, lp.input_t, lp.grad_block), (lp.weights_t, lp.delta, below.delta))
            else:
                dot(lp.delta, lp.input_t, out=lp.grad_block)
                dot(lp.weights_t, lp.delta, out=below.delta)
            below.activation.backward(below.z, below.a, below.delta, below.scratch)
    return value


class ReferencePass:
    """The NumPy reference over one batch of a trainer's network, for training and for inspection:
    the work arrays of each batch size (every z, a and δ stays there) and the gradient into `trainer.grad`."""

    def __init__(self, trainer: "Trainer"):
        self._trainer = trainer
        self._plans: dict[int, Plan] = {}
        self.products = Products(1)   # the training loop's blocks and pairs, on one thread

    def plan_for(self, size: int) -> Plan:
        """The work arrays for batches of `size` samples (made on first use)."""
        plan = self._plans.get(size)
        if plan is None:
            plan = self._plans[size] = Plan(self._trainer.net, self._trainer.grad, size)
        return plan

    def compute_gradients(self, inputs: np.ndarray, targets: np.ndarray, scale: float = 1.0,
                          plan: Plan | None = None) -> float:
        """Forward and backward over one batch; fills `trainer.grad` with scale·∂L/∂params.

        `inputs` is feature-major with a ones row, (n_in + 1, b); `targets` (n_out, b).
        Returns the batch loss. The plan keeps every z, a and δ for inspection.
        """
        trainer = self._trainer
        plan = plan or self.plan_for(inputs.shape[1])
        return compute_gradients(plan, trainer.loss, trainer.output_rule, inputs, targets, scale, self.products)

    def feature_major(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(inputs with a ones row, targets), feature-major, as `compute_gradients` takes them."""
        dtype = self._trainer.dtype
        inputs = np.ones((X.shape[1] + 1, len(X)), dtype)
        inputs[:-1] = X.T
        return inputs, np.ascontiguousarray(np.asarray(y, dtype).reshape(len(X), -1).T)


class NumpyLoop:
    """Batches one at a time through `compute_gradients` and the optimizer: the reference engine."""

    name = "numpy"

    def __init__(self, trainer: "Trainer"):
        data = trainer.data
        assert data is not None
        self.data = data
        self.batches = [(trainer.reference.plan_for(end - begin), begin, end)
                        for begin, end in map(data.bounds, range(data.n_batches))]
        self.in_order: list[tuple[np.ndarray, np.ndarray]] = []   # each batch's inputs and targets, unshuffled
        self._with_ones: np.ndarray | None = None
        # A shuffled batch's samples, the same with a ones column, and its targets, by batch size.
        self.gathered: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.products = Products()
        self.policy = ThreadPolicy(max_threads() if self.batches[0][0].parallel else 1)
        if len(self.policy.candidates) > 1:
            self.products.prepare()

    def source(self, batch: int, order: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Feature-major inputs (with a ones row) and targets of `batch` in `order`.

        Unshuffled, views of `with_ones`; shuffled, the batch's rows gathered into reused buffers, from
        `with_ones` up to ONES_COPY_MAX bytes of samples, else from the samples themselves: no copy of all
        the data (60,000 × 785 floats are 0.2 GB)."""
        data, (_, begin, end) = self.data, self.batches[batch]
        if order is None:
            if not self.in_order:
                rows = self.with_ones()
                self.in_order = [(rows[b:e].T, data.Y[b:e].T) for _, b, e in self.batches]
            return self.in_order[batch]
        size = end - begin
        if size not in self.gathered:
            self.gathered[size] = (np.empty((size, data.X.shape[1]), data.X.dtype),
                                   np.ones((size, data.X.shape[1] + 1), data.X.dtype),
                                   np.empty((size, data.Y.shape[1]), data.Y.dtype))
        samples, rows, targets = self.gathered[size]
        index = order[begin:end]
        if data.X.nbytes <= ONES_COPY_MAX:   # mode "raise" would copy through a buffer
            self.with_ones().take(index, axis=0, out=rows, mode="clip")
        else:
            data.X.take(index, axis=0, out=samples, mode="clip")
            rows[:, :-1] = samples
        data.Y.take(index, axis=0, out=targets, mode="clip")
        return rows.T, targets.T

    def with_ones(self) -> np.ndarray:
        """The samples with a ones column, (n, inputs + 1) (made on first use)."""
        if self._with_ones is None:
            X = self.data.X
            self._with_ones = np.ones((len(X), X.shape[1] + 1), X.dtype)
            self._with_ones[:, :-1] = X
        return self._with_ones

    def advance(self, trainer: "Trainer", run: LoopState, epochs: int, batches: int, target: float) -> Progress:
        """Up to `batches` batches and `epochs` epoch ends; stops early at `target` or divergence."""
        data, optimizer, policy, products = trainer.data, trainer.optimizer, self.policy, self.products
        assert data is not None
        frozen = trainer.frozen if trainer.frozen.any() else None
        loss, rule, scale = trainer.loss, trainer.output_rule, optimizer.gradient_scale
        grad, params = trainer.grad, trainer.net.params
        # SGD's step is elementwise: on two threads each updates half the parameters (the same numbers)
        shared_step = isinstance(optimizer, SGD) and params.size >= PARALLEL_MIN_PARAMS
        timed = len(policy.candidates) > 1
        losses: list[float] = []
        val_losses: list[float] = []
        value, status, done = math.nan, DONE, 0
        while done < batches and len(losses) < epochs:
            if run.batch_index == 0:
                np.copyto(run.epoch_start, params)
                run.loss_sum = 0.0
                if trainer.shuffled:
                    run.order = sample_order(trainer.rng, data.n)
            plan, begin, end = self.batches[run.batch_index]
            inputs, targets = self.source(run.batch_index, run.order)
            if timed:
                products.threads = policy.threads
                began = time.perf_counter()
            value = compute_gradients(plan, loss, rule, inputs, targets, scale, products)
            if not math.isfinite(value):
                status = BAD_LOSS
                break
            if frozen is not None:
                grad[frozen] = 0.0
            if shared_step and products.threads > 1:
                products.subtract(params, grad)
            else:
                optimizer.apply(params, grad)
            if timed:
                policy.record(end - begin, time.perf_counter() - began)
            run.loss_sum += value * (end - begin)
            run.batch_index += 1
            done += 1
            if run.batch_index < len(self.batches):
                continue
            run.batch_index = 0
            losses.append(run.loss_sum / data.n)
            if data.n_val:
                val_losses.append(trainer.evaluate_loss(data.X_val, data.Y_val))
            if not math.isfinite(np.add.reduce(params)):   # inf or NaN anywhere shows in the sum
                status = BAD_WEIGHTS
                break
            if losses[-1] <= target:
                status = TARGET
                break
        return Progress(np.array(losses), np.array(val_losses), value, status, done)
