"""Experiment: reset goes back to the start and keeps what the person froze."""

import numpy as np

from fcviz.core.presets import build_preset


def test_reset_restores_the_start_keeps_frozen_and_trains_identically():
    experiment = build_preset("clothes")
    experiment.trainer.set_frozen([0, 1])
    start = experiment.net.params.copy()
    experiment.trainer.fit(epochs=50)
    trained = experiment.net.params.copy()
    np.testing.assert_array_equal(trained[:2], start[:2])

    experiment.reset()
    assert experiment.trainer.epoch == 0
    np.testing.assert_array_equal(experiment.net.params, start)
    np.testing.assert_array_equal(experiment.trainer.frozen, np.arange(start.size) < 2)
    experiment.trainer.fit(epochs=50)
    np.testing.assert_array_equal(experiment.net.params, trained)


def test_metrics_are_measured_once_per_weights_and_data_and_anew_after_either_changes():
    experiment = build_preset("clothes")
    measured = experiment.metrics()
    measured["loss"] = -1.0   # a caller's copy
    assert experiment.metrics() == experiment._measure() != measured
    experiment.trainer.fit(epochs=3)
    assert experiment.metrics() == experiment._measure()
    experiment.net.params[0] += 0.5   # an edit of one weight
    assert experiment.metrics() == experiment._measure()
    before = experiment.metrics()
    experiment.dataset = experiment.dataset.with_data(experiment.dataset.X * 2, experiment.dataset.y)
    experiment.apply_data()
    assert experiment.metrics() == experiment._measure() != before
