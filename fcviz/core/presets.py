"""The ready experiments a person can open; `clothes` is the window's default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.network import Network
from fcviz.core.trainer import Trainer

CLOTHES_SIZES = [0.8, 1.1, 1.7, 1.9, 2.7, 3.2, 3.7, 4.0, 5.0, 5.5, 6.0, 6.3]
CLOTHES_FITS = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
# The seed lab's initial parameters, named as in DESIGN.md (w{i}{j}_{layer}, b{j}_{layer}).
CLOTHES_INITIAL = {"w11_1": 0.1, "b1_1": 0.6, "w12_1": 0.9, "b2_1": -1.5,
                   "w11_2": 0.1, "w21_2": 0.9, "b1_2": 0.2}


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    build: Callable[[], Experiment]


def clothes_dataset() -> Dataset:
    return Dataset(np.array(CLOTHES_SIZES)[:, None], np.array(CLOTHES_FITS, float)[:, None],
                   ("size",), ("fits",), name="clothes_size")


def _clothes() -> Experiment:
    net = Network([1, 2, 1], activations=["sigmoid", "sigmoid"])
    for name, value in CLOTHES_INITIAL.items():
        net.set_parameter(name, value)
    trainer = Trainer(net, loss="mse", optimizer="sgd", lr=0.5, batch_size=None, shuffle=False)
    return Experiment(clothes_dataset(), trainer, epochs=5000, display_every=100,
                      name="clothes", title="Clothes size → fits")


PRESETS: dict[str, Preset] = {
    preset.name: preset for preset in (
        Preset("clothes", "Clothes size → fits",
               "12 clothes sizes, fits (1) or not (0); a 1-2-1 sigmoid network learns the bump "
               "with plain gradient descent on the mean squared error.", _clothes),
    )
}


def get_preset(name: str) -> Preset:
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[key]


def build_preset(name: str) -> Experiment:
    return get_preset(name).build()
