"""The sample tables shipped with fcviz, and presets built on them."""

from __future__ import annotations

from pathlib import Path

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.presets import build_preset
from fcviz.io.tables import load_dataset

# In a wheel the samples sit inside the package; in a source checkout, at the top level.
_CANDIDATES = (Path(__file__).resolve().parents[1] / "samples",
               Path(__file__).resolve().parents[2] / "samples")


def samples_dir() -> Path:
    for folder in _CANDIDATES:
        if folder.is_dir():
            return folder
    raise FileNotFoundError("the fcviz sample folder is missing from this installation")


def sample_path(name: str) -> Path:
    return samples_dir() / name


def load_sample(name: str, **options) -> Dataset:
    """`load_dataset` on a shipped sample, e.g. `load_sample("iris.csv")`."""
    return load_dataset(sample_path(name), **options)


def open_preset(name: str) -> Experiment:
    """A ready experiment by name, its data read from the shipped samples."""
    return build_preset(name, load_sample)
