"""The engines: the compiled loop agrees with the NumPy reference per step, and every loop call gives the
numbers of one long run (chunks, single batches, epochs under way), with the RNG where the reference leaves it."""

import itertools

import numpy as np
import pytest

from fcviz.core import Network, Trainer, activations, engine, numpy_loop
from fcviz.core.presets import build_preset

numba = pytest.importorskip("numba")

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"]
# (output activation, loss): chain rule, fused pairs, the perceptron rule
OUTPUTS = [("linear", "mse"), ("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "cce"), ("tanh", "bce"),
           ("sigmoid", "cce"), ("heaviside", "mse"), ("softmax", "mse")]
OPTIMIZERS = ["sgd", "momentum", "adam"]


def data(n_in, n_out, loss, n=17, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in))
    if loss == "cce":
        y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif loss == "bce":
        y = rng.integers(0, 2, (n, n_out)).astype(float)
    else:
        y = np.sin(X @ rng.normal(size=(n_in, n_out)))
    return X, y


def trainer(engine_name, sizes, activations, loss, optimizer="sgd", batch_size=None, dtype="float64",
            frozen=(), held_out=0, shuffle=True, lr=0.3, use_bias=True):
    net = Network(sizes, activations, seed=3, dtype=dtype, use_bias=use_bias)
    t = Trainer(net, loss, optimizer, lr=lr, batch_size=batch_size, shuffle=shuffle, seed=5, engine=engine_name)
    X, y = data(sizes[0], sizes[-1], loss)
    if held_out:
        t.set_data(X[held_out:], y[held_out:], X[:held_out], y[:held_out])
    else:
        t.set_data(X, y)
    if frozen:
        t.set_frozen(list(frozen))
    return t


def assert_close(compiled, reference, rtol):
    scale = max([1.0, *np.abs(reference).ravel()])
    np.testing.assert_allclose(compiled, reference, rtol=rtol, atol=rtol * scale)


def same_state(a: Trainer, b: Trainer) -> None:
    sa, sb = a.get_state(), b.get_state()
    assert (sa["epoch"], sa["batch_index"], sa["rng"]) == (sb["epoch"], sb["batch_index"], sb["rng"])
    if sa["order"] is None or sb["order"] is None:
        assert sa["order"] is None and sb["order"] is None
    else:
        np.testing.assert_array_equal(sa["order"], sb["order"])


def step_pair(setup: dict, steps: int, rtol: float):
    """Both engines from the same weights and state, one batch at a time: every step agrees within rtol."""
    compiled, reference = trainer("compiled", **setup), trainer("numpy", **setup)
    for _ in range(steps):
        value_c, value_r = compiled.step(), reference.step()
        assert value_c == pytest.approx(value_r, rel=rtol, abs=rtol)
        assert_close(compiled.net.params, reference.net.params, rtol)
        same_state(compiled, reference)
        # the next step starts from the reference's weights and optimizer state: a per-step comparison
        compiled.net.params[...] = reference.net.params
        compiled.optimizer.set_state(reference.optimizer.get_state())
    assert_close(compiled.history.loss.array(), reference.history.loss.array(), rtol)
    assert_close(compiled.history.val_loss.array(), reference.history.val_loss.array(), rtol)


@pytest.mark.parametrize("hidden", ACTIVATIONS)
@pytest.mark.parametrize("output, loss", OUTPUTS)
def test_every_activation_and_loss_agree_per_step(hidden, output, loss):
    n_out = 3 if output == "softmax" or loss == "cce" else 2
    setup = dict(sizes=[3, 4, n_out], activations=[hidden, output], loss=loss, batch_size=5)
    step_pair(setup, 9, 1e-12)


CASES = list(itertools.product(OPTIMIZERS, [None, 4], [(), (0, 7)], [0, 5]))


@pytest.mark.parametrize("optimizer, batch_size, frozen, held_out", CASES)
def test_optimizers_batches_frozen_and_held_out_data_agree_per_step(optimizer, batch_size, frozen, held_out):
    setup = dict(sizes=[2, 5, 4, 2], activations=["tanh", "relu", "sigmoid"], loss="bce", optimizer=optimizer,
                 batch_size=batch_size, frozen=frozen, held_out=held_out, lr=0.05)
    step_pair(setup, 8, 1e-12)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 4])
