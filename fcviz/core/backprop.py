"""Trace of one batch through the network: z, a, δ, ∂L/∂W, ∂L/∂b of every layer, the
parameter table and one recorded training step — the numbers; fcviz.gui.formulas renders them.

The trace runs the trainer's own forward/backward code on a private copy of
the network, so the numbers it shows are the ones training uses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from fcviz.core.network import Network, weight_name
from fcviz.core.optimizers import Optimizer, get_optimizer
from fcviz.core.trainer import Trainer


@dataclass(frozen=True)
class LayerTrace:
    """One layer; per-sample arrays are (units, n_samples), gradients in Keras layout."""

    z: np.ndarray
    a: np.ndarray
    delta: np.ndarray       # ∂L/∂z for every sample (L is the batch-mean loss)
    kernel_grad: np.ndarray  # ∂L/∂kernel, (fan_in, units)
    bias_grad: np.ndarray    # ∂L/∂bias, (units,); zeros when the layer has no bias


@dataclass(frozen=True)
class Trace:
    inputs: np.ndarray       # (n_in, n_samples)
    targets: np.ndarray      # (n_out, n_samples)
    loss: float
    layers: tuple[LayerTrace, ...]
    gradient: np.ndarray     # ∂L/∂params, flat, in `Network.params` order

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1].a


def trace_batch(net: Network, loss, X, y) -> Trace:
    """Forward and backward pass of `net` over samples X (n, n_in), targets y (n, n_out)."""
    # the trainer only reads the weights: it computes with the caller's, no copy of them
    private = Trainer(Network.from_config(net.config(), net.params, copy=False), loss=loss, optimizer="sgd",
                      lr=1.0, shuffle=False)
    private.set_data(X, y)
    inputs, targets = private.reference.feature_major(*private.batch(0))
    plan = private.reference.plan_for(inputs.shape[1])
    with np.errstate(over="ignore", under="ignore"):
        value = private.reference.compute_gradients(inputs, targets, scale=1.0, plan=plan)
    layers = []
    for lp in plan.layers:
        layer, block = lp.layer, lp.grad_block
        bias_grad = block[:, layer.fan_in].copy() if layer.use_bias else np.zeros(layer.units)
        layers.append(LayerTrace(z=lp.z.copy(), a=lp.a.copy(), delta=lp.delta.copy(),
                                 kernel_grad=block[:, : layer.fan_in].T.copy(), bias_grad=bias_grad))
    return Trace(inputs[:-1].copy(), targets.copy(), value, tuple(layers), private.grad.copy())



def check_index(what: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low} and {high}, not {value}")
    return value


@dataclass(frozen=True)
class ParameterRow:
    name: str
    value: float
    gradient: float   # ∂L/∂parameter from the trace
    update: float     # the change the optimizer's next step would make


def parameter_table(net: Network, trace: Trace, optimizer: Optimizer | str, frozen=None) -> list[ParameterRow]:
    """Every parameter in `net.parameter_names()` order with its gradient and pending update
    (none for the parameters `frozen`, a boolean mask, marks)."""
    updates = get_optimizer(optimizer).update_of(trace.gradient)
    if frozen is not None:
        updates[np.asarray(frozen, bool)] = 0.0
    return [ParameterRow(name, float(value), float(gradient), float(update))
            for name, value, gradient, update in zip(net.parameter_names(), net.params, trace.gradient, updates)]


def neuron_parameters(net: Network, layer: int, unit: int) -> list[str]:
    """The names of node a{unit}_{layer}'s incoming weights and bias (what freezing it freezes)."""
    check_index("layer", layer, 1, len(net.layers))
    check_index("unit", unit, 1, net.layer_sizes[layer])
    dense = net.layers[layer - 1]
    names = [weight_name(i, unit, layer) for i in range(1, dense.fan_in + 1)]
    return names + [f"b{unit}_{layer}"] if dense.use_bias else names


# --- one recorded training step -------------------------------------------------------------

@dataclass(frozen=True)
class StepRecord:
    """One batch step as the trainer took it: the weights and optimizer before, the batch
    (in the order used), the weights after. `trace_batch(record.network_before(), …)` then
    shows exactly the numbers of that step."""

    epoch: int                 # the epoch the batch belongs to, 1-based
    batch: int                 # its index within the epoch, 0-based
    n_batches: int
    params_before: np.ndarray
    params_after: np.ndarray
    inputs: np.ndarray         # (n, n_in)
    targets: np.ndarray        # (n, n_out)
    optimizer: Optimizer       # a copy, in the state it was in before the step
    frozen: np.ndarray         # mask of the parameters the step left alone
    loss: float
    network_config: dict

    @property
    def update(self) -> np.ndarray:
        """The change the step made to every parameter."""
        return self.params_after - self.params_before

    def network_before(self) -> Network:
        return Network.from_config(self.network_config, self.params_before)


def record_step(trainer: Trainer) -> StepRecord:
    """Train the next batch with `trainer.step()` and record what it used."""
    before, optimizer = trainer.net.params.copy(), copy.deepcopy(trainer.optimizer)
    epoch, batch, frozen = trainer.epoch + 1, trainer.batch_index, np.array(trainer.frozen)
    loss = trainer.step()
    inputs, targets = trainer.batch(batch)  # the epoch's order is kept until the next epoch starts
    return StepRecord(epoch, batch, trainer.n_batches, before, trainer.net.params.copy(),
                      inputs, targets, optimizer, frozen, float(loss), trainer.net.config())
