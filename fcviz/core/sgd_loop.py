"""Plain SGD as straight-line Python made for the network at hand: the hot loops of Trainer.fit.

On the lab's networks (12 samples, 1-2-1) an epoch is ~19 NumPy calls of
~0.4 µs each, so everything around them counts. Here:

- the pass over one batch is generated as Python source for this network (as
  `dataclasses` does), so every array is a local name: no loop over layers, no
  attribute lookup, no method dispatch per batch;
- sigmoid layers keep their weights negated, so one `dot` gives −z and
  σ(z) = 1/(1 + exp(−z)) takes 3 calls; the sign is folded into the derivative
  (a − 1)·a = −σ′, so every product is bit-for-bit the general path's;
- the derivative of a run of sigmoid, tanh or relu layers is one call over
  their stacked activations (Plan.stack; a row of ones between layers does no harm);
- full batch: two parameter buffers, each update written into the other, so
  the weights at the start of an epoch survive without a copy; divergence is
  checked on the loss (`v - v` is NaN only for inf/NaN) and the weights'
  finiteness once per call (Trainer._fit_full_batch);
- mini-batches: batches are views made once (the shuffled rows are gathered
  into the same buffers every epoch), the update is in place, and the weights
  are copied once per epoch for divergence.

The results equal the general path (Trainer.step) to the last bit, except that
relu's derivative is sign(a): the same values, up to the sign of a zero.
"""

from __future__ import annotations

import math
import re

import numpy as np

from fcviz.core.activations import BUILTINS
from fcviz.core.losses import MeanSquaredError

NUMPY = {"dot": np.dot, "sub": np.subtract, "mul": np.multiply, "add": np.add, "vdot": np.vdot, "exp": np.exp,
         "rec": np.reciprocal, "tanh": np.tanh, "maximum": np.maximum, "sign": np.sign}