def test_float32_agrees_to_float32_precision(optimizer, batch_size):
    setup = dict(sizes=[2, 6, 3], activations=["tanh", "softmax"], loss="cce", optimizer=optimizer,
                 batch_size=batch_size, dtype="float32", lr=0.05)
    step_pair(setup, 8, 2e-6)


def test_layers_without_bias_and_no_shuffle_agree():
    setup = dict(sizes=[2, 3, 1], activations=["sigmoid", "sigmoid"], loss="mse", use_bias=False,
                 batch_size=5, shuffle=False)
    step_pair(setup, 10, 1e-12)


@pytest.mark.parametrize("engine_name", [engine.COMPILED, engine.NUMPY])
@pytest.mark.parametrize("optimizer, batch_size", [("sgd", None), ("adam", 4), ("momentum", 5)])
def test_any_chunking_gives_the_numbers_of_one_long_run(engine_name, optimizer, batch_size):
    setup = dict(sizes=[2, 4, 1], activations=["tanh", "sigmoid"], loss="bce", optimizer=optimizer,
                 batch_size=batch_size, held_out=4, frozen=(1,))
    whole, pieces = trainer(engine_name, **setup), trainer(engine_name, **setup)
    whole.fit(epochs=40)
    pieces.step()
    pieces.step(2)
    pieces.fit(epochs=1)          # finishes the epoch under way
    pieces.run_epoch()
    pieces.fit(epochs=7)
    pieces.step(100)              # stops where the epoch ends
    pieces.fit(epochs=40 - pieces.epoch)
    assert pieces.epoch == whole.epoch == 40
    np.testing.assert_array_equal(pieces.net.params, whole.net.params)
    np.testing.assert_array_equal(pieces.history.loss.array(), whole.history.loss.array())
    np.testing.assert_array_equal(pieces.history.val_loss.array(), whole.history.val_loss.array())
    same_state(pieces, whole)
    for key in ("epoch_start_params", "epoch_loss_sum"):
        np.testing.assert_array_equal(pieces.get_state()[key], whole.get_state()[key])


@pytest.mark.parametrize("engine_name", [engine.COMPILED, engine.NUMPY])
def test_the_state_moves_between_trainers_mid_epoch(engine_name):
    setup = dict(sizes=[2, 3, 1], activations=["tanh", "linear"], loss="mse", optimizer="adam", batch_size=3)
    straight, first = trainer(engine_name, **setup), trainer(engine_name, **setup)
    straight.fit(epochs=6)
    first.fit(epochs=2)
    first.step(2)
    second = trainer(engine_name, **setup)
    second.net.params[...] = first.net.params
    second.set_state(first.get_state())
    second.fit(epochs=4)
    np.testing.assert_array_equal(second.net.params, straight.net.params)
    np.testing.assert_array_equal(second.history.loss.array(), straight.history.loss.array())


def test_the_lab_runs_compiled_and_matches_the_numpy_engine():
    compiled, reference = build_preset("clothes").trainer, build_preset("clothes").trainer
    reference._engine_override = engine.NUMPY
    assert compiled.engine == engine.COMPILED
    compiled.fit(epochs=1000)
    reference.fit(epochs=1000)
    assert_close(compiled.net.params, reference.net.params, 1e-12)
    assert_close(compiled.history.loss.array(), reference.history.loss.array(), 1e-12)


@pytest.mark.parametrize("engine_name", [engine.COMPILED, engine.NUMPY])
def test_target_loss_and_callback_stop_after_the_epoch_that_reaches_them(engine_name):
    setup = dict(sizes=[1, 2, 1], activations=["sigmoid", "sigmoid"], loss="mse", lr=2.0, batch_size=5)
    probe = trainer(engine_name, **setup)
    probe.fit(epochs=60)
    target = probe.history.loss[30]
    t = trainer(engine_name, **setup)
    t.fit(epochs=100, target_loss=target)
    assert t.stop_reason == "target_loss" and t.epoch == 31
    seen = []
    t.fit(epochs=10, callback=lambda tr: seen.append(tr.net.params.copy()) or tr.epoch == 35)
    assert t.stop_reason == "callback" and t.epoch == 35 and len(seen) == 4
    np.testing.assert_array_equal(seen[-1], t.net.params)
    probe_state = trainer(engine_name, **setup)
    probe_state.fit(epochs=35)
    same_state(t, probe_state)


