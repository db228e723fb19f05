"""The compiled engine: chunks of epochs in one GIL-free call of `kernels.train_chunk`.

The sample orders of shuffled epochs are the trainer's NumPy RNG's, drawn
before the kernel runs (as many as the chunk may start) by `shuffle_kernel`,
bit for bit as `loop_state.sample_order` draws them but without the GIL; the
RNG is then left advanced by exactly the orders the chunk used, so its state
is the NumPy engine's at every epoch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fcviz.core import engine
from fcviz.core.loop_state import BAD_LOSS, LoopState, Progress
from fcviz.core.optimizers import Adam, Momentum
from fcviz.core.timeline import RNG_WORDS, rng_state, rng_words

if TYPE_CHECKING:
    from fcviz.core.trainer import Trainer

MAX_EPOCHS_PER_CALL = 1 << 16     # bounds the loss buffers of one kernel call
MAX_ORDER_ENTRIES = 1 << 20       # bounds the pre-drawn sample orders of one call


class CompiledLoop:
    """Holds the layer table, the work arrays and the data in the kernel's layout."""

    name = "compiled"

    def __init__(self, trainer: "Trainer"):
        data, net = trainer.data, trainer.net
        assert data is not None
        kernels = engine.kernels()
        self.kernel = kernels.train_chunk
        self.draw_orders = engine.shuffle_kernel().draw_orders
        table, column, offset = [], net.layer_sizes[0], 0
        for layer in net.layers:
            table.append((layer.fan_in, layer.units, int(layer.use_bias), offset,
                          kernels.ACTIVATION_CODES[layer.activation.name], column))
            column += layer.units
            offset += layer.n_params
        self.layers = np.array(table, np.int64)
        self.loss = kernels.LOSS_CODES[trainer.loss.name]
        self.rule = kernels.RULE_CODES[trainer.output_rule]
        self.optimizer = kernels.OPTIMIZER_CODES[trainer.optimizer.name]
        width = data.batch_size
        dtype = net.dtype
        self.Z, self.A, self.D = (np.zeros((column, width), dtype) for _ in range(3))
        self.X, self.Y = data.X, data.Y
        self.X_val, self.Y_val = data.X_val, data.Y_val
        self.identity = np.arange(data.n, dtype=np.int64)[None, :]
        self.val_index = np.arange(data.n_val, dtype=np.int64)
        self.no_slot = np.zeros(0, dtype)

    def _draw_orders(self, rng: np.random.Generator, orders: np.ndarray) -> np.ndarray:
        """Fill the rows of `orders` with the RNG's next sample orders (as `sample_order` draws them, in one
        GIL-free call); row k of the result is the RNG's state after k of them, as `rng_words`."""
        states = np.empty((len(orders) + 1, RNG_WORDS), np.uint64)
        self.draw_orders(rng_words(rng.bit_generator.state), orders, states)
        return states

    def _optimizer_arrays(self, trainer: "Trainer") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(settings, first slot, second slot, iterations) for the kernel, made from the optimizer's state."""
        opt, params = trainer.optimizer, trainer.net.params
        settings = np.array([opt.learning_rate, getattr(opt, "momentum", 0.0), getattr(opt, "beta_1", 0.0),
                             getattr(opt, "beta_2", 0.0), getattr(opt, "epsilon", 0.0)])
        first = second = self.no_slot
        iterations = np.zeros(1, np.int64)
        if isinstance(opt, Momentum):
            if opt.velocity is None:
                opt.velocity = np.zeros_like(params)
            first = opt.velocity
        elif isinstance(opt, Adam):
            if opt.m is None or opt.v is None:
                opt.m, opt.v = np.zeros_like(params), np.zeros_like(params)
            first, second = opt.m, opt.v
            iterations[0] = opt.iterations
        return settings, first, second, iterations

    def advance(self, trainer: "Trainer", run: LoopState, epochs: int, batches: int, target: float) -> Progress:
        """As `NumpyLoop.advance`, in kernel calls of at most MAX_EPOCHS_PER_CALL epochs."""
        data = trainer.data
        assert data is not None
        settings, first, second, iterations = self._optimizer_arrays(trainer)
        frozen = trainer.frozen
        losses: list[np.ndarray] = []
        val_losses: list[np.ndarray] = []
        done, progress = 0, None
        while True:
            shuffled = trainer.shuffled
            continuing = run.batch_index > 0
            left = data.n_batches - run.batch_index if continuing else 0
            room = MAX_ORDER_ENTRIES // data.n if shuffled else MAX_EPOCHS_PER_CALL
            call_epochs = max(1, min(epochs - len(losses), MAX_EPOCHS_PER_CALL, room))
            call_batches = batches - done
            starts = min(call_epochs - continuing, -(-max(call_batches - left, 0) // data.n_batches))
            if shuffled:
                orders = np.empty((continuing + starts, data.n), np.int64)
                if continuing:
                    orders[0] = self.identity[0] if run.order is None else run.order
                rng_states = self._draw_orders(trainer.rng, orders[continuing:])
            else:
                orders = self.identity if run.order is None else run.order[None, :].astype(np.int64)
            loss_sum = np.array([run.loss_sum])
            epoch_losses, epoch_val = np.empty(call_epochs), np.empty(call_epochs)
            status, call_done, call_ends, value, rows = self.kernel(
                trainer.net.params, trainer.grad, run.epoch_start, frozen, self.layers, self.loss, self.rule,
                self.optimizer, settings, first, second, iterations, self.X, self.Y, orders, shuffled,
                data.batch_size, run.batch_index, loss_sum, call_batches, call_epochs, target,
                self.X_val, self.Y_val, self.val_index, self.Z, self.A, self.D, epoch_losses, epoch_val)
            if shuffled:
                # the RNG where the NumPy engine leaves it: advanced by the orders used
                trainer.rng.bit_generator.state = rng_state(rng_states[rows - continuing])
                if rows > continuing:
                    run.order = orders[rows - 1].copy()
            run.loss_sum = float(loss_sum[0])
            run.batch_index = 0 if status == BAD_LOSS else (run.batch_index + call_done) % data.n_batches
            if isinstance(trainer.optimizer, Adam):
                trainer.optimizer.iterations = int(iterations[0])
            losses.append(epoch_losses[:call_ends])
            if data.n_val:
                val_losses.append(epoch_val[:call_ends])
            done += call_done
            progress = Progress(np.concatenate(losses), np.concatenate(val_losses) if val_losses else np.empty(0),
                                float(value), int(status), done)
            if status or done >= batches or progress.epochs >= epochs:
                return progress
