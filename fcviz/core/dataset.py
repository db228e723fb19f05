"""Dataset: the numbers a network learns from, with their names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """Inputs X (n, n_in) and targets y (n, n_out) as float64, plus names.

    `classes` holds the class names when y is a one-hot encoding of text or
    integer labels (column k of y is class `classes[k]`); it is empty for
    regression and for a single 0/1 target.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: Sequence[str]   # stored as tuples
    target_names: Sequence[str]
    classes: Sequence[str] = ()
    name: str = ""
    meta: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        X = np.array(self.X, dtype=np.float64, ndmin=2)
        y = np.array(self.y, dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None]
        if X.ndim != 2 or y.ndim != 2 or len(X) != len(y):
            raise ValueError(f"X {X.shape} and y {y.shape} must be 2-D with the same number of rows")
        if len(self.feature_names) != X.shape[1] or len(self.target_names) != y.shape[1]:
            raise ValueError("one name per feature column and per target column is required")
        X.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "feature_names", tuple(self.feature_names))
        object.__setattr__(self, "target_names", tuple(self.target_names))
        object.__setattr__(self, "classes", tuple(self.classes))

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.y.shape[1]

    @cached_property
    def is_classification(self) -> bool:
        """True for one-hot classes or a single target holding only 0 and 1 (y is read-only: known once;
        every recorded frame's metrics ask)."""
        if self.classes:
            return True
        return self.n_outputs == 1 and bool(np.isin(self.y, (0.0, 1.0)).all())

    @cached_property
    def target_range(self) -> tuple[float, float]:
        """The smallest and largest finite target ((0, 0) if none), known once: 1000 classes' targets are
        16 MB to look through, and the dataset dialog checks them at every choice of loss or output."""
        finite = self.y[np.isfinite(self.y)]
        return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)

    @cached_property
    def one_hot(self) -> bool:
        """True when every target row is 0s and a single 1 (known once, as `target_range`)."""
        return bool(np.isin(self.y, (0.0, 1.0)).all() and (self.y.sum(axis=1) == 1).all())

    def labels(self) -> np.ndarray:
        """Integer class of every sample (argmax of one-hot, or the 0/1 target), read-only. Worked out
        once (the panels ask for every frame; 1000 classes' targets are 16 MB to look through)."""
        labels = self.__dict__.get("_labels")
        if labels is None:
            labels = (self.y[:, 0] >= 0.5).astype(int) if self.n_outputs == 1 else self.y.argmax(axis=1)
            labels.flags.writeable = False
            object.__setattr__(self, "_labels", labels)  # a cache of the frozen y, not a field
        return labels

    def with_data(self, X, y) -> "Dataset":
        """The same names and classes over new rows (used by point editing)."""
        return Dataset(X, y, self.feature_names, self.target_names, self.classes, self.name, dict(self.meta))
