"""Timeline: the state of a run at each display epoch, to scrub back to, replay, and continue from.

Who writes and who reads:
- The Experiment owns one `Timeline` (`experiment.timeline`) and records a frame with
  `experiment.record_frame()` whenever training reaches a display epoch (epoch 1 and every
  `display_every`-th; the worker and `fcviz replay` do this), at epoch 0 and when a run finishes.
- Readers never touch the `Timeline`: `timeline.view()` returns a `TimelineView`, an immutable
  window on the first `count` frames. Every `Snapshot` carries one (`snapshot.timeline`), so a panel
  reads `snapshot.timeline.frame(i)` / `.index_of(epoch)` in the GUI thread while the worker goes on
  recording. This is safe because the owner only ever writes rows past every published view:
  growing, thinning and truncating build new arrays instead of changing old ones.

Each frame holds the flat parameter vector, the epoch's loss, the metrics of those parameters, and
what training needs to go on from there exactly (optimizer slots and the shuffling RNG), so that
`Experiment.continue_from(epoch)` followed by training equals the run that was never interrupted.

Memory is bounded: past `max_bytes` (64 MB) every other frame is dropped (the first is kept) and
from then on frames are recorded at least `min_gap` epochs apart, so the frames stay evenly spread;
`TimelineView.thinned` says that this happened. The storage is made at the bound at once and never
grown by copying: it takes address space, and memory is used only as rows are written (a
doubling copy of 42 MB at the 16,384th frame held the recording thread, and with it the GIL, for
0.2–0.45 s on a busy machine). Big columns are pages of their own (`_storage`), so storage replaced by
thinning or truncating goes back to the system once the last view of it is gone. Sessions store
`arrays()` as append-only arrays (`timeline.*` in arrays.npz); a session without them starts a timeline
at its current state.
"""

from __future__ import annotations

import math
import mmap
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

MAX_BYTES = 64 * 2**20   # all frames of one run together
RNG_WORDS = 6            # PCG64: state hi/lo, increment hi/lo, has_uint32, uinteger
_MASK64 = (1 << 64) - 1
PACES = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0)  # display epochs drawn a second; 0 means as fast as possible
MAX_PACE = 0.0
COMFORTABLE_RUN_SECONDS = 6.0  # a preset's default run should take about this long to watch
OWN_PAGES_BYTES = 2 ** 20  # columns at least this big are anonymous memory maps (`_storage`)


def default_pace(epochs: int, display_every: int) -> float:
    """The slowest pace that plays a run of `epochs` in at most COMFORTABLE_RUN_SECONDS (at most 30/s)."""
    frames = 1 + max(0, int(epochs)) // max(1, int(display_every))
    for pace in PACES:
        if frames / pace <= COMFORTABLE_RUN_SECONDS:
            return pace
    return PACES[-1]


def is_display_epoch(epoch: int, display_every: int) -> bool:
    """Epoch 1 and every `display_every`-th epoch are drawn (the lab: 1, 100, 200, …)."""
    return epoch == 1 or (epoch > 0 and epoch % display_every == 0)


def rng_words(state: Mapping) -> np.ndarray:
    """A PCG64 bit-generator state as RNG_WORDS unsigned 64-bit words."""
    inner = state["state"]
    return np.array([inner["state"] >> 64, inner["state"] & _MASK64, inner["inc"] >> 64, inner["inc"] & _MASK64,
                     state["has_uint32"], state["uinteger"]], np.uint64)


def rng_state(words: np.ndarray) -> dict:
    """The inverse of `rng_words`."""
    w = [int(value) for value in words]
    return {"bit_generator": "PCG64", "state": {"state": (w[0] << 64) | w[1], "inc": (w[2] << 64) | w[3]},
            "has_uint32": w[4], "uinteger": w[5]}


@dataclass(frozen=True)
class Frame:
    """One recorded display epoch (arrays are read-only)."""

    epoch: int
    params: np.ndarray
    loss: float                 # the loss of that epoch (NaN for epoch 0)
    metrics: dict[str, float]   # loss, accuracy/R², test_* of `params` on the data
    optimizer: dict[str, np.ndarray]
    rng: dict


