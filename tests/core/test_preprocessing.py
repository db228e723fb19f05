"""Preprocessing as part of the model: exact fill and scaling numbers, fitted on the training rows only."""

import warnings

import numpy as np
import pytest

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment
from fcviz.core.preprocessing import PreprocessedNetwork, Preprocessing


def test_median_fill_and_standard_scaling_numbers():
    X = np.array([[1.0, np.nan], [3.0, 10.0], [np.nan, 20.0], [8.0, 60.0]])
    pre = Preprocessing.fit(X, np.zeros(4), "standard")
    np.testing.assert_array_equal(pre.fill, [3.0, 20.0])
    filled = np.array([[1, 20], [3, 10], [3, 20], [8, 60]], float)
    np.testing.assert_allclose(pre.x_shift, [3.75, 27.5])
    np.testing.assert_allclose(pre.x_scale, filled.std(axis=0))
    np.testing.assert_allclose(pre.inputs(X), (filled - filled.mean(0)) / filled.std(0))
    assert not pre.scales_target


def test_one_hot_group_is_filled_with_the_most_frequent_category():
    X = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0], [np.nan, np.nan, np.nan]])
    pre = Preprocessing.fit(X, np.zeros(4), "none", groups=[(0, 3)])
    np.testing.assert_array_equal(pre.fill, [0, 1, 0])
    np.testing.assert_array_equal(pre.inputs(X)[3], [0, 1, 0])


def test_minmax_and_constant_columns_and_target_scaling():
    X = np.array([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    y = np.array([[45_000.0], [500_000.0], [1_000_000.0]])
    pre = Preprocessing.fit(X, y, "minmax", scale_target=True)
    np.testing.assert_array_equal(pre.inputs(X), [[0, 0], [0.5, 0], [1, 0]])
    np.testing.assert_array_equal(pre.targets(y)[[0, 2]], [[0], [1]])
    np.testing.assert_allclose(pre.outputs(pre.targets(y)), y)


def test_round_trip_through_a_dict():
    pre = Preprocessing.fit(np.array([[1.0, 2.0], [3.0, 7.0]]), np.array([1.0, 5.0]), "standard", True)
    again = Preprocessing.from_dict(pre.to_dict())
    for name in ("fill", "x_shift", "x_scale", "y_shift", "y_scale"):
        np.testing.assert_array_equal(getattr(again, name), getattr(pre, name))
    with pytest.raises(ValueError, match="preprocessing 'x_scale' must be a list of numbers"):
        Preprocessing.from_dict({**pre.to_dict(), "x_scale": "no"})


def test_experiment_fits_on_training_rows_only_and_fills_gaps():
    rng = np.random.default_rng(1)
    X = rng.normal(5.0, 3.0, (40, 2))
    X[3, 0] = np.nan
    y = X[:, :1] * 1000 + 50_000
    y[3] = 1.0
    data = Dataset(X, y, ("a", "b"), ("price",))
    experiment = build_experiment(data, hidden=(3,), output_activation="linear", loss="mse",
                                  test_fraction=0.25, scale="standard")
    train, test = experiment.split_indices()
    pre = experiment.preprocessing
    train_X = X[train]
    median = np.median(train_X[~np.isnan(train_X[:, 0]), 0])
    assert pre.fill[0] == median
    filled = np.where(np.isnan(X), pre.fill, X)
    np.testing.assert_allclose(pre.x_shift, filled[train].mean(axis=0))   # not the test rows'
    assert not np.allclose(pre.x_shift, filled.mean(axis=0))
    np.testing.assert_allclose(pre.y_shift, y[train].mean(axis=0))
    assert not np.isnan(experiment.dataset.X).any() and experiment.dataset.X[3, 0] == median
    # the metrics are in the data's own units: predictions back in price units
    predicted = experiment.predict(experiment.dataset.X)
    expected = experiment.net.predict(pre.inputs(experiment.dataset.X)) * pre.y_scale + pre.y_shift
    np.testing.assert_allclose(predicted, expected)


def test_a_preprocessed_network_predicts_in_the_data_units():
    data = Dataset(np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([10.0, 20.0, 30.0, 40.0]), ("x",), ("y",))
    experiment = build_experiment(data, hidden=(2,), output_activation="linear", loss="mse", scale="standard")
    wrapped = PreprocessedNetwork(experiment.net, experiment.preprocessing)
    np.testing.assert_allclose(wrapped.predict(data.X), experiment.predict(data.X))
    np.testing.assert_allclose(wrapped.predict(np.array([2.5])), experiment.predict(np.array([[2.5]])))
    assert wrapped.layer_sizes == [1, 2, 1]


def test_no_scaling_leaves_the_lab_untouched():
    data = Dataset(np.array([[1.0], [2.0]]), np.array([0.0, 1.0]), ("x",), ("y",))
    assert build_experiment(data).preprocessing is None


def test_columns_near_the_float_limit_are_standardized_without_overflow():
    X = np.array([[1e308], [0.0], [-1e308], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in square" is a failure
        fitted = Preprocessing.fit(X, np.array([1.0, 0.0, 1.0, 0.0]))
        scaled = fitted.inputs(X)
    assert np.isfinite(scaled).all()
    np.testing.assert_allclose(scaled.ravel(), [np.sqrt(2), 0.0, -np.sqrt(2), 0.0], atol=1e-12)
