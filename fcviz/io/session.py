"""Session files (.fcviz): an experiment saved so that training goes on exactly where it stopped.

A session is a zip of `session.json` (names, settings, scalar trainer state with the
RNG state) and `arrays.npz` (data, weights, optimizer slots, history, shuffle order).
Loading checks every field and array against the network and data it describes, so a
damaged, hostile or newer file raises `SessionError` naming the file and the problem;
nothing is ever unpickled. A run setting of the right type but beyond what fcviz can hold
(epochs 1e30, a learning rate of 1e308, a redraw cap of inf) is clamped to the nearest value
of its range in `fcviz.core.limits`, and each such change is reported (`Adjustment`); what
defines the run's numbers (weights, history, data, the split, seeds, the epoch reached) is
never adjusted, only refused. Saving is atomic: a failed save leaves the old file as it was.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import tokenize
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, BinaryIO, Callable

import numpy as np

from fcviz import __version__
from fcviz.core import limits
from fcviz.core.dataset import Dataset
from fcviz.core.experiment import Experiment
from fcviz.core.network import Network
from fcviz.core.preprocessing import Preprocessing
from fcviz.core.timeline import Timeline, default_pace
from fcviz.core.trainer import Trainer
from fcviz.io.files import FileRefused, check_format, check_readable, write_atomically

__all__ = ["PackedSession", "SessionError", "load_session", "pack_session", "save_session", "write_atomically",
           "write_session"]

FORMAT = "fcviz-session"
VERSION = 1
SESSION_JSON = "session.json"
ARRAYS_NPZ = "arrays.npz"
# arrays.npz goes through a temporary file, and arrays into it, in pieces of this size. Whole members or
# pieces of 8-16 MB (np.savez copies an array 16 MiB at a time with tobytes) written in the writer thread
# stayed resident in that thread's malloc arena: the 30-minute soak kept +24 and +42 MB after autosaves.
SPILL_CHUNK_BYTES = 2 ** 20
# Weights, optimizer slots and timelines of float64 shrink ~8 % at any deflate level; level 6 (zlib's default)
# took twice level 1's time for that (a spiral timeline of 45 MB: 9.5 s against 4.6 s on a busy machine).
COMPRESS_LEVEL = 1
MAX_MEMBER_BYTES = limits.MAX_SESSION_MEMBER_BYTES  # refuse members claiming more (zip bombs, forged headers)
ARRAY_KINDS = "biuf"              # bool, integers, floats: all a session holds

# What a damaged file can make zipfile, json, NumPy or the core raise while loading.
# RuntimeError covers zipfile's "encrypted member" and NotImplementedError (unknown compression);
# SyntaxError and TokenError come from NumPy parsing a garbled .npy header.
_DAMAGE = (ValueError, TypeError, KeyError, IndexError, RuntimeError, EOFError, ArithmeticError,
           SyntaxError, tokenize.TokenError, zipfile.BadZipFile, zlib.error)


class SessionError(ValueError):
    """A session file that cannot be saved, read or trusted; the message names the file."""


# --- saving -------------------------------------------------------------------

@dataclass(frozen=True)
class PackedSession:
    """What a session file holds, taken from an experiment at one moment (`pack_session`): the
    document's text and arrays that nothing changes any more (copies of the live ones, and read-only
    views of the append-only timeline), so `write_session` may run in any thread while training goes on."""

    text: str
    arrays: dict[str, np.ndarray]


def save_session(path, experiment: Experiment, inputs=()) -> None:
    """Write `experiment` to `path` (.fcviz) atomically; SessionError if it cannot be saved.

    `inputs` are files the same command reads: the session is never written over them.
    """
    write_session(path, pack_session(path, experiment), inputs)


def pack_session(path, experiment: Experiment) -> PackedSession:
    """The session of `experiment` as it is now (quick: no file, no copy of the timeline or the data);
    SessionError naming `path` if it cannot be saved."""
    document, arrays = _pack(experiment)
    try:
        return PackedSession(json.dumps(document, default=_json_default, indent=1), arrays)
    except (TypeError, ValueError) as exc:
        raise SessionError(f"{os.fspath(path)} cannot be saved: {exc}") from exc


def write_session(path, packed: PackedSession, inputs=()) -> None:
    """Write `packed` to `path` atomically (see `save_session`)."""

    def write(stream: BinaryIO) -> None:
        with tempfile.TemporaryFile() as spill:  # arrays.npz through a file: no second copy in memory
            write_npz(spill, packed.arrays)
            spill.seek(0)
            with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
                archive.writestr(SESSION_JSON, packed.text)
                with archive.open(ARRAYS_NPZ, "w", force_zip64=True) as member:
                    _copy_in_pieces(spill, member)

    try:
        write_atomically(path, write, inputs)
    except FileRefused as exc:
        raise SessionError(str(exc)) from exc
    except OSError as exc:
        raise SessionError(f"{os.fspath(path)} cannot be saved: {exc.strerror or exc}") from exc


def write_npz(stream: BinaryIO, arrays: dict[str, np.ndarray]) -> None:
    """The .npz that `np.savez(stream, **arrays)` writes, byte for byte, made from each array's own memory
    in pieces of SPILL_CHUNK_BYTES instead of copies of up to 16 MiB."""
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED, allowZip64=True) as npz:
        for name, value in arrays.items():
            array = np.asanyarray(value)
            if not (array.flags.c_contiguous or array.flags.f_contiguous):
                array = np.ascontiguousarray(array)
            with npz.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array_header_1_0(member, np.lib.format.header_data_from_array_1_0(array))
                # in memory order: C, or Fortran for an array only Fortran-contiguous (as its header says)
                raw = array.reshape(-1, order="A").view(np.uint8)
                for start in range(0, len(raw), SPILL_CHUNK_BYTES):
                    member.write(raw[start:start + SPILL_CHUNK_BYTES].data)


def _copy_in_pieces(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy `source` to `target` through one reused buffer of SPILL_CHUNK_BYTES."""
    buffer = bytearray(SPILL_CHUNK_BYTES)
    view = memoryview(buffer)
    while size := source.readinto(view):  # type: ignore[attr-defined]  # files and zip members have it
        target.write(view[:size])


