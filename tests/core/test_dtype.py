"""dtype: float64 (default, exact) or float32 on Network and Trainer, in sessions and on the command line."""

from pathlib import Path

import numpy as np
import pytest

from fcviz.core import Network, Trainer
from fcviz.core.presets import build_preset

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_float64_is_the_default():
    net = Network([2, 3, 1])
    trainer = Trainer(net)
    assert net.dtype == np.float64 and trainer.dtype == np.float64 and net.params.dtype == np.float64


@pytest.mark.parametrize("spec", ["float32", np.float32, np.dtype("float32")])
def test_trainer_dtype_converts_the_network_in_place(spec):
    net = Network([1, 2, 1], "sigmoid", seed=1)
    before = net.params.copy()
    trainer = Trainer(net, "mse", "sgd", lr=0.5, dtype=spec)
    assert trainer.net is net and net.dtype == np.float32 and trainer.dtype == np.float32
    assert net.params.dtype == np.float32 and all(layer.matrix.base is net.params for layer in net.layers)
    np.testing.assert_array_equal(net.params, before.astype(np.float32))
    assert trainer.grad.dtype == np.float32


@pytest.mark.parametrize("bad", ["float16", "int32", "double precision", object])
def test_other_dtypes_are_refused(bad):
    with pytest.raises(ValueError, match="float32 or float64"):
        Network([1, 1], dtype=bad)
    with pytest.raises(ValueError, match="float32 or float64"):
        Trainer(Network([1, 1]), dtype=bad)


def lab(dtype):
    experiment = build_preset("clothes")
    experiment.net.set_dtype(dtype)
    trainer = Trainer(experiment.net, "mse", "sgd", lr=0.5, batch_size=None)
    trainer.set_data(experiment.dataset.X, experiment.dataset.y)
    return trainer


def test_float32_lab_stays_close_to_float64():
    t64, t32 = lab("float64"), lab("float32")
    t64.fit(epochs=5000)
    t32.fit(epochs=5000)
    assert t32.net.params.dtype == np.float32
    np.testing.assert_allclose(t32.history.loss.array(), t64.history.loss.array(), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(t32.net.params, t64.net.params, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("batch_size, activations, loss, outputs", [
    (8, ["tanh", "linear"], "mse", 1),
    (None, ["relu", "softmax"], "cce", 3),
    (5, ["sigmoid", "sigmoid"], "bce", 1),
])
def test_float32_training_is_close_to_float64_and_stays_float32(batch_size, activations, loss, outputs):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.eye(outputs)[rng.integers(0, outputs, 40)] if loss == "cce" else (
        (X[:, :1] > 0).astype(float) if loss == "bce" else np.sin(X[:, :1]))
    runs = {}
    for dtype in ("float64", "float32"):
        net = Network([3, 6, outputs], activations, seed=2)
        trainer = Trainer(net, loss, "sgd", lr=0.1, batch_size=batch_size, seed=0, dtype=dtype)
        trainer.fit(X, y, epochs=60)
        assert net.params.dtype == np.dtype(dtype) and net.predict(X).dtype == np.dtype(dtype)
        runs[dtype] = trainer
    np.testing.assert_allclose(runs["float32"].history.loss.array(), runs["float64"].history.loss.array(),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(runs["float32"].net.params, runs["float64"].net.params, rtol=1e-3, atol=1e-4)


def test_from_config_keeps_the_dtype():
    net = Network([2, 3, 1], "tanh", dtype="float32")
    twin = Network.from_config(net.config())
    trainer = Trainer.from_config(twin, {**Trainer(twin).config(), "dtype": "float32"})
    assert twin.dtype == np.float32 and trainer.dtype == np.float32


def test_session_of_a_float32_run_continues_exactly(tmp_path):
    from fcviz.core.experiment import build_experiment
    from fcviz.io.session import load_session, save_session
    from fcviz.io.tables import load_dataset

    dataset = load_dataset(SAMPLES / "clothes_size.csv")

    def fresh():
        return build_experiment(dataset, hidden=[2], lr=0.5, batch_size=4, dtype="float32")

    straight = fresh()
    straight.trainer.fit(epochs=30)
    interrupted = fresh()
    interrupted.trainer.fit(epochs=12)
    save_session(tmp_path / "run.fcviz", interrupted)
    resumed = load_session(tmp_path / "run.fcviz")
    assert resumed.net.dtype == np.float32
    resumed.trainer.fit(epochs=18)
    np.testing.assert_array_equal(resumed.net.params, straight.net.params)
    np.testing.assert_array_equal(resumed.trainer.history.loss.array(), straight.trainer.history.loss.array())


def test_cli_trains_in_float32_and_the_session_remembers(capsys, tmp_path):
    from fcviz.cli import main
    from fcviz.io.session import load_session

    session = tmp_path / "lab.fcviz"
    code = main(["train", str(SAMPLES / "clothes_size.csv"), "--dtype", "float32", "--epochs", "50",
                 "--quiet", "--save", str(session)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip().startswith("epoch 50 loss")
    assert load_session(session).net.dtype == np.float32
    code = main(["train", str(session), "--epochs", "5", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0 and out.strip().startswith("epoch 55 loss"), err
