"""Session files: exact resumption, full round trips, atomic saves, damaged and hostile files."""

import functools
import io
import json
import os
import struct
import tempfile
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fcviz.core import Dataset, Network, Trainer, limits
from fcviz.core.experiment import Experiment
from fcviz.core.presets import build_preset
from fcviz.io import session
from fcviz.io.samples import open_preset
from fcviz.io.session import MAX_MEMBER_BYTES, SessionError, load_session, pack_session, save_session, write_npz
from fcviz.io.session import write_session as write_packed


def make_experiment(optimizer="adam", **trainer_options) -> Experiment:
    """18 points, 14 for training in mini-batches of 4 (the last one has 2), shuffled, 4 for testing."""
    rng = np.random.default_rng(5)
    X = rng.uniform(-2, 2, size=(18, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], seed=3)
    trainer = Trainer(net, "bce", optimizer, lr=0.05, batch_size=4, shuffle=True, seed=11, **trainer_options)
    dataset = Dataset(X, y, ("a", "b"), ("same_sign",), name="quadrants")
    return Experiment(dataset, trainer, test_fraction=0.25, split_seed=2, name="demo", title="Demo")


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Parameters and every piece of trainer state are identical, bit for bit."""
    assert np.array_equal(a.net.params, b.net.params)
    assert a.net.params.dtype == b.net.params.dtype
    left, right = a.get_state(), b.get_state()
    assert left.keys() == right.keys()
    for key in left:
        if isinstance(left[key], dict) and key != "rng":
            assert left[key].keys() == right[key].keys(), key
            for slot in left[key]:
                assert np.array_equal(left[key][slot], right[key][slot]), (key, slot)
        elif isinstance(left[key], np.ndarray):
            assert np.array_equal(left[key], right[key]), key
        else:
            assert left[key] == right[key], key


def reload(experiment: Experiment, path) -> Experiment:
    save_session(path, experiment)
    return load_session(path)


# --- training goes on exactly -------------------------------------------------------

@pytest.mark.parametrize("optimizer", ["adam", "momentum", "sgd"])
@pytest.mark.parametrize("engine_name", ["compiled", "numpy"])
def test_resumed_training_matches_the_uninterrupted_run(tmp_path, monkeypatch, optimizer, engine_name):
    monkeypatch.setenv("FCVIZ_ENGINE", engine_name)   # the same engine on both sides
    straight = make_experiment(optimizer)
    assert straight.trainer.engine == engine_name
    straight.trainer.fit(epochs=600)
    first_half = make_experiment(optimizer)
    first_half.trainer.fit(epochs=300)
    resumed = reload(first_half, tmp_path / "half.fcviz")
    assert_same_state(resumed.trainer, first_half.trainer)
    resumed.trainer.fit(epochs=300)
    assert resumed.trainer.epoch == 600
    assert np.array_equal(resumed.net.params, straight.net.params)
    assert np.array_equal(resumed.trainer.history.loss.array(), straight.trainer.history.loss.array())
    assert np.array_equal(resumed.trainer.history.val_loss.array(), straight.trainer.history.val_loss.array())
    assert_same_state(resumed.trainer, straight.trainer)


def test_a_session_saved_mid_epoch_resumes_exactly(tmp_path):
    straight, interrupted = make_experiment(), make_experiment()
    for experiment in (straight, interrupted):
        experiment.trainer.fit(epochs=300)
        experiment.trainer.step()
        experiment.trainer.step()
    assert interrupted.trainer.batch_index == 2
    resumed = reload(interrupted, tmp_path / "mid.fcviz")
    assert resumed.trainer.batch_index == 2
    straight.trainer.fit(epochs=300)
    resumed.trainer.fit(epochs=300)
    assert_same_state(resumed.trainer, straight.trainer)


def test_a_packed_session_is_written_as_it_was_when_packed_while_training_goes_on(tmp_path):
    """`pack_session` in the worker, `write_session` in another thread while the run trains on: the file
    equals one saved at the moment of packing, byte for byte in every array."""
    experiment = open_preset("spiral")   # Adam: optimizer slots in the timeline
    experiment.display_every = 1
    experiment.train_to(120)
    experiment.trainer.step()  # mid-epoch: the shuffle order and the epoch's start are live state too
    packed = pack_session(tmp_path / "later.fcviz", experiment)
    save_session(tmp_path / "now.fcviz", experiment)
    experiment.train_to(400)   # the parameters, optimizer slots, history and timeline go on
    write_packed(tmp_path / "later.fcviz", packed)
    with np.load(io.BytesIO(zipfile.ZipFile(tmp_path / "now.fcviz").read("arrays.npz"))) as now, \
            np.load(io.BytesIO(zipfile.ZipFile(tmp_path / "later.fcviz").read("arrays.npz"))) as later:
        assert sorted(now.files) == sorted(later.files) and "timeline.params" in now.files
        for name in now.files:
            np.testing.assert_array_equal(later[name], now[name], err_msg=name)


def test_the_full_batch_preset_resumes_exactly(tmp_path):
    straight, first = build_preset("clothes"), build_preset("clothes")
    straight.trainer.fit(epochs=400)
    first.trainer.fit(epochs=200)
    resumed = reload(first, tmp_path / "clothes.fcviz")
    resumed.trainer.fit(epochs=200)
    assert_same_state(resumed.trainer, straight.trainer)


# --- everything comes back ------------------------------------------------------------

def test_every_setting_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    y = np.eye(2)[rng.integers(0, 2, 10)]
    net = Network([3, 4, 2], ["x*sigmoid(x)", "softmax"], init="he_normal", seed=9, use_bias=[True, False])
    trainer = Trainer(net, "cce", "momentum", lr=0.125, batch_size=3, shuffle=True, seed=4, momentum=0.75)
    trainer.set_frozen([0, 5])
    ui_state = {"panels": ["scatter", "loss"], "zoom": 1.5, "grid": {"visible": True, "step": None}}
    dataset = Dataset(X, y, ("x1", "x2", "x3"), ("cat", "dog"), classes=("cat", "dog"), name="pets",
                      meta={"source": "pets.csv", "sheet": None})
    original = Experiment(dataset, trainer, epochs=250, display_every=7, test_fraction=0.3, split_seed=8,
                          name="pets", title="Cats and dogs", ui_state=ui_state)
    original.trainer.fit(epochs=20)
    original.trainer.step()

    loaded = reload(original, tmp_path / "pets.fcviz")

    assert loaded.net.config() == original.net.config()
    assert loaded.net.layers[0].activation.name == "x * sigmoid(x)"
    assert [layer.use_bias for layer in loaded.net.layers] == [True, False]
    assert loaded.trainer.config() == original.trainer.config()
    assert loaded.trainer.optimizer.momentum == 0.75
    assert np.array_equal(loaded.trainer.frozen, original.trainer.frozen)
    assert np.array_equal(loaded.initial_params, original.initial_params)
    assert_same_state(loaded.trainer, original.trainer)
    assert len(loaded.trainer.history.val_loss) == 20
    for field in ("epochs", "display_every", "test_fraction", "split_seed", "name", "title", "ui_state"):
        assert getattr(loaded, field) == getattr(original, field), field
    for field in ("feature_names", "target_names", "classes", "name", "meta"):
        assert getattr(loaded.dataset, field) == getattr(original.dataset, field), field
    assert np.array_equal(loaded.dataset.X, X) and np.array_equal(loaded.dataset.y, y)
    assert [a.tolist() for a in loaded.split_indices()] == [a.tolist() for a in original.split_indices()]
    assert loaded.metrics() == original.metrics()


def test_a_float32_network_round_trips(tmp_path):
    net = Network([2, 3, 1], "tanh", dtype=np.float32)
    trainer = Trainer(net, "mse", "adam", lr=0.01, batch_size=2, seed=1)
    original = Experiment(Dataset([[0, 1], [1, 0], [1, 1]], [0, 1, 1], ("p", "q"), ("r",)), trainer)
    original.trainer.fit(epochs=5)
    loaded = reload(original, tmp_path / "f32.fcviz")
    assert loaded.net.dtype == np.float32
    assert_same_state(loaded.trainer, original.trainer)


def test_numpy_values_in_the_ui_state_are_stored_as_plain_json(tmp_path):
    original = make_experiment()
    original.ui_state = {"splitter": np.array([300, 500]), "scale": np.float32(0.5)}
    assert reload(original, tmp_path / "ui.fcviz").ui_state == {"splitter": [300, 500], "scale": 0.5}


# --- saving is atomic -----------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    """A session file on disk and its bytes."""
    path = tmp_path / "run.fcviz"
    save_session(path, make_experiment())
    return path, path.read_bytes()


def assert_untouched(path, old_bytes):
    assert path.read_bytes() == old_bytes
    assert os.listdir(path.parent) == [path.name], "a temp file was left behind"


def test_a_failing_zip_write_leaves_the_old_file_untouched(saved, monkeypatch):
    path, old = saved
    real_open = zipfile.ZipFile.open

    def open_member(archive, name, mode="r", *args, **kwargs):
        if name == "arrays.npz" and mode == "w":  # the disk fills up as the arrays are written
            raise OSError(28, "No space left on device")
        return real_open(archive, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_member)
    trained = make_experiment()
    trained.trainer.fit(epochs=3)
    with pytest.raises(SessionError) as error:
        save_session(path, trained)
    assert str(error.value) == f"{path} cannot be saved: No space left on device"
    assert_untouched(path, old)


def test_a_failing_arrays_write_leaves_the_old_file_untouched(saved, monkeypatch):
    path, old = saved

    def write_header(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(np.lib.format, "write_array_header_1_0", write_header)
    with pytest.raises(SessionError, match="cannot be saved: Input/output error"):
        save_session(path, make_experiment())
    assert_untouched(path, old)


NPZ_ARRAYS = {"c": np.arange(12345.0).reshape(-1, 5), "fortran": np.asfortranarray(np.arange(3000.0).reshape(30, 100)),
              "strided": np.arange(10000)[::3], "scalar": np.array(3.5), "empty": np.zeros((0, 4)),
              "bool": np.arange(7) % 2 == 0, "f32": np.linspace(0, 1, 999, dtype=np.float32),
              "u64": np.arange(6, dtype=np.uint64)}


def test_arrays_are_written_as_numpy_savez_writes_them_in_pieces(monkeypatch):
    monkeypatch.setattr(session, "SPILL_CHUNK_BYTES", 1000)  # most arrays take several pieces
    ours, numpys = io.BytesIO(), io.BytesIO()
    write_npz(ours, NPZ_ARRAYS)
    np.savez(numpys, **NPZ_ARRAYS)
    with zipfile.ZipFile(ours) as written, zipfile.ZipFile(numpys) as expected:
        assert written.namelist() == expected.namelist()
        for name in expected.namelist():
            assert written.read(name) == expected.read(name), name
    ours.seek(0)
    with np.load(ours) as loaded:
        for name, array in NPZ_ARRAYS.items():
            assert loaded[name].dtype == array.dtype and np.array_equal(loaded[name], array), name


def test_writing_a_big_session_allocates_pieces_not_whole_arrays(tmp_path):
    """A 24 MB timeline is written with a few MB of buffers (a piece, its deflated bytes, zlib's state).
    np.savez's 16 MiB copies and 8 MB pieces of the copy into deflate stayed resident in the writer
    thread's malloc arena: +24 and +42 MB in the 30-minute soak."""
    rng = np.random.default_rng(5)
    dataset = Dataset(rng.uniform(-2, 2, size=(8, 2)), rng.uniform(size=(8, 1)), ("a", "b"), ("t",))
    net = Network([2, 100, 100, 1], ["tanh", "tanh", "linear"], seed=3)  # 10,501 weights
    experiment = Experiment(dataset, Trainer(net, "mse", "adam", lr=0.01), epochs=100, display_every=1)
    experiment.train_to(100)  # frames of weights and two Adam slots: 252 KB each
    packed = pack_session(tmp_path / "big.fcviz", experiment)
    assert sum(array.nbytes for array in packed.arrays.values()) > 24 * 2 ** 20
    tracemalloc.start()
    try:
        write_packed(tmp_path / "big.fcviz", packed)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * session.SPILL_CHUNK_BYTES, peak  # 3.8 MB; np.savez and 8 MB copies: 30.7 MB
    assert load_session(tmp_path / "big.fcviz").timeline.view().count == len(experiment.timeline)


def test_a_failing_replace_leaves_the_old_file_untouched(saved, monkeypatch):
    path, old = saved

    def replace(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(SessionError, match="cannot be saved: Permission denied"):
        save_session(path, make_experiment())
    assert_untouched(path, old)


def test_an_interrupted_save_removes_its_temp_file(saved, monkeypatch):
    path, old = saved

    def fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        save_session(path, make_experiment())
    assert_untouched(path, old)


def test_a_ui_state_json_cannot_hold_is_refused_before_writing(tmp_path):
    experiment = make_experiment()
    experiment.ui_state = {"selection": {3}}
    path = tmp_path / "set.fcviz"
    with pytest.raises(SessionError) as error:
        save_session(path, experiment)
    assert str(error.value) == f"{path} cannot be saved: set values cannot be stored in a session ({{3}})"
    assert os.listdir(tmp_path) == []


def test_an_unwritable_directory_gives_a_clear_error(saved, monkeypatch):
    """What a read-only directory does, simulated: creating the temp file is refused."""
    path, old = saved

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(SessionError) as error:
        save_session(path, make_experiment())
    assert str(error.value) == f"{path} cannot be saved: Permission denied"
    assert_untouched(path, old)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_directory_gives_a_clear_error(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SessionError, match="cannot be saved: Permission denied"):
            save_session(tmp_path / "x.fcviz", make_experiment())
    finally:
        tmp_path.chmod(0o700)


def test_a_missing_directory_gives_a_clear_error(tmp_path):
    path = tmp_path / "nowhere" / "x.fcviz"
    with pytest.raises(SessionError) as error:
        save_session(path, make_experiment())
    assert str(error.value) == f"{path} cannot be saved: No such file or directory"


# --- damaged, hostile and newer files ----------------------------------------------------

def members(path) -> tuple[dict, dict]:
    """(session.json document, arrays.npz member name -> .npy bytes) of a session file."""
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("session.json"))
        with zipfile.ZipFile(io.BytesIO(archive.read("arrays.npz"))) as npz:
            arrays = {name: npz.read(name) for name in npz.namelist()}
    return document, arrays


def write_session(path, document, arrays) -> None:
    """A session file from a document (dict or raw bytes) and .npy member bytes."""
    npz = io.BytesIO()
    with zipfile.ZipFile(npz, "w") as inner:
        for name, data in arrays.items():
            inner.writestr(name, data)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", document if isinstance(document, bytes) else json.dumps(document))
        archive.writestr("arrays.npz", npz.getvalue())


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def load_error(path) -> str:
    with pytest.raises(SessionError) as error:
        load_session(path)
    return str(error.value)


@pytest.mark.parametrize("version", [3, 99])
def test_a_newer_version_is_refused_by_name(saved, version):
    path, _ = saved
    document, arrays = members(path)
    write_session(path, {**document, "version": version}, arrays)
    assert load_error(path) == (f"{path} was saved by a newer fcviz (format version {version}); "
                                f"this version reads up to 1")


def test_only_the_version_is_needed_to_refuse_a_newer_file(tmp_path):
    path = tmp_path / "future.fcviz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", json.dumps({"format": "fcviz-session", "version": 3}))
    assert load_error(path) == f"{path} was saved by a newer fcviz (format version 3); this version reads up to 1"


