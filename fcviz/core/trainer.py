"""Trainer: batches, forward/backward passes, updates, history, stop conditions.

The hot loop works on preallocated feature-major buffers: the data carries a
row of ones (so the bias is one more column of each layer's matrix), every
product writes into its buffer with `out=`, and the optimizer updates one flat
parameter vector. For SGD the learning rate is folded into the output delta.
Tiny networks are bound by per-call overhead, so the loop makes as few NumPy
calls as it can and creates no arrays.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from fcviz.core.history import History
from fcviz.core.losses import Loss, get_loss
from fcviz.core.network import Network
from fcviz.core.optimizers import SGD, Optimizer, get_optimizer
from fcviz.core.sgd_loop import FullBatchLoop, MiniBatchLoop


def _quiet() -> np.errstate:
    """Overflow and NaN are detected explicitly (divergence): NumPy need not warn."""
    return np.errstate(over="ignore", invalid="ignore", under="ignore")


class LayerPlan:
    """One layer's preallocated work arrays, and the views the hot loop needs, made once."""

    def __init__(self, layer, grad_block: np.ndarray, size: int, below: "LayerPlan | None",
                 a_ones: np.ndarray | None = None, rows: slice | None = None, offset: int = 0):
        dtype = layer.matrix.dtype
        self.layer = layer
        self.activation = layer.activation
        self.matrix = layer.matrix
        self.offset = offset                                      # of this layer's block in `params`
        self.weights_t = layer.matrix[:, : layer.fan_in].T       # (fan_in, units), for δ below
        self.fan = layer.matrix.shape[1]                          # fan_in, +1 with a bias
        self.z = np.empty((layer.units, size), dtype)
        if a_ones is None:
            a_ones = np.ones((layer.units + 1, size), dtype)
        self.a_ones = a_ones                                      # activations and a row of ones
        self.rows = rows                                          # where `a` sits in Plan.stack
        self.a = self.a_ones[: layer.units]
        self.delta = np.empty((layer.units, size), dtype)         # ∂L/∂z (times the scale)
        self.scratch = np.empty((layer.units, size), dtype)
        self.grad_block = grad_block                              # this layer's part of Trainer.grad
        self.below = below
        if below is not None:
            self.input = below.a_ones[: self.fan]
            self.input_t = self.input.T


class Plan:
    """Work arrays for batches of one size.

    The activations of all layers are stacked in one array (each followed by its
    row of ones), so a run of layers can be treated in one call (see sgd_loop).
    """

    def __init__(self, net: Network, grad: np.ndarray, size: int):
        self.layers: list[LayerPlan] = []
        self.stack = np.ones((sum(layer.units + 1 for layer in net.layers), size), net.dtype)
        self.derivatives = np.empty_like(self.stack)
        offset, row, below = 0, 0, None
        for layer in net.layers:
            block = grad[offset: offset + layer.n_params].reshape(layer.matrix.shape)
            below = LayerPlan(layer, block, size, below, self.stack[row: row + layer.units + 1],
                              slice(row, row + layer.units), offset)
            offset += layer.n_params
            row += layer.units + 1
            self.layers.append(below)
        self.reversed = self.layers[::-1]
        self.output = self.layers[-1]


