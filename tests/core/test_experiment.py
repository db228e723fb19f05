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
