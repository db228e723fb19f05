"""A cold numba cache in the window: the kernels compile in another process (faked here, held as long as the
test likes) while the NumPy engine trains; the compiled engine takes over at the next chunk once ready.
Headless training and a warm cache never stand in."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from fcviz.core import Network, Trainer, engine

pytest.importorskip("numba")


class SlowCompile:
    """`engine.compile_elsewhere` that returns only when the test releases it (a fake 10 s compile)."""

    def __init__(self):
        self.release = threading.Event()
        self.dtypes = []

    def __call__(self, dtype):
        self.dtypes.append(dtype)
        assert self.release.wait(60)
        return True


@pytest.fixture
def warm_up(monkeypatch):
    """A fresh warm-up as the window's (`stand_in`), in place of the process's one; a cold cache, a fake compile."""
    warm = engine._WarmUp()
    warm.stand_in = True
    compile_ = SlowCompile()
    monkeypatch.setattr(engine, "WARM_UP", warm)
    monkeypatch.setattr(engine, "kernels_cached", lambda dtype: False)
    monkeypatch.setattr(engine, "compile_elsewhere", compile_)
    yield warm, compile_
    compile_.release.set()
    warm.done.wait(60)


def spiral_trainer(engine_name=None):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = np.sin(X.sum(axis=1))
    t = Trainer(Network([2, 8, 8, 1], ["tanh", "tanh", "linear"], seed=1), "mse", "adam", lr=0.01, batch_size=10,
                engine=engine_name)
    t.set_data(X, y)
    return t


def test_numpy_stands_in_while_the_kernels_compile_elsewhere_and_the_compiled_engine_takes_over(warm_up):
    warm, slow_compile = warm_up
    warm.request()
    trainer = spiral_trainer()
    assert trainer.engine == engine.COMPILED
    warm.start("float64")
    trainer.fit(epochs=3)
    assert slow_compile.dtypes == ["float64"]
    assert warm.preparing and warm.standing_in() and trainer.running_engine == engine.NUMPY
    assert trainer._loop.name == engine.NUMPY
    numpy_run = spiral_trainer(engine.NUMPY)
    numpy_run.fit(epochs=3)
    np.testing.assert_array_equal(trainer.net.params, numpy_run.net.params)   # the reference, bit for bit

    slow_compile.release.set()
    assert warm.done.wait(60)
    trainer.fit(epochs=3)
    assert trainer.running_engine == engine.COMPILED and trainer._loop.name == engine.COMPILED
    compiled_run = spiral_trainer(engine.COMPILED)
    compiled_run.fit(epochs=6)
    np.testing.assert_allclose(trainer.net.params, compiled_run.net.params, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(trainer.history.loss.array(), compiled_run.history.loss.array(), rtol=1e-12)


def test_a_warm_cache_loads_in_this_process_and_never_stands_in(warm_up, monkeypatch):
    warm, slow_compile = warm_up
    monkeypatch.setattr(engine, "kernels_cached", lambda dtype: True)
    warm.request()
    warm.start("float64")
    trainer = spiral_trainer()
    trainer.fit(epochs=2)
    assert trainer._loop.name == engine.COMPILED and not warm.compiling_elsewhere
    assert warm.done.wait(60) and slow_compile.dtypes == []


def test_headless_training_never_stands_in(warm_up):
    warm, slow_compile = warm_up
    warm.stand_in = False          # fcviz train, tests, scripts: always the engine fit would take
    warm.request()
    warm.start("float64")
    assert warm.done.wait(60)
    assert slow_compile.dtypes == [] and not warm.standing_in()


def test_an_explicit_engine_is_never_stood_in_for(warm_up):
    warm, slow_compile = warm_up
    warm.request()
    warm.start("float64")
    assert warm.standing_in()
    trainer = spiral_trainer(engine.COMPILED)   # as warm_up's own trainer: it must compile, not stand in
    assert trainer.running_engine == engine.COMPILED


def test_kernels_cached_tells_a_warm_cache_from_an_empty_one(tmp_path):
    engine.warm_up(("float64",))
    assert engine.kernels_cached("float64")
    code = "from fcviz.core import engine; print(engine.kernels_cached('float64'))"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "False", out.stderr