def _pack(experiment: Experiment) -> tuple[dict, dict[str, np.ndarray]]:
    """(session.json document, arrays.npz arrays) describing `experiment`: the arrays training changes
    are copies (the trainer's state comes copied), the data and the timeline's frames are never changed."""
    trainer, net, data = experiment.trainer, experiment.net, experiment.dataset
    state = trainer.get_state()
    document = {
        "format": FORMAT, "version": VERSION, "saved_by": f"fcviz {__version__}",
        "experiment": {
            "name": experiment.name, "title": experiment.title, "epochs": experiment.epochs,
            "display_every": experiment.display_every, "test_fraction": experiment.test_fraction,
            "split_seed": experiment.split_seed, "ui_state": experiment.ui_state, "pace": experiment.pace,
        },
        "dataset": {
            "name": data.name, "feature_names": list(data.feature_names),
            "target_names": list(data.target_names), "classes": list(data.classes), "meta": data.meta,
        },
        "network": net.config(),
        "trainer": trainer.config(),
        **({"preprocessing": experiment.preprocessing.to_dict()} if experiment.preprocessing is not None else {}),
        "state": {"epoch": state["epoch"], "batch_index": state["batch_index"],
                  "epoch_loss_sum": state["epoch_loss_sum"], "rng": state["rng"]},
    }
    arrays = {
        "data.X": data.X, "data.y": data.y,
        "net.params": net.params.copy(), "net.initial_params": np.array(experiment.initial_params),
        "trainer.frozen": state["frozen"], "trainer.epoch_start_params": state["epoch_start_params"],
    }
    if state["order"] is not None:
        arrays["trainer.order"] = state["order"]
    arrays.update({f"optimizer.{key}": value for key, value in state["optimizer"].items()})
    arrays.update({f"history.{key}": value for key, value in state["history"].items()})
    arrays.update(experiment.timeline.arrays())
    return document, arrays


