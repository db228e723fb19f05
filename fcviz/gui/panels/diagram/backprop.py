"""Backprop panel: the gradient of the loss flowing back through the network, the chain
rule of every weight on hover, a table of every parameter, and a stepper that walks
one training step through Forward ▸ Backward ▸ Update with the trainer's own numbers."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from fcviz.core.backprop import StepRecord, Trace, trace_batch
from fcviz.core.experiment_setup import Setup
from fcviz.core.network import Network, weight_name
from fcviz.core.optimizers import Optimizer, get_optimizer
from fcviz.core.snapshot import Snapshot
from fcviz.gui.formulas import Formula, chain_rule, fmt, forward_formula, input_formula, weight_formula
from fcviz.gui.panels.diagram.base import DiagramPanel
from fcviz.gui.panels.diagram.view import BIAS, EDGE, NODE, Target
from fcviz.gui.widgets import tool_button

ANIMATION_MS = 900     # per phase when the stepper plays by itself
PHASE_UNITS = 3        # a phase's box spells out this many nodes of its layer
PHASE_PARAMETERS = 8   # ... and the update phase this many parameters
FORWARD, BACKWARD, UPDATE = "forward", "backward", "update"


@dataclass(frozen=True)
class View:
    """What the panel shows: a trace at some weights, and how the optimizer moves them."""

    net: Network
    trace: Trace
    optimizer: Optimizer | None  # None: a stateful optimizer whose state the GUI does not have
    frozen: np.ndarray
    update: np.ndarray | None    # the change of every parameter: the recorded step's, or the next step's

    def per_sample_delta(self, layer: int) -> np.ndarray:
        """δ = ∂ℓ/∂z of each sample's own loss (the trace holds ∂L/∂z of the batch mean)."""
        return self.trace.layers[layer - 1].delta * self.trace.inputs.shape[1]


