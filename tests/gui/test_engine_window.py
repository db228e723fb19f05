"""The window trains with the engine the network gets, says which in the status bar, and Play-to-end gives
the numbers of headless `fit` bit for bit (mini-batches, shuffling, every epoch displayed)."""

import threading

import numpy as np
import pytest
from qt_helpers import wait_for_state

from fcviz.core import engine
from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment
from fcviz.core.timeline import MAX_PACE
from fcviz.gui.worker import FINISHED, RUNNING

pytest.importorskip("numba")


def small_experiment(activation: str = "tanh", epochs: int = 300):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    dataset = Dataset(X, y, ("x1", "x2"), ("y",), name="quadrants")
    experiment = build_experiment(dataset, hidden=(6, 6), activation=activation, loss="bce", lr=0.1, batch_size=8,
                                  epochs=epochs, display_every=1, optimizer="adam")
    experiment.pace = MAX_PACE   # as fast as it trains: these tests are about the numbers, not the frames
    return experiment


@pytest.mark.parametrize("activation, engine_name, label", [("tanh", engine.COMPILED, "Engine: compiled"),
                                                            ("x*tanh(x)", engine.NUMPY, "Engine: NumPy")])
def test_play_to_the_end_equals_headless_fit(qtbot, open_window, activation, engine_name, label):
    window = open_window(small_experiment(activation))
    assert window.controller.latest.engine == engine_name
    assert window.engine_status.text() == label
    window.toolbar.play_action.trigger()
    wait_for_state(qtbot, window, FINISHED, timeout=60_000)
    expected = small_experiment(activation)
    expected.trainer.fit(epochs=300)
    latest = window.controller.latest
    assert latest.epoch == 300
    np.testing.assert_array_equal(latest.params, expected.net.params)
    np.testing.assert_array_equal(latest.loss_history, expected.trainer.history.loss.array())


def test_a_cold_cache_trains_with_numpy_at_once_and_hands_over_to_the_compiled_engine(qtbot, open_window,
                                                                                        monkeypatch):
    """The window's start on a fresh install: the kernels compile in another process (faked: until the test
    releases it), Play trains at once with the NumPy engine and says so, then the compiled engine takes over."""
    warm = engine._WarmUp()
    warm.stand_in = True
    release = threading.Event()
    monkeypatch.setattr(engine, "WARM_UP", warm)
    monkeypatch.setattr(engine, "kernels_cached", lambda dtype: False)
    monkeypatch.setattr(engine, "compile_elsewhere", lambda dtype: release.wait(60))
    try:
        window = open_window(small_experiment(epochs=10_000_000))
        warm.request()
        warm.start("float64")
        window.toolbar.play_action.trigger()
        qtbot.waitUntil(lambda: window.controller.latest.epoch > 0, timeout=10_000)
        qtbot.waitUntil(lambda: window.engine_status.text() == "Engine: NumPy — compiled engine preparing…")
        assert window.controller.call_in_worker(lambda experiment: experiment.trainer._loop.name) == engine.NUMPY
        release.set()
        qtbot.waitUntil(lambda: window.engine_status.text() == "Engine: compiled", timeout=30_000)
        epoch = window.controller.latest.epoch
        qtbot.waitUntil(lambda: window.controller.latest.epoch > epoch, timeout=10_000)
        assert window.controller.call_in_worker(lambda experiment: experiment.trainer._loop.name) == engine.COMPILED
        assert window.controller.latest.state == RUNNING
    finally:
        release.set()
        assert warm.done.wait(60)