def _json_default(value):
    """JSON for the NumPy values and paths a GUI state or dataset meta may hold."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} values cannot be stored in a session ({value!r})")


# --- loading ------------------------------------------------------------------

def load_session(path, on_adjusted: Callable[[limits.Adjustment], None] | None = None) -> Experiment:
    """The experiment saved in `path`, ready to train on; SessionError for any problem.

    A run setting beyond its range is clamped, and `on_adjusted` (if given) hears of each one once
    the whole session has been read (a refused session reports only why it is refused)."""
    name = os.fspath(path)
    try:
        check_readable(path)
        archive = zipfile.ZipFile(path)
    except OSError as exc:
        raise SessionError(f"{name} cannot be read: {exc.strerror or exc}") from exc
    except _DAMAGE as exc:
        raise SessionError(f"{name} is not an fcviz session (not a zip archive, or truncated)") from exc
    try:
        with archive:
            _check_sizes(archive.infolist(), "the archive")
            document = _read_document(archive, name)
            arrays = _read_arrays(archive)
        adjusted: list[limits.Adjustment] = []
        experiment = _unpack(document, arrays, adjusted.append)
    except SessionError:
        raise
    except limits.LimitError as exc:
        raise SessionError(f"{name}: {exc}") from exc
    except OSError as exc:
        raise SessionError(f"{name} cannot be read: {exc.strerror or exc}") from exc
    except _DAMAGE as exc:
        raise SessionError(f"{name} is damaged: {_describe(exc)}") from exc
    if on_adjusted is not None:
        for adjustment in adjusted:
            on_adjusted(adjustment)
    return experiment


def _describe(exc: BaseException) -> str:
    """One line: a message quoting a file's text may hold line breaks."""
    if isinstance(exc, KeyError):
        return f"{exc.args[0]!r} is missing"[:200]
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _check_sizes(members: list[zipfile.ZipInfo], where: str) -> None:
    """Refuse an archive whose members together claim more than the session limit uncompressed."""
    total = sum(info.file_size for info in members)
    if total > limits.MAX_SESSION_TOTAL_BYTES:
        raise ValueError(f"{where} claims {total:,} bytes uncompressed "
                         f"(fcviz reads sessions of at most {limits.MAX_SESSION_TOTAL_BYTES:,})")


def _member(archive: zipfile.ZipFile, member: str) -> zipfile.ZipInfo:
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise ValueError(f"the archive has no {member}") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValueError(f"{member} claims {info.file_size:,} bytes uncompressed "
                         f"(more than {MAX_MEMBER_BYTES:,})")
    return info


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes:
    return archive.read(_member(archive, member))


