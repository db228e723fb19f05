"""The timeline records every display epoch exactly, continues exactly, stays bounded and round-trips."""

import gc
import os
import sys
import threading

import numpy as np
import pytest

from fcviz.core.timeline import Timeline, default_pace
from fcviz.io.samples import open_preset
from fcviz.io.session import load_session, save_session


def played(name: str, epochs: int | None = None):
    """The preset trained display epoch by display epoch, as the window plays it."""
    experiment = open_preset(name)
    if epochs is not None:
        experiment.epochs = epochs
    while experiment.trainer.epoch < experiment.epochs:
        experiment.train_to_next_display_epoch()
    return experiment


def fitted(name: str, epochs: int):
    experiment = open_preset(name)
    experiment.trainer.fit(epochs=epochs)
    return experiment


def test_the_lab_records_epoch_0_1_and_every_100th():
    view = played("clothes").timeline.view()
    np.testing.assert_array_equal(view.epochs, [0, 1, *range(100, 5001, 100)])
    assert not view.thinned


@pytest.mark.parametrize("name, epoch", [("clothes", 1), ("clothes", 2300), ("spiral", 35), ("iris", 120)])
def test_a_frame_holds_the_parameters_and_loss_that_fit_gives(name, epoch):
    view = played(name).timeline.view()
    frame = view.frame(view.index_of(epoch))
    reference = fitted(name, epoch)
    assert frame.epoch == epoch
    np.testing.assert_array_equal(frame.params, reference.net.params)
    assert frame.loss == reference.trainer.history.loss[-1]
    assert frame.metrics == reference.metrics()


@pytest.mark.parametrize("name, back_to", [("clothes", 1200), ("spiral", 300), ("iris", 5), ("linear", 4)])
def test_continuing_from_a_recorded_epoch_repeats_the_run_exactly(name, back_to):
    uninterrupted = played(name)
    experiment = played(name)
    assert experiment.continue_from(back_to) == back_to
    assert experiment.trainer.epoch == back_to and len(experiment.trainer.history.loss) == back_to
    assert experiment.timeline.last_epoch == back_to
    while experiment.trainer.epoch < experiment.epochs:
        experiment.train_to_next_display_epoch()
    np.testing.assert_array_equal(experiment.net.params, uninterrupted.net.params)
    np.testing.assert_array_equal(experiment.trainer.history.loss.array(), uninterrupted.trainer.history.loss.array())
    np.testing.assert_array_equal(experiment.timeline.view().params, uninterrupted.timeline.view().params)


def test_a_view_is_not_changed_by_later_recording_or_truncating():
    experiment = played("clothes", epochs=1000)
    before = experiment.timeline.view()
    params = before.params.copy()
    experiment.continue_from(300)
    experiment.epochs = 2000
    while experiment.trainer.epoch < experiment.epochs:
        experiment.train_to_next_display_epoch()
    experiment.continue_from(0)
    assert before.count == 12 and not before.params.flags.writeable
    np.testing.assert_array_equal(before.params, params)


def test_past_the_memory_bound_frames_are_thinned_evenly():
    timeline = Timeline(max_bytes=64 * 100)   # room for a few dozen frames of 3 values
    rng = np.random.default_rng().bit_generator.state
    for epoch in range(0, 100_001, 10):
        timeline.record(epoch, np.full(3, float(epoch)), 1.0, {"loss": 1.0}, {}, rng)
    view = timeline.view()
    assert view.thinned and view.dropped > 0
    assert view.count * (3 * 8 + 8 + 8 + 8 + 6 * 8) <= 64 * 100
    gaps = np.diff(view.epochs)
    assert view.epochs[0] == 0 and gaps.max() <= 2 * gaps.min()
    np.testing.assert_array_equal(view.params[:, 0], view.epochs)


