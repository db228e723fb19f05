"""Trainer: batches, forward/backward passes, updates, history, stop conditions.

The hot loop works on preallocated feature-major buffers: the data carries a
row of ones (so the bias is one more column of each layer's matrix), every
product writes into its buffer with `out=`, and the optimizer updates one flat
parameter vector. For SGD the learning rate is folded into the output delta.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from fcviz.core.losses import Loss, get_loss
from fcviz.core.network import Network
from fcviz.core.optimizers import Optimizer, get_optimizer


class GrowingArray:
    """An append-only float array with amortised growth (history without per-epoch objects)."""

    def __init__(self, values=()):
        values = np.asarray(values, dtype=np.float64)
        self._data = np.empty(max(1024, 2 * values.size))
        self._data[: values.size] = values
        self._size = values.size

    def append(self, value: float) -> None:
        if self._size == self._data.size:
            self._data = np.concatenate([self._data, np.empty(self._data.size)])
        self._data[self._size] = value
        self._size += 1

    def array(self) -> np.ndarray:
        return self._data[: self._size].copy()

    def __len__(self):
        return self._size

    def __getitem__(self, index):
        return self._data[: self._size][index]


@dataclass
class History:
    """Per-epoch records: `loss[k-1]` is the loss of epoch k."""

    loss: GrowingArray = field(default_factory=GrowingArray)
    val_loss: GrowingArray = field(default_factory=GrowingArray)

    def as_dict(self) -> dict[str, np.ndarray]:
        out = {"loss": self.loss.array()}
        if len(self.val_loss):
            out["val_loss"] = self.val_loss.array()
        return out

    @classmethod
    def from_dict(cls, arrays: dict) -> "History":
        return cls(GrowingArray(arrays.get("loss", ())), GrowingArray(arrays.get("val_loss", ())))


@dataclass
class _Buffers:
    """Work arrays for one batch size: z, activations (with ones row), deltas."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    y: np.ndarray


