"""Preprocessing that belongs to a model: fill missing inputs, scale inputs, scale a regression target.

It is fitted on the training rows only, kept with the network (sessions, weights
JSON, exported code) and applied to every row the network sees, including rows
added later by hand. Inputs in the data's own units go in, outputs in the
data's own units come out: `inputs(X)` feeds the network, `outputs(net_out)`
undoes the target scaling.

Missing inputs are NaN. A numeric column is filled with its training median; a
group of one-hot columns from one text column (`groups`: (first, count) pairs)
with its most frequent training category.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

SCALES = ("standard", "minmax", "none")


@dataclass(frozen=True)
class Preprocessing:
    """A per-column affine map of the inputs (after filling gaps) and of the target."""

    scale: str
    fill: np.ndarray      # value for a missing cell, per input column
    x_shift: np.ndarray   # network input = (x - x_shift) / x_scale
    x_scale: np.ndarray
    y_shift: np.ndarray   # network target = (y - y_shift) / y_scale
    y_scale: np.ndarray

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f'unknown scaling "{self.scale}"; choose {", ".join(SCALES)}')
        for name in ("fill", "x_shift", "x_scale", "y_shift", "y_scale"):
            value = np.array(getattr(self, name), dtype=np.float64, ndmin=1)
            if value.ndim != 1 or not np.isfinite(value).all():
                raise ValueError(f"preprocessing '{name}' must be a row of finite numbers")
            value.flags.writeable = False
            object.__setattr__(self, name, value)
        n_in, n_out = self.fill.size, self.y_shift.size
        if self.x_shift.size != n_in or self.x_scale.size != n_in or self.y_scale.size != n_out:
            raise ValueError("preprocessing rows do not fit one another")
        if (self.x_scale == 0).any() or (self.y_scale == 0).any():
            raise ValueError("preprocessing scales must not be zero")

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, scale: str = "standard", scale_target: bool = False,
            groups: Sequence[tuple[int, int]] = ()) -> "Preprocessing":
        """Fitted on these (training) rows; X may hold NaN for missing cells."""
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        fill = _fill_values(X, groups)
        filled = np.where(np.isnan(X), fill, X)
        x_shift, x_scale = _affine(filled, scale)
        y_shift, y_scale = _affine(y, scale if scale_target else "none")
        return cls(scale, fill, x_shift, x_scale, y_shift, y_scale)

    @classmethod
    def identity(cls, n_in: int, n_out: int) -> "Preprocessing":
        return cls("none", np.zeros(n_in), np.zeros(n_in), np.ones(n_in), np.zeros(n_out), np.ones(n_out))

    @property
    def scales_target(self) -> bool:
        return bool((self.y_shift != 0).any() or (self.y_scale != 1).any())

    def filled(self, X) -> np.ndarray:
        """X with missing (NaN) cells replaced by the fill values."""
        X = np.asarray(X, dtype=np.float64)
        return np.where(np.isnan(X), self.fill, X) if np.isnan(X).any() else X

    def inputs(self, X) -> np.ndarray:
        """What the network gets for rows X in the data's units."""
        return (self.filled(X) - self.x_shift) / self.x_scale

    def targets(self, y) -> np.ndarray:
        """What the network is trained to output for targets y."""
        return (np.asarray(y, dtype=np.float64) - self.y_shift) / self.y_scale

    def outputs(self, network_output) -> np.ndarray:
        """Network outputs back in the target's units."""
        return np.asarray(network_output, dtype=np.float64) * self.y_scale + self.y_shift

    def to_dict(self) -> dict[str, Any]:
        return {"scale": self.scale, "fill": self.fill.tolist(), "x_shift": self.x_shift.tolist(),
                "x_scale": self.x_scale.tolist(), "y_shift": self.y_shift.tolist(),
                "y_scale": self.y_scale.tolist()}

    @classmethod
    def from_dict(cls, document: Any) -> "Preprocessing":
        """The inverse of `to_dict`; ValueError naming the first bad entry."""
        if not isinstance(document, dict):
            raise ValueError("preprocessing must be an object")
        missing = [key for key in ("scale", "fill", "x_shift", "x_scale", "y_shift", "y_scale")
                   if key not in document]
        if missing:
            raise ValueError(f"preprocessing has no '{missing[0]}'")
        if not isinstance(document["scale"], str):
            raise ValueError("preprocessing 'scale' must be text")
        rows = {}
        for key in ("fill", "x_shift", "x_scale", "y_shift", "y_scale"):
            value = document[key]
            if not isinstance(value, list) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
                raise ValueError(f"preprocessing '{key}' must be a list of numbers")
            rows[key] = np.array(value, dtype=np.float64)
        return cls(document["scale"], **rows)


def _fill_values(X: np.ndarray, groups: Sequence[tuple[int, int]]) -> np.ndarray:
    """Training median per column; for a one-hot group, 1 in its most frequent category's column."""
    fill = np.zeros(X.shape[1])
    observed = ~np.isnan(X)
    for column in range(X.shape[1]):
        if observed[:, column].any():
            fill[column] = float(np.median(X[observed[:, column], column]))
    for first, count in groups:
        block = X[:, first:first + count]
        counts = np.nansum(block, axis=0)
        fill[first:first + count] = 0.0
        fill[first + int(np.argmax(counts))] = 1.0
    return fill


def _affine(values: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """(shift, scale) per column; a constant column keeps scale 1."""
    n = values.shape[1]
    if scale == "none" or len(values) == 0:
        return np.zeros(n), np.ones(n)
    if scale not in ("standard", "minmax"):
        raise ValueError(f'unknown scaling "{scale}"; choose {", ".join(SCALES)}')
    with np.errstate(over="ignore", invalid="ignore"):  # values near the float limit: see below
        if scale == "standard":
            shift, spread = values.mean(axis=0), values.std(axis=0)
        else:
            shift, spread = values.min(axis=0), values.max(axis=0) - values.min(axis=0)
    if scale == "standard" and not (np.isfinite(shift).all() and np.isfinite(spread).all()):
        # sums of values near 1e308 overflow: the same statistics of the values divided by each
        # column's largest magnitude, scaled back (ordinary columns never come here: bit for bit as before)
        size = np.abs(values).max(axis=0)
        size = np.where(np.isfinite(size) & (size > 0), size, 1.0)
        shift, spread = size * (values / size).mean(axis=0), size * (values / size).std(axis=0)
    spread = np.where(spread > 1e-12 * np.maximum(np.abs(shift), 1.0), spread, 1.0)
    return shift, spread


class PreprocessedNetwork:
    """A network seen through its preprocessing: rows in the data's units in, outputs in the target's units out.

    Everything else (layers, params, config, …) is the wrapped network's.
    """

    def __init__(self, net: Any, preprocessing: Preprocessing):
        self.net = net
        self.preprocessing = preprocessing

    def __getattr__(self, name: str) -> Any:
        return getattr(self.net, name)

    def forward(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z, a) of every layer, feature-major; the last a in the target's units."""
        trace = list(self.net.forward(self.preprocessing.inputs(_rows(X, self.net.layer_sizes[0]))))
        z, a = trace[-1]
        trace[-1] = (z, self.preprocessing.outputs(a.T).T)
        return trace

    def predict(self, X) -> np.ndarray:
        return self.forward(X)[-1][1].T.copy()


def _rows(X, n_in: int) -> np.ndarray:
    """X as (n, n_in) rows, accepting one sample as a flat row as Network does."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[None, :] if n_in > 1 or X.size == 1 else X[:, None]
    return X
