"""The presets' tables, read ahead of time (samples/preset_tables.npz), are what the table reader makes of
the shipped samples; `python samples/make_samples.py` writes them again after a sample or the reader changed."""

from __future__ import annotations

import numpy as np

from fcviz.core.presets import PRESETS
from fcviz.io import samples, tables
from fcviz.io.tables import load_dataset


def test_every_preset_reads_what_the_table_reader_makes_of_its_sample(monkeypatch):
    read: list[tuple[str, dict]] = []

    def load_table(name: str, **options):
        read.append((name, options))
        return samples.load_sample(name, **options)

    def no_reader(*args, **options):
        raise AssertionError(f"a preset read {args} with the table reader")

    monkeypatch.setattr(tables, "load_dataset", no_reader)
    for preset in PRESETS.values():
        if preset.needs_samples:
            preset.build(load_table)
    monkeypatch.undo()
    assert {name for name, _ in read} == {path.name for path in samples.samples().values()} - {"clothes_size.csv"}
    for name, options in read:
        packed, fresh = samples.load_sample(name, **options), load_dataset(samples.sample_path(name), **options)
        assert packed.X.tobytes() == fresh.X.tobytes() and packed.y.tobytes() == fresh.y.tobytes(), name
        assert (packed.X.strides, packed.y.strides) == (fresh.X.strides, fresh.y.strides), name  # memory order
        assert (packed.feature_names, packed.target_names, packed.classes, packed.name, packed.meta) == (
            fresh.feature_names, fresh.target_names, fresh.classes, fresh.name, fresh.meta), name


def test_make_samples_writes_the_preset_tables_shipped(tmp_path):
    for path in samples.samples().values():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    samples.write_preset_tables(tmp_path)
    shipped = samples.samples_dir() / samples.PRESET_TABLES
    assert (tmp_path / samples.PRESET_TABLES).read_bytes() == shipped.read_bytes()


def test_a_table_no_preset_reads_comes_from_the_table_reader():
    data = samples.load_sample("iris.csv", features=["sepal_length"])
    assert data.feature_names == ("sepal_length",) and data.X.shape == (150, 1)
    assert np.array_equal(data.X[:, 0], load_dataset(samples.sample_path("iris.csv")).X[:, 0])