def _read_document(archive: zipfile.ZipFile, name: str) -> dict:
    """session.json, after checking it is an fcviz session this version can read."""
    if SESSION_JSON not in archive.namelist():
        raise SessionError(f"{name} is not an fcviz session (it has no {SESSION_JSON})")
    if archive.getinfo(SESSION_JSON).file_size > limits.MAX_SESSION_JSON_BYTES:
        raise ValueError(f"{SESSION_JSON} is larger than {limits.MAX_SESSION_JSON_BYTES:,} bytes")
    text = _read_member(archive, SESSION_JSON)
    if limits.json_depth(text) > limits.MAX_JSON_DEPTH:
        raise ValueError(f"{SESSION_JSON} nests deeper than {limits.MAX_JSON_DEPTH} levels")
    try:
        document = json.loads(text.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{SESSION_JSON} is not valid JSON ({exc})") from exc
    version = check_format(document, FORMAT, VERSION, name, "an fcviz session", SessionError)
    if version != VERSION:
        raise ValueError(f"unknown format version {version!r}")
    return document


def _read_arrays(archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """The arrays of arrays.npz, each .npy header checked before anything is allocated.

    arrays.npz is unpacked to a temporary file, not into memory: a session of 1 GB of arrays
    costs about 1 GB to open, not 2."""
    with tempfile.TemporaryFile() as spill:
        with archive.open(_member(archive, ARRAYS_NPZ)) as member:
            _copy_in_pieces(member, spill)
        spill.seek(0)
        with zipfile.ZipFile(spill) as npz:
            _check_sizes(npz.infolist(), ARRAYS_NPZ)
            for info in npz.infolist():
                _check_npy_header(npz, info)
        spill.seek(0)
        with np.load(spill, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}


_MAX_ARRAY_ENTRIES = max(limits.MAX_CELLS, limits.MAX_PARAMETERS)
# older sessions kept every epoch: open those of up to 16M epochs (then thinned, see core.history)
_ENTRY_LIMITS = {"history": 16 * 1024 ** 2}


def _check_npy_header(npz: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a member whose header is not a plain numeric array that fits in its own bytes."""
    where = f"{ARRAYS_NPZ} member {info.filename}"
    if not info.filename.endswith(".npy") or info.file_size > MAX_MEMBER_BYTES:
        raise ValueError(f"{where} is not a NumPy array of a sensible size")
    with npz.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"{where} has unsupported .npy version {version}")
    if dtype.kind not in ARRAY_KINDS:
        raise ValueError(f"{where} holds {dtype} values, not numbers")
    if any(size < 0 for size in shape) or math.prod(shape) * dtype.itemsize > info.file_size:
        raise ValueError(f"{where} claims shape {shape}, more than the {info.file_size:,} bytes it holds")
    limit = _ENTRY_LIMITS.get(info.filename.split(".")[0], _MAX_ARRAY_ENTRIES)
    limits.check_count(f"{where} entries", math.prod(shape), limit)


# --- rebuilding the experiment -------------------------------------------------

def _field(mapping: dict, key: str, where: str):
    if key not in mapping:
        raise ValueError(f"{where} has no {key!r}")
    return mapping[key]


_KIND_NAMES = {str: "text", dict: "an object", list: "a list", int: "an integer", float: "a number"}


def _typed(mapping: dict, key: str, where: str, kind: type):
    """mapping[key], checked to be a `kind` (str, dict, list, int or float; a bool is neither number)."""
    value = _field(mapping, key, where)
    allowed = (int, float) if kind is float else kind
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise ValueError(f"{where} {key!r} must be {_KIND_NAMES[kind]}, not {value!r}")
    if kind is float and not math.isfinite(float(value)):  # type: ignore[arg-type]  # int or float here
        raise ValueError(f"{where} {key!r} must be finite, not {value!r}")
    return value


def _count(mapping: dict, key: str, where: str, minimum: int = 0, maximum: int | None = None) -> int:
    value = _typed(mapping, key, where, int)
    if value < minimum:
        raise ValueError(f"{where} {key!r} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{where} {key!r} must be at most {maximum:,}, not {limits.short_number(value)}")
    return value


Notify = Callable[[limits.Adjustment], None]


def _setting(mapping: dict, key: str, where: str, bounds: tuple, default, notify: Notify,
             whole: bool = True, unit: str = ""):
    """mapping[key], a number (a whole one if `whole`: 1e30 counts, 2.5 does not), clamped to
    `bounds`; NaN gives `default`. A value that changes is reported to `notify`."""
    value = _field(mapping, key, where)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where} {key!r} must be a number, not {value!r}"[:200])
    if whole and isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        raise ValueError(f"{where} {key!r} must be a whole number, not {value!r}")
    low, high = bounds
    if low <= value <= high:  # NaN is not
        return int(value) if whole else float(value)
    used = limits.clamp(value, default, low, high)
    used = int(used) if whole else float(used)
    notify(limits.Adjustment(where, key, value, used, unit))
    return used


def _texts(mapping: dict, key: str, where: str, limit: int) -> tuple[str, ...]:
    values = _typed(mapping, key, where, list)
    limits.check_count(f"{where} {key!r}", len(values), limit)
    if not all(isinstance(value, str) and len(value) <= limits.MAX_NAME_CHARS for value in values):
        raise ValueError(f"{where} {key!r} must be a list of names of at most {limits.MAX_NAME_CHARS} characters")
    return tuple(values)


_DEFAULT_LEARNING_RATE = 0.001  # a NaN learning rate trains at this (Adam's usual rate, `fcviz train`'s default)


def _trainer_config(config: dict, notify: Notify) -> dict:
    """The trainer settings, with the batch size and learning rate clamped to what a spin box holds."""
    config = dict(config)
    if config.get("batch_size") is not None:  # None: the whole training set (also for a NaN)
        config["batch_size"] = _setting(config, "batch_size", "trainer", (limits.MIN_BATCH_SIZE,
                                        limits.MAX_BATCH_SIZE), None, notify)
    optimizer = config["optimizer"] = dict(_typed(config, "optimizer", "trainer", dict))
    optimizer["learning_rate"] = _setting(
        optimizer, "learning_rate", "optimizer", (limits.MIN_LEARNING_RATE, limits.MAX_LEARNING_RATE),
        _DEFAULT_LEARNING_RATE, notify, whole=False)
    return config


def _check_meta(meta: dict, n_features: int) -> dict:
    """Dataset meta as the window reads it: `base_features` counts columns that exist."""
    if "base_features" in meta:
        _count(meta, "base_features", "dataset meta", minimum=1, maximum=n_features)
    transforms = meta.get("transforms", [])
    if not isinstance(transforms, list) or len(transforms) > 3 or not all(isinstance(t, str) for t in transforms):
        raise ValueError(f"dataset meta 'transforms' must be a short list of names, not {transforms!r}"[:200])
    return meta


def _array(arrays: dict, key: str, shape: tuple, kinds: str = "f") -> np.ndarray:
    """arrays[key] with the given shape (None = any length) and dtype kind; floats must be finite."""
    if key not in arrays:
        raise ValueError(f"{ARRAYS_NPZ} has no array {key!r}")
    array = arrays[key]
    if (array.dtype.kind not in kinds or array.ndim != len(shape)
            or any(want is not None and want != got for want, got in zip(shape, array.shape))):
        expected = tuple("n" if size is None else size for size in shape)
        raise ValueError(f"{key} is {array.dtype} of shape {array.shape}, expected shape {expected}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{key} holds NaN or infinite values")
    return array


def _parameter_count(config: dict) -> int:
    """Number of parameters the network config describes (checked before building it)."""
    sizes = _typed(config, "layer_sizes", "network", list)
    use_bias = _field(config, "use_bias", "network")
    limits.check_count("network layers", len(sizes) - 1, limits.MAX_LAYERS)
    if (len(sizes) < 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)):
        raise ValueError(f"network 'layer_sizes' must be at least two positive integers, not {sizes!r}")
    biases = [use_bias] * (len(sizes) - 1) if isinstance(use_bias, bool) else use_bias
    if not isinstance(biases, list) or len(biases) != len(sizes) - 1 or not all(isinstance(b, bool) for b in biases):
        raise ValueError(f"network 'use_bias' must be one true/false per layer, not {use_bias!r}")
    return limits.check_network(sizes, biases)


def _unpack(document: dict, arrays: dict[str, np.ndarray], notify: Notify) -> Experiment:
    """Rebuild the experiment, checking each value and array against what it belongs to
    (run settings beyond their ranges clamped, and reported to `notify`)."""
    net_config = _typed(document, "network", "session", dict)
    n_params = _parameter_count(net_config)
    trainer_config = _typed(document, "trainer", "session", dict)
    for config, where in ((net_config, "network"), (trainer_config, "trainer")):
        if "seed" in config:
            _count(config, "seed", where, maximum=limits.MAX_SEED)
    if not isinstance(trainer_config.get("shuffle", True), bool):
        raise ValueError(f"trainer 'shuffle' must be true or false, not {trainer_config['shuffle']!r}")
    params = _array(arrays, "net.params", (n_params,))
    net = Network.from_config(net_config, params)
    trainer = Trainer.from_config(net, _trainer_config(trainer_config, notify))

    about = _typed(document, "dataset", "session", dict)
    feature_names = _texts(about, "feature_names", "dataset", limits.MAX_COLUMNS)
    target_names = _texts(about, "target_names", "dataset", limits.MAX_COLUMNS)
    X = _array(arrays, "data.X", (None, len(feature_names)))
    y = _array(arrays, "data.y", (len(X), len(target_names)))
    limits.check_count("data rows", len(X), limits.MAX_ROWS)
    dataset = Dataset(X, y, feature_names, target_names, _texts(about, "classes", "dataset", limits.MAX_CLASSES),
                      _typed(about, "name", "dataset", str),
                      _check_meta(_typed(about, "meta", "dataset", dict), len(feature_names)))

    settings = _typed(document, "experiment", "session", dict)
    test_fraction = _typed(settings, "test_fraction", "experiment", float)
    if not 0.0 <= test_fraction <= 1.0:
        raise ValueError(f"experiment 'test_fraction' must be between 0 and 1, not {test_fraction}")
    epochs = _setting(settings, "epochs", "experiment", (0, limits.MAX_EPOCHS), _DEFAULT_EPOCHS, notify)
    display_every = _setting(settings, "display_every", "experiment",
                             (limits.MIN_DISPLAY_EVERY, limits.MAX_DISPLAY_EVERY), _DEFAULT_DISPLAY_EVERY, notify)
    experiment = Experiment(
        dataset, trainer, epochs=epochs, display_every=display_every,
        test_fraction=test_fraction, split_seed=_count(settings, "split_seed", "experiment"),
        name=_typed(settings, "name", "experiment", str), title=_typed(settings, "title", "experiment", str),
        initial_params=_array(arrays, "net.initial_params", (n_params,)),
        ui_state=_ui_state(_typed(settings, "ui_state", "experiment", dict), notify),
        pace=_pace(settings, default_pace(epochs, display_every), notify),
        timeline=Timeline.from_arrays(arrays, n_params),
        preprocessing=_preprocessing(document, net))
    _restore_trainer(trainer, _typed(document, "state", "session", dict), arrays)
    experiment.start_timeline()  # sessions saved before timelines existed start one here
    return experiment


def _preprocessing(document: dict, net: Network) -> Preprocessing | None:
    """The optional preprocessing (sessions before it have none), fitting the network's inputs and outputs."""
    if "preprocessing" not in document:
        return None
    preprocessing = Preprocessing.from_dict(document["preprocessing"])
    if (preprocessing.fill.size, preprocessing.y_shift.size) != (net.layer_sizes[0], net.layer_sizes[-1]):
        raise ValueError("the preprocessing does not fit the network's inputs and outputs")
    return preprocessing


def _history_kinds(key: str) -> str:
    """Losses are floats; a thinned history's epochs and count are integers (core.history)."""
    return "iu" if key.endswith(("_epochs", "_count")) else "f"


_DEFAULT_EPOCHS, _DEFAULT_DISPLAY_EVERY = Experiment.epochs, Experiment.display_every  # for a NaN


def _pace(settings: dict, default: float, notify: Notify) -> float | None:
    """The saved pace (display epochs a second, 0 = max), None for sessions saved before paces."""
    if "pace" not in settings:
        return None
    return _setting(settings, "pace", "experiment", (0.0, limits.MAX_PACE), default, notify, whole=False, unit="/s")


def _ui_state(view: dict, notify: Notify) -> dict:
    """The window's saved look, its redraw cap (redraws a second) clamped to what the window allows."""
    hz = view.get("max_redraw_hz")
    if isinstance(hz, bool) or not isinstance(hz, (int, float)):  # missing or malformed: the window keeps its own
        return view
    hz = _setting(view, "max_redraw_hz", "ui_state", (limits.MIN_REDRAW_HZ, limits.MAX_REDRAW_HZ),
                  limits.DEFAULT_REDRAW_HZ, notify, whole=False, unit="/s")
    return {**view, "max_redraw_hz": hz}


def _restore_trainer(trainer: Trainer, scalars: dict, arrays: dict[str, np.ndarray]) -> None:
    """Apply the saved trainer state (after the experiment has handed the trainer its data)."""
    n_params, n_samples, n_batches = trainer.net.params.size, trainer.n_samples, trainer.n_batches
    batch_index = _count(scalars, "batch_index", "state")
    if batch_index >= n_batches:
        raise ValueError(f"state 'batch_index' is {batch_index}, but an epoch has {n_batches} batches")
    order = None
    if "trainer.order" in arrays:
        order = _array(arrays, "trainer.order", (n_samples,), "iu")
        if not np.array_equal(np.sort(order), np.arange(n_samples)):
            raise ValueError(f"trainer.order is not an ordering of the {n_samples} training samples")
    # optimizer slots: 0-d counters (Adam's iterations) or one float per parameter
    optimizer = {key.removeprefix("optimizer."):
                 _array(arrays, key, (), "iuf") if arrays[key].ndim == 0 else _array(arrays, key, (n_params,))
                 for key in arrays if key.startswith("optimizer.")}
    history = {key.removeprefix("history."): _array(arrays, key, (None,), _history_kinds(key))
               for key in arrays if key.startswith("history.")}
    if "loss" not in history:
        raise ValueError(f"{ARRAYS_NPZ} has no array 'history.loss'")
    trainer.set_state({
        "epoch": _count(scalars, "epoch", "state"), "batch_index": batch_index,
        "epoch_loss_sum": _typed(scalars, "epoch_loss_sum", "state", float),
        "rng": _typed(scalars, "rng", "state", dict), "order": order, "optimizer": optimizer,
        "history": history, "frozen": _array(arrays, "trainer.frozen", (n_params,), "b"),
        "epoch_start_params": _array(arrays, "trainer.epoch_start_params", (n_params,)),
    })
    if set(trainer.optimizer.get_state()) != set(optimizer):
        raise ValueError(f"optimizer slots {sorted(optimizer)} do not fit the {trainer.optimizer.name} optimizer")