class GradientTableModel(QAbstractTableModel):
    """Every parameter: name, value, ∂L/∂w and the update (formatted only for the rows shown)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.names: tuple[str, ...] = ()
        # value, gradient, update (None: not known), each the view's own array: no copy of every parameter
        self.columns: tuple[np.ndarray, np.ndarray, np.ndarray | None] = (np.zeros(0), np.zeros(0), None)
        self.frozen = np.zeros(0, bool)
        self.update_header = ""

    def set_view(self, names: tuple[str, ...], view: View, update_header: str) -> None:
        columns = (view.net.params, view.trace.gradient, view.update)
        if names != self.names or update_header != self.update_header:
            self.beginResetModel()
            self.names, self.columns, self.frozen, self.update_header = names, columns, view.frozen, update_header
            self.endResetModel()
            return
        self.columns, self.frozen = columns, view.frozen
        if names:
            self.dataChanged.emit(self.index(0, 0), self.index(len(names) - 1, 3))

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Parameter"), self.tr("Value"), self.tr("∂L/∂w"), self.update_header)[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.names[row] + (self.tr(" (frozen)") if self.frozen[row] else "")
            values = self.columns[column - 1]
            return "" if values is None or np.isnan(values[row]) else f"{values[row]:.6g}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackpropPanel(DiagramPanel):
    """Arrows point from the loss back to the inputs, coloured by ∂L/∂w; nodes show δ."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.diagram.set_backward(True)
        self.view: View | None = None
        self.record: StepRecord | None = None
        self.record_view: View | None = None
        self._step_pending = False  # the step's own snapshot may arrive before its record
        self.phases: list[tuple[str, int]] = []
        self.phase = 0
        self.heading = QLabel()
        self.heading.setWordWrap(True)

        self.diagram_button, self.table_button = QToolButton(), QToolButton()
        self.modes = QButtonGroup(self)
        for number, (button, text) in enumerate(((self.diagram_button, self.tr("Diagram")),
                                                  (self.table_button, self.tr("Table")))):
            button.setText(text)
            button.setCheckable(True)
            self.modes.addButton(button, number)
            self.controls.insertWidget(number, button)
        self.diagram_button.setChecked(True)
        self.modes.idClicked.connect(self._on_mode_chosen)

        self.step_button = tool_button(self.tr("Step one batch"),
                                       self.tr("Train one batch, then walk through what it computed"), self.step)
        self.previous_button = tool_button(self.tr("◀ Prev"),
                                           self.tr("The previous phase of the step"), self.previous_phase)
        self.next_button = tool_button(self.tr("Next ▶"), self.tr("The next phase of the step"), self.next_phase)
        self.animate_button = tool_button(self.tr("Animate"), "", self._on_animate_toggled, checkable=True)
        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseLabel")
        self.phase_label.setWordWrap(True)  # long lines must not widen the dock (and the window)
        self.animation = QTimer(self)
        self.animation.setInterval(ANIMATION_MS)
        self.animation.timeout.connect(self._on_animation_tick)
        stepper = QHBoxLayout()
        for widget in (self.step_button, self.previous_button, self.next_button, self.animate_button):
            stepper.addWidget(widget)
        stepper.addStretch(1)

        self.table_model = GradientTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(self.controls)
        layout.addLayout(stepper)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.pages, 1)
        self.catch_up()

    # --- setup and drawing ---------------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        self._loss = setup.loss_name
        super().set_setup(setup)
        self._leave_record()

    def draw(self, snapshot: Snapshot) -> None:
        if self.net is None or len(self.inputs) == 0:
            return
        if (self.record is not None and not self._step_pending
                and self.controller.reflects_all_commands(snapshot)
                and not np.array_equal(snapshot.params, self.record.params_after)):
            self._leave_record()  # trained on or edited since the recorded step
        self.view = self.record_view if self.record is not None else self._live_view(snapshot)
        self._render()

    def _live_view(self, snapshot: Snapshot) -> View:
        """The full-batch gradient over the training data at the snapshot's weights."""
        net = self.computing_with(snapshot)
        trace = self.controller.cache.trace(snapshot)
        frozen = np.array(self.controller.settings.frozen)
        if self.controller.setup.trainer_config["optimizer"]["name"] != "sgd":
            # Momentum's and Adam's next step depends on their running state, which lives in the
            # worker and is not in snapshots: the stepper shows it (its record carries the state).
            return View(net, trace, None, frozen, None)
        optimizer = get_optimizer("sgd", snapshot.learning_rate)
        update = optimizer.update_of(trace.gradient)
        update[frozen] = 0.0
        return View(net, trace, optimizer, frozen, update)

    def _render(self) -> None:
        view = self.view
        kind, layer = self.phases[self.phase] if self.record is not None else (BACKWARD, 1)
        net, trace, n_layers = view.net, view.trace, len(view.net.layers)
        inputs = self.select(trace.inputs)
        input_scale = max(1.0, float(np.abs(trace.inputs).max()))
        if kind == FORWARD or kind == UPDATE:
            activations = [trace.inputs] + [lt.a for lt in trace.layers]
            if kind == FORWARD:
                edges, biases = [d.kernel for d in net.layers], [d.bias if d.use_bias else None for d in net.layers]
            else:
                edges, biases = self._split(view.net, view.update)
            self.diagram.set_backward(False)
            self.diagram.show(edges, biases, [self.select(a) for a in activations],
                              [max(1.0, float(np.abs(a).max())) for a in activations],
                              bias_prefix="b " if kind == FORWARD else "Δb ",
                              dim=frozenset(range(layer + 1, n_layers + 1)) if kind == FORWARD else frozenset(),
                              active=layer if kind == FORWARD else None, frozen=self.frozen_neurons(view.frozen))
        else:
            deltas = [view.per_sample_delta(number) for number in range(1, n_layers + 1)]
            delta_scale = max(float(np.abs(d).max()) for d in deltas) or 1.0
            self.diagram.set_backward(True)
            self.diagram.show([lt.kernel_grad for lt in trace.layers],
                              [lt.bias_grad if d.use_bias else None for lt, d in zip(trace.layers, net.layers)],
                              [inputs] + [self.select(d) for d in deltas], [input_scale] + [delta_scale] * n_layers,
                              value_prefix="δ ", bias_prefix="∂b ", dim=frozenset(range(1, layer)),
                              widths_per_layer=False,
                              active=layer if self.record is not None else None,
                              frozen=self.frozen_neurons(view.frozen))
        header = self.tr("Update (this step)") if self.record is not None else self.tr("Next update")
        self.table_model.set_view(self.controller.setup.parameter_names, view, header)
        self._update_heading()
        if self.target is not None:
            self.show_formula()

    @staticmethod
    def _split(net: Network, flat: np.ndarray) -> tuple[list, list]:
        """A flat per-parameter array as per-layer kernels and biases."""
        shaped = Network.from_config(net.config(), flat, copy=False)
        return [d.kernel for d in shaped.layers], [d.bias if d.use_bias else None for d in shaped.layers]

    def _update_heading(self) -> None:
        record = self.record
        if record is None:
            text = self.tr("Gradient of the {loss} loss over all {n} training samples at the current weights. "
                           "Arrows point back from the loss; their colour and width show ∂L/∂w, the nodes "
                           "their δ = ∂ℓ/∂z.").format(loss=self._loss, n=len(self.inputs))
        else:
            text = self.tr("The step the trainer just took: epoch {epoch}, batch {batch} of {batches} "
                           "({n} samples), loss {loss}. Every number is the one it used.").format(
                epoch=record.epoch, batch=record.batch + 1, batches=record.n_batches,
                n=len(record.inputs), loss=fmt(record.loss))
        self.heading.setText(text)

    # --- formulas ---------------------------------------------------------------------------------

    def formula(self, target: Target) -> Formula | None:
        view = self.view
        if view is None:
            return None
        net, trace, sample = view.net, view.trace, min(self.formula_sample, view.trace.inputs.shape[1] - 1)
        kind = self.phases[self.phase][0] if self.record is not None else BACKWARD
        if target.kind == NODE and target.layer == 0:
            return input_formula(net, trace, target.unit, sample)
        if kind == FORWARD:
            if target.kind == NODE:
                return forward_formula(net, trace, target.layer, target.unit, sample, self._loss)
            return weight_formula(net, trace, target.layer, target.source if target.kind == EDGE else 0,
                                  target.unit, sample)
        if target.kind == EDGE:
            return self._chain_rule(target.layer, target.source, target.unit, sample)
        if target.kind in (NODE, BIAS) and net.layers[target.layer - 1].use_bias:
            return self._chain_rule(target.layer, 0, target.unit, sample)
        return None

    def _chain_rule(self, layer: int, i: int, j: int, sample: int) -> Formula:
        view = self.view
        index = self.controller.setup.parameter_index(weight_name(i, j, layer) if i else f"b{j}_{layer}")
        return chain_rule(view.net, view.trace, self._loss, layer, i, j, sample, optimizer=view.optimizer,
                          frozen=bool(view.frozen[index]), with_update=view.optimizer is not None)

    def notes(self, target: Target) -> list[str]:
        notes = super().notes(target)
        if self.view is not None and self.view.optimizer is None:
            notes.insert(0, self.tr("The update depends on the optimizer's running averages: "
                                    "Step one batch to see the one the trainer makes."))
        return notes

    # --- stepper ------------------------------------------------------------------------------------

    @Slot()
    def step(self) -> None:
        """Train one batch; it is shown from its first forward layer when the worker has taken it."""
        self.step_button.setEnabled(False)
        self._step_pending = True
        self.controller.step_batch(then=self._on_step_recorded)

    def _on_step_recorded(self, recorded: Future) -> None:
        self.step_button.setEnabled(True)
        self._step_pending = False
        if recorded.exception() is not None:  # the worker reports why (command_failed)
            return
        record = recorded.result()
        net = record.network_before()
        trace = trace_batch(net, self._loss, record.inputs, record.targets)
        self.record = record
        self.record_view = View(net, trace, record.optimizer, record.frozen, record.update)
        n_layers = len(net.layers)
        self.phases = ([(FORWARD, layer) for layer in range(1, n_layers + 1)]
                       + [(BACKWARD, layer) for layer in range(n_layers, 0, -1)] + [(UPDATE, 0)])
        self.set_sample_count(self.sample_count())
        self.set_phase(0)

    def sample_count(self) -> int:
        """A recorded step is about its batch; otherwise about all the training samples."""
        return len(self.record.inputs) if self.record is not None else len(self.inputs)

    def set_phase(self, phase: int) -> None:
        self.phase = max(0, min(phase, len(self.phases) - 1))
        self.target = None
        self._update_stepper()
        if self.record_view is not None:
            self.view = self.record_view
            self._render()
            self.formula_box.setText(self.phase_text())

    @Slot()
    def next_phase(self) -> None:
        self.set_phase(self.phase + 1)

    @Slot()
    def previous_phase(self) -> None:
        self.set_phase(self.phase - 1)

    def _leave_record(self) -> None:
        self.record = self.record_view = None
        self.phases, self.phase = [], 0
        self.animate_button.setChecked(False)
        self.set_sample_count(self.sample_count())
        self._update_stepper()

    def _update_stepper(self) -> None:
        active = self.record is not None
        self.previous_button.setEnabled(active and self.phase > 0)
        self.next_button.setEnabled(active and self.phase < len(self.phases) - 1)
        self.animate_button.setEnabled(active)
        if not active:
            self.phase_label.setText(self.tr("Forward ▸ Backward ▸ Update: step a batch to walk through it."))
            return
        kind, layer = self.phases[self.phase]
        names = {FORWARD: self.tr("Forward"), BACKWARD: self.tr("Backward"), UPDATE: self.tr("Update")}
        parts = [f"<b>{names[part]}</b>" if part == kind else names[part] for part in (FORWARD, BACKWARD, UPDATE)]
        where = self.tr("layer {layer}").format(layer=layer) if kind != UPDATE else self.tr("all parameters")
        self.phase_label.setText(" ▸ ".join(parts) + f" — {where} ({self.phase + 1}/{len(self.phases)})")

    def phase_text(self) -> str:
        """The box's text for the current phase: its formulas for the first units, with the trainer's numbers."""
        view, (kind, layer) = self.record_view, self.phases[self.phase]
        net, trace, sample = view.net, view.trace, min(self.formula_sample, len(self.record.inputs) - 1)
        if kind == UPDATE:
            names = self.controller.setup.parameter_names
            lines = [self.tr("Every parameter moves against its gradient ({optimizer}):").format(
                optimizer=view.optimizer.name)]
            lines += [f"{name}: {fmt(value)} → {fmt(after)} (Δ {fmt(change)})" for name, value, after, change in
                      zip(names[:PHASE_PARAMETERS], self.record.params_before, self.record.params_after, view.update)]
            if len(names) > PHASE_PARAMETERS:
                lines.append(self.tr("… {n} more in the table.").format(n=len(names) - PHASE_PARAMETERS))
            return "<br>".join(lines)
        units = range(1, min(net.layer_sizes[layer], PHASE_UNITS) + 1)
        more = net.layer_sizes[layer] - len(units)
        if kind == FORWARD:
            title = self.tr("Forward, layer {layer}: each node sums its weighted inputs, then applies "
                            "its activation (sample {sample}).").format(layer=layer, sample=sample + 1)
            blocks = [forward_formula(net, trace, layer, unit, sample, self._loss).html for unit in units]
            if layer == len(net.layers):
                blocks.append(self.tr("Batch loss L = {loss}").format(loss=fmt(trace.loss)))
        else:
            title = self.tr("Backward, layer {layer}: δ = ∂ℓ/∂z of each node, from the layer above; "
                            "∂L/∂w = mean(δ · input).").format(layer=layer)
            blocks = [self._chain_rule(layer, 0, unit, sample).html for unit in units
                      if net.layers[layer - 1].use_bias]
        if more > 0:
            blocks.append(self.tr("… and {n} more nodes: hover them.").format(n=more))
        return f"<b>{title}</b><br>" + "<br>".join(blocks)

    @Slot(bool)
    def _on_animate_toggled(self, playing: bool) -> None:
        if playing:
            self.animation.start()
        else:
            self.animation.stop()

    @Slot()
    def _on_animation_tick(self) -> None:
        if self.phase >= len(self.phases) - 1:
            self.animate_button.setChecked(False)
        else:
            self.next_phase()

    @Slot(int)
    def _on_mode_chosen(self, page: int) -> None:
        self.pages.setCurrentIndex(page)

