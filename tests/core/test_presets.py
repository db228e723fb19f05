"""Every preset trains headlessly to its published result."""

import numpy as np
import pytest

from fcviz.core.presets import PRESETS, build_preset
from fcviz.io.samples import open_preset


def trained(name):
    experiment = open_preset(name)
    experiment.trainer.fit(epochs=experiment.epochs)
    return experiment


def test_linear_finds_slope_3_and_intercept_1_within_10_epochs():
    experiment = trained("linear")
    (w,), b = experiment.net.get_weights()[0][0], experiment.net.get_weights()[1][0]
    assert experiment.trainer.epoch == 10
    assert w == pytest.approx(3, abs=0.1)
    assert b == pytest.approx(1, abs=0.35)  # the noise's standard error on the intercept is 0.34


def test_perceptron_reaches_zero_errors():
    experiment = trained("perceptron")
    assert experiment.metrics()["accuracy"] == 1.0
    assert experiment.trainer.history.loss[-1] == 0.0


def test_keras_dense_outputs_14_everywhere():
    experiment = open_preset("keras-dense")
    np.testing.assert_array_equal(experiment.net.predict(experiment.dataset.X), np.full((1, 5), 14.0))


def test_plane_finds_2_3_4():
    kernel, bias = trained("plane").net.get_weights()
    np.testing.assert_allclose([*kernel.ravel(), *bias], [2, 3, 4], atol=0.02)


@pytest.mark.parametrize("name, accuracy", [("xor", 0.95), ("circles", 0.97), ("spiral", 0.97),
                                            ("iris", 0.96), ("digits", 0.97)])
def test_classification_presets_learn(name, accuracy):
    assert trained(name).metrics()["accuracy"] >= accuracy


def test_sample_presets_need_a_table_loader():
    with pytest.raises(ValueError, match="open_preset"):
        build_preset("iris")
    assert build_preset("clothes").net.get_parameter("b2_1") == -1.5


def test_every_preset_opens():
    for name in PRESETS:
        experiment = open_preset(name)
        assert experiment.name == name and experiment.title


def test_activations_playground_learns_the_clothes_bump():
    experiment = trained("activations")
    assert experiment.metrics()["accuracy"] == 1.0
    assert experiment.trainer.history.loss[-1] < 1e-3
