"""Extra input columns computed from the measured ones (Playground-style): x², x1·x2, sin(x).

A transformed dataset keeps the measured ("base") columns first and records
in `meta` how many there are and which transforms follow, so edits of the
base columns can recompute the rest and plots can draw in the base space.
"""

from __future__ import annotations

import numpy as np

from fcviz.core.dataset import Dataset

SQUARE, PRODUCT, SINE = "square", "product", "sine"
TRANSFORMS = (SQUARE, PRODUCT, SINE)


def base_count(dataset: Dataset) -> int:
    """How many of the dataset's columns were measured (the rest are transforms of them)."""
    return int(dataset.meta.get("base_features", dataset.n_features))


def transforms_of(dataset: Dataset) -> tuple[str, ...]:
    return tuple(dataset.meta.get("transforms", ()))


def base_X(dataset: Dataset) -> np.ndarray:
    return dataset.X[:, :base_count(dataset)]


def available(n_base: int) -> tuple[str, ...]:
    """The transforms that make sense for `n_base` measured columns (the product needs two)."""
    return tuple(t for t in TRANSFORMS if t != PRODUCT or n_base == 2)


def expand(X_base: np.ndarray, transforms) -> np.ndarray:
    """The base columns followed by the columns of every transform, in TRANSFORMS order."""
    columns = [X_base]
    for transform in TRANSFORMS:
        if transform not in transforms:
            continue
        if transform == SQUARE:
            columns.append(X_base ** 2)
        elif transform == PRODUCT:
            columns.append(X_base[:, :1] * X_base[:, 1:2])
        else:
            columns.append(np.sin(X_base))
    return np.hstack(columns)


def _names(base_names, transforms) -> list[str]:
    names = list(base_names)
    for transform in TRANSFORMS:
        if transform not in transforms:
            continue
        if transform == SQUARE:
            names += [f"{name}²" for name in base_names]
        elif transform == PRODUCT:
            names.append(f"{base_names[0]}·{base_names[1]}")
        else:
            names += [f"sin({name})" for name in base_names]
    return names


def with_transforms(dataset: Dataset, transforms) -> Dataset:
    """`dataset`'s measured columns plus the chosen transforms (none gives the plain data back)."""
    n_base = base_count(dataset)
    chosen = tuple(t for t in TRANSFORMS if t in transforms and t in available(n_base))
    base_names = dataset.feature_names[:n_base]
    meta = {key: value for key, value in dataset.meta.items() if key not in ("base_features", "transforms")}
    if chosen:
        meta.update(base_features=n_base, transforms=chosen)
    return Dataset(expand(base_X(dataset), chosen), dataset.y, _names(base_names, chosen),
                   dataset.target_names, dataset.classes, dataset.name, meta)


def with_base_data(dataset: Dataset, X_base: np.ndarray, y: np.ndarray) -> Dataset:
    """Edited rows of the measured columns (and targets), with the transform columns recomputed."""
    return dataset.with_data(expand(np.asarray(X_base, float), transforms_of(dataset)), y)
