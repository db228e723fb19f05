"""The "New data" dialog: a toy dataset from fcviz.core.generators with its sample count, noise and seed."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QMenu, QSpinBox, QWidget

from fcviz.core.dataset import Dataset
from fcviz.core.generators import GENERATORS, generate

MAX_SAMPLES = 10_000
TITLES = {  # menu names of the generators, translated when shown
    "circle": QT_TRANSLATE_NOOP("NewData", "Circle"),
    "xor": QT_TRANSLATE_NOOP("NewData", "XOR"),
    "two_gaussians": QT_TRANSLATE_NOOP("NewData", "Two Gaussians"),
    "spiral": QT_TRANSLATE_NOOP("NewData", "Spiral"),
    "line": QT_TRANSLATE_NOOP("NewData", "Line (regression)"),
    "plane": QT_TRANSLATE_NOOP("NewData", "Plane (regression)"),
    "sine": QT_TRANSLATE_NOOP("NewData", "Sine (regression)"),
    "clothes_size": QT_TRANSLATE_NOOP("NewData", "Clothes size"),
}


def generator_title(name: str) -> str:
    return QCoreApplication.translate("NewData", TITLES[name])


class NewDataDialog(QDialog):
    """Choose n, noise and seed for generator `name`; `dataset()` makes the data after accept()."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        generator = GENERATORS[name]
        self.setWindowTitle(self.tr("New data — {title}").format(title=generator_title(name)))
        self.samples = QSpinBox()
        self.samples.setRange(2, MAX_SAMPLES)
        self.samples.setValue(generator.default_n)
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 10.0)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(3)
        self.noise.setValue(generator.default_noise)
        self.noise.setToolTip(self.tr("Standard deviation of the noise, in the units of the data "
                                      "(clothes size: the share of flipped labels)"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        note = QLabel(self.tr("The network keeps training if it fits the new data; otherwise a network "
                              "with the same hidden layers is built for it. Undo brings the old data back."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Samples"), self.samples)
        form.addRow(self.tr("Noise"), self.noise)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(note)
        form.addRow(buttons)

    def dataset(self) -> Dataset:
        return generate(self.name, n=self.samples.value(), noise=self.noise.value(), seed=self.seed.value())


def new_data_menu(parent: QWidget, controller) -> QMenu:
    """File ▸ New data ▸ one entry per generator; the chosen data replaces the current data (undoable)."""
    menu = QMenu(QCoreApplication.translate("NewData", "New data"), parent)

    def choose(name: str) -> None:
        dialog = NewDataDialog(name, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            title = generator_title(name)
            controller.replace_dataset(dialog.dataset(), QCoreApplication.translate(
                "NewData", "New data: {title}").format(title=title), title=title)

    for name in GENERATORS:
        menu.addAction(generator_title(name) + "…", lambda name=name: choose(name))
    return menu