@pytest.mark.parametrize("batch_size", [None, 6])
def test_divergence_is_the_same_in_both_engines(batch_size):
    X = np.linspace(-1, 1, 20)[:, None]
    results = []
    for name in (engine.COMPILED, engine.NUMPY):
        t = Trainer(Network([1, 4, 1], ["linear", "linear"], seed=0), "mse", "sgd", lr=300.0,
                    batch_size=batch_size, engine=name)
        t.set_data(X, 5 * X + 2)
        t.fit(epochs=500)
        assert t.diverged and t.stop_reason == "diverged" and np.isfinite(t.net.params).all()
        results.append((t.epoch, t.batch_index, t.divergence_message.split(":")[1][:40], t.net.params.copy()))
    assert results[0][:2] == results[1][:2]
    assert results[0][2].split(" became")[0] == results[1][2].split(" became")[0]
    assert_close(results[0][3], results[1][3], 1e-9)


def test_step_of_several_batches_reports_divergence():
    X = np.linspace(-1, 1, 20)[:, None]
    t = Trainer(Network([1, 4, 1], ["linear", "linear"], seed=0), "mse", "sgd", lr=300.0, batch_size=6)
    t.set_data(X, 5 * X + 2)
    for _ in range(500):
        t.step(3)
        if t.diverged:
            break
    assert t.diverged and np.isfinite(t.net.params).all() and t.batch_index == 0


def test_the_engine_is_chosen_from_the_network(monkeypatch):
    small = Trainer(Network([2, 8, 8, 1], "tanh"), "mse")
    custom = Trainer(Network([2, 3, 1], ["x*sigmoid(x)", "linear"]), "mse")
    large = Trainer(Network([784, 300, 10], ["relu", "softmax"]), "cce")
    assert (small.engine, custom.engine, large.engine) == (engine.COMPILED, engine.NUMPY, engine.NUMPY)
    monkeypatch.setenv("FCVIZ_ENGINE", "numpy")
    assert small.engine == engine.NUMPY


def test_fit_of_zero_epochs_does_nothing_and_fit_needs_data():
    t = trainer("compiled", [1, 2, 1], ["sigmoid", "sigmoid"], "mse")
    before = t.net.params.copy()
    t.fit(epochs=0)
    assert t.epoch == 0 and np.array_equal(before, t.net.params)
    with pytest.raises(RuntimeError, match="set_data"):
        Trainer(Network([1, 2, 1]), "mse", "sgd", lr=0.1).fit(epochs=3)


def test_changing_shuffle_batch_size_and_learning_rate_between_calls():
    runs = []
    for name in (engine.COMPILED, engine.NUMPY):
        t = trainer(name, [2, 3, 1], ["tanh", "linear"], "mse", batch_size=4)
        t.fit(epochs=2)
        t.shuffle = False
        t.fit(epochs=2)
        t.batch_size = 3
        t.learning_rate = 0.05
        t.net.set_parameter("w11_1", 0.25)
        t.fit(epochs=2)
        runs.append(t)
    assert_close(runs[0].net.params, runs[1].net.params, 1e-12)
    same_state(*runs)


def test_the_compiled_tanh_is_within_two_ulp_of_numpys():
    """The kernels' own tanh (branch-free, so it vectorizes) against np.tanh over small, middle and saturated z."""
    kernels = engine.kernels()
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(size=4000) * scale for scale in (1e-9, 0.3, 1.0, 5.0, 30.0)]
                       + [np.linspace(-23, 23, 4001), [0.0, 0.625, -0.625, 22.0, -22.0, 1e300, -1e300]])
    a = np.empty_like(z)
    kernels.activate_rows(kernels.TANH, z, a, 0, len(z))
    expected = np.tanh(z)
    ulps = np.abs(a - expected) / np.spacing(np.abs(expected).clip(np.finfo(float).tiny))
    assert ulps.max() <= 2