@pytest.mark.parametrize("version, shown", [(0, "0"), ("1", "'1'"), (None, "None")])
def test_an_unknown_version_is_damage(saved, version, shown):
    path, _ = saved
    document, arrays = members(path)
    write_session(path, {**document, "version": version}, arrays)
    assert load_error(path) == f"{path} is damaged: unknown format version {shown}"


def test_a_message_quoting_the_file_stays_on_one_line(saved, monkeypatch):
    path, _ = saved
    def refuse(net, config):
        raise ValueError("bad value 'a\nb'\n  in the trainer")   # as NumPy's own messages may read
    monkeypatch.setattr("fcviz.io.session.Trainer.from_config", refuse)
    assert load_error(path) == f"{path} is damaged: bad value 'a b' in the trainer"


def test_another_format_is_refused(saved):
    path, _ = saved
    document, arrays = members(path)
    write_session(path, {**document, "format": "fcviz-weights"}, arrays)
    assert load_error(path) == f"{path} is not an fcviz session (format 'fcviz-weights', expected 'fcviz-session')"


def test_random_bytes_are_not_a_session(tmp_path):
    path = tmp_path / "noise.fcviz"
    path.write_bytes(np.random.default_rng(0).bytes(3000))
    assert load_error(path) == f"{path} is not an fcviz session (not a zip archive, or truncated)"