class Trainer:
    """Trains a Network on (X, y) with a loss and an optimizer.

    `batch_size=None` means full batch. The loss of epoch k is, for full batch,
    the loss of the forward pass before that epoch's update; for mini-batches
    the mean of the batch losses weighted by batch size (Keras' convention).
    """

    def __init__(self, net: Network, loss="mse", optimizer="sgd", lr: float = 0.01,
                 batch_size: int | None = None, shuffle: bool = True, seed: int = 0,
                 **optimizer_options):
        self.net = net
        self.loss: Loss = get_loss(loss)
        self.optimizer: Optimizer = get_optimizer(optimizer, lr, **optimizer_options)
        if batch_size is not None and int(batch_size) < 1:
            raise ValueError(f"the batch size must be at least 1, not {batch_size}")
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.epoch = 0               # completed epochs
        self.batch_index = 0         # next batch within the current epoch
        self.diverged = False
        self.stop_reason = ""
        self.grad = np.zeros_like(net.params)
        self.frozen = np.zeros(net.params.size, bool)
        self._order: np.ndarray | None = None
        self._epoch_loss_sum = 0.0
        self._epoch_start_params = net.params.copy()
        self._data: np.ndarray | None = None
        self._targets: np.ndarray | None = None
        self._validation: tuple[np.ndarray, np.ndarray] | None = None
        self._buffers: dict[int, _Buffers] = {}
        self._check_pairing()

    # --- settings -------------------------------------------------------------

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = value

    @property
    def output_rule(self) -> str:
        """How the output delta is formed: 'fused', 'perceptron' or 'chain'."""
        name = self.net.layers[-1].activation.name
        if name == "heaviside":
            return "perceptron"
        return "fused" if name == self.loss.fuses_with else "chain"

    def _check_pairing(self) -> None:
        out = self.net.layers[-1].activation.name
        if out == "softmax" and self.loss.name != "cce" and self.net.layer_sizes[-1] == 1:
            raise ValueError("softmax over a single output is always 1; use sigmoid for one output")

    def config(self) -> dict:
        return {"loss": self.loss.name, "optimizer": self.optimizer.config(),
                "batch_size": self.batch_size, "shuffle": self.shuffle, "seed": self.seed}

    @classmethod
    def from_config(cls, net: Network, config: dict) -> "Trainer":
        """A fresh trainer (epoch 0) with the settings of `config()`."""
        options = dict(config["optimizer"])
        name, lr = options.pop("name"), options.pop("learning_rate")
        return cls(net, config["loss"], name, lr, config.get("batch_size"), config.get("shuffle", True),
                   config.get("seed", 0), **options)

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
        self._source = np.vstack([X.T, np.ones((1, len(X)), net.dtype)])  # (n_in + 1, n)
        self._source_targets = np.ascontiguousarray(y.T)
        self._data, self._targets = self._source, self._source_targets
        if X_val is not None and len(X_val):
            self._validation = (np.asarray(X_val, net.dtype), np.asarray(y_val, net.dtype).reshape(len(X_val), -1))
        else:
            self._validation = None
        self._buffers.clear()
        self.batch_index = 0
        self._epoch_loss_sum = 0.0

    @property
    def n_samples(self) -> int:
        return 0 if self._data is None else self._data.shape[1]

    def _batch_bounds(self) -> list[tuple[int, int]]:
        n = self.n_samples
        size = n if self.batch_size is None else min(self.batch_size, n)
        return [(start, min(start + size, n)) for start in range(0, n, size)]

    def _buffers_for(self, size: int) -> _Buffers:
        buffers = self._buffers.get(size)
        if buffers is None:
            dtype = self.net.dtype
            z = [np.empty((layer.units, size), dtype) for layer in self.net.layers]
            a = [np.ones((layer.units + 1, size), dtype) for layer in self.net.layers]
            delta = [np.empty((layer.units, size), dtype) for layer in self.net.layers]
            buffers = self._buffers[size] = _Buffers(z, a, delta, np.empty((self.net.layer_sizes[-1], size), dtype))
        return buffers

    # --- one batch ------------------------------------------------------------

    def compute_gradients(self, inputs: np.ndarray, targets: np.ndarray, scale: float = 1.0,
                          buffers: _Buffers | None = None) -> float:
        """Forward and backward over one batch; fills `self.grad` with scale·∂L/∂params.

        `inputs` is feature-major with a ones row, (n_in + 1, b); `targets` (n_out, b).
        Returns the batch loss.
        """
        net, loss = self.net, self.loss
        size = inputs.shape[1]
        buf = buffers or self._buffers_for(size)
        layers = net.layers
        previous = inputs
        for layer, z, a in zip(layers, buf.z, buf.a):
            np.dot(layer.matrix, previous[: layer.matrix.shape[1]], out=z)
            layer.activation(z, out=a[: layer.units])
            previous = a
        out_layer = layers[-1]
        z_out, y_hat, delta = buf.z[-1], buf.a[-1][: out_layer.units], buf.delta[-1]
        rule = self.output_rule
        if rule == "fused":
            value = loss.from_logits(z_out, targets)
            loss.fused_delta(y_hat, targets, out=delta)
            if scale != 1.0:
                delta *= scale
        elif rule == "perceptron":
            value = loss(y_hat, targets)
            np.subtract(y_hat, targets, out=delta)
            delta *= scale / size
        else:
            value = loss(y_hat, targets)
            loss.gradient(y_hat, targets, out=delta)
            if scale != 1.0:
                delta *= scale
            out_layer.activation.backward(z_out, y_hat, delta)
        for index in range(len(layers) - 1, -1, -1):
            layer = layers[index]
            below = inputs if index == 0 else buf.a[index - 1]
            fan = layer.matrix.shape[1]
            grad_block = self.grad[self._offsets[index]: self._offsets[index + 1]].reshape(layer.matrix.shape)
            np.dot(buf.delta[index], below[:fan].T, out=grad_block)
            if index:
                lower = buf.delta[index - 1]
                np.dot(layer.matrix[:, : layer.fan_in].T, buf.delta[index], out=lower)
                layers[index - 1].activation.backward(buf.z[index - 1], below[: layer.fan_in], lower)
        return value

    @property
    def _offsets(self) -> list[int]:
        offsets = getattr(self, "_offset_cache", None)
        if offsets is None:
            offsets = [0]
            for layer in self.net.layers:
                offsets.append(offsets[-1] + layer.n_params)
            self._offset_cache = offsets
        return offsets

    def step(self) -> float:
        """Train on the next batch; returns its loss. Finishing a batch may finish the epoch."""
        if self._data is None:
            raise RuntimeError("call set_data (or fit) before training")
        bounds = self._batch_bounds()
        if self.batch_index == 0:
            self._start_epoch()
        start, stop = bounds[self.batch_index]
        inputs = self._data[:, start:stop]
        targets = self._targets[:, start:stop]
        value = self.compute_gradients(inputs, targets, self.optimizer.gradient_scale)
        if not math.isfinite(value):
            self._diverge(f"the loss became {value} at epoch {self.epoch + 1}")
            return value
        if self._any_frozen:
            self.grad[self.frozen] = 0.0
        self.optimizer.apply(self.net.params, self.grad)
        self._epoch_loss_sum += value * (stop - start)
        self.batch_index += 1
        if self.batch_index == len(bounds):
            self._finish_epoch()
        return value

    def _start_epoch(self) -> None:
        self._epoch_start_params[...] = self.net.params
        self._epoch_loss_sum = 0.0
        if self.shuffle and self.batch_size is not None and self.batch_size < self.n_samples:
            order = self.rng.permutation(self.n_samples)
            self._order = order
            self._data = self._source[:, order]
            self._targets = self._source_targets[:, order]

    def _finish_epoch(self) -> None:
        self.batch_index = 0
        self.epoch += 1
        self.history.loss.append(self._epoch_loss_sum / self.n_samples)
        if self._validation is not None:
            self.history.val_loss.append(self.evaluate_loss(*self._validation))
        if not np.isfinite(self.net.params).all():
            self._diverge(f"a weight became infinite or NaN at epoch {self.epoch}")

    def _diverge(self, what: str) -> None:
        self.net.params[...] = self._epoch_start_params
        self.batch_index = 0
        self.diverged = True
        self.stop_reason = "diverged"
        self.divergence_message = (f"Training diverged: {what}. The last finite weights were kept; "
                                   f"lower the learning rate (now {self.learning_rate:g}) and try again.")

    @property
    def _any_frozen(self) -> bool:
        return bool(self.frozen.any()) if self.frozen.size < 4096 else self.frozen.any()

    # --- epochs ---------------------------------------------------------------

    def run_epoch(self) -> float:
        """Finish the current epoch (all of it if none is under way); returns its loss."""
        n_batches = len(self._batch_bounds())
        while True:
            self.step()
            if self.diverged:
                return math.nan
            if self.batch_index == 0:
                return self.history.loss[-1]
            if self.batch_index >= n_batches:
                break

    def fit(self, X=None, y=None, epochs: int = 1, callback: Callable[["Trainer"], bool] | None = None,
            target_loss: float | None = None, X_val=None, y_val=None) -> History:
        """Train `epochs` more epochs (after set_data if X, y are given).

        Stops early when the loss reaches `target_loss`, when `callback(trainer)`
        returns True, or on divergence; `stop_reason` says which.
        """
        if X is not None:
            self.set_data(X, y, X_val, y_val)
        self.stop_reason = ""
        self.diverged = False
        for _ in range(int(epochs)):
            loss = self.run_epoch()
            if self.diverged:
                break
            if target_loss is not None and loss <= target_loss:
                self.stop_reason = "target_loss"
                break
            if callback is not None and callback(self):
                self.stop_reason = "callback"
                break
        else:
            self.stop_reason = "epochs"
        return self.history

    # --- evaluation -----------------------------------------------------------

    def evaluate_loss(self, X, y) -> float:
        """The loss of the current weights on (X, y) (samples × features)."""
        z, a = self.net.forward(X)[-1]
        targets = np.asarray(y, dtype=self.net.dtype).reshape(len(a.T), -1).T
        if self.output_rule == "fused":
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
            "frozen": self.frozen.copy(), "epoch_start_params": self._epoch_start_params.copy(),
        }

    def set_state(self, state: dict) -> None:
        self.epoch = int(state["epoch"])
        self.rng.bit_generator.state = state["rng"]
        self.optimizer.set_state(state["optimizer"])
        self.history = History.from_dict(state["history"])
        self.frozen[...] = state.get("frozen", False)
        self._epoch_start_params[...] = state.get("epoch_start_params", self.net.params)
        order = state.get("order")
        self._order = None if order is None else np.asarray(order)
        if self._data is not None and self._order is not None and self._order.size == self.n_samples:
            self._data = self._source[:, self._order]
            self._targets = self._source_targets[:, self._order]
        self.batch_index = int(state["batch_index"])
        self._epoch_loss_sum = float(state["epoch_loss_sum"])
