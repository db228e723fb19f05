"""The ready experiments a person can open; `clothes` is the window's default.

Presets that learn from a shipped sample table take a `load_table(filename,
**options) -> Dataset` function (fcviz.io.samples.load_sample), so the core
itself never reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment, build_experiment
from fcviz.core.network import Network
from fcviz.core.trainer import Trainer

CLOTHES_SIZES = [0.8, 1.1, 1.7, 1.9, 2.7, 3.2, 3.7, 4.0, 5.0, 5.5, 6.0, 6.3]
CLOTHES_FITS = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
# The seed lab's initial parameters, named as in docs/ARCHITECTURE.md (w{i}{j}_{layer}, b{j}_{layer}).
CLOTHES_INITIAL = {"w11_1": 0.1, "b1_1": 0.6, "w12_1": 0.9, "b2_1": -1.5,
                   "w11_2": 0.1, "w21_2": 0.9, "b1_2": 0.2}
KERAS_DENSE_INPUT = [1, 1, 3, 1, 2, 1, 1, 1, 1, 2]

TableLoader = Callable[..., Dataset]
CONTEXT = "presets"  # translation context of titles and descriptions (the GUI translates them)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for pyside6-lupdate; the core itself stays free of Qt."""
    return text


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    build: Callable[[TableLoader | None], Experiment]
    needs_samples: bool = False


def clothes_dataset() -> Dataset:
    return Dataset(np.array(CLOTHES_SIZES)[:, None], np.array(CLOTHES_FITS, float)[:, None],
                   ("size",), ("fits",), name="clothes_size")


def _clothes(load_table=None) -> Experiment:
    net = Network([1, 2, 1], activations=["sigmoid", "sigmoid"])
    for name, value in CLOTHES_INITIAL.items():
        net.set_parameter(name, value)
    trainer = Trainer(net, loss="mse", optimizer="sgd", lr=0.5, batch_size=None, shuffle=False)
    return Experiment(clothes_dataset(), trainer, epochs=5000, display_every=100,
                      name="clothes", title="Clothes size → fits")


def _linear(load_table) -> Experiment:
    data = load_table("linear_regression.csv")
    experiment = build_experiment(data, hidden=(), output_activation="linear", loss="mse",
                                  optimizer="momentum", lr=0.005, momentum=0.9, batch_size=16,
                                  seed=0, epochs=10, display_every=1)
    experiment.ui_state["reference_line"] = {"slope": 3.0, "intercept": 1.0, "label": "y = 3x + 1"}
    return _named(experiment, "linear", "Linear regression")


def _perceptron(load_table) -> Experiment:
    iris = load_table("iris.csv", features=["petal_length", "petal_width"])
    setosa = iris.y[:, [iris.classes.index("setosa")]]
    data = Dataset(iris.X, setosa, iris.feature_names, ("setosa",), name="iris setosa")
    net = Network([2, 1], "heaviside", init="zeros")
    trainer = Trainer(net, loss="mse", optimizer="sgd", lr=0.1, batch_size=1, shuffle=True, seed=0)
    return Experiment(data, trainer, epochs=20, display_every=1, name="perceptron",
                      title="Perceptron: setosa or not")


def _activations(load_table=None) -> Experiment:
    experiment = build_experiment(clothes_dataset(), hidden=(4,), activation="tanh", output_activation="sigmoid",
                                  loss="mse", optimizer="adam", lr=0.05, batch_size=None, seed=0,
                                  epochs=500, display_every=10)
    return _named(experiment, "activations", "Activation functions")


def _keras_dense(load_table=None) -> Experiment:
    net = Network([10, 5], "relu")
    net.set_weights([np.ones((10, 5)), np.zeros(5)])
    data = Dataset(np.array([KERAS_DENSE_INPUT], float), np.full((1, 5), 14.0),
                   tuple(f"x{i}" for i in range(1, 11)), tuple(f"y{j}" for j in range(1, 6)),
                   name="keras dense")
    trainer = Trainer(net, loss="mse", optimizer="sgd", lr=0.01, shuffle=False)
    return Experiment(data, trainer, epochs=0, display_every=1, name="keras-dense",
                      title="Keras Dense semantics")


def _plane(load_table) -> Experiment:
    data = load_table("plane_regression.csv")
    experiment = build_experiment(data, hidden=(), output_activation="linear", loss="mse",
                                  optimizer="adam", lr=0.01, batch_size=32, epochs=400, display_every=10)
    return _named(experiment, "plane", "Plane: y = 2·x1 + 3·x2 + 4")


def _two_class(filename: str, name: str, title: str, hidden, lr: float, epochs: int):
    def build(load_table) -> Experiment:
        experiment = build_experiment(load_table(filename), hidden=hidden, activation="tanh",
                                      output_activation="sigmoid", loss="bce", optimizer="adam", lr=lr,
                                      batch_size=16, seed=1, epochs=epochs, display_every=5)
        return _named(experiment, name, title)
    return build


