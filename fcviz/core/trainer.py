"""Trainer: data, batches, the optimizer, history, and one policy for stopping and divergence.

The passes themselves run in a loop object (`numpy_loop.NumpyLoop`, the
reference, or `compiled_loop.CompiledLoop`, see `engine`), which advances an
explicit `LoopState` (batch within the epoch, loss sum, sample order, weights
at the epoch's start) and reports a `Progress`; the trainer turns that into
epochs, history and stop reasons, the same way for every engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from fcviz.core import engine
from fcviz.core.compiled_loop import CompiledLoop
from fcviz.core.history import History
from fcviz.core.loop_state import BAD_LOSS, BAD_WEIGHTS, TARGET, LoopState, Progress
from fcviz.core.losses import Loss, get_loss
from fcviz.core.network import Network
from fcviz.core.numpy_loop import NumpyLoop, ReferencePass
from fcviz.core.optimizers import Optimizer, get_optimizer


def _quiet() -> np.errstate:
    """Overflow and NaN are detected explicitly (divergence): NumPy need not warn."""
    return np.errstate(over="ignore", invalid="ignore", under="ignore")


@dataclass(frozen=True)
class TrainingData:
    """The samples a trainer uses, one per row in the network's dtype, and its batches."""

    X: np.ndarray          # (n, inputs), C-contiguous
    Y: np.ndarray          # (n, outputs)
    X_val: np.ndarray      # held-out samples, (m, inputs); m may be 0
    Y_val: np.ndarray
    batch_size: int        # at most n

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def n_val(self) -> int:
        return len(self.X_val)

    @property
    def n_batches(self) -> int:
        return -(-self.n // self.batch_size)

    def bounds(self, batch: int) -> tuple[int, int]:
        start = batch * self.batch_size
        return start, min(start + self.batch_size, self.n)


def choose_output_rule(net: Network, loss: Loss) -> str:
    """How the output delta is formed for `net` trained on `loss`: 'fused' (ŷ − y), 'perceptron' or 'chain'."""
    out = net.layers[-1].activation.name
    if out == "softmax" and net.layer_sizes[-1] == 1:
        raise ValueError("softmax over a single output is always 1; use sigmoid for one output")
    if out == "heaviside":
        return "perceptron"
    return "fused" if out == loss.fuses_with else "chain"


class Trainer:
    """Trains a Network on (X, y) with a loss and an optimizer.

    `batch_size=None` means full batch. The loss of epoch k is, for full batch,
    the loss of the forward pass before that epoch's update; for mini-batches
    the mean of the batch losses weighted by batch size (Keras' convention).
    `dtype` ("float64", the default, or "float32") converts the network in place;
    None keeps the network's. `engine` ("compiled" or "numpy") overrides the
    choice of `engine.choose`.
    """

    def __init__(self, net: Network, loss="mse", optimizer="sgd", lr: float = 0.01,
                 batch_size: int | None = None, shuffle: bool = True, seed: int = 0,
                 dtype=None, engine: str | None = None, **optimizer_options):
        if dtype is not None:   # float32 or float64; None keeps the network's
            net.set_dtype(dtype)
        self.net = net
        self.loss: Loss = get_loss(loss)
        self.optimizer: Optimizer = get_optimizer(optimizer, lr, **optimizer_options)
        self.data: TrainingData | None = None
        self._batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.history = History()
        self.epoch = 0               # completed epochs
        self.loop_state = LoopState(net.params.copy())
        self.diverged = False
        self.stop_reason = ""
        self.divergence_message = ""
        self.grad = np.zeros_like(net.params)
        self._frozen = np.zeros(net.params.size, bool)
        self._output_rule = choose_output_rule(net, self.loss)
        self._engine_override = engine
        self._loop: NumpyLoop | CompiledLoop | None = None
        self.reference = ReferencePass(self)   # one batch through the NumPy reference, for inspection

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
    def engine(self) -> str:
        """'compiled' or 'numpy': which loop trains this network (see fcviz.core.engine)."""
        if self._engine_override is not None:
            return self._engine_override
        return engine.choose(self.net)

    @property
    def running_engine(self) -> str:
        """The engine that trains now: `engine`, or NumPy standing in for the compiled one while its kernels
        compile in another process (the window on a cold cache: `engine.WARM_UP.standing_in`)."""
        chosen = self.engine
        if self._engine_override is None and chosen == engine.COMPILED and engine.WARM_UP.standing_in():
            return engine.NUMPY
        return chosen

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
        self.loop_state.batch_index = 0
        if self.data is not None:
            self._use_data(self.data.X, self.data.Y, self.data.X_val, self.data.Y_val)

    @property
    def shuffled(self) -> bool:
        """Whether the next epoch draws a new sample order (shuffle on, more than one batch)."""
        return self.shuffle and self.data is not None and self.data.n_batches > 1

    @property
    def output_rule(self) -> str:
        """How the output delta is formed: 'fused' (ŷ − y), 'perceptron' or 'chain' (rule)."""
        return self._output_rule

    @property
    def frozen(self) -> np.ndarray:
        """Read-only mask of parameters excluded from updates (change it with `set_frozen`)."""
        view = self._frozen.view()
        view.flags.writeable = False
        return view

    def set_frozen(self, which, frozen: bool = True) -> None:
        """Freeze (or unfreeze) parameters given by index, index array, slice or boolean mask."""
        self._frozen[which] = frozen

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
        if X_val is None or not len(X_val):
            X_val, y_val = np.empty((0, X.shape[1])), np.empty((0, y.shape[1]))
        X_val = np.asarray(X_val, net.dtype).reshape(len(X_val), X.shape[1])
        self._use_data(X, y, X_val, np.asarray(y_val, net.dtype).reshape(len(X_val), y.shape[1]))
        self.loop_state.order = None
        self.loop_state.batch_index = 0
        self.loop_state.loss_sum = 0.0

    def _use_data(self, X, y, X_val, y_val) -> None:
        size = len(X) if self._batch_size is None else min(self._batch_size, len(X))
        contiguous = np.ascontiguousarray
        self.data = TrainingData(contiguous(X), contiguous(y), contiguous(X_val), contiguous(y_val), size)
        self._loop = None

    @property
    def n_samples(self) -> int:
        return 0 if self.data is None else self.data.n

    @property
    def n_batches(self) -> int:
        """Batches in one epoch."""
        return 0 if self.data is None else self.data.n_batches

    @property
    def batch_index(self) -> int:
        """The next batch within the current epoch (0: a new epoch starts)."""
        return self.loop_state.batch_index

    def batch(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Samples and targets (rows) of batch `index` in the current epoch's order."""
        data = self._data()
        start, stop = data.bounds(index)
        rows = slice(start, stop) if self.loop_state.order is None else self.loop_state.order[start:stop]
        return data.X[rows], data.Y[rows]

    def _data(self) -> TrainingData:
        if self.data is None:
            raise RuntimeError("call set_data (or fit) before training")
        return self.data

    # --- training -----------------------------------------------------------------

    def _advance(self, epochs: int, batches: int, target: float = -math.inf) -> Progress:
        """Run the loop of `running_engine`, then the one policy: epochs and history recorded, divergence undone.

        A new loop when the running engine changed: the compiled engine takes over from NumPy at a
        chunk's boundary (both advance the same `LoopState`)."""
        self._data()
        name = self.running_engine
        if self._loop is None or self._loop.name != name:
            engine.limit_blas_threads()
            self._loop = CompiledLoop(self) if name == engine.COMPILED else NumpyLoop(self)
        with _quiet():
            progress = self._loop.advance(self, self.loop_state, epochs, batches, target)
        if progress.epochs:
            self.epoch += progress.epochs
            self.history.loss.extend(progress.epoch_losses)
            if len(progress.val_losses):
                self.history.val_loss.extend(progress.val_losses)
        if progress.status == BAD_LOSS:
            self._diverge(f"the loss became {progress.value} at epoch {self.epoch + 1}")
        elif progress.status == BAD_WEIGHTS:
            self._diverge(f"a weight became infinite or NaN at epoch {self.epoch}")
        return progress

    def _diverge(self, what: str) -> None:
        np.copyto(self.net.params, self.loop_state.epoch_start)
        self.loop_state.batch_index = 0
        self.diverged = True
        self.stop_reason = "diverged"
        self.divergence_message = (f"Training diverged: {what}. The last finite weights were kept; "
                                   f"lower the learning rate (now {self.learning_rate:g}) and try again.")

    def step(self, batches: int = 1) -> float:
        """Train on the next batch (or `batches` batches, stopping where the epoch ends); returns the last loss."""
        return self._advance(1, max(1, int(batches))).value

    def run_epoch(self) -> float:
        """Finish the current epoch (all of it if none is under way); returns its loss (NaN if it diverged)."""
        progress = self._advance(1, self._data().n_batches)
        return math.nan if self.diverged else float(progress.epoch_losses[-1])

    def fit(self, X=None, y=None, epochs: int = 1, callback: Callable[["Trainer"], bool] | None = None,
            target_loss: float | None = None, X_val=None, y_val=None) -> History:
        """Train `epochs` more epochs (after set_data if X, y are given); an epoch under way counts as one.

        Stops early when the loss reaches `target_loss`, when `callback(trainer)`
        returns True (called after every epoch), or on divergence; `stop_reason` says which.
        """
        if X is not None:
            self.set_data(X, y, X_val, y_val)
        self.stop_reason = "epochs"
        self.diverged = False
        remaining = int(epochs)
        if remaining < 1:
            return self.history
        data = self._data()
        target = -math.inf if target_loss is None else float(target_loss)
        while remaining > 0:
            chunk = 1 if callback is not None else remaining
            progress = self._advance(chunk, chunk * data.n_batches, target)
            remaining -= progress.epochs
            if self.diverged:
                break
            if progress.status == TARGET:
                self.stop_reason = "target_loss"
                break
            if callback is not None and callback(self):
                self.stop_reason = "callback"
                break
        return self.history

    # --- evaluation -----------------------------------------------------------

    def evaluate_loss(self, X, y) -> float:
        """The loss of the current weights on (X, y) (samples × features)."""
        return self.loss_and_outputs(X, y)[0]

    def loss_and_outputs(self, X, y) -> tuple[float, np.ndarray]:
        """The loss of the current weights on (X, y) and the outputs (samples × outputs), one forward pass."""
        z, a = self.net.forward(X)[-1]
        targets = np.asarray(y, dtype=self.net.dtype).reshape(a.shape[1], -1).T
        loss = self.loss.from_logits(z, targets) if self._output_rule == "fused" else self.loss(a, targets)
        return loss, a.T

    # --- state for sessions -----------------------------------------------------

    def get_state(self) -> dict:
        """Everything that makes the next steps deterministic (arrays + JSON-able values)."""
        run = self.loop_state
        return {
            "epoch": self.epoch, "batch_index": run.batch_index,
            "epoch_loss_sum": run.loss_sum, "rng": self.rng.bit_generator.state,
            "order": None if run.order is None else run.order.copy(),
            "optimizer": self.optimizer.get_state(), "history": self.history.as_dict(),
            "frozen": self._frozen.copy(), "epoch_start_params": run.epoch_start.copy(),
        }

    def set_state(self, state: dict) -> None:
        """Restore `get_state()` output; call after `set_data` with the same samples."""
        self.epoch = int(state["epoch"])
        self.rng.bit_generator.state = state["rng"]
        self.optimizer.set_state(state["optimizer"])
        self.history = History.from_dict(state["history"])
        self.set_frozen(slice(None), False)
        self.set_frozen(np.asarray(state.get("frozen", self._frozen), bool))
        run = self.loop_state
        np.copyto(run.epoch_start, state.get("epoch_start_params", self.net.params))
        order = state.get("order")
        run.order = None if order is None else np.asarray(order, np.int64)
        if run.order is not None and run.order.size != self.n_samples:
            run.order = None
        run.batch_index = int(state["batch_index"])
        run.loss_sum = float(state["epoch_loss_sum"])

