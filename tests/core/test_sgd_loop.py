"""The generated SGD loops (Trainer.fit) must give the general path's numbers (Trainer.step) to the last bit."""

import numpy as np
import pytest

from fcviz.core import Network, Trainer
from fcviz.core.presets import build_preset

CASES = [
    ([1, 2, 1], ["sigmoid", "sigmoid"], "mse", 1),
    ([2, 5, 4, 1], ["tanh", "tanh", "linear"], "mse", 1),
    ([2, 4, 3, 2], ["sigmoid", "sigmoid", "sigmoid"], "mse", 2),
    ([3, 6, 1], ["relu", "sigmoid"], "bce", 1),
    ([3, 5, 3], ["tanh", "softmax"], "cce", 3),
    ([2, 4, 4, 1], ["sigmoid", "tanh", "tanh"], "mse", 1),
    ([2, 3, 1], ["elu", "softplus"], "mse", 1),
    ([2, 3, 1], ["x*sigmoid(x)", "linear"], "mse", 1),
    ([2, 3, 1], ["leaky_relu", "sigmoid"], "bce", 1),
    ([2, 3, 2], ["relu", "linear"], "bce", 2),
]


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


def pair(sizes, activations, loss, dtype=np.float64, use_bias=True, lr=0.3, batch_size=None, shuffle=True):
    trainers = []
    for _ in range(2):
        net = Network(sizes, activations, seed=3, dtype=dtype, use_bias=use_bias)
        trainers.append(Trainer(net, loss, "sgd", lr=lr, batch_size=batch_size, shuffle=shuffle, seed=5))
    X, y = data(sizes[0], sizes[-1], loss)
    for trainer in trainers:
        trainer.set_data(X, y)
    return trainers


def general_path(trainer, epochs):
    for _ in range(epochs):
        trainer.run_epoch()
        if trainer.diverged:
            break


