"""Weight initializers with Keras' definitions; seeded through a NumPy Generator."""

from __future__ import annotations

from typing import Callable

import numpy as np

Initializer = Callable[[np.random.Generator, tuple[int, int]], np.ndarray]


def glorot_uniform(rng, shape):
    """U(−l, l) with l = √(6 / (fan_in + fan_out)) — Keras' default."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, shape)


def he_normal(rng, shape):
    """Normal with σ = √(2 / fan_in), truncated at 2σ (redrawn), as Keras does."""
    std = np.sqrt(2.0 / shape[0])
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values * std


def normal(rng, shape, stddev=0.05):
    return rng.normal(0.0, stddev, shape)


def uniform(rng, shape, limit=0.05):
    return rng.uniform(-limit, limit, shape)


def zeros(rng, shape):
    return np.zeros(shape)


def ones(rng, shape):
    return np.ones(shape)


def constant(rng, shape, value=0.0):
    return np.full(shape, float(value))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f for f in (glorot_uniform, he_normal, normal, uniform, zeros, ones, constant)
}


def get_initializer(name: str) -> Initializer:
    key = str(name).strip().lower()
    if key not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; use one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[key]
