"""The per-epoch loss history of a run, in bounded memory.

The last `HISTORY_EXACT_EPOCHS` entries are always exact; before them at most
`HISTORY_THINNED_POINTS` entries are kept, every `stride`-th epoch (a power of two that
doubles as the run grows). Which entries are kept depends only on how many were recorded,
never on how they were recorded (one by one, in chunks, or resumed from a session), so a
resumed run and an uninterrupted one hold the same history, bit for bit. Runs up to
HISTORY_EXACT_EPOCHS + HISTORY_THINNED_POINTS (524,288) epochs are kept whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fcviz.core.limits import HISTORY_EXACT_EPOCHS, HISTORY_THINNED_POINTS


def stride_for(count: int, exact: int = HISTORY_EXACT_EPOCHS, thinned: int = HISTORY_THINNED_POINTS) -> int:
    """The spacing of kept entries before the exact tail, once `count` entries were recorded."""
    head, stride = max(0, count - exact), 1
    while -(-head // stride) > thinned:
        stride *= 2
    return stride


class LossSeries:
    """An append-only float series indexed by position (0 = the first epoch), thinned as above.

    `len()` is the number of entries recorded; `series[i]` is entry i if it is kept
    (the last HISTORY_EXACT_EPOCHS always are), and IndexError otherwise.
    """

    def __init__(self, values=(), positions=None, count: int | None = None,
                 exact: int = HISTORY_EXACT_EPOCHS, thinned: int = HISTORY_THINNED_POINTS):
        values = np.asarray(values, dtype=np.float64).ravel()
        positions = np.arange(values.size) if positions is None else np.asarray(positions, np.int64).ravel()
        if positions.size != values.size or (positions.size and (np.any(np.diff(positions) <= 0)
                                                                 or positions[0] < 0)):
            raise ValueError("history positions must be increasing, one per value")
        self.exact, self.thinned = exact, thinned
        self._capacity = 2 * (exact + thinned)  # thin when the buffer is full: amortised O(1) appends
        self._count = int(positions[-1]) + 1 if count is None and positions.size else int(count or 0)
        if positions.size and positions[-1] >= self._count:
            raise ValueError("history positions go beyond the entries recorded")
        self._values, self._positions, self._size = values.copy(), positions.copy(), values.size
        self._thin()
        self._resize(max(1024, min(self._capacity, 2 * self._size)))

    # --- recording ---------------------------------------------------------------------

    def append(self, value: float) -> None:
        if self._size == self._values.size:
            self._make_room(1)
        self._values[self._size] = value
        self._positions[self._size] = self._count
        self._size += 1
        self._count += 1

    def extend(self, values, divisor: float = 1) -> None:
        """Append `values`, each divided by `divisor` (the fast loop records loss sums)."""
        values = np.asarray(values, dtype=np.float64)
        if divisor != 1:
            values = values / divisor
        start = 0
        while start < values.size:
            if self._size == self._values.size:
                self._make_room(values.size - start)
            part = values[start: start + self._values.size - self._size]
            self._values[self._size: self._size + part.size] = part
            self._positions[self._size: self._size + part.size] = np.arange(self._count, self._count + part.size)
            self._size += part.size
            self._count += part.size
            start += part.size

    def truncate(self, count: int) -> None:
        """Forget the entries from position `count` on (a rolled-back stretch of training)."""
        if count < self._count:
            self._count = max(0, count)
            self._size = int(np.searchsorted(self._positions[: self._size], self._count))

    # --- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            position = index + self._count if index < 0 else int(index)
            found = int(np.searchsorted(self._positions[: self._size], position))
            if not 0 <= position < self._count or found == self._size or self._positions[found] != position:
                raise IndexError(f"history entry {index} is not kept (of {self._count} recorded)")
            return self._values[found]
        if self.is_exact:
            return self._values[: self._size][index]
        raise IndexError("a thinned history is read by positions(), not by slices")

    def tail(self, start: int) -> np.ndarray:
        """The values of entries `start`, `start` + 1, … to the last (a view: read before the next append);
        IndexError if some of them are not kept (only the last HISTORY_EXACT_EPOCHS surely are)."""
        first = self._size - (self._count - start)
        if start < 0 or first < 0 or (first < self._size and self._positions[first] != start):
            raise IndexError(f"history entries from {start} on are not all kept (of {self._count} recorded)")
        return self._values[first: self._size]

    @property
    def is_exact(self) -> bool:
        """True while every recorded entry is kept."""
        return self._size == self._count

    def kept(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions, values) of the kept entries: copies, in epoch order."""
        self._thin()
        return self._positions[: self._size].copy(), self._values[: self._size].copy()

    def array(self) -> np.ndarray:
        """The kept values (all values while `is_exact`)."""
        return self.kept()[1]

    def sample(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions, values) of the kept entries nearest to `positions`, without repeats (for a curve)."""
        kept = self._positions[: self._size]
        if not self._size:
            return np.zeros(0, np.int64), np.zeros(0)
        positions = np.asarray(positions)
        if self.is_exact and positions.dtype.kind in "iu":
            # every entry is kept at its own position: the nearest is the position itself (a searchsorted
            # of a 4096-point curve in a long history cost ~0.5 ms a snapshot, holding the GIL; issue 14)
            chosen = np.sort(np.clip(positions, 0, self._size - 1))
        else:
            index = np.clip(np.searchsorted(kept, positions), 0, self._size - 1)
            below = np.maximum(index - 1, 0)
            nearer = np.abs(kept[below] - positions) < np.abs(kept[index] - positions)
            chosen = np.sort(np.where(nearer, below, index))
        chosen = chosen[np.concatenate(([True], chosen[1:] != chosen[:-1]))]  # np.unique, without its hash table
        return kept[chosen].copy(), self._values[chosen].copy()

    @property
    def nbytes(self) -> int:
        return self._values.nbytes + self._positions.nbytes

    # --- keeping it bounded ---------------------------------------------------------------

    def _make_room(self, wanted: int) -> None:
        self._thin()
        if self._size + wanted > self._values.size:
            self._resize(min(self._capacity, max(2 * self._values.size, self._size + wanted)))

    def _resize(self, size: int) -> None:
        size = max(size, self._size + 1)
        for name in ("_values", "_positions"):
            old = getattr(self, name)
            new = np.empty(size, old.dtype)
            new[: self._size] = old[: self._size]
            setattr(self, name, new)

    def _thin(self) -> None:
        """Drop what the canonical form for `len(self)` entries does not keep."""
        stride = stride_for(self._count, self.exact, self.thinned)
        boundary = self._count - self.exact
        positions = self._positions[: self._size]
        keep = (positions >= boundary) | (positions % stride == 0)
        if keep.all():
            return
        kept = int(keep.sum())
        self._values[:kept] = self._values[: self._size][keep]
        self._positions[:kept] = positions[keep]
        self._size = kept


@dataclass
class History:
    """Per-epoch records: `loss[k-1]` is the loss of epoch k (while kept; see LossSeries)."""

    loss: LossSeries = field(default_factory=LossSeries)
    val_loss: LossSeries = field(default_factory=LossSeries)

    def as_dict(self) -> dict[str, np.ndarray]:
        """Arrays for a session: the kept values, and their positions when some are thinned out."""
        out = {}
        for name in ("loss", "val_loss"):
            series: LossSeries = getattr(self, name)
            if name == "loss" or len(series):
                positions, values = series.kept()
                out[name] = values
                if not series.is_exact:
                    out[f"{name}_epochs"] = positions + 1
                    out[f"{name}_count"] = np.array([len(series)], np.int64)
        return out

    @classmethod
    def from_dict(cls, arrays: dict) -> "History":
        def series(name: str) -> LossSeries:
            epochs = arrays.get(f"{name}_epochs")
            count = arrays.get(f"{name}_count")
            return LossSeries(arrays.get(name, ()), None if epochs is None else np.asarray(epochs) - 1,
                              None if count is None else int(np.asarray(count).ravel()[0]))
        return cls(series("loss"), series("val_loss"))
