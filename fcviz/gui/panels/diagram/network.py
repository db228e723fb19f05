"""Network diagram panel: the network computing forward, each node's formula on hover."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout

from fcviz.core.backprop import Trace
from fcviz.core.experiment_setup import Setup
from fcviz.core.network import Network
from fcviz.core.snapshot import RunState, Snapshot
from fcviz.gui.formulas import Formula, forward_formula, input_formula, weight_formula
from fcviz.gui.newest_wins import NewestWins, forward_work
from fcviz.gui.panels.diagram.base import DiagramPanel
from fcviz.gui.panels.diagram.picking import wide_layer_sums
from fcviz.gui.panels.diagram.view import BIAS, EDGE, NODE, Target

SUM_PASSES = 4  # summing |w| of every weight costs about as much as a forward pass of this many rows


def frame(net: Network, inputs: np.ndarray) -> tuple[list[np.ndarray], dict]:
    """What the diagram draws of `net` that grows with its parameters: the node values (the mean over
    the rows of `inputs`) and the |w| sums that choose a wide layer's strongest units. Pure: a pool
    thread may work it out."""
    outputs = [inputs.T] + [a for _, a in net.forward(inputs)]
    kernels = [layer.kernel for layer in net.layers]
    return [a.mean(axis=1) for a in outputs], wide_layer_sums(kernels, net.layer_sizes)


class NetworkDiagramPanel(DiagramPanel):
    """Arrows show the weights (width ∝ |w|, blue positive, orange negative), squares the
    biases, node fills the activations of the chosen sample (or their mean)."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.passes = NewestWins(self)  # a big network's frames, worked out in a pool thread
        self._drawn: Snapshot = controller.latest  # the snapshot the diagram shows
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(self.controls)
        layout.addWidget(self.splitter, 1)
        self.catch_up()

    def set_setup(self, setup: Setup) -> None:
        self.passes.cancel()  # a big network's frame still on its way is of the old one
        super().set_setup(setup)
        self._loss = setup.loss_name
        sizes = " → ".join(str(size) for size in self.net.layer_sizes)
        self.heading.setText(self.tr("{sizes} network, {count} parameters. Arrows: weights (width ∝ |w|, "
                                     "<span style='color:#0072b2'>blue +</span>, "
                                     "<span style='color:#e69f00'>orange −</span>); squares: biases; "
                                     "node fill: activation.").format(sizes=sizes,
                                                                      count=f"{self.net.count_params():,}"))

    def draw(self, snapshot: Snapshot) -> None:
        """Draw the snapshot: its node values and the strength of a wide layer's units grow with the
        parameters, so a big network's are worked out in a pool thread and drawn when they come."""
        if self.net is None or len(self.inputs) == 0:
            return
        net = Network.from_config(self.net.config(), snapshot.params, copy=False)
        # One sample costs one small forward pass; the mean needs all of them.
        inputs = self.inputs if self.sample is None else self.inputs[self.sample: self.sample + 1]
        work = forward_work(net, len(inputs) + SUM_PASSES)
        self.passes.run(work, lambda: frame(net, inputs),
                        lambda nodes_and_sums: self._show(snapshot, net, *nodes_and_sums))

    def _show(self, snapshot: Snapshot, net: Network, nodes: list[np.ndarray], sums: dict) -> None:
        self.net, self._drawn = net, snapshot
        self.diagram.show(edges=[layer.kernel for layer in net.layers],
                          biases=[layer.bias if layer.use_bias else None for layer in net.layers],
                          nodes=nodes, node_scales=[max(1.0, float(np.abs(a).max())) for a in nodes],
                          frozen=self.frozen_neurons(),
                          live=snapshot.state == RunState.RUNNING and not snapshot.scrubbed, sums=sums)
        self.show_formula()

    def shutdown(self) -> None:
        """Stop computing (the window is closing)."""
        self.passes.shutdown()

    def trace(self) -> Trace:
        """The training batch through the drawn weights, as the trainer computes it (made on demand,
        shared with the backprop view)."""
        return self.controller.cache.trace(self._drawn)

    def formula(self, target: Target) -> Formula | None:
        net, sample = self.net, self.formula_sample
        if target.kind == NODE and target.layer == 0:
            return input_formula(net, self.trace(), target.unit, sample)
        if target.kind == NODE:
            return forward_formula(net, self.trace(), target.layer, target.unit, sample, self._loss)
        if target.kind == EDGE:
            return weight_formula(net, self.trace(), target.layer, target.source, target.unit, sample)
        if target.kind == BIAS:
            return weight_formula(net, self.trace(), target.layer, 0, target.unit, sample)
        return None