class _Pass:
    """Forward and backward over one batch size (one Plan) as lines of Python, with their arrays."""

    def __init__(self, trainer, plan):
        net, loss, rule = trainer.net, trainer.loss, trainer.output_rule
        layers = plan.layers
        self.last = last = len(layers) - 1
        self.rule, self.mse = rule, rule == "chain" and type(loss) is MeanSquaredError
        kinds = []
        for index, lp in enumerate(layers):
            act = lp.activation
            name = act.name if BUILTINS.get(act.name) is act else ""   # custom ones go the generic way
            if index == last and not self.mse:    # the loss needs z, or a plain a
                kind = "linear" if name == "linear" else "generic"
            elif name in ("sigmoid", "tanh", "relu", "linear"):
                kind = "negsig" if name == "sigmoid" else name
            else:
                kind = "generic"
            kinds.append(kind)
        self.kinds = kinds
        self.sign = np.concatenate([np.full(lp.layer.n_params, -1.0 if kind == "negsig" else 1.0, net.dtype)
                                    for lp, kind in zip(layers, kinds)])
        self.all_positive = "negsig" not in kinds
        # Runs of consecutive layers of one kind whose derivative is one call over the stack.
        groups: list[list[int]] = []
        for index, kind in enumerate(kinds):
            if kind in ("negsig", "tanh", "relu"):
                if groups and groups[-1][-1] == index - 1 and kinds[index - 1] == kind:
                    groups[-1].append(index)
                else:
                    groups.append([index])
        self.groups = groups
        self.in_group = {i for g in groups for i in g}
        ns = dict(NUMPY, GRAD=trainer.grad, from_logits=loss.from_logits, fused_delta=loss.fused_delta,
                  value_and_gradient=loss.value_and_gradient)
        for i, lp in enumerate(layers):
            if i:
                ns[f"X{i}"], ns[f"XT{i}"] = lp.input, lp.input_t
            ns[f"A{i}"], ns[f"D{i}"], ns[f"G{i}"] = lp.a, lp.delta, lp.grad_block
            ns[f"Z{i}"] = lp.a if kinds[i] == "linear" else lp.z
            ns[f"S{i}"], ns[f"SC{i}"] = plan.derivatives[lp.rows], lp.scratch
            ns[f"F{i}"], ns[f"BW{i}"] = lp.activation, lp.activation.backward
            ns[f"ONE{i}"], ns[f"ZERO{i}"] = np.ones_like(lp.a), np.zeros_like(lp.a)
        for g, members in enumerate(groups):
            rows = slice(layers[members[0]].rows.start, layers[members[-1]].rows.stop)
            ns[f"GA{g}"], ns[f"GS{g}"] = plan.stack[rows], plan.derivatives[rows]
            ns[f"GONE{g}"] = np.ones_like(plan.stack[rows])
        self.scale = np.empty_like(layers[last].a)   # 2·lr/(outputs·batch) for MSE; filled per call
        ns["C"] = self.scale
        self.count = layers[last].a.size
        self.layers, self.ns = layers, ns

    def bind(self, name: str, buffer: np.ndarray) -> None:
        """Views of every layer's matrix in `buffer` (a parameter vector), as M{i}_{name} and WT{i}_{name}."""
        for i, lp in enumerate(self.layers):
            block = buffer[lp.offset: lp.offset + lp.layer.n_params].reshape(lp.matrix.shape)
            self.ns[f"M{i}_{name}"], self.ns[f"WT{i}_{name}"] = block, block[:, : lp.layer.fan_in].T

    def set_learning_rate(self, lr: float) -> None:
        if self.mse:
            self.scale.fill(2.0 * lr / self.count)

    def lines(self, params: str, update: str, on_bad: str, indent: str) -> list[str]:
        """One pass with the weights in buffer `params`; the updated weights go to buffer `update`.

        `v` is the batch loss (for MSE the sum of squares); `on_bad` runs if it is not finite.
        """
        kinds, L, out = self.kinds, self.last, []
        for i, kind in enumerate(kinds):
            x, m, z, a = f"X{i}", f"M{i}_{params}", f"Z{i}", f"A{i}"
            out.append({
                "negsig": f"dot({m}, {x}, {z}); exp({z}, {z}); add({z}, ONE{i}, {z}); rec({z}, {a})",
                "tanh": f"dot({m}, {x}, {z}); tanh({z}, {a})",
                "relu": f"dot({m}, {x}, {z}); maximum({z}, ZERO{i}, out={a})",
                "linear": f"dot({m}, {x}, {a})",
            }.get(kind, f"dot({m}, {x}, {z}); F{i}({z}, {a})"))
        if self.mse:
            out += [f"sub(A{L}, Y, D{L})", f"v = vdot(D{L}, D{L})"]
        elif self.rule == "fused":
            out.append(f"v = from_logits(Z{L}, Y)")
        else:
            out.append(f"v = value_and_gradient(A{L}, Y, D{L}, lr)")
        out += ["if v - v:", f"    {on_bad}"]
        for g, members in enumerate(self.groups):
            out.append({   # (a − 1)·a = −σ′: the sign of the negated weights
                "negsig": f"sub(GA{g}, GONE{g}, GS{g}); mul(GS{g}, GA{g}, GS{g})",
                "tanh": f"mul(GA{g}, GA{g}, GS{g}); sub(GONE{g}, GS{g}, GS{g})",
                "relu": f"sign(GA{g}, GS{g})",
            }[kinds[members[0]]])
        if self.mse:
            out.append(f"mul(D{L}, C, D{L})")
            out.append(self._derivative(L))
        elif self.rule == "fused":
            out.append(f"fused_delta(A{L}, Y, D{L}, lr)")
        else:
            out.append(self._derivative(L))
        for i in range(L, -1, -1):
            out.append(f"dot(D{i}, XT{i}, G{i})")
            if i:
                out += [f"dot(WT{i}_{params}, D{i}, D{i - 1})", self._derivative(i - 1)]
        out.append(f"sub(P{params}, GRAD, P{update})")
        return [indent + line for line in out if line]

    def _derivative(self, i: int) -> str:
        if i in self.in_group:
            return f"mul(D{i}, S{i}, D{i})"
        return "" if self.kinds[i] == "linear" else f"BW{i}(Z{i}, A{i}, D{i}, SC{i})"

    def compile(self, signature: str, lines: list[str], title: str):
        """Define `def loop(<signature>, *, <every array used>=...)` with `lines` as its body."""
        body = "\n".join(lines)
        names = sorted(n for n in self.ns if re.search(rf"\b{n}\b", body))
        source = "\n".join([f"def loop({signature}, *, " + ", ".join(f"{n}={n}" for n in names) + "):", body])
        namespace = dict(self.ns)
        exec(compile(source, f"<fcviz {title}>", "exec"), namespace)  # noqa: S102 - our own template
        return namespace["loop"], source

    def load(self, params: np.ndarray, buffer: np.ndarray) -> None:
        """`buffer` = the network's parameters with this pass's signs."""
        if self.all_positive:
            np.copyto(buffer, params)
        else:
            np.multiply(params, self.sign, out=buffer)

    def store(self, buffer: np.ndarray, params: np.ndarray) -> None:
        self.load(buffer, params)   # the signs are their own inverse