@dataclass(frozen=True)
class TimelineView:
    """The first `count` frames of a timeline, safe to read from any thread."""

    epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    params: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    metrics: dict = field(default_factory=dict)
    optimizer: dict = field(default_factory=dict)
    rng: np.ndarray = field(default_factory=lambda: np.zeros((0, RNG_WORDS), np.uint64))
    min_gap: int = 0
    dropped: int = 0

    @property
    def count(self) -> int:
        return len(self.epochs)

    @property
    def thinned(self) -> bool:
        """True once frames were dropped to stay within the memory bound."""
        return self.dropped > 0

    def index_of(self, epoch: int) -> int:
        """The frame at `epoch`, or the last one before it (0 if none is)."""
        return max(0, int(np.searchsorted(self.epochs, epoch, side="right")) - 1)

    def frame(self, index: int) -> Frame:
        return Frame(int(self.epochs[index]), self.params[index], float(self.loss[index]),
                     {name: float(column[index]) for name, column in self.metrics.items()
                      if not np.isnan(column[index])},
                     {name: column[index] for name, column in self.optimizer.items()
                      if not (column.dtype.kind == "f" and np.isnan(column[index]).all())},
                     rng_state(self.rng[index]))


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


class Timeline:
    """Append-only record of a run's display epochs, thinned evenly to stay under `max_bytes`."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = int(max_bytes)
        self._count = 0
        self._columns: dict[str, np.ndarray] = {}   # name -> (capacity, ...) storage
        self.min_gap = 0                            # epochs between frames since the last thinning
        self.dropped = 0                            # frames dropped by thinning so far
        self._view: TimelineView | None = TimelineView()

    def __len__(self) -> int:
        return self._count

    @property
    def last_epoch(self) -> int:
        return int(self._columns["epoch"][self._count - 1]) if self._count else -1

    def record(self, epoch: int, params: np.ndarray, loss: float, metrics: dict[str, float],
               optimizer: dict[str, np.ndarray], rng: Mapping, force: bool = False) -> bool:
        """Append a frame; False if thinning skips it (`force` keeps it anyway, e.g. a run's end).

        A frame at the last frame's epoch replaces it (an edit before training starts).
        """
        if self._count and epoch <= self.last_epoch:
            self.truncate(epoch - 1)
        if not force and not self.wants(epoch):
            return False
        row = {"epoch": np.int64(epoch), "params": params, "loss": loss, "rng": rng_words(rng)}
        row.update({f"metric.{name}": value for name, value in metrics.items()})
        row.update({f"optimizer.{name}": value for name, value in optimizer.items()})
        if self._count and set(row) - set(self._columns):
            self._add_columns(row)
        elif not self._count:
            self._columns = {}
            self._add_columns(row)
        self._make_room()
        for name, column in self._columns.items():
            column[self._count] = row.get(name, np.nan)
        self._count += 1
        self._view = None
        return True

    def wants(self, epoch: int) -> bool:
        """False if thinning would skip a frame at `epoch` (it is too close to the last one)."""
        return not self._count or epoch <= self.last_epoch or epoch - self.last_epoch >= self.min_gap

    def truncate(self, last_epoch: int) -> None:
        """Forget the frames after `last_epoch` (into new arrays: published views stay as they were)."""
        keep = int(np.searchsorted(self._columns["epoch"][: self._count], last_epoch, side="right")) \
            if self._count else 0
        if keep < self._count:
            self._columns = self._copied_columns(keep)
            self._count = keep
            self._view = None

    def truncated(self, last_epoch: int) -> "Timeline":
        """A new timeline with the frames up to `last_epoch` (this one is left as it is)."""
        keep = self.view().index_of(last_epoch) + 1 if self._count else 0
        copy = Timeline(self.max_bytes)
        copy._count, copy._view = min(keep, self._count), None
        copy._columns = self._copied_columns(copy._count)
        copy.min_gap, copy.dropped = self.min_gap, self.dropped
        return copy

    def view(self) -> TimelineView:
        """An immutable view of the frames recorded so far (cached until the next change)."""
        if self._view is None:
            n, columns = self._count, self._columns
            if not n:
                self._view = TimelineView(min_gap=self.min_gap, dropped=self.dropped)
            else:
                part = {name: _read_only(column[:n]) for name, column in columns.items()}
                self._view = TimelineView(
                    part["epoch"], part["params"], part["loss"],
                    {name[7:]: value for name, value in part.items() if name.startswith("metric.")},
                    {name[10:]: value for name, value in part.items() if name.startswith("optimizer.")},
                    part["rng"], self.min_gap, self.dropped)
        return self._view

    # --- storage ------------------------------------------------------------------

    def _max_frames(self) -> int:
        frame_bytes = sum(column.itemsize * math.prod(column.shape[1:]) for column in self._columns.values())
        return max(4, self.max_bytes // max(1, frame_bytes))

    def _add_columns(self, row: dict) -> None:
        """Storage for the columns of `row` that are new, as many rows as the others (`_make_room` sizes it)."""
        capacity = len(self._columns["epoch"]) if self._columns else 0
        for name, value in row.items():
            if name in self._columns:
                continue
            value = np.asarray(value)
            dtype = value.dtype if value.dtype.kind in "iuf" else np.dtype(np.float64)
            column = _storage((capacity, *value.shape), dtype)
            if dtype.kind == "f":
                column[: self._count] = np.nan
            self._columns[name] = column

    def _copied_columns(self, count: int) -> dict[str, np.ndarray]:
        """New storage of the same size holding the first `count` frames (published views keep the old)."""
        return {name: _resized(column, len(column), count) for name, column in self._columns.items()}

    def _make_room(self) -> None:
        """Before appending: at the memory bound, drop every other frame. Storage of another size than
        the bound is made as big as it, once: read from a session (it holds its frames only), or when
        columns were added (an optimizer's slots appear after its first step)."""
        limit = self._max_frames()
        if self._count >= limit:
            self._thin()
        elif len(self._columns["epoch"]) != limit:
            self._columns = {name: _resized(column, limit, self._count) for name, column in self._columns.items()}

    def _thin(self) -> None:
        keep = np.arange(0, self._count, 2)
        epochs = self._columns["epoch"][keep]
        self.dropped += self._count - len(keep)
        self.min_gap = max(2 * self.min_gap, int(np.median(np.diff(epochs)))) if len(keep) > 1 else 2 * self.min_gap
        fresh = {}
        for name, column in self._columns.items():
            fresh[name] = _storage(column.shape, column.dtype)
            fresh[name][: len(keep)] = column[keep]
        self._columns, self._count = fresh, len(keep)

    # --- sessions -----------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """The frames as read-only arrays named `timeline.<column>` (for arrays.npz; recording never changes them)."""
        out = {f"timeline.{name}": _read_only(column[: self._count]) for name, column in self._columns.items()}
        if self._count:
            out["timeline.thinning"] = np.array([self.min_gap, self.dropped], np.int64)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], n_params: int, max_bytes: int = MAX_BYTES) -> "Timeline":
        """The timeline saved by `arrays()`; ValueError if the arrays do not fit together."""
        timeline = cls(max_bytes)
        columns = {key[9:]: np.asarray(value) for key, value in arrays.items()
                   if key.startswith("timeline.") and key != "timeline.thinning"}
        if not columns:
            return timeline
        if not {"epoch", "params", "loss", "rng"} <= set(columns):
            raise ValueError(f"the timeline lacks {sorted({'epoch', 'params', 'loss', 'rng'} - set(columns))}")
        n = len(columns["epoch"])
        for name, column in columns.items():
            if column.ndim == 0 or len(column) != n:
                raise ValueError(f"timeline.{name} does not have one row per frame ({n})")
        if columns["params"].shape[1:] != (n_params,) or columns["rng"].shape[1:] != (RNG_WORDS,):
            raise ValueError("the timeline's parameters do not fit the network")
        if columns["epoch"].dtype.kind not in "iu" or (n > 1 and (np.diff(columns["epoch"]) <= 0).any()):
            raise ValueError("the timeline's epochs are not increasing whole numbers")
        timeline._columns = {name: np.array(column) for name, column in columns.items()}
        timeline._columns["epoch"] = timeline._columns["epoch"].astype(np.int64)
        timeline._columns["rng"] = timeline._columns["rng"].astype(np.uint64)
        timeline._count, timeline._view = n, None
        thinning = arrays.get("timeline.thinning")
        if thinning is not None and np.shape(thinning) == (2,):
            timeline.min_gap, timeline.dropped = (max(0, int(value)) for value in thinning)
        return timeline


def _storage(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """An uninitialised column; from OWN_PAGES_BYTES on, an anonymous memory map: its pages are used as
    rows are written and all go back to the system when the last view of it is gone. (np.empty's columns
    of ~20 MB came from glibc's arenas once its mmap threshold had risen, after any freed block of that
    size: the storage a thinning replaced stayed resident, +42 MB in the 30-minute soak.)"""
    dtype = np.dtype(dtype)
    size = dtype.itemsize * int(np.prod(shape))
    if size < OWN_PAGES_BYTES:
        return np.empty(shape, dtype)
    pages = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE) if hasattr(mmap, "MAP_PRIVATE") else mmap.mmap(-1, size)
    return np.frombuffer(pages, dtype).reshape(shape)


def _resized(column: np.ndarray, size: int, count: int) -> np.ndarray:
    grown = _storage((size, *column.shape[1:]), column.dtype)
    grown[:count] = column[:count]
    return grown