class Trainer:
    """Trains a Network on (X, y) with a loss and an optimizer.

    `batch_size=None` means full batch. The loss of epoch k is, for full batch,
    the loss of the forward pass before that epoch's update; for mini-batches
    the mean of the batch losses weighted by batch size (Keras' convention).
    `dtype` ("float64", the default, or "float32") converts the network in place;
    None keeps the network's. Plain SGD trains through the generated loops of
    `sgd_loop` (same numbers, to the last bit); other optimizers, frozen weights
    and validation data take the general path (`step`).
    """

    def __init__(self, net: Network, loss="mse", optimizer="sgd", lr: float = 0.01,
                 batch_size: int | None = None, shuffle: bool = True, seed: int = 0,
                 dtype=None, **optimizer_options):
        if dtype is not None:   # float32 or float64; None keeps the network's
            net.set_dtype(dtype)
        self.net = net
        self.loss: Loss = get_loss(loss)
        self.optimizer: Optimizer = get_optimizer(optimizer, lr, **optimizer_options)
        self._data: np.ndarray | None = None
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.epoch = 0               # completed epochs
        self.batch_index = 0         # next batch within the current epoch
        self.diverged = False
        self.stop_reason = ""
        self.divergence_message = ""
        self.grad = np.zeros_like(net.params)
        self._frozen = np.zeros(net.params.size, bool)
        self._has_frozen = False
        self._order: np.ndarray | None = None
        self._epoch_loss_sum = 0.0
        self._epoch_start_params = net.params.copy()
        self._validation: tuple[np.ndarray, np.ndarray] | None = None
        self._plans: dict[int, Plan] = {}
        self._full_batch: FullBatchLoop | None = None
        self._mini_batch: MiniBatchLoop | None = None
        self._output_rule = self._choose_output_rule()

    @classmethod
    def from_config(cls, net: Network, config: dict) -> "Trainer":
        """A fresh trainer (epoch 0) with the settings of `config()`."""
        options = dict(config["optimizer"])
        name, lr = options.pop("name"), options.pop("learning_rate")
        return cls(net, config["loss"], name, lr, config.get("batch_size"), config.get("shuffle", True),
                   config.get("seed", 0), config.get("dtype"), **options)

    def config(self) -> dict:
        return {"loss": self.loss.name, "optimizer": self.optimizer.config(),
                "batch_size": self.batch_size, "shuffle": self.shuffle, "seed": self.seed}

    # --- settings -------------------------------------------------------------

    @property
    def dtype(self) -> np.dtype:
        """The number type of the network and of every work array (float64 or float32)."""
        return self.net.dtype

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = value

    @property
    def batch_size(self) -> int | None:
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        """Takes effect from the start of an epoch: the current one restarts."""
        if value is not None and int(value) < 1:
            raise ValueError(f"the batch size must be at least 1, not {value}")
        self._batch_size = None if value is None else int(value)
        self.batch_index = 0
        self._full_batch = self._mini_batch = None
        self._update_bounds()

    @property
    def output_rule(self) -> str:
        """How the output delta is formed: 'fused' (ŷ − y), 'perceptron' or 'chain' (rule)."""
        return self._output_rule

    def _choose_output_rule(self) -> str:
        out = self.net.layers[-1].activation.name
        if out == "softmax" and self.net.layer_sizes[-1] == 1:
            raise ValueError("softmax over a single output is always 1; use sigmoid for one output")
        if out == "heaviside":
            return "perceptron"
        return "fused" if out == self.loss.fuses_with else "chain"

    @property
    def frozen(self) -> np.ndarray:
        """Read-only mask of parameters excluded from updates (change it with `set_frozen`)."""
        view = self._frozen.view()
        view.flags.writeable = False
        return view

    def set_frozen(self, which, frozen: bool = True) -> None:
        """Freeze (or unfreeze) parameters given by index, index array, slice or boolean mask."""
        self._frozen[which] = frozen
        self._has_frozen = bool(self._frozen.any())

    # --- data -----------------------------------------------------------------

    def set_data(self, X, y, X_val=None, y_val=None) -> None:
        """Use these samples from now on; the current epoch restarts."""
        net = self.net
        X = np.asarray(X, dtype=net.dtype)
        y = np.asarray(y, dtype=net.dtype)
        if y.ndim == 1:
            y = y[:, None]
        if X.ndim == 1:
            X = X[:, None]
        if X.shape[1] != net.layer_sizes[0] or y.shape[1] != net.layer_sizes[-1] or len(X) != len(y):
            raise ValueError(f"data of shape X {X.shape}, y {y.shape} does not fit a "
                             f"{net.layer_sizes[0]}-input, {net.layer_sizes[-1]}-output network")
        if len(X) == 0:
            raise ValueError("there are no samples to train on")
        # Samples are stored one per row (a batch is a contiguous block) with a ones column;
        # the loop sees them transposed, feature-major, without copying.
        self._rows = np.ones((len(X), X.shape[1] + 1), net.dtype)
        self._rows[:, :-1] = X
        self._target_rows = np.ascontiguousarray(y)
        self._shuffled_rows: tuple[np.ndarray, np.ndarray] | None = None
        self._data, self._targets = self._rows.T, self._target_rows.T
        self._order = None
        if X_val is not None and len(X_val):
            self._validation = (np.asarray(X_val, net.dtype), np.asarray(y_val, net.dtype).reshape(len(X_val), -1))
        else:
            self._validation = None
        self._plans.clear()
        self._full_batch = self._mini_batch = None
        self._update_bounds()
        self.batch_index = 0
        self._epoch_loss_sum = 0.0

    @property
    def n_samples(self) -> int:
        return 0 if self._data is None else self._data.shape[1]

    @property
    def n_batches(self) -> int:
        """Batches in one epoch."""
        return len(self._bounds)

    def _update_bounds(self) -> None:
        n = self.n_samples
        size = n if self._batch_size is None else min(self._batch_size, n)
        self._bounds = [(start, min(start + size, n)) for start in range(0, n, size)] if n else []

    def plan_for(self, size: int) -> Plan:
        """The work arrays for batches of `size` samples (made on first use)."""
        plan = self._plans.get(size)
        if plan is None:
            plan = self._plans[size] = Plan(self.net, self.grad, size)
        return plan

    # --- one batch ------------------------------------------------------------

    def compute_gradients(self, inputs: np.ndarray, targets: np.ndarray, scale: float = 1.0,
                          plan: Plan | None = None) -> float:
        """Forward and backward over one batch; fills `self.grad` with scale·∂L/∂params.

        `inputs` is feature-major with a ones row, (n_in + 1, b); `targets` (n_out, b).
        Returns the batch loss. The plan keeps every z, a and δ for inspection.
        """
        plan = plan or self.plan_for(inputs.shape[1])
        first = plan.layers[0]
        x = inputs if first.fan == inputs.shape[0] else inputs[: first.fan]
        for lp in plan.layers:
            np.dot(lp.matrix, x if lp.below is None else lp.input, out=lp.z)
            lp.activation(lp.z, out=lp.a)
        out, loss, rule = plan.output, self.loss, self._output_rule
        if rule == "chain":
            value = loss.value_and_gradient(out.a, targets, out.delta, scale)
            out.activation.backward(out.z, out.a, out.delta, out.scratch)
        elif rule == "fused":
            value = loss.from_logits(out.z, targets)
            loss.fused_delta(out.a, targets, out.delta, scale)
        else:  # perceptron: δ = (ŷ − y)/b, so that w ← w + lr·mean((y − ŷ)·x)
            value = loss(out.a, targets)
            np.subtract(out.a, targets, out=out.delta)
            out.delta *= scale / targets.shape[1]
        for lp in plan.reversed:
            below = lp.below
            if below is None:
                np.dot(lp.delta, x.T, out=lp.grad_block)
            else:
                np.dot(lp.delta, lp.input_t, out=lp.grad_block)
                np.dot(lp.weights_t, lp.delta, out=below.delta)
                below.activation.backward(below.z, below.a, below.delta, below.scratch)
        return value

    def step(self, batches: int = 1) -> float:
        """Train on the next batch (or `batches` batches, stopping where the epoch ends); returns the last loss.

        Finishing a batch may finish the epoch. Several batches in one call cost
        less per batch (plain SGD runs them in the generated loop, see sgd_loop).
        """
        with _quiet():
            if batches > 1 and self._data is not None and len(self._bounds) > 1 and self._takes_sgd_loop(True):
                return self._mini_batch_loop().run_batches(self, batches)
            value = self._step()
            for _ in range(batches - 1):
                if self.batch_index == 0:   # the epoch ended (or training diverged)
                    break
                value = self._step()
            return value

    def _mini_batch_loop(self) -> MiniBatchLoop:
        loop = self._mini_batch
        if loop is None or not loop.fits(self):
            loop = self._mini_batch = MiniBatchLoop(self)
        return loop

    def _step(self) -> float:
        if self._data is None:
            raise RuntimeError("call set_data (or fit) before training")
        if self.batch_index == 0:
            self._start_epoch()
        bounds = self._bounds
        start, stop = bounds[self.batch_index]
        if len(bounds) == 1:
            inputs, targets = self._data, self._targets
        else:
            inputs, targets = self._data[:, start:stop], self._targets[:, start:stop]
        value = self.compute_gradients(inputs, targets, self.optimizer.gradient_scale,
                                       self.plan_for(stop - start))
        if not math.isfinite(value):
            self._diverge(f"the loss became {value} at epoch {self.epoch + 1}")
            return value
        if self._has_frozen:
            self.grad[self._frozen] = 0.0
        self.optimizer.apply(self.net.params, self.grad)
        self._epoch_loss_sum += value * (stop - start)
        self.batch_index += 1
        if self.batch_index == len(bounds):
            self._finish_epoch()
        return value

    def _start_epoch(self) -> None:
        np.copyto(self._epoch_start_params, self.net.params)
        self._epoch_loss_sum = 0.0
        if self.shuffle and len(self._bounds) > 1:
            self._order = self.rng.permutation(self.n_samples)
            self._apply_order()

    def _apply_order(self) -> None:
        """Gather the samples in `_order` into reused buffers (no new arrays per epoch)."""
        if self._shuffled_rows is None:
            self._shuffled_rows = (np.empty_like(self._rows), np.empty_like(self._target_rows))
        rows, targets = self._shuffled_rows
        assert self._order is not None
        np.take(self._rows, self._order, axis=0, out=rows)
        np.take(self._target_rows, self._order, axis=0, out=targets)
        self._data, self._targets = rows.T, targets.T

    def _finish_epoch(self) -> None:
        self.batch_index = 0
        self.epoch += 1
        self.history.loss.append(self._epoch_loss_sum / self.n_samples)
        if self._validation is not None:
            self.history.val_loss.append(self.evaluate_loss(*self._validation))
        if not math.isfinite(np.add.reduce(self.net.params)):  # inf or NaN anywhere shows in the sum
            self._diverge(f"a weight became infinite or NaN at epoch {self.epoch}")

    def _diverge(self, what: str) -> None:
        np.copyto(self.net.params, self._epoch_start_params)
        self.batch_index = 0
        self.diverged = True
        self.stop_reason = "diverged"
        self.divergence_message = (f"Training diverged: {what}. The last finite weights were kept; "
                                   f"lower the learning rate (now {self.learning_rate:g}) and try again.")

    # --- epochs ---------------------------------------------------------------

    def run_epoch(self) -> float:
        """Finish the current epoch (all of it if none is under way); returns its loss."""
        with _quiet():
            return self._run_epoch()

    def _run_epoch(self) -> float:
        while True:
            self._step()
            if self.diverged:
                return math.nan
            if self.batch_index == 0:
                return self.history.loss[-1]

    def fit(self, X=None, y=None, epochs: int = 1, callback: Callable[["Trainer"], bool] | None = None,
            target_loss: float | None = None, X_val=None, y_val=None) -> History:
        """Train `epochs` more epochs (after set_data if X, y are given).

        Stops early when the loss reaches `target_loss`, when `callback(trainer)`
        returns True, or on divergence; `stop_reason` says which.
        """
        if X is not None:
            self.set_data(X, y, X_val, y_val)
        self.stop_reason = "epochs"
        self.diverged = False
        epochs = int(epochs)
        if epochs < 1:
            return self.history
        with _quiet():
            if self.batch_index and self._takes_sgd_loop(any_batch=True):   # finish the epoch under way first
                loss = self._run_epoch()
                epochs -= 1
                if self.diverged or self._stops(loss, target_loss, callback) or not epochs:
                    return self.history
            if self._takes_sgd_loop() and len(self._bounds) > 1:
                self._mini_batch_loop().run(self, epochs, target_loss, callback)
                return self.history
            if self._takes_sgd_loop():
                if callback is None:
                    self._fit_full_batch(epochs, target_loss)
                else:
                    for _ in range(epochs):
                        if self._fit_full_batch(1, target_loss):
                            break
                        if callback(self):
                            self.stop_reason = "callback"
                            break
                return self.history
            for _ in range(epochs):
                loss = self._run_epoch()
                if self.diverged:
                    break
                if target_loss is not None and loss <= target_loss:
                    self.stop_reason = "target_loss"
                    break
                if callback is not None and callback(self):
                    self.stop_reason = "callback"
                    break
        return self.history

    def _takes_sgd_loop(self, any_batch: bool = False) -> bool:
        """Plain SGD with nothing to mask or validate, from an epoch's start: the generated loops (sgd_loop)."""
        return ((any_batch or self.batch_index == 0) and self._data is not None and type(self.optimizer) is SGD
                and not self._has_frozen and self._validation is None and self._output_rule != "perceptron")

    def _stops(self, loss: float, target_loss: float | None, callback) -> bool:
        if target_loss is not None and loss <= target_loss:
            self.stop_reason = "target_loss"
            return True
        if callback is not None and callback(self):
            self.stop_reason = "callback"
            return True
        return False

    def _batch_source(self, shuffled: bool) -> tuple[np.ndarray, np.ndarray]:
        """Row-major samples and targets the batches are views of (the shuffle buffers when shuffling)."""
        if shuffled:
            if self._shuffled_rows is None:
                self._shuffled_rows = (np.empty_like(self._rows), np.empty_like(self._target_rows))
            return self._shuffled_rows
        assert self._data is not None
        return self._data.T, self._targets.T

    def _fit_full_batch(self, epochs: int, target_loss: float | None) -> bool:
        """`epochs` epochs through FullBatchLoop, with fit's bookkeeping; True if training stopped."""
        loop = self._full_batch
        assert self._data is not None
        if loop is None or loop.loss is not self.loss or loop.inputs is not self._data:
            loop = self._full_batch = FullBatchLoop(self, self.plan_for(self.n_samples), self._data, self._targets)
        params, start = self.net.params, self.epoch
        values: list = []
        done, bad, current, previous = loop.run(params, epochs, values.append, target_loss, self.learning_rate)
        self.history.loss.extend(values, loop.divisor)
        self.epoch = start + done
        if done:
            self._epoch_loss_sum = self.history.loss[-1] * self.n_samples
            loop.store(previous, self._epoch_start_params)
        if bad is not None and np.isfinite(current).all():
            loop.store(current, params)
            np.copyto(self._epoch_start_params, params)
            self._diverge(f"the loss became {bad / loop.divisor} at epoch {self.epoch + 1}")
            return True
        if bad is not None or not np.isfinite(current).all():
            # The last update made a weight infinite or NaN: keep the weights from before it.
            if done and np.isfinite(previous).all():
                self._diverge(f"a weight became infinite or NaN at epoch {self.epoch}")
            else:  # infinite weights behind a finite (saturated) loss: back to where this call began
                self.epoch = start
                self.history.loss.truncate(len(self.history.loss) - done)
                np.copyto(self._epoch_start_params, params)
                self._diverge(f"a weight became infinite or NaN after epoch {start}")
            return True
        loop.store(current, params)
        if target_loss is not None and self.history.loss[-1] <= target_loss:
            self.stop_reason = "target_loss"
            return True
        return False

    # --- evaluation -----------------------------------------------------------

    def evaluate_loss(self, X, y) -> float:
        """The loss of the current weights on (X, y) (samples × features)."""
        z, a = self.net.forward(X)[-1]
        targets = np.asarray(y, dtype=self.net.dtype).reshape(a.shape[1], -1).T
        if self._output_rule == "fused":
            return self.loss.from_logits(z, targets)
        return self.loss(a, targets)

    # --- state for sessions -----------------------------------------------------

    def get_state(self) -> dict:
        """Everything that makes the next steps deterministic (arrays + JSON-able values)."""
        return {
            "epoch": self.epoch, "batch_index": self.batch_index,
            "epoch_loss_sum": self._epoch_loss_sum, "rng": self.rng.bit_generator.state,
            "order": None if self._order is None else self._order.copy(),
            "optimizer": self.optimizer.get_state(), "history": self.history.as_dict(),
            "frozen": self._frozen.copy(), "epoch_start_params": self._epoch_start_params.copy(),
        }

    def set_state(self, state: dict) -> None:
        """Restore `get_state()` output; call after `set_data` with the same samples."""
        self.epoch = int(state["epoch"])
        self.rng.bit_generator.state = state["rng"]
        self.optimizer.set_state(state["optimizer"])
        self.history = History.from_dict(state["history"])
        self.set_frozen(slice(None), False)
        self.set_frozen(np.asarray(state.get("frozen", self._frozen), bool))
        np.copyto(self._epoch_start_params, state.get("epoch_start_params", self.net.params))
        order = state.get("order")
        self._order = None if order is None else np.asarray(order)
        if self._data is not None and self._order is not None and self._order.size == self.n_samples:
            self._apply_order()
        self.batch_index = int(state["batch_index"])
        self._epoch_loss_sum = float(state["epoch_loss_sum"])
