"""The notice that a session's values were clamped to what fcviz can hold (fcviz.io.session.load_session)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from fcviz.core.limits import Adjustment


class AdjustedNotice(QMessageBox):
    """A box that does not block the window, listing each value as read and as used
    ("epochs 1e+30 → 100,000,000"); it closes itself away when dismissed."""

    def __init__(self, adjusted: list[Adjustment], parent: QWidget):
        super().__init__(QMessageBox.Icon.Information, "", "", QMessageBox.StandardButton.Ok, parent)
        self.setObjectName("adjustedMessage")
        self.setWindowTitle(self.tr("Session values adjusted"))
        names = {"epochs": self.tr("epochs"), "display_every": self.tr("redraw every"),
                 "batch_size": self.tr("batch size"), "learning_rate": self.tr("learning rate"),
                 "pace": self.tr("pace"), "max_redraw_hz": self.tr("max redraw rate")}
        changes = self.tr("; ").join(f"{names.get(a.key, a.key)} {self._given(a)} → {self._used(a)}"
                                     for a in adjusted)
        self.setText(self.tr("Session values adjusted to what fcviz can hold: {changes}").format(changes=changes))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _given(self, adjustment: Adjustment) -> str:
        if adjustment.given_digits:
            return self.tr("a {digits}-digit number").format(digits=adjustment.given_digits)
        return repr(adjustment.given)

    def _used(self, adjustment: Adjustment) -> str:
        if adjustment.key == "pace" and adjustment.used == 0:
            return self.tr("max")  # as the pace box says it: as fast as training goes
        return self.tr("{rate}/s").format(rate=adjustment.number_text) if adjustment.unit else adjustment.used_text


def show_adjusted(adjusted: list[Adjustment], window: QMainWindow) -> None:
    """Say which values of an opened session were clamped (if any): the notice, and the status bar."""
    if adjusted:
        notice = AdjustedNotice(adjusted, window)
        window.statusBar().showMessage(notice.text())
        notice.show()
