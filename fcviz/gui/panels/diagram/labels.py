"""LabelPool: the text items of a network diagram's nodes (names, values, biases), reused frame to frame.

A pg.TextItem takes about a millisecond to make and add to the view; the 66 labels of a big network's
first frame, made all at once, were the longest pause of opening it (issue 18). When another network
is set, `ahead` makes the labels its first frame needs a few per event-loop turn, while a big
network's frame is worked out in a pool thread. `for_frame` makes what is still missing when a frame
is drawn (a small network's, drawn at once), at most PER_FRAME: opening a file installs the network
and draws its first frame in one turn, so the labels asked for ahead had no turn to come in. A frame
short of labels is drawn without its texts, and again with them on `made`.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont

TEXT_COLOR = "#222222"
PER_TURN = 6    # labels made per event-loop turn ahead of a frame
PER_FRAME = 24  # labels made while a frame is drawn; the rest follow, PER_TURN a turn


class LabelPool(QObject):
    made = Signal()  # the labels a frame was drawn without are all there

    def __init__(self, add: Callable[[pg.TextItem], pg.TextItem], parent: QObject | None = None):
        """`add(item)` puts a new label in the view and returns it."""
        super().__init__(parent)
        self.names: list[pg.TextItem] = []   # anchored at their centre, on the node
        self.values: list[pg.TextItem] = []  # under the node
        self.biases: list[pg.TextItem] = []  # at the bias square's top right
        self._add, self._wanted, self._owed = add, 0, False
        self._font = QFont()
        self._font.setPointSizeF(8)
        self._turn = QTimer(self, singleShot=True, interval=0)
        self._turn.timeout.connect(self._grow_a_few)

    def ahead(self, wanted: int) -> None:
        """Make `wanted` labels of each kind, PER_TURN in each event-loop turn."""
        self._wanted = wanted
        self._turn.start()

    def grow(self, wanted: int, most: int | None = None) -> bool:
        """`wanted` labels of each kind (new ones hidden), making at most `most`; True if there are."""
        made = 0
        for items, anchor in ((self.names, (0.5, 0.5)), (self.values, (0.5, 0.0)), (self.biases, (1.0, 1.0))):
            while len(items) < wanted:
                if made == most:
                    return False
                item = pg.TextItem(color=TEXT_COLOR, anchor=anchor)
                item.setFont(self._font)
                item.setVisible(False)
                items.append(self._add(item))
                made += 1
        return True

    def for_frame(self, wanted: int) -> bool:
        """`grow` for a frame, making at most PER_FRAME: False if it is short (the rest come ahead, then `made`)."""
        if self.grow(wanted, PER_FRAME):
            return True
        self._owed = True
        self.ahead(wanted)
        return False

    def finish(self) -> None:
        """Make the labels asked for ahead now (a screenshot)."""
        self._turn.stop()
        self._grow_a_few(None)

    def _grow_a_few(self, most: int | None = PER_TURN) -> None:
        if not self.grow(self._wanted, most):
            self._turn.start()
        elif self._owed:
            self._owed = False
            self.made.emit()
