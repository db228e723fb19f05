"""Small input widgets shared by several panels."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QLabel,
    QMessageBox,
    QStyle,
    QToolButton,
    QWidget,
)

from fcviz.core.limits import MAX_LEARNING_RATE, MIN_LEARNING_RATE, clamp

LADDER = (1.0, 2.0, 5.0)  # arrow steps go 0.1, 0.2, 0.5, 1, 2, 5, ...


def clamped(spin_box: QAbstractSpinBox, value):
    """`value` as the spin box can hold it: within its range (a 4000-digit int, 1e308 or inf
    would overflow Qt's 32-bit int or make it raise), NaN or a non-number as its minimum."""
    low, high = spin_box.minimum(), spin_box.maximum()
    return type(low)(clamp(value, low, low, high))


def set_clamped(spin_box: QAbstractSpinBox, value) -> None:
    """setValue with `value` clamped to the spin box's range."""
    spin_box.setValue(clamped(spin_box, value))


def show_value(spin_box: QAbstractSpinBox, value) -> None:
    """Show a value that came from training without reporting it as an edit,
    unless the person is in the middle of typing one."""
    value = clamped(spin_box, value)
    typing = spin_box.hasFocus() and spin_box.cleanText() != spin_box.textFromValue(spin_box.value())
    if typing or spin_box.value() == value:
        return
    with QSignalBlocker(spin_box):
        spin_box.setValue(value)


class SteadyLabel(QLabel):
    """A one-line label for numbers that change with every frame (epoch, loss, speed).

    QLabel.setText asks the layouts around it to be redone, up to the main window's, and to repaint
    all they hold: ~4 relayouts a frame while training. This label has a fixed size that only grows
    to fit a longer text (a widget of fixed size does not ask its parents), and skips unchanged texts.
    """

    GROWTH_ROOM = "00"

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        hint = super().sizeHint()
        if hint.width() > self.maximumWidth() or hint.height() != self.maximumHeight():
            room = self.fontMetrics().horizontalAdvance(self.GROWTH_ROOM)  # a few more digits before it grows again
            self.setFixedSize(QSize(max(hint.width() + room, self.minimumWidth()), hint.height()))


class LearningRateSpinBox(QDoubleSpinBox):
    """A positive number shown compactly (0.5, 1e-05); the arrows step along 1-2-5."""

    MINIMUM, MAXIMUM = MIN_LEARNING_RATE, MAX_LEARNING_RATE

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(self.MINIMUM, self.MAXIMUM)
        self.setKeyboardTracking(False)
        self.setAccelerated(False)
        self.setValue(0.1)

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:
        return float(text)

    def validate(self, text: str, position: int):
        try:
            value = float(text)
        except ValueError:
            partial = text == "" or text.endswith(("e", "E", "e-", "E-", ".", "-"))
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid), text, position
        if self.MINIMUM <= value <= self.MAXIMUM:
            return QValidator.State.Acceptable, text, position
        return QValidator.State.Intermediate, text, position

    def stepBy(self, steps: int) -> None:
        value = self.value()
        exponent = math.floor(math.log10(value))
        mantissa = value / 10 ** exponent
        rung = max(k for k, start in enumerate(LADDER) if start <= mantissa * (1 + 1e-9))
        on_ladder = math.isclose(mantissa, LADDER[rung], rel_tol=1e-9)
        position = 3 * exponent + rung + (1 if steps < 0 and not on_ladder else 0) + steps
        self.setValue(LADDER[position % 3] * 10.0 ** (position // 3))


def show_error(parent: QWidget, title: str, message: str) -> QMessageBox:
    """A warning with the exact message, shown without blocking (the window keeps working)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def make_action(parent: QWidget, text: str, slot, shortcut=None, icon: QStyle.StandardPixmap | None = None,
                checkable: bool = False) -> QAction:
    """A QAction of `parent` that calls `slot` when triggered, with an optional shortcut and standard icon."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(parent.style().standardIcon(icon))
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    return action


def tool_button(text: str, tooltip: str, slot, checkable: bool = False) -> QToolButton:
    """A text QToolButton with `tooltip` (none if empty) that calls `slot`: with `toggled(bool)` when
    `checkable`, else with `clicked`."""
    button = QToolButton()
    button.setText(text)
    if tooltip:
        button.setToolTip(tooltip)
    button.setCheckable(checkable)
    (button.toggled if checkable else button.clicked).connect(slot)
    return button
