"""fcviz's command line: the window, headless training, screenshots, summaries.

Errors in what the person typed or in their files end as one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

import numpy as np

from fcviz.core import limits

EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
SUBCOMMANDS = ("train", "screenshot", "summary", "presets", "samples", "export", "replay")
LANGUAGE_CODES = ("en", "zh_CN")  # the translations in resources/translations (fcviz.gui.language.LANGUAGES)


# Every form of the command, shown by `fcviz --help` and by the window form's --help.
USAGE = """\
fcviz [PATH] [--preset NAME] [--lang {en,zh_CN}]   open the window (PATH: .fcviz session, table or sample)
       fcviz train PATH [options]     train headlessly (PATH: CSV/TSV/Excel/ODS table, .fcviz session or sample)
       fcviz screenshot [PATH] [--preset NAME] [--epochs N] --out PNG [--size WxH] [--lang {en,zh_CN}]
       fcviz summary --inputs N [--hidden 64,32] --outputs N [--activation A] [--output-activation A]
       fcviz presets                  list the ready experiments
       fcviz samples                  list the shipped sample tables (a name works as PATH: iris, sample:iris)
       fcviz export SESSION|WEIGHTS --to {numpy,torch,keras,json} -o FILE
       fcviz replay SESSION|--preset NAME --out GIF|MP4 [--panel NAME] [--fps N] [--size WxH]
       fcviz --install-desktop        add fcviz and the .fcviz file type to the desktop (--uninstall-desktop)
       fcviz COMMAND --help           the options of one command"""


class UsageError(Exception):
    """Bad command-line input; the message is shown as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _int_list(text: str) -> list[int]:
    if text.strip().lower() in ("none", ""):
        return []
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 2 or 16,8 or none, got {text!r}") from None
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be at least 1, got {text!r}")
    if max(values) > limits.MAX_LAYER_UNITS or len(values) > limits.MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"at most {limits.MAX_LAYERS} layers of at most "
                                         f"{limits.MAX_LAYER_UNITS} units each, got {text[:40]!r}")
    return values


def _batch_size(text: str) -> int | None:
    if text.strip().lower() == "full":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'full', got {text[:40]!r}") from None
    if not 1 <= value <= limits.MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(f"the batch size must be 1 to {limits.MAX_BATCH_SIZE:,}, got {text[:40]}")
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1400x900, got {text[:40]!r}") from None
    low, high = limits.MIN_SCREENSHOT_SIDE, limits.MAX_SCREENSHOT_SIDE
    if not (low <= width <= high and low <= height <= high):
        raise argparse.ArgumentTypeError(f"each side must be {low} to {high} pixels, got {text[:40]!r}")
    return width, height