def test_frames_are_written_into_storage_made_once_at_the_bound():
    """No copy of the recorded frames while recording up to the bound (a doubling copy of a long
    spiral run's 42 MB held the recording thread, and the GIL, for up to 0.45 s); after it, thinning."""
    frame_bytes = 3 * 8 + 8 + 8 + 8 + 6 * 8
    timeline = Timeline(max_bytes=frame_bytes * 100)
    rng = np.random.default_rng().bit_generator.state
    views = []
    for epoch in range(100):
        timeline.record(epoch, np.full(3, float(epoch)), 1.0, {"loss": 1.0}, {}, rng)
        views.append(timeline.view())
    assert all(np.shares_memory(view.params, views[-1].params) for view in views)
    assert not views[-1].thinned
    timeline.record(100, np.full(3, 100.0), 1.0, {"loss": 1.0}, {}, rng)
    assert timeline.view().thinned and not np.shares_memory(timeline.view().params, views[-1].params)
    np.testing.assert_array_equal(views[-1].params[:, 0], np.arange(100))


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_storage_a_thinning_replaced_goes_back_to_the_system():
    """Columns of ~10 MB recorded in a worker thread, after glibc's mmap threshold rose (a freed 30 MB
    block, as autosaves and earlier runs free): np.empty's storage stayed resident after a thinning
    (+45 MB at the spiral's 25,731st frame, +42 MB in the 30-minute soak)."""
    block = np.ones(30 * 2 ** 20 // 8)
    del block
    timeline = Timeline(max_bytes=32 * 2 ** 20)  # params, m and v of 1000 weights: ~10.7 MB each
    rng = np.random.default_rng().bit_generator.state
    slots = {"m": np.ones(1000), "v": np.ones(1000)}
    figures = {}

    def record() -> None:
        epoch = 0
        while not timeline.view().thinned:
            if epoch == 1300:  # the storage of ~1,340 frames is full
                figures["before"] = resident_mb()
            timeline.record(epoch, np.full(1000, float(epoch)), 1.0, {}, slots, rng)
            epoch += 1
        gc.collect()
        figures["after"] = resident_mb()

    worker = threading.Thread(target=record)
    worker.start()
    worker.join()
    # the kept half goes into new storage (~16 MB) through a ~5 MB copy per column; the old (~31 MB) goes back
    assert figures["after"] < figures["before"] - 4, figures


def test_columns_added_after_the_first_frame_keep_the_bound():
    """Adam's slots appear after its first step: the storage is sized once more, to the new bound."""
    timeline = Timeline(max_bytes=10_000)
    rng = np.random.default_rng().bit_generator.state
    timeline.record(0, np.zeros(10), np.nan, {}, {}, rng)
    for epoch in range(1, 200):
        timeline.record(epoch, np.full(10, epoch), 1.0, {}, {"m": np.ones(10), "v": np.ones(10)}, rng)
    view = timeline.view()
    assert view.thinned and view.count * (3 * 10 * 8 + 8 + 8 + 6 * 8) <= 10_000
    assert np.isnan(view.optimizer["m"][0]).all() and view.epochs[0] == 0


def test_a_session_with_a_timeline_round_trips(tmp_path):
    experiment = played("spiral", epochs=200)
    experiment.pace = 20.0
    save_session(tmp_path / "s.fcviz", experiment)
    loaded = load_session(tmp_path / "s.fcviz")
    saved, restored = experiment.timeline.view(), loaded.timeline.view()
    assert loaded.pace == 20.0
    for column in ("epochs", "params", "loss", "rng"):
        np.testing.assert_array_equal(getattr(restored, column), getattr(saved, column))
    assert _same_frame(restored.frame(7), saved.frame(7))
    loaded.continue_from(100)
    experiment.continue_from(100)
    for run in (loaded, experiment):
        while run.trainer.epoch < 200:
            run.train_to_next_display_epoch()
    np.testing.assert_array_equal(loaded.net.params, experiment.net.params)


def _same_frame(a, b) -> bool:
    return (a.epoch == b.epoch and np.array_equal(a.params, b.params) and a.metrics == b.metrics
            and a.rng == b.rng and a.optimizer.keys() == b.optimizer.keys()
            and all(np.array_equal(a.optimizer[k], b.optimizer[k]) for k in a.optimizer))


def test_a_session_without_a_timeline_starts_one_at_its_state(tmp_path):
    experiment = fitted("clothes", 700)
    experiment.timeline = Timeline()   # as saved before timelines existed
    save_session(tmp_path / "old.fcviz", experiment)
    loaded = load_session(tmp_path / "old.fcviz")
    view = loaded.timeline.view()
    np.testing.assert_array_equal(view.epochs, [700])
    np.testing.assert_array_equal(view.params[0], experiment.net.params)


def test_presets_open_at_a_pace_that_plays_their_run_in_a_few_seconds():
    assert default_pace(5000, 100) == 10.0          # the lab: 51 frames in 5.1 s
    assert open_preset("clothes").pace == 10.0
    for name in ("spiral", "digits", "linear"):
        experiment = open_preset(name)
        frames = 1 + experiment.epochs // experiment.display_every
        assert frames / experiment.pace <= 7
