"""Help ▸ Keyboard shortcuts and Help ▸ About: two small non-modal message boxes over the window.

Their strings keep the translation context of the window they came from (MainWindow)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from fcviz import __version__


def _open(window: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, window)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def show_shortcuts(window: QWidget) -> None:
    """Every action of `window` that has a shortcut, with the shortcut."""
    native = QKeySequence.SequenceFormat.NativeText
    rows = "".join(f"<tr><td>{action.text().replace('&', '')}</td>"
                   f"<td><b>{action.shortcut().toString(native)}</b></td></tr>"
                   for action in window.findChildren(QAction) if not action.shortcut().isEmpty())
    title = QCoreApplication.translate("MainWindow", "Keyboard shortcuts")
    _open(window, title, f"<table cellspacing='6'>{rows}</table>")


def show_about(window: QWidget) -> None:
    text = QCoreApplication.translate("MainWindow", "<h3>fcviz {version}</h3><p>A lab for watching fully-connected neural networks learn: edit the weights, the architecture and the data, and see every step of gradient descent.</p>")  # noqa: E501 (lupdate reads the call on one line)
    _open(window, QCoreApplication.translate("MainWindow", "About fcviz"), text.format(version=__version__))
