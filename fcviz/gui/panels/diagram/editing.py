"""Editing weights on a NetworkDiagram: click to type a value, wheel or drag to nudge it,
right-click a neuron to freeze, unfreeze or reset it. Every edit goes through the
controller, so it reaches the worker's queue and the undo stack."""

from __future__ import annotations

import itertools
import time

import numpy as np
from PySide6.QtCore import QLocale, QObject, QPoint, Qt, Slot
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QLineEdit, QMenu

from fcviz.core.backprop import neuron_parameters
from fcviz.core.network import Network
from fcviz.gui.controller import Controller
from fcviz.gui.formulas import node_name
from fcviz.gui.panels.diagram.view import BIAS, EDGE, NODE, NetworkDiagram, Target

WHEEL_STEP, FINE_WHEEL_STEP = 0.1, 0.01  # per wheel notch; the fine step with Shift held
DRAG_STEP = 0.01                         # per pixel moved up
WHEEL_GESTURE_SECONDS = 1.0              # wheel notches closer than this form one undo step


class ValueEditor(QLineEdit):
    """A one-line editor over the diagram: Enter applies, Escape or clicking away cancels."""

    def __init__(self, parent):
        super().__init__(parent)
        validator = QDoubleValidator(self)
        validator.setLocale(QLocale.c())
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.setValidator(validator)
        self.setFixedWidth(110)
        self.setObjectName("diagramValueEditor")
        self.name = ""
        self.hide()

    def open(self, name: str, value: float, position: QPoint) -> None:
        self.name = name
        self.setPlaceholderText(name)
        self.setToolTip(self.tr("New value of {name}; Enter applies, Escape cancels").format(name=name))
        self.setText(repr(float(value)))
        parent = self.parentWidget()
        x = min(max(position.x() - self.width() // 2, 0), max(parent.width() - self.width(), 0))
        y = min(max(position.y() - self.height() // 2, 0), max(parent.height() - self.height(), 0))
        self.move(x, y)
        self.show()
        self.raise_()
        self.setFocus()
        self.selectAll()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        self.hide()


class DiagramEditing(QObject):
    """Connects a diagram's mouse gestures to the controller's undoable edits."""

    def __init__(self, diagram: NetworkDiagram, controller: Controller):
        super().__init__(diagram)
        self.diagram, self.controller = diagram, controller
        self.editor = ValueEditor(diagram.viewport())
        self.editor.returnPressed.connect(self._on_value_entered)
        self.menu: QMenu | None = None
        self._gestures = itertools.count(1)
        self._wheel: tuple[str, int, float] = ("", 0, 0.0)  # parameter, gesture, time of the last notch
        self._drag: tuple[str, int, float] = ("", 0, 0.0)   # parameter, gesture, value at the press
        diagram.clicked.connect(self._on_clicked)
        diagram.wheeled.connect(self._on_wheeled)
        diagram.drag_started.connect(self._on_drag_started)
        diagram.dragged.connect(self._on_dragged)
        diagram.context_requested.connect(self._on_context_requested)

    def parameter_of(self, target: Target | None) -> str | None:
        """The parameter a target edits: an arrow's weight, a bias, or a neuron's bias."""
        if target is None:
            return None
        if target.kind == NODE and target.layer > 0:
            name = f"b{target.unit}_{target.layer}"
            return name if name in self.controller.setup.parameter_names else None
        return target.parameter

    # --- typing a value ---------------------------------------------------------------------

    @Slot(object, QPoint)
    def _on_clicked(self, target: Target, global_position: QPoint) -> None:
        name = self.parameter_of(target)
        if name is not None:
            self.edit(name, self.diagram.viewport().mapFromGlobal(global_position))

    def edit(self, name: str, position: QPoint) -> None:
        """Open the inline editor for parameter `name` at a viewport position."""
        self.editor.open(name, self.controller.parameter_value(name), position)

    @Slot()
    def _on_value_entered(self) -> None:
        text = self.editor.text().replace("−", "-").replace(",", ".")
        self.editor.hide()
        try:
            value = float(text)
        except ValueError:
            return
        if np.isfinite(value):
            self.controller.edit_parameter(self.editor.name, value)

    # --- nudging ---------------------------------------------------------------------------------

    @Slot(object, float, object)
    def _on_wheeled(self, target: Target, notches: float, modifiers) -> None:
        name = self.parameter_of(target)
        if name is None:
            return
        step = FINE_WHEEL_STEP if modifiers & Qt.KeyboardModifier.ShiftModifier else WHEEL_STEP
        last_name, gesture, then = self._wheel
        now = time.monotonic()
        if name != last_name or now - then > WHEEL_GESTURE_SECONDS:
            gesture = next(self._gestures)
        self._wheel = (name, gesture, now)
        value = self.controller.parameter_value(name) + step * notches
        self.controller.edit_parameter(name, round(value, 12), gesture)

    @Slot(object)
    def _on_drag_started(self, target: Target) -> None:
        name = self.parameter_of(target)
        if name is not None:
            self._drag = (name, next(self._gestures), self.controller.parameter_value(name))

    @Slot(object, float)
    def _on_dragged(self, target: Target, pixels_up: float) -> None:
        name, gesture, start = self._drag
        if name and name == self.parameter_of(target):
            self.controller.edit_parameter(name, round(start + DRAG_STEP * pixels_up, 12), gesture)

    # --- neuron menu -------------------------------------------------------------------------------

    @Slot(object, QPoint)
    def _on_context_requested(self, target: Target, global_position: QPoint) -> None:
        menu = self.neuron_menu(target, self.diagram.viewport().mapFromGlobal(global_position))
        if menu is not None:
            menu.popup(global_position)

    def neuron_menu(self, target: Target, position: QPoint = QPoint()) -> QMenu | None:
        """Edit / freeze or unfreeze / reset for the neuron under `target` (a node, its bias or an arrow into it)."""
        if target.kind not in (NODE, BIAS, EDGE) or target.layer == 0:
            return None
        setup, layer, unit = self.controller.setup, target.layer, target.unit
        net = Network.from_config(setup.network_config, setup.initial_params, copy=False)  # its shape: no random draw
        neuron = node_name(net, layer, unit)
        indices = np.array([setup.parameter_index(name) for name in neuron_parameters(net, layer, unit)])
        frozen = bool(self.controller.settings.frozen[indices].all())
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = menu = QMenu(self.diagram)
        name = self.parameter_of(target)
        if name is not None:
            menu.addAction(self.tr("Edit {name}…").format(name=name), lambda: self.edit(name, position))
        text = self.tr("Unfreeze {neuron}") if frozen else self.tr("Freeze {neuron} (no updates)")
        freeze = menu.addAction(text.format(neuron=neuron), lambda: self._freeze(indices, not frozen, neuron))
        freeze.setObjectName("unfreezeNeuron" if frozen else "freezeNeuron")
        reset = menu.addAction(self.tr("Reset {neuron} to its initial weights").format(neuron=neuron),
                               lambda: self._reset(indices, neuron))
        reset.setObjectName("resetNeuron")
        return menu

    def _freeze(self, indices: np.ndarray, frozen: bool, neuron: str) -> None:
        mask = np.array(self.controller.settings.frozen)
        mask[indices] = frozen
        text = self.tr("Freeze {neuron}") if frozen else self.tr("Unfreeze {neuron}")
        self.controller.set_frozen(mask, text.format(neuron=neuron))

    def _reset(self, indices: np.ndarray, neuron: str) -> None:
        params = np.array(self.controller.latest.params)
        params[indices] = self.controller.setup.initial_params[indices]
        self.controller.set_parameters(params, self.tr("Reset {neuron}").format(neuron=neuron))


def frozen_neurons(net: Network, frozen: np.ndarray) -> list[np.ndarray]:
    """For layers 1..L, which neurons have all their incoming weights and bias frozen."""
    result, offset = [], 0
    for layer in net.layers:
        rows = np.asarray(frozen[offset: offset + layer.n_params]).reshape(layer.units, -1)
        result.append(rows.all(axis=1))
        offset += layer.n_params
    return result

