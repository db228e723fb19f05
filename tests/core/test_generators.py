"""Generated toy datasets: shapes, classes, determinism, and the rule each one follows."""

import numpy as np
import pytest

from fcviz.core.generators import GENERATORS, generate


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_generator_is_seeded_and_sized(name):
    first, again, other = generate(name, n=50, seed=3), generate(name, n=50, seed=3), generate(name, n=50, seed=4)
    assert first.n_samples == 50 and np.isfinite(first.X).all() and np.isfinite(first.y).all()
    np.testing.assert_array_equal(first.X, again.X)
    assert not np.array_equal(first.X, other.X)
    assert first.is_classification == GENERATORS[name].classification or name == "clothes_size"


@pytest.mark.parametrize("name", ["circle", "two_gaussians", "spiral"])
def test_two_class_sets_are_balanced_in_two_dimensions(name):
    data = generate(name, n=101)
    assert data.n_features == 2 and data.is_classification
    assert abs(int(data.labels().sum()) - 50) <= 1


def test_clean_data_follows_its_rule():
    xor = generate("xor", n=200, noise=0.0)
    np.testing.assert_array_equal(xor.labels(), (xor.X[:, 0] > 0) != (xor.X[:, 1] > 0))
    circle = generate("circle", n=200, noise=0.0)
    np.testing.assert_array_equal(circle.labels(), np.hypot(*circle.X.T) < 0.6)
    line = generate("line", n=30, noise=0.0)
    np.testing.assert_allclose(line.y[:, 0], 3 * line.X[:, 0] + 1)
    plane = generate("plane", n=30, noise=0.0)
    np.testing.assert_allclose(plane.y[:, 0], 2 * plane.X[:, 0] + 3 * plane.X[:, 1] + 4)
    sine = generate("sine", n=30, noise=0.0)
    np.testing.assert_allclose(sine.y[:, 0], np.sin(sine.X[:, 0]))
    clothes = generate("clothes_size", n=40)
    np.testing.assert_array_equal(clothes.y[:, 0], (clothes.X[:, 0] > 2.5) & (clothes.X[:, 0] < 4.5))


def test_noise_moves_the_points():
    clean, noisy = generate("line", n=100, noise=0.0), generate("line", n=100, noise=0.5)
    residual = noisy.y[:, 0] - (3 * noisy.X[:, 0] + 1)
    assert 0.35 < residual.std() < 0.65
    np.testing.assert_array_equal(clean.X, noisy.X)


def test_bad_requests_name_the_problem():
    with pytest.raises(ValueError, match="unknown generator 'moons'"):
        generate("moons")
    with pytest.raises(ValueError, match="at least 2 samples"):
        generate("xor", n=1)
    with pytest.raises(ValueError, match="must not be negative"):
        generate("xor", noise=-1)