def _count(low: int, high: int):
    """An argparse type: an integer from `low` to `high` (the message names the range)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low:,} to {high:,}, got {text[:40]}")
        return value
    return parse


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text[:40]!r}") from None
    if not limits.MIN_LEARNING_RATE <= value <= limits.MAX_LEARNING_RATE:
        raise argparse.ArgumentTypeError(f"the learning rate must be {limits.MIN_LEARNING_RATE:g} to "
                                         f"{limits.MAX_LEARNING_RATE:g}, got {text[:40]}")
    return value


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction like 0.25, got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"the test fraction must be at least 0 and below 1, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fcviz", usage=USAGE,
                     description="A desktop lab for watching fully-connected networks learn.")
    from fcviz import __version__
    parser.add_argument("--version", action="version", version=f"fcviz {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog="fcviz")

    train = sub.add_parser("train", help="train headlessly on a CSV/Excel file or a .fcviz session")
    train.add_argument("path", help="CSV/TSV/Excel/ODS table or .fcviz session")
    data = train.add_argument_group("data")
    data.add_argument("--features", type=_names,
                      help="input columns by name or position, comma-separated: a,b or 1:5 (1st to 5th) "
                           "(default: all but the target and an index column)")
    data.add_argument("--target", type=_names, help="target column(s) by name or position, -1 = the last "
                                                    "(default: the last column)")
    data.add_argument("--sheet", help="sheet holding the inputs (Excel/ODS)")
    data.add_argument("--target-sheet", help="separate sheet holding the targets")
    data.add_argument("--header", dest="header", action="store_true", default=None,
                      help="the first row names the columns (default: detected)")
    data.add_argument("--no-header", dest="header", action="store_false", help="the first row is data")
    data.add_argument("--impute", choices=("median", "drop"),
                      help="missing inputs: fill with the training median / most frequent value, or drop "
                           "the row (default median)")
    data.add_argument("--scale", choices=("standard", "minmax", "none"),
                      help="scale inputs (and a regression target), fitted on the training rows "
                           "(default standard)")
    data.add_argument("--test-fraction", type=_fraction, default=0.0,
                      help="hold out this fraction of the rows and report test metrics (default 0)")
    model = train.add_argument_group("network")
    model.add_argument("--hidden", type=_int_list, help="hidden layer sizes, e.g. 2 or 16,8 or none (default 64)")
    model.add_argument("--activation", help="hidden activation or an expression in x (default relu)")
    model.add_argument("--output-activation", help="output activation (default: suits the loss and targets)")
    model.add_argument("--init", help="glorot_uniform, he_normal, normal, uniform, zeros, ones")
    model.add_argument("--dtype", choices=("float64", "float32"), help="number type (default float64)")
    fit = train.add_argument_group("training")
    fit.add_argument("--loss", choices=("mse", "bce", "cce"), help="default: cce for classes, bce for 0/1, else mse")
    fit.add_argument("--optimizer", choices=("sgd", "momentum", "adam"), help="default adam")
    fit.add_argument("--lr", type=_learning_rate, help="learning rate (default 0.001)")
    fit.add_argument("--epochs", type=_count(0, limits.MAX_EPOCHS),
                     help="epochs to train (default 200; fewer for tables over 200k rows)")
    fit.add_argument("--batch-size", type=_batch_size, default=argparse.SUPPRESS,
                     help="samples per step, or 'full' (default 200, full for fewer training rows)")
    fit.add_argument("--seed", type=_count(0, limits.MAX_SEED),
                     help="seed for initial weights, shuffling and the test split (default 0)")
    fit.add_argument("--no-shuffle", action="store_true", help="keep the sample order in every epoch")
    out = train.add_argument_group("files")
    out.add_argument("--weights-in", help="start from the weights in this JSON file")
    out.add_argument("--weights-out", help="write the trained weights as JSON")
    out.add_argument("--history-out", help=(
        f"write epoch,loss[,val_loss] as CSV: every epoch of runs up to "
        f"{limits.HISTORY_EXACT_EPOCHS + limits.HISTORY_THINNED_POINTS:,} epochs; beyond, the last "
        f"{limits.HISTORY_EXACT_EPOCHS:,} epochs exactly and evenly spread epochs before them"))
    out.add_argument("--save", help="save the whole session (.fcviz)")
    out.add_argument("--quiet", action="store_true", help="print only the final line")

    shot = sub.add_parser("screenshot", help="render the window offscreen to a PNG")
    shot.add_argument("path", nargs="?", help=".fcviz session or CSV/Excel table")
    shot.add_argument("--preset", help="a ready experiment (see 'fcviz presets')")
    shot.add_argument("--epochs", type=_count(0, limits.MAX_EPOCHS), default=0,
                      help="epochs to train before the picture")
    shot.add_argument("--out", required=True, help="PNG file to write")
    shot.add_argument("--size", type=_size, default=(1400, 900), help="window size, e.g. 1400x900")
    shot.add_argument("--lang", choices=LANGUAGE_CODES, help="user-interface language (default: as the window)")
    shot.add_argument("--show-epoch", type=int, help="show this recorded epoch, as the timeline does")

    replay = sub.add_parser("replay", help="write a run's every display epoch, as the window draws it, as GIF/MP4")
    replay.add_argument("path", nargs="?", help=".fcviz session (its recorded timeline)")
    replay.add_argument("--preset", help="a ready experiment, trained for its epochs (see 'fcviz presets')")
    replay.add_argument("--out", required=True, help="animation to write: .gif, or .mp4 where ffmpeg is installed")
    replay.add_argument("--panel", help="draw one panel only, e.g. scatter, training, network_diagram")
    replay.add_argument("--fps", type=float, help="frames a second (default: the experiment's pace)")
    replay.add_argument("--size", type=_size, default=(1000, 640), help="window size, e.g. 1000x640")
    replay.add_argument("--lang", choices=LANGUAGE_CODES, help="user-interface language (default: as the window)")

    summary = sub.add_parser("summary", help="print a Keras-style summary of a network")
    summary.add_argument("--inputs", type=_count(1, limits.MAX_LAYER_UNITS), required=True)
    summary.add_argument("--hidden", type=_int_list, default=[])
    summary.add_argument("--outputs", type=_count(1, limits.MAX_LAYER_UNITS), required=True)
    summary.add_argument("--activation", default="relu")
    summary.add_argument("--output-activation", default="linear")

    sub.add_parser("presets", help="list the ready experiments")
    sub.add_parser("samples", help="list the shipped sample tables and where they are")

    export = sub.add_parser("export", help="export a session's or weights file's network")
    export.add_argument("path", help=".fcviz session or weights JSON")
    export.add_argument("--to", choices=("numpy", "torch", "keras", "json"), required=True)
    export.add_argument("-o", "--output", required=True, help="file to write")
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fcviz", usage=USAGE, description="Open the fcviz window.")
    parser.add_argument("path", nargs="?", help=".fcviz session or CSV/Excel table to open")
    parser.add_argument("--preset", help="a ready experiment (see 'fcviz presets')")
    parser.add_argument("--lang", choices=LANGUAGE_CODES,
                        help="user-interface language (default: View ▸ Language, else the system's)")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument("--install-desktop", action="store_true",
                         help="add fcviz to the desktop's applications and open .fcviz files with it")
    desktop.add_argument("--uninstall-desktop", action="store_true", help="remove what --install-desktop added")
    return parser


# --- commands ----------------------------------------------------------------

def _load_experiment(args):
    """An Experiment from a session or from a table plus the architecture flags."""
    from fcviz.core.experiment import build_experiment

    path = Path(args.path)
    if path.suffix.lower() == ".fcviz":
        from fcviz.io.session import load_session

        architecture = [f for f in ("hidden", "activation", "output_activation", "init", "loss", "dtype",
                                    "features", "target", "sheet", "target_sheet", "impute", "scale",
                                    "test_fraction") if getattr(args, f)]
        if args.header is not None:
            architecture.append("header" if args.header else "no_header")
        if architecture:
            flag = "--" + architecture[0].replace("_", "-")
            raise UsageError(f"{path.name} is a saved session: its network and data are fixed, so {flag} "
                             f"cannot be used (train from the table instead)")
        experiment = load_session(path, warn_adjusted(path))
        trainer = experiment.trainer
        if args.lr is not None:
            trainer.learning_rate = args.lr
        if hasattr(args, "batch_size") or args.no_shuffle:
            trainer.batch_size = getattr(args, "batch_size", trainer.batch_size)
            trainer.shuffle = trainer.shuffle and not args.no_shuffle
            experiment.apply_data()
        return experiment

    from fcviz.core.tasks import table_settings
    from fcviz.io.tables import load_dataset

    one_hot = {"cce": True, "mse": False}.get(args.loss)  # bce or none given: class labels are recognised
    dataset = load_dataset(path, features=args.features, target=args.target, sheet=args.sheet,
                           target_sheet=args.target_sheet, one_hot=one_hot, header=args.header,
                           missing="drop" if args.impute == "drop" else "impute")
    n_train = dataset.n_samples - int(round(args.test_fraction * dataset.n_samples))
    settings = table_settings(dataset, loss=args.loss, output_activation=args.output_activation, n_train=n_train)
    batch_size = getattr(args, "batch_size", settings.batch_size)
    seed = 0 if args.seed is None else args.seed
    return build_experiment(
        dataset, hidden=settings.hidden if args.hidden is None else args.hidden,
        activation=args.activation or settings.activation, output_activation=settings.output_activation,
        loss=settings.loss, optimizer=args.optimizer or settings.optimizer,
        lr=settings.lr if args.lr is None else args.lr, batch_size=batch_size,
        shuffle=not args.no_shuffle, init=args.init or "glorot_uniform", seed=seed,
        dtype=args.dtype or "float64", epochs=settings.epochs if args.epochs is None else args.epochs,
        scale=args.scale or settings.scale, test_fraction=args.test_fraction, split_seed=seed)


def warn_adjusted(path):
    """For load_session: one warning line on stderr per run setting clamped to what fcviz can hold."""
    def warn(adjustment: limits.Adjustment) -> None:
        print(f"fcviz: warning: {Path(path).name}: {adjustment} (adjusted to what fcviz can hold)",
              file=sys.stderr)
    return warn


def _format_metrics(metrics: dict) -> str:
    from fcviz.core.tasks import format_number

    return " ".join(f"{name} {format_number(value)}" for name, value in metrics.items() if name != "loss")


REPORT_SECONDS = 0.5   # progress lines on stderr at most this often


def _train_with_progress(trainer, epochs: int, target: int, quiet: bool, stop=None) -> None:
    """`trainer.fit(epochs)` in chunks of about REPORT_SECONDS, with a progress line after each
    (the numbers are those of one call: every engine gives the same results in any chunks);
    `stop(trainer)` True after a chunk ends the run (a blow-up)."""
    remaining, chunk = epochs, 1
    while remaining > 0:
        before, started = trainer.epoch, time.perf_counter()
        trainer.fit(epochs=min(chunk, remaining))
        remaining -= max(1, trainer.epoch - before)
        if trainer.diverged or trainer.stop_reason != "epochs" or (stop is not None and stop(trainer)):
            return
        elapsed = time.perf_counter() - started
        chunk = max(1, min(10 * chunk, int(chunk * REPORT_SECONDS / max(elapsed, 1e-6))))
        if not quiet and elapsed > REPORT_SECONDS / 2 and remaining > 0:
            print(f"epoch {trainer.epoch}/{target} loss {trainer.history.loss[-1]:.6g}", file=sys.stderr, flush=True)


def _say_if_compiling(trainer, epochs: int, quiet: bool) -> None:
    """On a cold numba cache the compiled engine compiles first (seconds): say so before the wait."""
    from fcviz.core import engine

    if quiet or epochs < 1 or trainer.engine != engine.COMPILED or engine.kernels_cached(trainer.dtype.name):
        return
    print(f"fcviz: compiling the training kernels for {trainer.dtype.name} (once after installing, about "
          f"10 s)…", file=sys.stderr, flush=True)


def cmd_train(args) -> int:
    experiment = _load_experiment(args)
    if args.weights_in:
        from fcviz.io.weights import apply_weights

        preprocessing = apply_weights(experiment.net, args.weights_in)
        experiment.start_from_current_weights()
        if preprocessing is not None:  # the weights were learned through this preprocessing
            experiment.preprocessing, experiment.scale = preprocessing, preprocessing.scale
            experiment.apply_data()
    epochs = args.epochs
    if epochs is None:
        epochs = experiment.epochs if Path(args.path).suffix.lower() != ".fcviz" else 5000
    if epochs < 0:
        raise UsageError(f"--epochs must be 0 or more, got {epochs}")
    trainer = experiment.trainer
    if not args.quiet and Path(args.path).suffix.lower() != ".fcviz":
        from fcviz.core.tasks import data_report

        for line in data_report(experiment.dataset, trainer.loss.name, experiment.net.layers[-1].activation.name,
                                experiment.scale, experiment.test_fraction):
            print(line, file=sys.stderr)
    _say_if_compiling(trainer, epochs, args.quiet)
    first_epoch = trainer.epoch
    target = trainer.epoch + epochs
    started = time.perf_counter()
    from fcviz.core.divergence import BlowUpWatch

    watch = BlowUpWatch()
    _train_with_progress(trainer, epochs, target, quiet=args.quiet, stop=watch.check)
    elapsed = time.perf_counter() - started
    trained = trainer.epoch - first_epoch
    experiment.epochs = max(experiment.epochs, trainer.epoch)
    metrics = experiment.metrics()
    loss = trainer.history.loss[-1] if len(trainer.history.loss) else metrics["loss"]
    diverged = trainer.diverged or bool(watch.message)
    if trainer.diverged:
        print(f"fcviz: {trainer.divergence_message}", file=sys.stderr)
    elif watch.message:
        print(f"fcviz: {watch.message} (--lr, --scale standard)", file=sys.stderr)
    inputs = (args.path, args.weights_in)
    if args.weights_out:
        from fcviz.io.weights import save_weights

        _output("--weights-out", lambda path, net, inputs: save_weights(path, net, inputs, experiment.preprocessing),
                args.weights_out, experiment.net, inputs)
    if args.history_out:
        _output("--history-out", _write_history, args.history_out, trainer.history, inputs)
    if args.save:
        from fcviz.io.session import save_session

        _output("--save", save_session, args.save, experiment, inputs)
    if not args.quiet and elapsed > 0 and trained:
        print(f"trained {trained} epochs in {elapsed:.2f} s ({trained / elapsed:,.0f} epochs/s, "
              f"{trainer.engine} engine)", file=sys.stderr)
    print(f"epoch {trainer.epoch} loss {loss:.6g} {_format_metrics(metrics)}".rstrip())
    return EXIT_DIVERGED if diverged else 0


def _output(flag: str, write, path, what, inputs) -> None:
    """`write(path, what, inputs)`, its failure as one line naming the flag and the file."""
    try:
        write(path, what, inputs)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{flag} {path}: {_describe(exc)}") from exc


def _write_history(path, history, inputs=()) -> None:
    """epoch,loss[,val_loss] rows of the epochs the history keeps, written atomically."""
    from fcviz.io.files import write_atomically

    epochs, loss = history.loss.kept()
    columns = {"loss": loss}
    if len(history.val_loss):
        val_epochs, val_loss = history.val_loss.kept()
        common = np.intersect1d(epochs, val_epochs)
        columns = {"loss": loss[np.searchsorted(epochs, common)],
                   "val_loss": val_loss[np.searchsorted(val_epochs, common)]}
        epochs = common

    def write(stream) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(["epoch", *columns])
        for epoch, *row in zip(epochs + 1, *columns.values()):
            writer.writerow([int(epoch), *(repr(float(v)) for v in row)])
        text.flush()
        text.detach()

    write_atomically(path, write, inputs)


def cmd_summary(args) -> int:
    from fcviz.core import Network

    sizes = [args.inputs, *args.hidden, args.outputs]
    try:
        limits.check_network(sizes)  # before a weight is allocated
    except limits.LimitError as exc:
        raise UsageError(f"--hidden: {exc}") from None
    activations = [args.activation] * len(args.hidden) + [args.output_activation]
    print(Network(sizes, activations).summary())
    return 0


def cmd_presets(args) -> int:
    from fcviz.core.presets import PRESETS

    width = max(len(name) for name in PRESETS)
    for preset in PRESETS.values():
        print(f"{preset.name:<{width}}  {preset.title} — {preset.description}")
    return 0


def cmd_export(args) -> int:
    from fcviz.io.weights import export, load_model

    if Path(args.path).suffix.lower() == ".fcviz":
        from fcviz.io.session import load_session

        experiment = load_session(args.path, warn_adjusted(args.path))
        net, preprocessing = experiment.net, experiment.preprocessing
    else:
        net, preprocessing = load_model(args.path)
    _output("--output", lambda path, net, inputs: export(net, args.to, path, inputs, preprocessing), args.output,
            net, (args.path,))
    print(f"wrote {args.output}")
    return 0


def cmd_screenshot(args) -> int:
    from fcviz.gui.app import screenshot

    screenshot(args.out, path=args.path, preset=args.preset, epochs=args.epochs, size=args.size,
               language=args.lang, show_epoch=args.show_epoch, on_adjusted=warn_adjusted(args.path))
    print(f"wrote {args.out}")
    return 0


def cmd_replay(args) -> int:
    from fcviz.gui.app import replay

    if (args.path is None) == (args.preset is None):
        raise UsageError("replay needs a session file or --preset NAME (one of them)")
    frames = replay(args.out, path=args.path, preset=args.preset, panel=args.panel, fps=args.fps,
                    size=args.size, language=args.lang, on_adjusted=warn_adjusted(args.path))
    print(f"wrote {args.out} ({frames} frames)")
    return 0


# --- the front door: the window, samples by name, desktop integration ------------

def cmd_gui(args) -> int:
    if args.install_desktop or args.uninstall_desktop:
        return cmd_desktop(args)
    if args.preset is not None:
        from fcviz.core.presets import get_preset

        get_preset(args.preset)  # an unknown name is a one-line error, not a dialog
    if args.path is not None and not Path(args.path).exists():
        raise FileNotFoundError(f"{args.path}: no such file or sample (see 'fcviz samples')")
    from fcviz.display import display_problem

    problem = display_problem()
    if problem is not None:
        raise UsageError(problem)
    from fcviz.gui.app import run_gui

    return run_gui(path=args.path, preset=args.preset, language=args.lang)


def cmd_desktop(args) -> int:
    from fcviz.desktop import install_desktop, uninstall_desktop

    if args.install_desktop:
        for path in install_desktop():
            print(f"wrote {path}")
    else:
        for path in uninstall_desktop():
            print(f"removed {path}")
    return 0


def cmd_samples(args) -> int:
    from fcviz.io.samples import samples

    found = samples()
    width = max(len(name) for name in found)
    for name, path in found.items():
        print(f"{name:<{width}}  {path}")
    return 0


def _resolve_samples(args) -> None:
    """A sample's name given as PATH ("iris", "sample:iris") becomes the shipped file's path."""
    if getattr(args, "path", None) and getattr(args, "command", None) != "export":
        from fcviz.io.samples import resolve_data_path

        args.path = resolve_data_path(args.path)


COMMANDS = {"train": cmd_train, "summary": cmd_summary, "presets": cmd_presets, "samples": cmd_samples,
            "export": cmd_export, "screenshot": cmd_screenshot, "replay": cmd_replay}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv and argv[0] in SUBCOMMANDS or argv[:1] in (["-h"], ["--help"], ["--version"]):
            args = build_parser().parse_args(argv)
            if args.command is None:
                build_parser().print_help()
                return 0
            _resolve_samples(args)
            return COMMANDS[args.command](args)
        args = build_gui_parser().parse_args(argv)
        _resolve_samples(args)
        return cmd_gui(args)
    except UsageError as exc:
        print(f"fcviz: error: {exc}", file=sys.stderr)
    except (ValueError, OSError) as exc:  # DatasetError, SessionError, WeightsError are ValueErrors
        print(f"fcviz: error: {_describe(exc)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("fcviz: interrupted", file=sys.stderr)
        return 130
    return EXIT_BAD_INPUT


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{Path(exc.filename).name}: {exc.strerror or exc}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
