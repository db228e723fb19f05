"""Display frequency panel: redraw at epoch 1 and every N epochs, at most so many times a second."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtWidgets import QButtonGroup, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QToolButton

from fcviz.core import limits
from fcviz.gui.panels.base import Panel
from fcviz.gui.widgets import set_clamped

PRESET_EVERY = (1, 10, 100, 1000)


class DisplayFrequencyPanel(Panel):
    """Choose how often training shows its progress: every N epochs (presets or custom) and a rate cap."""

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.every = QSpinBox()
        self.every.setRange(limits.MIN_DISPLAY_EVERY, limits.MAX_DISPLAY_EVERY)
        self.every.setKeyboardTracking(False)
        self.every.setPrefix(self.tr("every "))
        self._show_unit(self.every.value())
        self.every.valueChanged.connect(self._on_every_changed)
        self.presets = QButtonGroup(self)
        buttons = QHBoxLayout()
        for every in PRESET_EVERY:
            button = QToolButton()
            button.setText(f"{every:,}")
            button.setCheckable(True)
            self.presets.addButton(button, every)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.presets.idClicked.connect(self.every.setValue)

        self.max_rate = QSpinBox()
        self.max_rate.setRange(limits.MIN_REDRAW_HZ, limits.MAX_REDRAW_HZ)
        self.max_rate.setSuffix(self.tr(" Hz"))
        self.max_rate.setKeyboardTracking(False)
        self.max_rate.setToolTip(self.tr("The most redraws a second while training; "
                                         "fewer leave more time for training"))
        self.max_rate.valueChanged.connect(self._on_max_rate_changed)

        explanation = QLabel(self.tr("The plots show epoch 1 and then every N epochs."))
        explanation.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(self.tr("Presets"), buttons)
        form.addRow(self.tr("Redraw"), self.every)
        form.addRow(self.tr("At most"), self.max_rate)
        controller.settings.changed.connect(self._show_settings)
        controller.settings.adopted.connect(self._show_settings)
        self._show_settings()

    @Slot()
    def _show_settings(self) -> None:
        settings = self.controller.settings
        for box, value in ((self.every, settings.display_every), (self.max_rate, round(settings.max_redraw_hz))):
            with QSignalBlocker(box):
                set_clamped(box, value)
        self._show_unit(settings.display_every)
        self._check_preset(settings.display_every)

    def _check_preset(self, every: int) -> None:
        self.presets.setExclusive(False)  # so that a custom N can leave every preset unchecked
        for button in self.presets.buttons():
            button.setChecked(self.presets.id(button) == every)
        self.presets.setExclusive(True)

    def _show_unit(self, every: int) -> None:
        self.every.setSuffix(self.tr(" epoch") if every == 1 else self.tr(" epochs"))  # "every 1 epoch"

    @Slot(int)
    def _on_every_changed(self, every: int) -> None:
        self._show_unit(every)
        self._check_preset(every)
        self.controller.settings.set("display_every", every)

    @Slot(int)
    def _on_max_rate_changed(self, hz: int) -> None:
        self.controller.settings.set("max_redraw_hz", hz)  # 0 would send every display epoch
