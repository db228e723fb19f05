"""The loss surface's grids: requests computed in a thread pool, never blocking drawing, and cached.

A newer request makes the running one stop at its next chunk, results are cached by what they depend
on, and recomputing follows the shown parameters at most every THROTTLE_MS.
"""

from __future__ import annotations

import math
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from fcviz.core.loss_surface import LossSurface, SurfaceCancelled

THROTTLE_MS = 200              # recompute at most this often while the shown parameters change
CACHE_SIZE = 8                 # results kept for reuse (going back to a shown epoch or mode)
CONTOUR_QUANTILES = np.linspace(0.04, 0.9, 9) ** 2  # contour levels: denser near the minimum
PROGRESS_AFTER_SECONDS = 0.3   # a grid that takes longer than this shows a progress bar


@dataclass(frozen=True)
class SurfaceRequest:
    """What one grid depends on: `key` (all but the parameters, which are a snapshot's read-only array)
    and `params`; `same_as` compares both."""

    key: tuple
    params: np.ndarray
    indices: tuple[int, ...]
    axes: tuple[np.ndarray, ...]
    learning_rate: float

    def same_as(self, other: SurfaceRequest | None) -> bool:
        """True when `other` asks for this grid (the parameters compared only when all else agrees)."""
        return other is not None and self.key == other.key and (
            self.params is other.params or np.array_equal(self.params, other.params))


@dataclass(frozen=True)
class SurfaceResult:
    request: SurfaceRequest
    values: np.ndarray        # loss on the grid, [x, y] (or along the one axis)
    loss: float               # at the current parameters
    gradient: np.ndarray      # ∂L/∂params at the current parameters
    contours: tuple           # (x, y) of all contour lines, NaN-separated (two parameters)
    landing_loss: float       # loss after the step −lr·∂L/∂w (one parameter)


def compute(surface: LossSurface, request: SurfaceRequest, progress: Callable[[int, int], bool]) -> SurfaceResult:
    """The grid (or line), the gradient and the contours of one request (runs in the pool)."""
    params, indices = request.params, request.indices
    gradient = surface.gradient_at(params)
    loss = surface.loss_at(params)
    if len(indices) == 2:
        values = surface.grid(params, *indices, *request.axes, progress)
        return SurfaceResult(request, values, loss, gradient, contour_lines(values, *request.axes), math.nan)
    values = surface.losses(params, indices, request.axes[0][:, None], progress)
    step = params[indices[0]] - request.learning_rate * gradient[indices[0]]
    landing = float(surface.line(params, indices[0], np.array([step]))[0])
    return SurfaceResult(request, values, loss, gradient, (), landing)


def contour_lines(values: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Contours at quantiles of the loss, as one NaN-separated polyline in parameter coordinates."""
    finite = values[np.isfinite(values)]
    if finite.size < 4:
        return np.zeros(0), np.zeros(0)
    px, py = [], []
    for level in np.unique(np.quantile(finite, CONTOUR_QUANTILES)):
        for line in pg.functions.isocurve(values, level, connected=True):
            points = np.asarray(line) - 0.5   # isocurve puts cell k's centre at k + 0.5
            px += [np.interp(points[:, 0], np.arange(len(xs)), xs), [np.nan]]
            py += [np.interp(points[:, 1], np.arange(len(ys)), ys), [np.nan]]
    if not px:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(px), np.concatenate(py)


class _JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)   # SurfaceResult, or None when the job stopped as stale


class SurfaceJob(QRunnable):
    """One request computed in the pool; it stops between chunks once `stale()` says so."""

    def __init__(self, surface: LossSurface, request: SurfaceRequest, signals: _JobSignals,
                 stale: Callable[[], bool]):
        super().__init__()
        self.surface, self.request, self.signals, self.stale = surface, request, signals, stale

    def run(self) -> None:
        result = None
        try:
            result = compute(self.surface, self.request, self._progress)
        except SurfaceCancelled:
            pass
        except Exception:  # noqa: BLE001 - a failed grid must not leave the panel waiting forever
            traceback.print_exc()
        self.signals.finished.emit(result)

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self.stale()


class GridRequests(QObject):
    """Computes the grid `build_request()` asks for, one job at a time in a pool thread, and keeps
    the last CACHE_SIZE results. `ready` gets a result to show; `finished` every job's end (its
    result, or None when it stopped as stale or cancelled)."""

    ready = Signal(object)          # a SurfaceResult of the latest request
    progress = Signal(int, int)     # done, total of a job running longer than PROGRESS_AFTER_SECONDS
    finished = Signal(object)       # SurfaceResult, or None

    def __init__(self, build_request: Callable[[], SurfaceRequest | None], parent: QObject | None = None):
        super().__init__(parent)
        self._build_request = build_request
        self.surface: LossSurface | None = None
        self.running: SurfaceRequest | None = None
        self._cache: OrderedDict[tuple, SurfaceResult] = OrderedDict()
        self._wanted: SurfaceRequest | None = None
        self._started = 0.0  # when the running job started (time.monotonic)
        self._cancelled = False  # the person pressed Cancel on the running grid
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _JobSignals(self)
        self._signals.progress.connect(self._on_job_progress)
        self._signals.finished.connect(self._on_job_finished)
        self._throttle = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._throttle.timeout.connect(self._request)

    def reset(self, surface: LossSurface) -> None:
        """Another experiment: grids of `surface` from now on, nothing cached or waiting."""
        self.surface = surface
        self._cache.clear()
        self._throttle.stop()
        self._wanted = None

    @Slot()
    def schedule(self) -> None:
        """Recompute soon (at most every THROTTLE_MS while the parameters keep changing)."""
        if not self._throttle.isActive():
            self._throttle.start()

    def request_now(self) -> None:
        """Ask for the grid at once (tests, screenshots)."""
        self._throttle.stop()
        self._request()

    @Slot()
    def cancel(self) -> None:
        """Stop the running grid at its next chunk."""
        self._cancelled = True

    def shutdown(self) -> None:
        """Stop computing (the window is closing): a running job stops at its next chunk."""
        self._throttle.stop()
        self._wanted = SurfaceRequest((), np.zeros(0), (), (), 0.0)  # anything newer makes the job stale
        self.pool.waitForDone()
        self._wanted = None

    @Slot()
    def _request(self) -> None:
        request = self._build_request()
        if request is None:
            return
        cached = self._cache.get(request.key)
        if cached is not None and request.same_as(cached.request):
            self._wanted = None
            self.ready.emit(cached)
        elif not request.same_as(self.running):
            self._wanted = request
            self._start_wanted()

    def _start_wanted(self) -> None:
        if self.running is not None or self._wanted is None:
            return  # the running job sees that something newer is wanted and stops
        self.running, self._wanted = self._wanted, None
        self._started = time.monotonic()
        self._cancelled = False
        self.pool.start(SurfaceJob(self.surface, self.running, self._signals, self._is_stale))

    def _is_stale(self) -> bool:
        """Called from the pool thread: a newer request is waiting."""
        return self._wanted is not None or self._cancelled

    @Slot(int, int)
    def _on_job_progress(self, done: int, total: int) -> None:
        if done < total and time.monotonic() - self._started > PROGRESS_AFTER_SECONDS:
            self.progress.emit(done, total)

    @Slot(object)
    def _on_job_finished(self, result: SurfaceResult | None) -> None:
        self.running = None
        if result is not None and result.request.key[0] == id(self.surface):  # not of a replaced experiment
            self._cache[result.request.key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            if self._wanted is None:
                self.ready.emit(result)
        self._start_wanted()
        self.finished.emit(result)