def test_a_truncated_file_is_refused(saved):
    path, old = saved
    path.write_bytes(old[: len(old) // 2])
    assert load_error(path) == f"{path} is not an fcviz session (not a zip archive, or truncated)"


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "gone.fcviz"
    assert load_error(path) == f"{path} cannot be read: No such file or directory"


def test_a_zip_without_session_json_is_not_a_session(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert load_error(path) == f"{path} is not an fcviz session (it has no session.json)"


def test_a_session_without_arrays_is_damaged(saved):
    path, _ = saved
    document, _ = members(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("session.json", json.dumps(document))
    assert load_error(path) == f"{path} is damaged: the archive has no arrays.npz"


def test_session_json_that_is_not_json(saved):
    path, _ = saved
    write_session(path, b"{nope", members(path)[1])
    assert load_error(path) == (f"{path} is damaged: session.json is not valid JSON "
                                f"(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))")


@pytest.mark.parametrize("section, key, message", [
    (None, "network", "session has no 'network'"),
    ("state", "rng", "state has no 'rng'"),
    ("dataset", "feature_names", "dataset has no 'feature_names'"),
    ("experiment", "ui_state", "experiment has no 'ui_state'"),
])
def test_a_missing_key_is_named(saved, section, key, message):
    path, _ = saved
    document, arrays = members(path)
    del (document if section is None else document[section])[key]
    write_session(path, document, arrays)
    assert load_error(path) == f"{path} is damaged: {message}"


@pytest.mark.parametrize("section, key, value, message", [
    ("experiment", "epochs", "many", "experiment 'epochs' must be a number, not 'many'"),
    ("experiment", "display_every", 1.5, "experiment 'display_every' must be a whole number, not 1.5"),
    ("experiment", "test_fraction", 1.5, "experiment 'test_fraction' must be between 0 and 1, not 1.5"),
    ("state", "batch_index", 4, "state 'batch_index' is 4, but an epoch has 4 batches"),
    ("state", "epoch_loss_sum", float("nan"), "state 'epoch_loss_sum' must be finite, not nan"),
    ("dataset", "feature_names", ["a"], "data.X is float64 of shape (18, 2), expected shape ('n', 1)"),
    ("network", "layer_sizes", [2, 3, 1], "net.params is float64 of shape (17,), expected shape (13,)"),
    ("network", "activations", ["tanh", "nope"],
     "unknown activation 'nope'; use one of elu, heaviside, leaky_relu, linear, relu, sigmoid, softmax, "
     "softplus, tanh or an expression in x"),
    ("trainer", "seed", "\n0", "trainer 'seed' must be an integer, not '\\n0'"),   # found by the fuzz run
    ("trainer", "seed", -1, "trainer 'seed' must be at least 0, not -1"),
    ("network", "seed", 2 ** 128, f"network 'seed' must be at most {limits.MAX_SEED:,}, not a 39-digit number"),
    ("trainer", "shuffle", "no", "trainer 'shuffle' must be true or false, not 'no'"),
])
def test_a_bad_value_is_named(saved, section, key, value, message):
    path, _ = saved
    document, arrays = members(path)
    document[section][key] = value
    write_session(path, document, arrays)
    assert load_error(path) == f"{path} is damaged: {message}"


@pytest.mark.parametrize("member, array, message", [
    ("net.params.npy", np.zeros(16), "net.params is float64 of shape (16,), expected shape (17,)"),
    ("net.params.npy", np.full(17, np.inf), "net.params holds NaN or infinite values"),
    ("trainer.frozen.npy", np.zeros(17), "trainer.frozen is float64 of shape (17,), expected shape (17,)"),
    ("trainer.order.npy", np.zeros(14, int), "trainer.order is not an ordering of the 14 training samples"),
    ("optimizer.m.npy", np.zeros(3), "optimizer.m is float64 of shape (3,), expected shape (17,)"),
    ("optimizer.velocity.npy", np.zeros(17),
     "optimizer slots ['iterations', 'velocity'] do not fit the adam optimizer"),
])
def test_a_bad_array_is_named(saved, member, array, message):
    path, _ = saved
    document, arrays = members(path)
    arrays[member] = npy(array)
    write_session(path, document, arrays)
    assert load_error(path) == f"{path} is damaged: {message}"


def test_a_missing_array_is_named(saved):
    path, _ = saved
    document, arrays = members(path)
    del arrays["history.loss.npy"]
    write_session(path, document, arrays)
    assert load_error(path) == f"{path} is damaged: arrays.npz has no array 'history.loss'"


def npy_header(shape, descr="<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_a_header_claiming_a_huge_shape_is_refused_before_allocating(saved):
    path, _ = saved
    document, arrays = members(path)
    arrays["net.params.npy"] = npy_header((10 ** 12,)) + bytes(16)
    write_session(path, document, arrays)
    start = time.perf_counter()
    message = load_error(path)
    assert time.perf_counter() - start < 1.0
    assert message == (f"{path} is damaged: arrays.npz member net.params.npy claims shape "
                       f"(1000000000000,), more than the 144 bytes it holds")


def test_an_object_array_is_refused_without_unpickling(saved):
    path, _ = saved
    document, arrays = members(path)
    arrays["net.params.npy"] = npy_header((1,), "|O") + b"\x80\x04N."
    write_session(path, document, arrays)
    assert load_error(path) == f"{path} is damaged: arrays.npz member net.params.npy holds object values, not numbers"


def test_a_member_declaring_a_huge_size_is_refused(saved):
    path, old = saved
    # in the central directory entry of a member, the uncompressed size is at offset 24
    entry = old.index(b"PK\x01\x02")  # session.json is written first
    patched = bytearray(old)
    struct.pack_into("<I", patched, entry + 24, 0xFFFFFFF0)
    path.write_bytes(bytes(patched))
    assert MAX_MEMBER_BYTES < 0xFFFFFFF0
    assert load_error(path).startswith(f"{path} is damaged: the archive claims 4,294,97")
    assert load_error(path).endswith("bytes uncompressed (fcviz reads sessions of at most 1,073,741,824)")


# --- property: any damage gives SessionError, nothing else ---------------------------------

@functools.lru_cache(maxsize=None)
def valid_session() -> bytes:
    """A small session saved mid-epoch, as bytes."""
    experiment = make_experiment()
    experiment.trainer.fit(epochs=3)
    experiment.trainer.step()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "valid.fcviz")
        save_session(path, experiment)
        with open(path, "rb") as stream:
            return stream.read()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("mutations") / "mutated.fcviz"


def load_or_refuse(path) -> None:
    """Loading either works (and the result can train) or raises SessionError."""
    try:
        experiment = load_session(path)
    except SessionError:
        return
    experiment.trainer.step()


def mutate(data: bytes, changes) -> bytes:
    mutated = bytearray(data)
    for position, value in changes:
        mutated[position % len(mutated)] = value
    return bytes(mutated)


changes = st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 255)), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(changes=changes)
def test_random_byte_damage_gives_a_session_error(scratch, changes):
    scratch.write_bytes(mutate(valid_session(), changes))
    load_or_refuse(scratch)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), changes=changes)
