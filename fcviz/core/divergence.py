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
        for index in range(self.seen, len(losses)):
            if self._blew_up(float(losses[index]), index + 1):
                self.seen = len(losses)
                return True
        self.seen = len(losses)
        return False

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
