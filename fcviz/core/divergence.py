"""A finite blow-up is divergence too: the loss staying far above its best, epoch after epoch.

The trainer stops by itself on an infinite or NaN loss; `BlowUpWatch` also stops a
run whose loss stays BLOW_UP_FACTOR times above its best, and above where it started,
for BLOW_UP_EPOCHS epochs (loss 1.2 → 878), and says where. (A late spike of a
nearly perfect fit, 1e-5 → 1e-3, stays below the start: not divergence.) The CLI and
the window's worker both use it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

BLOW_UP_FACTOR = 100
BLOW_UP_EPOCHS = 20


class BlowUpWatch:
    """Reads the epochs a trainer added since the last look; `check` is True once the run blew up."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.first = math.nan
        self.best = math.inf
        self.best_epoch = 0
        self.above_since = 0
        self.seen = 0
        self.message = ""

    def start_at(self, trainer: Any) -> None:
        """Watch only the epochs trained from now on."""
        self.reset()
        self.seen = len(trainer.history.loss)

    def check(self, trainer: Any) -> bool:
        losses = trainer.history.loss
        if len(losses) < self.seen:  # the run was reset or rewound: start over
            self.reset()
        start, self.seen = self.seen, len(losses)
        new = losses.tail(start)
        # Per epoch in Python this cost ~30 µs, a third of a compiled spiral epoch (issue 14): look at the
        # whole stretch at once, and epoch by epoch only where the loss rose BLOW_UP_FACTOR above its best.
        if new.size == 0 or self._all_below(new, start):
            return False
        return any(self._blew_up(float(loss), start + offset + 1) for offset, loss in enumerate(new))

    def _all_below(self, new: np.ndarray, start: int) -> bool:
        """If no loss of `new` (epochs start + 1, …) is far above the best before it, take them in and say True."""
        first = self.first
        if math.isnan(first):
            numbers = new[~np.isnan(new)]
            first = float(numbers[0]) if numbers.size else math.nan
        best_before = np.fmin.accumulate(np.concatenate(([self.best], new[:-1])))  # NaN never becomes the best
        if np.any((best_before > 0) & (new > BLOW_UP_FACTOR * best_before) & (new > first)):
            return False
        improved = np.flatnonzero(new < best_before)
        self.first = first
        if improved.size:
            self.best, self.best_epoch = float(new[improved[-1]]), start + int(improved[-1]) + 1
        self.above_since = 0
        return True

    def _blew_up(self, loss: float, epoch: int) -> bool:
        if math.isnan(self.first):
            self.first = loss
        if loss < self.best:
            self.best, self.best_epoch, self.above_since = loss, epoch, 0
        elif self.best > 0 and loss > BLOW_UP_FACTOR * self.best and loss > self.first:
            self.above_since = self.above_since or epoch
            if epoch - self.above_since + 1 >= BLOW_UP_EPOCHS:
                self.message = (f"training diverged at epoch {self.above_since}: the loss rose to {loss:.6g}, "
                                f"over {BLOW_UP_FACTOR}× its best {self.best:.6g} (epoch {self.best_epoch}); "
                                f"try a lower learning rate, or scaled inputs")
                return True
        else:
            self.above_since = 0
        return False