def test_damage_inside_members_gives_a_session_error(scratch, data, changes):
    """Mutate session.json or one .npy member, then repack with valid checksums."""
    scratch.write_bytes(valid_session())
    document, arrays = members(scratch)
    target = data.draw(st.sampled_from(["session.json", *sorted(arrays)]))
    if target == "session.json":
        document = mutate(json.dumps(document).encode(), changes)
    else:
        arrays[target] = mutate(arrays[target], changes)
    write_session(scratch, document, arrays)
    load_or_refuse(scratch)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6)


def json_paths(value, path=()):
    """Every path to a value inside a JSON document."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*path, index))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_wrong_json_value_gives_a_session_error(scratch, data):
    scratch.write_bytes(valid_session())
    document, arrays = members(scratch)
    path = data.draw(st.sampled_from(list(json_paths(document))[1:]))
    parent = functools.reduce(lambda node, key: node[key], path[:-1], document)
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(json_values)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    write_session(scratch, document, arrays)
    load_or_refuse(scratch)


def test_preprocessing_round_trips_and_old_sessions_have_none(tmp_path):
    import json
    import zipfile

    from fcviz.core.dataset import Dataset
    from fcviz.core.experiment import build_experiment

    rng = np.random.default_rng(3)
    X = rng.normal(100.0, 30.0, (40, 2))
    X[5, 1] = np.nan
    data = Dataset(X, X[:, :1] * 500, ("a", "b"), ("price",))
    experiment = build_experiment(data, hidden=(3,), output_activation="linear", loss="mse", optimizer="adam",
                                  lr=0.01, test_fraction=0.25, scale="standard")
    experiment.trainer.fit(epochs=5)
    path = tmp_path / "scaled.fcviz"
    save_session(path, experiment)
    loaded = load_session(path)
    for name in ("fill", "x_shift", "x_scale", "y_shift", "y_scale"):
        np.testing.assert_array_equal(getattr(loaded.preprocessing, name), getattr(experiment.preprocessing, name))
    np.testing.assert_array_equal(loaded.predict(loaded.dataset.X), experiment.predict(experiment.dataset.X))
    loaded.trainer.fit(epochs=3)
    experiment.trainer.fit(epochs=3)
    np.testing.assert_array_equal(loaded.net.params, experiment.net.params)  # resumes bit for bit

    with zipfile.ZipFile(path) as archive:  # the same session as an fcviz without preprocessing wrote it
        document = json.loads(archive.read("session.json"))
        arrays = archive.read("arrays.npz")
    document.pop("preprocessing")
    old = tmp_path / "old.fcviz"
    with zipfile.ZipFile(old, "w") as archive:
        archive.writestr("session.json", json.dumps(document))
        archive.writestr("arrays.npz", arrays)
    assert load_session(old).preprocessing is None
