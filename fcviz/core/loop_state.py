"""What a training run carries from one batch to the next, and what one call of a loop did.

Every loop (the NumPy reference in `numpy_loop`, the compiled one in
`compiled_loop`) reads and advances a `LoopState` and reports a `Progress`;
the trainer alone turns a progress into history, epochs and stop reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How a loop call ended (the compiled kernels use the same numbers).
DONE, TARGET, BAD_LOSS, BAD_WEIGHTS = range(4)


@dataclass
class LoopState:
    """The position within the epoch under way: enough to go on exactly where a run stopped."""

    epoch_start: np.ndarray              # the weights when the epoch began (divergence goes back to them)
    batch_index: int = 0                 # next batch of the epoch; 0: a new epoch starts
    loss_sum: float = 0.0                # Σ batch loss × batch size over the epoch's batches so far
    order: np.ndarray | None = None      # the samples' order this epoch (None: as given)


@dataclass
class Progress:
    """One loop call: per finished epoch its loss (and held-out loss), the last batch loss, how it ended."""

    epoch_losses: np.ndarray
    val_losses: np.ndarray
    value: float = float("nan")
    status: int = DONE
    batches: int = 0

    @property
    def epochs(self) -> int:
        return len(self.epoch_losses)


def sample_order(rng: np.random.Generator, n: int) -> np.ndarray:
    """The order of the samples for a shuffled epoch: the one draw every loop makes from the trainer's RNG."""
    return rng.permutation(n)
