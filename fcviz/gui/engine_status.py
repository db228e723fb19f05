"""EngineStatus: the status bar's note of which engine trains, and "preparing…" while it loads."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QWidget

from fcviz.core import engine
from fcviz.core.snapshot import Snapshot

POLL_MS = 200   # how often to look whether the compiled engine is ready while it prepares


class EngineStatus(QLabel):
    """"Engine: compiled" or "Engine: NumPy"; "Engine: preparing…" while the compiled kernels load, and
    "Engine: NumPy — compiled engine preparing…" while they compile elsewhere and NumPy stands in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("engineStatus")
        self.setContentsMargins(8, 0, 8, 0)
        self._engine = ""
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._refresh)

    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.engine != self._engine or (self.preparing and not self._poll.isActive()):
            self._engine = snapshot.engine
            self._refresh()   # preparing: the warm-up was asked for after this label last looked

    @property
    def preparing(self) -> bool:
        return self._engine == engine.COMPILED and engine.WARM_UP.preparing

    @Slot()
    def _refresh(self) -> None:
        if self.preparing:
            if engine.WARM_UP.compiling_elsewhere:
                self.setText(self.tr("Engine: NumPy — compiled engine preparing…"))
                self.setToolTip(self.tr("The compiled training engine is being compiled (once after installing). "
                                        "Training runs in NumPy meanwhile; the compiled engine takes over when "
                                        "it is ready."))
            else:
                self.setText(self.tr("Engine: preparing…"))
                self.setToolTip(self.tr("The compiled training engine is loading; training starts when it is "
                                        "ready."))
            self._poll.start()
            return
        self._poll.stop()
        compiled = self._engine == engine.COMPILED
        self.setText(self.tr("Engine: compiled") if compiled else self.tr("Engine: NumPy"))
        self.setToolTip(self.tr("Training runs in compiled loops that leave the window free to draw.") if compiled
                        else self.tr("Training runs in NumPy (custom activations, large layers, or no numba)."))
