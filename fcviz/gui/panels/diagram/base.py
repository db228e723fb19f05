"""DiagramPanel: what the network diagram and backprop panels share — the diagram with
its editing, the sample chooser, and a formula box (and tooltip) for the hovered item."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QSplitter, QToolTip

from fcviz.core.experiment_setup import Setup
from fcviz.core.network import Network
from fcviz.core.snapshot import Snapshot
from fcviz.gui.formulas import Formula
from fcviz.gui.panels.base import Panel
from fcviz.gui.panels.diagram.editing import DiagramEditing, frozen_neurons
from fcviz.gui.panels.diagram.view import BIAS, EDGE, MORE, NODE, NetworkDiagram, Target

FORMULA_BOX_STYLE = "QLabel#formulaBox { background: #f7f7f2; padding: 6px; }"
FORMULA_LINES = 7  # the formula box's starting height; the splitter above it resizes it


class DiagramPanel(Panel):
    """Subclasses build their layout from `controls` and `splitter` (the diagram over the formula box),
    implement `formula(target)`, and call `show_formula()` after each draw."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.net: Network | None = None
        self.inputs = self.targets = np.zeros((0, 0))
        self.target: Target | None = None
        self.sample_box = QSpinBox()
        self.sample_box.setObjectName("sampleBox")
        self.sample_box.setPrefix(self.tr("sample "))
        self.sample_box.setSpecialValueText(self.tr("mean of all samples"))
        self.sample_box.setToolTip(self.tr("Which training sample the node values and formulas are for"))
        self.sample_box.valueChanged.connect(self._on_sample_changed)
        self.controls = QHBoxLayout()
        self.controls.addWidget(QLabel(self.tr("Show")))
        self.controls.addWidget(self.sample_box)
        self.controls.addStretch(1)
        self.diagram = NetworkDiagram()
        self.editing = DiagramEditing(self.diagram, controller)
        self.formula_box = QLabel()
        self.formula_box.setObjectName("formulaBox")
        self.formula_box.setStyleSheet(FORMULA_BOX_STYLE)
        self.formula_box.setTextFormat(Qt.TextFormat.RichText)
        self.formula_box.setWordWrap(True)
        self.formula_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula_box.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # In a scroll area under a splitter: a long formula must not resize (and so move) the diagram.
        formula_area = QScrollArea()
        formula_area.setWidgetResizable(True)
        formula_area.setWidget(self.formula_box)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.diagram)
        self.splitter.addWidget(formula_area)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        line = self.formula_box.fontMetrics().lineSpacing()
        self.splitter.setSizes([1000, FORMULA_LINES * line + 16])
        self.diagram.hovered.connect(self._on_hovered)
        controller.frozen_changed.connect(self._on_frozen_changed)
        controller.data_changed.connect(self._on_data_changed)

    # --- setup and sample -------------------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        X, y = setup.train_data()
        self.inputs, self.targets = X, y
        self.net = Network.from_config(setup.network_config, setup.initial_params, copy=False)
        self.target = None
        self.diagram.set_network(self.net)
        self.set_sample_count(len(X))
        with QSignalBlocker(self.sample_box):
            self.sample_box.setValue(min(1, len(X)))
        self.formula_box.setText(self.idle_hint())

    def computing_with(self, snapshot: Snapshot) -> Network:
        """`self.net`, now a network computing with the snapshot's read-only weights (no copy of them)."""
        self.net = Network.from_config(self.net.config(), snapshot.params, copy=False)
        return self.net

    def sample_count(self) -> int:
        """How many samples the node values and formulas can be for."""
        return len(self.inputs)

    def set_sample_count(self, count: int) -> None:
        """How many samples there are to choose from (without redrawing: the caller draws)."""
        with QSignalBlocker(self.sample_box):
            self.sample_box.setRange(0, count)

    @property
    def sample(self) -> int | None:
        """The chosen sample (0-based), or None for the mean over all of them."""
        value = self.sample_box.value()
        return None if value == 0 else value - 1

    @property
    def formula_sample(self) -> int:
        """Formulas are for one sample: the chosen one, or the first when the mean is shown."""
        return self.sample or 0

    def select(self, values: np.ndarray) -> np.ndarray:
        """Per-sample values (units, n) reduced to the chosen sample or the mean."""
        return values.mean(axis=1) if self.sample is None else values[:, self.sample]

    def frozen_neurons(self, frozen: np.ndarray | None = None) -> list[np.ndarray]:
        """Which neurons of layers 1..L are frozen (by the controller's mask unless one is given)."""
        return frozen_neurons(self.net, self.controller.settings.frozen if frozen is None else frozen)

    @Slot(object)
    def _on_data_changed(self, setup: Setup) -> None:
        """The same network learns edited data: formulas and node values follow the new samples."""
        self.inputs, self.targets = setup.train_data()
        self.set_sample_count(self.sample_count())
        self.redraw()

    @Slot(int)
    def _on_sample_changed(self, _value: int) -> None:
        self.redraw()

    @Slot(object)
    def _on_frozen_changed(self, _frozen) -> None:
        self.redraw()

    def redraw(self) -> None:
        if self.isVisible():
            self.draw(self.controller.latest)

    # --- formulas -------------------------------------------------------------------------------

    def formula(self, target: Target) -> Formula | None:
        """The formula to show for `target` (None: only the hint)."""
        raise NotImplementedError

    def idle_hint(self) -> str:
        return self.tr("Hover a node or an arrow to see its formula with today's numbers.")

    def hint(self, target: Target) -> str:
        """What the mouse can do on `target`."""
        if target.kind == MORE:
            return self.tr("Click to show every unit of this layer, or only the strongest again.")
        if target.kind in (EDGE, BIAS) or (target.kind == NODE and target.layer > 0):
            return self.tr("Click to type a value, scroll or drag up/down to nudge it (Shift: finer), "
                           "right-click to freeze or reset the neuron. Ctrl+Z undoes.")
        return ""

    def show_formula(self) -> str:
        """Put the hovered item's formula (current numbers) in the box; returns its HTML."""
        target = self.target
        if target is None or self.net is None:
            return ""
        formula = self.formula(target)
        parts = [formula.html] if formula is not None else []
        if parts and self.sample is None:
            parts.insert(0, f"<i>{self.tr('For sample 1 (the nodes show the mean of all samples):')}</i>")
        parts += [f"<i>{text}</i>" for text in self.notes(target)]
        html = "<br>".join(parts)
        self.formula_box.setText(html)
        return html

    def notes(self, target: Target) -> list[str]:
        """Lines shown in italics under the formula: whether the neuron is frozen, what the mouse can do."""
        notes = [self.hint(target)] if self.hint(target) else []
        if target.kind != MORE and target.layer > 0 and self.frozen_neurons()[target.layer - 1][target.unit - 1]:
            notes.insert(0, self.tr("This neuron is frozen: training leaves its weights alone."))
        return notes

    @Slot(object, QPoint)
    def _on_hovered(self, target: Target | None, global_position: QPoint) -> None:
        if target is None:
            QToolTip.hideText()
            return
        self.target = target
        html = self.show_formula()
        if html:
            QToolTip.showText(global_position, html, self.diagram)
