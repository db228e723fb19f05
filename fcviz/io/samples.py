"""The sample tables and resources shipped with fcviz, and presets built on them."""

from __future__ import annotations

from pathlib import Path

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.presets import build_preset

SAMPLE_PREFIX = "sample:"  # `fcviz train sample:iris` names a shipped sample wherever one runs it
SAMPLE_SUFFIXES = (".csv", ".xlsx")


def _shipped(folder: str) -> Path:
    """A folder shipped with fcviz: inside the package in a wheel, at the top level in a checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / folder, package.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the fcviz {folder} folder is missing from this installation")


def samples_dir() -> Path:
    return _shipped("samples")


def resources_dir() -> Path:
    """Icons and translations."""
    return _shipped("resources")


def sample_path(name: str) -> Path:
    return samples_dir() / name


def samples() -> dict[str, Path]:
    """The shipped sample tables by name (file name without its suffix)."""
    return {path.stem: path for path in sorted(samples_dir().iterdir()) if path.suffix in SAMPLE_SUFFIXES}


def resolve_data_path(text: str) -> str:
    """The shipped sample that `text` names ("sample:iris", or a bare "iris" that is no file here), else `text`."""
    explicit = text.startswith(SAMPLE_PREFIX)
    name = text.removeprefix(SAMPLE_PREFIX)
    if not explicit and ("/" in name or Path(name).suffix or Path(name).exists()):
        return text
    found = samples().get(Path(name).stem if Path(name).suffix in SAMPLE_SUFFIXES else name)
    if found is not None:
        return str(found)
    if explicit:
        raise FileNotFoundError(f"no sample named {name!r} (see 'fcviz samples')")
    return text


def load_sample(name: str, **options) -> Dataset:
    """`load_dataset` on a shipped sample, e.g. `load_sample("iris.csv")`."""
    from fcviz.io.tables import load_dataset  # pandas: imported when a table is read, not at start-up
    return load_dataset(sample_path(name), **options)


def open_preset(name: str) -> Experiment:
    """A ready experiment by name, its data read from the shipped samples."""
    return build_preset(name, load_sample)