def test_the_compiled_sigmoid_is_within_four_ulp_of_the_numpy_engines():
    """The kernels' sigmoid (branch-free exp) against the NumPy engine's 1/(1+np.exp(-z)) (each is within 2 ulp
    of the exact value, checked with mpmath), out to where it saturates (1 above z = 37, 0 below z = -709.78:
    exp overflows); softplus' slope rows use it."""
    kernels = engine.kernels()
    rng = np.random.default_rng(1)
    z = np.concatenate([rng.normal(size=4000) * scale for scale in (1e-9, 0.3, 1.0, 5.0, 30.0, 300.0)]
                       + [np.linspace(-750, 50, 8001), [0.0, 36.0, 37.5, 40.0, 41.0, -709.7, -709.8, -745.2,
                                                        1e300, -1e300, np.inf, -np.inf]])
    a = np.empty_like(z)
    kernels.activate_rows(kernels.SIGMOID, z, a, 0, len(z))
    with np.errstate(over="ignore"):
        expected = activations.BUILTINS["sigmoid"](z)
    ulps = np.abs(a - expected) / np.spacing(np.abs(expected).clip(np.finfo(float).tiny))
    assert ulps.max() <= 4
    d = np.full_like(z, 3.0)
    kernels.slope_rows(kernels.SOFTPLUS, z, a, d, 0, len(z))
    np.testing.assert_array_equal(d, 3.0 * a)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_the_compiled_activations_keep_nan(name):
    """A NaN pre-activation stays NaN (divergence is detected from it), whatever the clamping inside."""
    kernels = engine.kernels()
    z = np.array([np.nan, 1.0, -np.nan])
    a = np.zeros_like(z)
    kernels.activate_rows(kernels.ACTIVATION_CODES[name], z, a, 0, len(z))
    assert np.isnan(a[0]) and np.isnan(a[2]) and np.isfinite(a[1])


def test_warm_up_prepares_from_the_request_until_its_one_number_type_is_ready():
    warm = engine._WarmUp()
    assert not warm.preparing
    warm.request()
    assert warm.preparing
    assert warm.start("float32").wait(timeout=600)
    assert not warm.preparing
    assert warm._thread is not None and warm._thread.name == "fcviz-warm-up"


@pytest.mark.parametrize("n", [1, 2, 3, 17, 400, 65_537])
def test_the_compiled_sample_orders_are_numpys_permutations_and_leave_its_state(n):
    from fcviz.core.timeline import rng_words

    draw_orders = engine.shuffle_kernel().draw_orders
    for seed in range(4):
        rng = np.random.default_rng(seed)
        if seed % 2:
            rng.integers(0, 2**31, dtype=np.uint32)   # half of a 64-bit output waits in the generator
        count = 2 if n > 1000 else 6
        orders, states = np.empty((count, n), np.int64), np.empty((count + 1, 6), np.uint64)
        draw_orders(rng_words(rng.bit_generator.state), orders, states)
        assert np.array_equal(states[0], rng_words(rng.bit_generator.state))
        for k in range(count):
            assert np.array_equal(orders[k], rng.permutation(n))
            assert np.array_equal(states[k + 1], rng_words(rng.bit_generator.state))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_shuffled_batches_from_the_ones_column_copy_train_as_those_gathered_from_the_samples(monkeypatch, dtype):
    """Small data is gathered from a copy with its ones column, large data batch by batch: the same numbers."""
    def trained():
        t = trainer("numpy", [3, 5, 2], ["tanh", "softmax"], "cce", batch_size=4, dtype=dtype)
        t.fit(epochs=6)
        return t
    from_copy = trained()
    monkeypatch.setattr(numpy_loop, "ONES_COPY_MAX", -1)   # as for data over the limit
    from_samples = trained()
    assert from_copy._loop._with_ones is not None and from_samples._loop._with_ones is None
    np.testing.assert_array_equal(from_copy.net.params, from_samples.net.params)
    np.testing.assert_array_equal(from_copy.history.loss.array(), from_samples.history.loss.array())