@pytest.mark.parametrize("sizes, activations, loss, _", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_equals_the_general_path_bit_for_bit(sizes, activations, loss, _, dtype):
    fast, slow = pair(sizes, activations, loss, dtype)
    for chunk in (1, 2, 37, 160):  # odd and even chunks: the loop alternates two buffers
        fast.fit(epochs=chunk)
        general_path(slow, chunk)
    assert fast._full_batch is not None
    np.testing.assert_array_equal(fast.net.params, slow.net.params)
    np.testing.assert_array_equal(fast.history.loss.array(), slow.history.loss.array())
    assert fast.epoch == slow.epoch == 200
    np.testing.assert_array_equal(fast.get_state()["epoch_start_params"], slow.get_state()["epoch_start_params"])
    assert fast.get_state()["epoch_loss_sum"] == slow.get_state()["epoch_loss_sum"]


def test_layers_without_bias():
    fast, slow = pair([2, 3, 1], ["sigmoid", "sigmoid"], "mse", use_bias=False)
    fast.fit(epochs=50)
    general_path(slow, 50)
    np.testing.assert_array_equal(fast.net.params, slow.net.params)


def test_clothes_lab_bit_for_bit_with_stepping():
    fast, slow = build_preset("clothes").trainer, build_preset("clothes").trainer
    fast.fit(epochs=1001)
    for _ in range(1001):
        slow.step()
    np.testing.assert_array_equal(fast.net.params, slow.net.params)
    np.testing.assert_array_equal(fast.history.loss.array(), slow.history.loss.array())


def test_learning_rate_and_weight_edits_between_calls_are_seen():
    fast, slow = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse")
    for trainer in (fast, slow):
        trainer.fit(epochs=3) if trainer is fast else general_path(trainer, 3)
        trainer.learning_rate = 0.05
        trainer.net.set_parameter("w11_1", 0.25)
    fast.fit(epochs=5)
    general_path(slow, 5)
    np.testing.assert_array_equal(fast.net.params, slow.net.params)


def test_target_loss_and_callback_stop_where_the_general_loop_stops():
    fast, slow = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse", lr=2.0)
    fast.fit(epochs=100)
    target = fast.history.loss[40]
    fast, _ = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse", lr=2.0)
    fast.fit(epochs=100, target_loss=target)
    assert fast.stop_reason == "target_loss" and fast.epoch == 41
    fast.fit(epochs=10, callback=lambda t: t.epoch == 45)
    assert fast.stop_reason == "callback" and fast.epoch == 45 and len(fast.history.loss) == 45


def test_divergence_keeps_the_last_finite_weights_like_the_general_path():
    X = np.linspace(-1, 1, 20)[:, None]
    results = []
    for fast in (True, False):
        net = Network([1, 4, 1], ["linear", "linear"], seed=0)
        trainer = Trainer(net, "mse", "sgd", lr=1e3)
        trainer.set_data(X, 5 * X + 2)
        if fast:
            trainer.fit(epochs=500)
        else:
            general_path(trainer, 500)
        assert trainer.diverged and np.isfinite(net.params).all()
        results.append((trainer.epoch, trainer.divergence_message, net.params.copy(), trainer.history.loss.array()))
    (e1, m1, p1, h1), (e2, m2, p2, h2) = results
    assert (e1, m1) == (e2, m2)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(h1, h2)


def test_fit_of_zero_epochs_does_nothing():
    fast, _ = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse")
    before = fast.net.params.copy()
    fast.fit(epochs=0)
    assert fast.epoch == 0 and np.array_equal(before, fast.net.params)


def test_momentum_frozen_and_mini_batches_take_the_general_path():
    trainer, _ = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse")
    trainer.set_frozen(0)
    trainer.fit(epochs=2)
    assert trainer._full_batch is None


@pytest.mark.parametrize("sizes, activations, loss, _", CASES)
@pytest.mark.parametrize("batch_size, shuffle", [(4, True), (5, False), (16, True)])
def test_mini_batches_equal_the_general_path_bit_for_bit(sizes, activations, loss, _, batch_size, shuffle):
    fast, slow = pair(sizes, activations, loss, batch_size=batch_size, shuffle=shuffle)
    for chunk in (1, 2, 7):
        fast.fit(epochs=chunk)
        general_path(slow, chunk)
    assert fast._mini_batch is not None
    np.testing.assert_array_equal(fast.net.params, slow.net.params)
    np.testing.assert_array_equal(fast.history.loss.array(), slow.history.loss.array())
    fast_state, slow_state = fast.get_state(), slow.get_state()
    np.testing.assert_array_equal(fast_state["epoch_start_params"], slow_state["epoch_start_params"])
    np.testing.assert_array_equal(fast_state["order"], slow_state["order"])
    assert fast_state["rng"] == slow_state["rng"] and fast_state["epoch_loss_sum"] == slow_state["epoch_loss_sum"]


def test_mini_batches_in_float32_equal_the_general_path():
    fast, slow = pair([2, 8, 8, 1], ["tanh", "tanh", "linear"], "mse", dtype=np.float32, batch_size=3)
    fast.fit(epochs=5)
    general_path(slow, 5)
    np.testing.assert_array_equal(fast.net.params, slow.net.params)


def test_fit_after_single_steps_finishes_the_epoch_then_goes_fast():
    fast, slow = pair([2, 3, 1], ["sigmoid", "sigmoid"], "mse", batch_size=4)
    for trainer in (fast, slow):
        trainer.step()
        trainer.step()
    fast.fit(epochs=4)
    general_path(slow, 4)
    assert fast.epoch == slow.epoch == 4
    np.testing.assert_array_equal(fast.net.params, slow.net.params)
    np.testing.assert_array_equal(fast.history.loss.array(), slow.history.loss.array())


def test_mini_batch_divergence_matches_the_general_path():
    X = np.linspace(-1, 1, 20)[:, None]
    results = []
    for fast in (True, False):
        trainer = Trainer(Network([1, 4, 1], ["linear", "linear"], seed=0), "mse", "sgd", lr=300.0, batch_size=6)
        trainer.set_data(X, 5 * X + 2)
        trainer.fit(epochs=500) if fast else general_path(trainer, 500)
        assert trainer.diverged and np.isfinite(trainer.net.params).all()
        results.append((trainer.epoch, trainer.divergence_message, trainer.net.params.copy()))
    assert results[0][:2] == results[1][:2]
    np.testing.assert_array_equal(results[0][2], results[1][2])


def test_mini_batch_target_loss_and_callback():
    fast, slow = pair([1, 2, 1], ["sigmoid", "sigmoid"], "mse", lr=2.0, batch_size=5)
    general_path(slow, 60)
    target = slow.history.loss[30]
    fast.fit(epochs=100, target_loss=target)
    assert fast.stop_reason == "target_loss" and fast.epoch == 31
    seen = []
    fast.fit(epochs=10, callback=lambda t: seen.append(t.net.params.copy()) or t.epoch == 35)
    assert fast.stop_reason == "callback" and fast.epoch == 35 and len(seen) == 4
    np.testing.assert_array_equal(seen[-1], fast.net.params)


def test_changing_shuffle_or_batch_size_between_calls():
    fast, slow = pair([2, 3, 1], ["tanh", "linear"], "mse", batch_size=4)
    for trainer in (fast, slow):
        trainer.fit(epochs=2) if trainer is fast else general_path(trainer, 2)
        trainer.shuffle = False
    fast.fit(epochs=2)
    general_path(slow, 2)
    for trainer in (fast, slow):
        trainer.batch_size = 3
    fast.fit(epochs=2)
    general_path(slow, 2)
    np.testing.assert_array_equal(fast.net.params, slow.net.params)
    np.testing.assert_array_equal(fast.history.loss.array(), slow.history.loss.array())


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_step_of_several_batches_equals_single_steps(optimizer):
    trainers = []
    for _ in range(2):
        net = Network([2, 5, 1], ["tanh", "sigmoid"], seed=3)
        trainer = Trainer(net, "mse", optimizer, lr=0.2, batch_size=3, shuffle=True, seed=2)
        trainer.set_data(*data(2, 1, "mse"))
        trainers.append(trainer)
    many, single = trainers
    losses = [many.step(4), many.step(4), many.step(100), many.step(2)]   # 6 batches an epoch: stops at its end
    assert (many.epoch, many.batch_index) == (2, 2)
    expected = []
    for count in (4, 2, 6, 2):
        for _ in range(count):
            value = single.step()
        expected.append(value)
    assert losses == expected
    np.testing.assert_array_equal(many.net.params, single.net.params)
    np.testing.assert_array_equal(many.history.loss.array(), single.history.loss.array())
    assert many.get_state()["epoch_loss_sum"] == single.get_state()["epoch_loss_sum"]


def test_step_of_several_batches_reports_divergence():
    X = np.linspace(-1, 1, 20)[:, None]
    trainer = Trainer(Network([1, 4, 1], ["linear", "linear"], seed=0), "mse", "sgd", lr=300.0, batch_size=6)
    trainer.set_data(X, 5 * X + 2)
    for _ in range(500):
        trainer.step(3)
        if trainer.diverged:
            break
    assert trainer.diverged and np.isfinite(trainer.net.params).all() and trainer.batch_index == 0


def test_fit_before_any_data_says_so():
    with pytest.raises(RuntimeError, match="set_data"):
        Trainer(Network([1, 2, 1]), "mse", "sgd", lr=0.1).fit(epochs=3)
