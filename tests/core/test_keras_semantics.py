"""Dense layers count, lay out and compute exactly as Keras does."""

import numpy as np
import pytest

from fcviz.core import Network, Trainer


def test_dense_20_to_10_has_210_params():
    assert Network([20, 10], "linear").count_params() == 210


def test_20_64_32_5_param_counts_and_summary():
    net = Network([20, 64, 32, 5], ["relu", "relu", "softmax"])
    assert [layer.n_params for layer in net.layers] == [1344, 2080, 165]
    assert net.count_params() == 3589
    summary = net.summary()
    assert "Total params: 3,589" in summary
    assert "(None, 64)" in summary and "1,344" in summary and "2,080" in summary and "165" in summary


def test_weights_are_keras_ordered_and_shaped():
    net = Network([3, 4, 2], ["tanh", "sigmoid"])
    shapes = [w.shape for w in net.get_weights()]
    assert shapes == [(3, 4), (4,), (4, 2), (2,)]
    assert all(np.all(b == 0) for b in net.get_weights()[1::2])  # Keras: zero biases


def test_relu_all_ones_kernel_zero_bias_outputs_14():
    net = Network([10, 5], "relu")
    net.set_weights([np.ones((10, 5)), np.zeros(5)])
    out = net.predict(np.array([[1, 1, 3, 1, 2, 1, 1, 1, 1, 2]]))
    np.testing.assert_array_equal(out, np.full((1, 5), 14.0))


def test_custom_square_activation_outputs_64():
    net = Network([4, 2], "x**2")
    net.set_weights([np.ones((4, 2)), np.ones(2)])
    np.testing.assert_array_equal(net.predict(np.array([[1, 2, 3, 1]])), [[64.0, 64.0]])


def test_kernel_layout_is_input_by_unit():
    net = Network([2, 3], "linear")
    kernel = np.arange(6.0).reshape(2, 3)
    net.set_weights([kernel, np.array([0.5, 0.0, -0.5])])
    np.testing.assert_allclose(net.predict(np.array([[1.0, 2.0]])), [[1 * 0 + 2 * 3 + 0.5, 1 + 8, 2 + 10 - 0.5]])
    assert net.get_parameter("w12_1") == 1.0  # from input 1 to unit 2 = kernel[0, 1]
    assert net.get_parameter("w21_1") == 3.0  # from input 2 to unit 1 = kernel[1, 0]
    assert net.get_parameter("b3_1") == -0.5


def test_set_weights_rejects_wrong_shape_without_changing_anything():
    net = Network([2, 3], "linear")
    before = net.params.copy()
    with pytest.raises(ValueError, match=r"layer 1 kernel: expected shape \(2, 3\), got \(3, 2\)"):
        net.set_weights([np.ones((3, 2)), np.zeros(3)])
    np.testing.assert_array_equal(net.params, before)


def test_no_bias_layer():
    net = Network([2, 1], "linear", use_bias=False)
    assert net.count_params() == 2 and [w.shape for w in net.get_weights()] == [(2, 1)]


def test_plane_regression_with_adam_recovers_2_3_4():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (1000, 2))
    y = 2 * X[:, :1] + 3 * X[:, 1:] + 4 + 0.1 * rng.standard_normal((1000, 1))
    net = Network([2, 1], "linear", seed=0)
    trainer = Trainer(net, loss="mse", optimizer="adam", lr=0.01, batch_size=32, seed=0)
    trainer.fit(X, y, epochs=400)
    kernel, bias = net.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [2, 3], atol=0.03)
    assert bias[0] == pytest.approx(4, abs=0.03)


def test_same_seed_same_weights_different_seed_different():
    a, b, c = (Network([3, 5, 2], "tanh", seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_glorot_uniform_limits():
    net = Network([300, 200], "linear", seed=1)
    kernel = net.get_weights()[0]
    limit = np.sqrt(6 / 500)
    assert kernel.max() <= limit and kernel.min() >= -limit
    assert kernel.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)


def test_he_normal_truncated_at_two_sigma():
    kernel = Network([200, 300], "relu", init="he_normal", seed=3).get_weights()[0]
    sigma = np.sqrt(2 / 200)
    assert np.abs(kernel).max() <= 2 * sigma
    assert kernel.std() == pytest.approx(sigma * 0.8796, rel=0.03)  # std of N(0,1) truncated at ±2