class FullBatchLoop:
    """Epochs of full-batch SGD in one generated loop (two parameter buffers, see the module notes)."""

    def __init__(self, trainer, plan, inputs: np.ndarray, targets: np.ndarray):
        self.loss, self.inputs = trainer.loss, inputs
        self.pass_ = p = _Pass(trainer, plan)
        self.divisor = p.count if p.mse else 1   # the MSE loop records Σ(ŷ − y)², not the mean
        self.buffers = (np.empty_like(trainer.net.params), np.empty_like(trainer.net.params))
        p.ns.update(X0=inputs[: plan.layers[0].fan], Y=targets, P0=self.buffers[0], P1=self.buffers[1])
        p.ns["XT0"] = p.ns["X0"].T
        p.bind("0", self.buffers[0])
        p.bind("1", self.buffers[1])
        lines = self._assemble(p)
        self._loop, self.source = p.compile("epochs, append, target, lr, divisor", lines, "full-batch loop")

    @staticmethod
    def _assemble(p: _Pass) -> list[str]:
        lines = ["    k = 0", "    while True:"]
        for params, update in (("0", "1"), ("1", "0")):
            body = p.lines(params, update, "return k, v", " " * 8)
            check = next(i for i, line in enumerate(body) if line.strip() == "if v - v:")
            body.insert(check + 2, " " * 8 + "append(v)")
            lines += body
            lines += ["        k += 1",
                      "        if k == epochs or (target is not None and v / divisor <= target):",
                      "            return k, None"]
        return lines

    def run(self, params: np.ndarray, epochs: int, append, target: float | None, lr: float):
        """Train up to `epochs` (≥ 1) epochs starting from `params` (left unchanged).

        Returns (epochs done, the non-finite loss or None, current buffer, previous buffer);
        the buffers hold sign-folded parameters (see `store`).
        """
        self.pass_.load(params, self.buffers[0])
        self.pass_.set_learning_rate(lr)
        done, bad = self._loop(epochs, append, target, lr, self.divisor)
        return done, bad, self.buffers[done % 2], self.buffers[(done + 1) % 2]

    def store(self, buffer: np.ndarray, params: np.ndarray) -> None:
        self.pass_.store(buffer, params)


