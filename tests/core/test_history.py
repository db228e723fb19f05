"""The bounded loss history: exact where resume and parity need it, thinned beyond, bounded always."""

from __future__ import annotations

import numpy as np
import pytest

from fcviz.core.history import History, LossSeries, stride_for
from fcviz.core.limits import HISTORY_EXACT_EPOCHS, HISTORY_THINNED_POINTS


def small(values=(), **options) -> LossSeries:
    return LossSeries(values, exact=8, thinned=4, **options)


def test_runs_up_to_the_limit_are_kept_whole():
    series = LossSeries()
    n = HISTORY_EXACT_EPOCHS + HISTORY_THINNED_POINTS
    series.extend(np.arange(n, dtype=float))
    assert series.is_exact and len(series) == n
    np.testing.assert_array_equal(series.array(), np.arange(n))
    series.append(float(n))
    positions, values = series.kept()
    assert not series.is_exact and len(series) == n + 1
    np.testing.assert_array_equal(values[-HISTORY_EXACT_EPOCHS:], np.arange(n + 1 - HISTORY_EXACT_EPOCHS, n + 1))


def test_kept_entries_depend_only_on_how_many_were_recorded():
    values = np.random.default_rng(1).normal(size=1000)
    one_by_one = small()
    for value in values:
        one_by_one.append(value)
    chunked = small()
    for chunk in np.array_split(values, 37):
        chunked.extend(chunk)
    positions, kept = small(values[:613]).kept()  # what a session saved at epoch 613 holds
    resumed = LossSeries(kept, positions, 613, exact=8, thinned=4)
    resumed.extend(values[613:])
    for series in (chunked, resumed):
        np.testing.assert_array_equal(series.kept()[0], one_by_one.kept()[0])
        np.testing.assert_array_equal(series.kept()[1], one_by_one.kept()[1])


def test_the_last_epochs_are_exact_and_the_rest_evenly_spread():
    series = small()
    series.extend(np.arange(100.0))
    positions, values = series.kept()
    np.testing.assert_array_equal(values, positions)  # each kept value is that epoch's
    np.testing.assert_array_equal(positions[-8:], np.arange(92, 100))
    stride = stride_for(100, 8, 4)
    assert stride == 32 and list(positions[:-8]) == [0, 32, 64]
    assert series[-1] == 99.0 and series[-8] == 92.0
    with pytest.raises(IndexError):
        series[1]


def test_ten_million_epochs_stay_in_a_few_megabytes():
    series = LossSeries()
    for _ in range(10):
        series.extend(np.ones(1_000_000))
    assert len(series) == 10_000_000
    assert len(series.kept()[0]) <= HISTORY_EXACT_EPOCHS + HISTORY_THINNED_POINTS
    assert series.nbytes <= 2 * 16 * (HISTORY_EXACT_EPOCHS + HISTORY_THINNED_POINTS)  # 16 MB


def test_truncate_forgets_a_rolled_back_stretch():
    series = small(np.arange(20.0))
    series.truncate(15)
    assert len(series) == 15 and series[-1] == 14.0


def test_history_round_trips_through_its_arrays():
    history = History(small(np.arange(50.0)), small(np.arange(50.0) / 2))
    arrays = history.as_dict()
    assert set(arrays) == {"loss", "loss_epochs", "loss_count", "val_loss", "val_loss_epochs", "val_loss_count"}
    back = History.from_dict(arrays)
    assert len(back.loss) == 50 and back.loss[-1] == 49.0 and back.val_loss[-1] == 24.5
    assert set(History(LossSeries(np.ones(3))).as_dict()) == {"loss"}  # an exact history: as before


def nearest_kept(series: LossSeries, positions) -> tuple[np.ndarray, np.ndarray]:
    """`sample`'s meaning, one position at a time: the kept entry nearest to each (the later on a tie),
    in order, without repeats."""
    kept, values = series.kept()
    chosen = sorted({len(kept) - 1 - int(np.argmin(np.abs(kept[::-1] - p))) for p in np.asarray(positions)})
    return kept[chosen], values[chosen]


@pytest.mark.parametrize("positions", [np.arange(0, 1000, 7), np.array([-5, 3, 3, 999, 1000, 2500, 0]),
                                       np.array([10.4, 10.6, 2000.0])])
def test_a_curve_sample_takes_the_kept_entries_nearest_to_the_positions(positions):
    exact = LossSeries(np.sin(np.arange(1000.0)))
    thinned = LossSeries(np.cos(np.arange(3000.0)), exact=100, thinned=64)
    for series in (exact, thinned):
        got, expected = series.sample(positions), nearest_kept(series, positions)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
    assert exact.is_exact and not thinned.is_exact
