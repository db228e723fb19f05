"""The sample tables and resources shipped with fcviz, and presets built on them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.presets import PRESETS, build_preset

SAMPLE_PREFIX = "sample:"  # `fcviz train sample:iris` names a shipped sample wherever one runs it
SAMPLE_SUFFIXES = (".csv", ".xlsx")
# The tables the presets read, as the table reader makes them (samples/make_samples.py writes it):
# opening a preset then needs no pandas, whose import alone took ~0.4 s of a 1.7 s start.
PRESET_TABLES = "preset_tables.npz"
PINNED_TIME = (2024, 1, 1, 0, 0, 0)  # the same bytes on every run of make_samples.py


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
    """`load_dataset` on a shipped sample, e.g. `load_sample("iris.csv")`; what a preset reads comes from
    PRESET_TABLES, read ahead of time."""
    key = _table_key(name, options)
    with np.load(samples_dir() / PRESET_TABLES, allow_pickle=False) as tables:
        index = json.loads(str(tables["index"]))
        if key in index:
            at = index.index(key)
            about = json.loads(str(tables[f"{at}_about"]))
            return Dataset(tables[f"{at}_X"], tables[f"{at}_y"], about["feature_names"], about["target_names"],
                           about["classes"], about["name"], {**about["meta"], "path": str(sample_path(name))})
    from fcviz.io.tables import load_dataset  # pandas: imported when a table is read, not at start-up
    return load_dataset(sample_path(name), **options)


def write_preset_tables(folder: Path) -> None:
    """Read every table a preset reads from `folder` with the table reader and keep them in PRESET_TABLES."""
    from fcviz.io.tables import load_dataset
    index: list[str] = []
    members: dict[str, np.ndarray] = {}

    def read(name: str, **options) -> Dataset:
        data = load_dataset(folder / name, **options)
        at = len(index)
        index.append(_table_key(name, options))
        about = {"feature_names": data.feature_names, "target_names": data.target_names, "classes": data.classes,
                 "name": data.name, "meta": {key: value for key, value in data.meta.items() if key != "path"}}
        members.update({f"{at}_X": data.X, f"{at}_y": data.y, f"{at}_about": np.array(json.dumps(about))})
        return data

    for preset in PRESETS.values():
        if preset.needs_samples:
            preset.build(read)
    members["index"] = np.array(json.dumps(index))
    with zipfile.ZipFile(folder / PRESET_TABLES, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, array in members.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{key}.npy", date_time=PINNED_TIME), npy.getvalue(),
                             zipfile.ZIP_DEFLATED)


def _table_key(name: str, options: dict) -> str:
    return json.dumps([name, options], sort_keys=True)


def open_preset(name: str) -> Experiment:
    """A ready experiment by name, its data read from the shipped samples."""
    return build_preset(name, load_sample)
