"""Panel: the base of every dock's content."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from fcviz.core.experiment_setup import Setup
from fcviz.core.snapshot import Snapshot
from fcviz.gui.controller import Controller


@dataclass(frozen=True)
class ExportTarget:
    """A plot File ▸ Export can save as an image: the menu entry, the file dialog's title, the plot."""

    action_text: str
    dialog_title: str
    plot_widget: pg.PlotWidget


class Panel(QWidget):
    """Follows the controller's setup and snapshots; a hidden panel (closed dock, other tab)
    skips drawing and catches up with the newest snapshot when it is shown again.

    The window talks to a panel only through `set_setup`/`draw` (via the controller), its dock
    visibility, and `view_state`/`restore_view_state`/`export_targets`.
    """

    def __init__(self, controller: Controller, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self._pending: Snapshot | None = None
        controller.setup_changed.connect(self._on_setup_changed)
        controller.snapshot_changed.connect(self._on_snapshot_changed)

    def catch_up(self) -> None:
        """Show the controller's current setup and snapshot (call at the end of a panel's __init__)."""
        self.set_setup(self.controller.setup)
        self._on_snapshot_changed(self.controller.latest)

    def set_setup(self, setup: Setup) -> None:
        """Another experiment was installed: rebuild what depends on the data or the architecture."""

    def draw(self, snapshot: Snapshot) -> None:
        """Show `snapshot`: update existing items (never recreate them here)."""

    def view_state(self) -> dict:
        """What a session keeps of how this panel looks (JSON-friendly; the window merges every panel's)."""
        return {}

    def restore_view_state(self, view: dict) -> None:
        """Put back what `view_state` saved; a missing or malformed entry keeps the current look."""

    def export_targets(self) -> list[ExportTarget]:
        """The plots of this panel that File ▸ Export can save as images."""
        return []

    @Slot(object)
    def _on_setup_changed(self, setup: Setup) -> None:
        self._pending = None
        self.set_setup(setup)

    @Slot(object)
    def _on_snapshot_changed(self, snapshot: Snapshot) -> None:
        if self._on_screen():
            self._pending = None
            self.draw(snapshot)
        else:
            self._pending = snapshot

    def _on_screen(self) -> bool:
        # A dock behind another dock's tab stays "visible" to Qt, but has nothing on screen.
        return self.isVisible() and not self.visibleRegion().isEmpty()

    @Slot(bool)
    def on_dock_visibility_changed(self, visible: bool) -> None:
        """The dock came to the front (its tab was chosen, or it was shown): draw what was missed."""
        if visible:
            self._draw_pending()

    def showEvent(self, event):
        super().showEvent(event)
        if self._on_screen():  # a dock behind a tab draws when its tab is chosen (on_dock_visibility_changed)
            self._draw_pending()

    def _draw_pending(self) -> None:
        if self._pending is None:
            return
        snapshot, self._pending = self._pending, None
        # An exception escaping a Qt event handler override aborts PySide6; report it instead.
        try:
            self.draw(snapshot)
        except Exception:  # noqa: BLE001 - any drawing bug must not take the session down
            traceback.print_exc()
