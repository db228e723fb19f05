"""Toy datasets made on the spot: "New data ▸" in the window.

Every generator takes the sample count `n`, a `noise` level (0 = clean; it
is a standard deviation in the units of the data, or a share of flipped
labels for the clothes sizes) and a `seed`, and is deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from fcviz.core.dataset import Dataset

CLASSES_2D = ("x1", "x2"), ("label",)


@dataclass(frozen=True)
class Generator:
    name: str
    classification: bool
    make: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    default_n: int = 200
    default_noise: float = 0.1


def _circle(n, noise, rng):
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, noise, X.shape), (np.arange(n) < inner).astype(float)


def _xor(n, noise, rng):
    X = rng.uniform(-1, 1, (n, 2))
    labels = (X[:, 0] > 0) != (X[:, 1] > 0)
    return X + rng.normal(0, noise, X.shape), labels.astype(float)


def _two_gaussians(n, noise, rng):
    labels = (np.arange(n) >= n // 2).astype(float)
    centres = np.where(labels[:, None] == 1, 0.5, -0.5)
    return centres + rng.normal(0, 0.25 + noise, (n, 2)), labels


def _spiral(n, noise, rng):
    labels = (np.arange(n) >= n // 2).astype(float)
    radius = rng.uniform(0.05, 1.0, n)
    angle = 3.5 * np.pi * radius + np.pi * labels + rng.normal(0, noise, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels


def _line(n, noise, rng):
    x = rng.uniform(-1, 1, n)
    return x[:, None], 3 * x + 1 + rng.normal(0, noise, n)


def _plane(n, noise, rng):
    X = rng.uniform(-1, 1, (n, 2))
    return X, 2 * X[:, 0] + 3 * X[:, 1] + 4 + rng.normal(0, noise, n)


def _sine(n, noise, rng):
    x = rng.uniform(-np.pi, np.pi, n)
    return x[:, None], np.sin(x) + rng.normal(0, noise, n)


def _clothes_size(n, noise, rng):
    """Sizes 0.5..6.5; a garment fits between 2.5 and 4.5; `noise` is the share of flipped labels."""
    size = np.sort(rng.uniform(0.5, 6.5, n))
    fits = (size > 2.5) & (size < 4.5)
    flipped = rng.random(n) < noise
    return size[:, None], (fits != flipped).astype(float)


GENERATORS: dict[str, Generator] = {g.name: g for g in (
    Generator("circle", True, _circle, *CLASSES_2D),
    Generator("xor", True, _xor, *CLASSES_2D),
    Generator("two_gaussians", True, _two_gaussians, *CLASSES_2D),
    Generator("spiral", True, _spiral, *CLASSES_2D, default_n=400),
    Generator("line", False, _line, ("x",), ("y",), default_n=80),
    Generator("plane", False, _plane, ("x1", "x2"), ("y",)),
    Generator("sine", False, _sine, ("x",), ("y",), default_n=100),
    Generator("clothes_size", False, _clothes_size, ("size",), ("fits",),
              default_n=24, default_noise=0.0),
)}


def generate(name: str, n: int | None = None, noise: float | None = None, seed: int = 0) -> Dataset:
    """The dataset of generator `name` with `n` samples (ValueError for an unknown name or n < 2)."""
    if name not in GENERATORS:
        raise ValueError(f"unknown generator {name!r}; use one of {', '.join(GENERATORS)}")
    generator = GENERATORS[name]
    n = generator.default_n if n is None else int(n)
    noise = generator.default_noise if noise is None else float(noise)
    if n < 2:
        raise ValueError(f"a dataset needs at least 2 samples, got {n}")
    if noise < 0:
        raise ValueError(f"the noise must not be negative, got {noise:g}")
    X, y = generator.make(n, noise, np.random.default_rng(seed))
    order = np.random.default_rng(seed + 1).permutation(n) if generator.classification else np.arange(n)
    meta = {"generator": name, "noise": noise, "seed": seed}
    return Dataset(X[order], np.asarray(y)[order], generator.feature_names, generator.target_names,
                   name=name, meta=meta)
