"""Trace of one batch through the network: z, a, δ, ∂L/∂W, ∂L/∂b of every layer.

The trace runs the trainer's own forward/backward code on a private copy of
the network, so the numbers it shows are the ones training uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcviz.core.network import Network
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
    private = Trainer(net.copy(), loss=loss, optimizer="sgd", lr=1.0, shuffle=False)
    private.set_data(X, y)
    inputs, targets = private._data, private._targets
    plan = private.plan_for(inputs.shape[1])
    with np.errstate(over="ignore", under="ignore"):
        value = private.compute_gradients(inputs, targets, scale=1.0, plan=plan)
    layers = []
    for lp in plan.layers:
        layer, block = lp.layer, lp.grad_block
        bias_grad = block[:, layer.fan_in].copy() if layer.use_bias else np.zeros(layer.units)
        layers.append(LayerTrace(z=lp.z.copy(), a=lp.a.copy(), delta=lp.delta.copy(),
                                 kernel_grad=block[:, : layer.fan_in].T.copy(), bias_grad=bias_grad))
    return Trace(inputs[:-1].copy(), targets.copy(), value, tuple(layers), private.grad.copy())