def _iris(load_table) -> Experiment:
    experiment = build_experiment(load_table("iris.csv"), hidden=(8,), activation="tanh", loss="cce",
                                  optimizer="adam", lr=0.01, batch_size=16, epochs=200, display_every=5)
    return _named(experiment, "iris", "Iris: three species")


def _digits(load_table) -> Experiment:
    data = load_table("digits.xlsx", sheet="X", target_sheet="y", one_hot=True)
    data = data.with_data(data.X / 16.0, data.y)  # pixels 0..16 → 0..1
    experiment = build_experiment(data, hidden=(25,), activation="sigmoid", output_activation="sigmoid",
                                  loss="bce", optimizer="adam", lr=0.01, batch_size=32, epochs=30,
                                  display_every=1)
    experiment.ui_state["image_shape"] = [8, 8]
    return _named(experiment, "digits", "Handwritten digits 8×8")


def _named(experiment: Experiment, name: str, title: str) -> Experiment:
    experiment.name, experiment.title = name, title
    return experiment


PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset("clothes", QT_TRANSLATE_NOOP("presets", "Clothes size → fits"),
           QT_TRANSLATE_NOOP("presets", "12 clothes sizes, fits (1) or not (0); a 1-2-1 sigmoid network learns "
                             "the bump with plain gradient descent on the mean squared error."), _clothes),
    Preset("linear", QT_TRANSLATE_NOOP("presets", "Linear regression"),
           QT_TRANSLATE_NOOP("presets", "80 noisy points around y = 3x + 1; one linear neuron, momentum, "
                             "batches of 16: w → 3 and b → 1 within 10 epochs."), _linear, True),
    Preset("perceptron", QT_TRANSLATE_NOOP("presets", "Perceptron"),
           QT_TRANSLATE_NOOP("presets", "Iris petal length and width, setosa or not; one step-function neuron "
                             "trained with the perceptron rule reaches zero errors."), _perceptron, True),
    Preset("activations", QT_TRANSLATE_NOOP("presets", "Activation functions"),
           QT_TRANSLATE_NOOP("presets", "Sigmoid, tanh, relu, leaky relu, elu, softplus, heaviside and your own "
                             "expression side by side, with their derivatives; try each one on the clothes "
                             "lab's hidden layer."), _activations),
    Preset("keras-dense", QT_TRANSLATE_NOOP("presets", "Keras Dense semantics"),
           QT_TRANSLATE_NOOP("presets", "A 10→5 relu layer with all-ones weights and zero bias: input "
                             "[1,1,3,1,2,1,1,1,1,2] gives 14 in every unit."), _keras_dense),
    Preset("plane", QT_TRANSLATE_NOOP("presets", "Plane regression"),
           QT_TRANSLATE_NOOP("presets", "1000 samples of y = 2·x1 + 3·x2 + 4 + noise; one linear neuron with "
                             "Adam finds 2, 3, 4."), _plane, True),
    Preset("xor", QT_TRANSLATE_NOOP("presets", "XOR"),
           QT_TRANSLATE_NOOP("presets", "Two classes in opposite quadrants; a 2-4-1 tanh network bends the "
                             "boundary."), _two_class("xor.csv", "xor", "XOR", (4,), 0.03, 200), True),
    Preset("circles", QT_TRANSLATE_NOOP("presets", "Circles"),
           QT_TRANSLATE_NOOP("presets", "A disc inside a ring; a 2-4-1 tanh network draws a closed boundary."),
           _two_class("circles.csv", "circles", "Circles", (4,), 0.03, 200), True),
    Preset("spiral", QT_TRANSLATE_NOOP("presets", "Spiral"),
           QT_TRANSLATE_NOOP("presets", "Two interleaved spirals; a 2-8-8-1 tanh network untangles them."),
           _two_class("spiral.csv", "spiral", "Spiral", (8, 8), 0.01, 1000), True),
    Preset("iris", QT_TRANSLATE_NOOP("presets", "Iris"),
           QT_TRANSLATE_NOOP("presets", "150 flowers, 4 measurements, 3 species; softmax and cross-entropy."),
           _iris, True),
    Preset("digits", QT_TRANSLATE_NOOP("presets", "Digits"),
           QT_TRANSLATE_NOOP("presets", "1797 handwritten digits of 8×8 pixels; 64-25-10 sigmoid with the "
                             "logistic (binary cross-entropy) cost on one-hot targets."), _digits, True),
)}


def get_preset(name: str) -> Preset:
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[key]


def build_preset(name: str, load_table: TableLoader | None = None) -> Experiment:
    """The experiment of preset `name`; presets on sample tables need `load_table`."""
    preset = get_preset(name)
    if preset.needs_samples and load_table is None:
        raise ValueError(f"preset {preset.name!r} reads a sample table: use fcviz.io.samples.open_preset")
    return preset.build(load_table)