class MiniBatchLoop:
    """Epochs of mini-batch SGD: a generated pass per batch size, batches as views made once."""

    def __init__(self, trainer):
        self.loss = trainer.loss
        self.n = trainer.n_samples
        self.params = np.empty_like(trainer.net.params)    # the weights, sign-folded, during a call
        self.start = np.empty_like(trainer.net.params)     # ... as they were when the epoch began
        self.shuffled = trainer.shuffle and trainer.n_batches > 1
        self.source = trainer._data
        rows, targets = trainer._batch_source(self.shuffled)
        self.steps = {}
        self.batches = []
        for start, stop in trainer._bounds:
            size = stop - start
            step = self.steps.get(size)
            if step is None:
                plan = trainer.plan_for(size)
                p = _Pass(trainer, plan)
                p.ns.update(P=self.params)
                p.bind("", self.params)
                body = p.lines("", "", "return v", "    ") + ["    return v"]
                loop, _ = p.compile("X0, XT0, Y, lr", body, f"batch of {size}")
                step = self.steps[size] = (loop, p, plan.layers[0].fan)
            loop, p, fan = step
            inputs = rows[start:stop, :fan]
            self.batches.append((loop, inputs.T, inputs, targets[start:stop].T, p.count if p.mse else 1, size))
        self.pass_ = next(iter(self.steps.values()))[1]

    def fits(self, trainer) -> bool:
        """Still valid for the trainer's data, batches, loss and shuffling."""
        shuffled = trainer.shuffle and trainer.n_batches > 1
        return (self.loss is trainer.loss and shuffled == self.shuffled
                and (shuffled or self.source is trainer._data))

    def run(self, trainer, epochs: int, target: float | None, callback) -> bool:
        """Train up to `epochs` epochs with the trainer's bookkeeping; True if training stopped early."""
        params, start, batches, n = self.params, self.start, self.batches, self.n
        append, copyto = trainer.history.loss.append, np.copyto
        lr = self._load(trainer)
        total = trainer._epoch_loss_sum
        for _ in range(epochs):
            copyto(start, params)
            if self.shuffled:
                trainer._order = trainer.rng.permutation(n)
                trainer._apply_order()
            total, bad = 0.0, None
            for loop, x, xt, y, divisor, size in batches:
                v = loop(x, xt, y, lr)
                if v - v:
                    bad = float(v) / divisor
                    break
                total += float(v) / divisor * size
            if bad is not None:
                return self._diverge(trainer, f"the loss became {bad} at epoch {trainer.epoch + 1}")
            trainer.epoch += 1
            append(total / n)
            if not math.isfinite(np.add.reduce(params)):   # inf or NaN anywhere shows in the sum
                return self._diverge(trainer, f"a weight became infinite or NaN at epoch {trainer.epoch}")
            if target is not None and total / n <= target:
                trainer.stop_reason = "target_loss"
                break
            if callback is not None:
                self._unload(trainer, total)
                if callback(trainer):
                    trainer.stop_reason = "callback"
                    return True
                lr = self._load(trainer)   # the callback may have changed weights or learning rate
        self._unload(trainer, total)
        return trainer.stop_reason == "target_loss"

    def run_batches(self, trainer, count: int) -> float:
        """The next `count` batches of the epoch under way (fewer if it ends first); the last batch's loss."""
        if trainer.batch_index == 0:
            trainer._start_epoch()
        lr = self._load(trainer)
        first = trainer.batch_index
        last = min(first + count, len(self.batches))
        total, value = trainer._epoch_loss_sum, math.nan
        for loop, x, xt, y, divisor, size in self.batches[first:last]:
            v = loop(x, xt, y, lr)
            value = float(v) / divisor
            if v - v:
                trainer._diverge(f"the loss became {value} at epoch {trainer.epoch + 1}")
                return value
            total += value * size
        self.pass_.store(self.params, trainer.net.params)
        trainer._epoch_loss_sum = total
        trainer.batch_index = last
        if last == len(self.batches):
            trainer._finish_epoch()
        return value

    def _load(self, trainer) -> float:
        self.pass_.load(trainer.net.params, self.params)
        lr = trainer.learning_rate
        for _, p, _ in self.steps.values():
            p.set_learning_rate(lr)
        return lr

    def _unload(self, trainer, total: float) -> None:
        self.pass_.store(self.params, trainer.net.params)
        self.pass_.store(self.start, trainer._epoch_start_params)
        trainer._epoch_loss_sum = total

    def _diverge(self, trainer, what: str) -> bool:
        self.pass_.store(self.start, trainer._epoch_start_params)
        trainer._diverge(what)   # back to the weights of the epoch's start
        return True
