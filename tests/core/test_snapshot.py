"""Snapshots: copies of the state, with a loss curve whose size does not grow with the epochs."""

import numpy as np

from fcviz.core.presets import build_preset
from fcviz.core.snapshot import MAX_CURVE_POINTS, Snapshot


def test_a_short_history_is_sent_whole():
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=300)
    snapshot = Snapshot.capture(experiment, "paused")
    np.testing.assert_array_equal(snapshot.loss_epochs, np.arange(1, 301))
    np.testing.assert_array_equal(snapshot.loss_history, experiment.trainer.history.loss.array())


def test_a_long_history_is_thinned_to_a_bounded_curve_with_exact_values():
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=3 * MAX_CURVE_POINTS + 7)
    snapshot = Snapshot.capture(experiment, "paused")
    full = experiment.trainer.history.loss.array()
    assert len(snapshot.loss_history) == len(snapshot.loss_epochs) <= MAX_CURVE_POINTS
    assert snapshot.loss_epochs[0] == 1 and snapshot.loss_epochs[-1] == len(full)
    assert np.all(np.diff(snapshot.loss_epochs) > 0)
    np.testing.assert_array_equal(snapshot.loss_history, full[snapshot.loss_epochs - 1])
    assert snapshot.loss == experiment.metrics()["loss"]


def test_snapshot_arrays_are_read_only_copies():
    experiment = build_preset("clothes")
    experiment.trainer.fit(epochs=5)
    snapshot = Snapshot.capture(experiment, "paused")
    experiment.trainer.fit(epochs=5)
    assert len(snapshot.loss_history) == 5
    assert not snapshot.params.flags.writeable and not snapshot.loss_history.flags.writeable
