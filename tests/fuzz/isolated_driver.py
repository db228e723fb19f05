"""The child process of `isolation.Isolated`: reads "<target> <path>" lines, answers one line each.

Answers: "ok <detail>", "refused <one-line message>", or "error <exception>: <message>".
A crash ends the process (the parent sees EOF); a hang leaves it silent (the parent times out);
memory is capped by RLIMIT_AS, so a bomb raises MemoryError ("error") or kills it (EOF).
The window target opens the file in a MainWindow while a 10 ms timer measures the longest
gap of the event loop, which must stay short: the window keeps answering. A gap does not count
the time the GUI thread waited for a CPU (a busy machine), only the time it could have answered.
"""

from __future__ import annotations

import os
import sys
import time

from isolation import run_queue_seconds

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REFUSALS = (ValueError, OSError)  # DatasetError, SessionError, WeightsError, FileRefused, LimitError
WINDOW_SETTLE_SECONDS = 0.3


def table(path: str) -> str:
    from fcviz.io.tables import load_dataset, read_table
    frame = read_table(path)
    dataset = load_dataset(path)
    return f"{frame.shape} -> {dataset.X.shape}"


def session(path: str) -> str:
    from fcviz.io.session import load_session
    experiment = load_session(path)
    experiment.trainer.step()
    return f"epoch {experiment.trainer.epoch}"


def weights(path: str) -> str:
    import numpy as np

    from fcviz.io.weights import load_weights
    net = load_weights(path)
    net.predict(np.zeros((2, net.layer_sizes[0])))
    return "-".join(map(str, net.layer_sizes))


_window = None


def window(path: str) -> str:
    """Open `path` in a window as a person would; the answer carries the event loop's longest gap."""
    global _window
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from fcviz.gui.app import application
    from fcviz.gui.loading import run_with_progress
    from fcviz.gui.main_window import MainWindow
    from fcviz.io.samples import open_preset
    app = application()
    if _window is None:
        QMessageBox.exec = lambda self: self.reject()  # an error dialog answers itself
        _window = MainWindow(open_preset("clothes"), settings=None)
        _window.show()
    def tick() -> None:
        ticks.append((time.perf_counter(), run_queue_seconds()))

    ticks: list[tuple[float, float]] = []
    tick()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    try:
        if path.endswith(".fcviz"):
            _window.files.open_session(path)
        else:
            from fcviz.io.tables import load_dataset
            try:
                dataset = run_with_progress(_window, "reading", load_dataset, path)
            except REFUSALS:
                dataset = None  # refused off the GUI thread: the gap below still counts
            if dataset is not None:
                _window.files.open_dataset(dataset, path)
        end = time.perf_counter() + WINDOW_SETTLE_SECONDS
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)
    finally:
        timer.stop()
    tick()
    gap = max((b - a) - (b_queued - a_queued) for (a, a_queued), (b, b_queued) in zip(ticks, ticks[1:]))
    wall = max(b - a for (a, _), (b, _) in zip(ticks, ticks[1:]))
    return f"gap {gap:.3f} (on the clock {wall:.3f})"


def cli(arguments: str) -> str:
    """`fcviz` with the JSON list of arguments: exit 0, or one line on stderr with exit 2 (or 1: diverged)."""
    import contextlib
    import io
    import json

    from fcviz.cli import main as fcviz_main
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = fcviz_main(json.loads(arguments))
    lines = err.getvalue().strip().splitlines()
    if code == 2 and len(lines) == 1 and lines[0].startswith("fcviz: error: "):
        raise ValueError(lines[0])
    if code in (0, 1) and not any("Traceback" in line for line in lines):
        return f"exit {code}"
    raise RuntimeError(f"exit {code} with {len(lines)} lines on stderr: {lines[-1:]}")


def burn(seconds: str) -> str:
    """For the oracle's own tests: `seconds` of CPU work, then an answer (slow on a busy machine, not frozen)."""
    end = time.thread_time() + float(seconds)
    while time.thread_time() < end:
        pass
    return "burnt"


def freeze(how: str) -> str:
    """For the oracle's own tests: never answers, on a CPU ("spin") or blocked on a read ("block")."""
    if how == "block":
        os.read(os.pipe()[0], 1)
    while True:
        pass


TARGETS = {"table": table, "session": session, "weights": weights, "window": window, "cli": cli,
           "burn": burn, "freeze": freeze}


def warm_up() -> None:
    """Compile the training kernels once (seconds), so that no input is blamed for it."""
    from fcviz.io.samples import open_preset
    open_preset("clothes").trainer.step()


def main() -> None:
    warm_up()
    print("ready", flush=True)
    for line in sys.stdin:
        target, _, path = line.rstrip("\n").partition(" ")
        try:
            answer = "ok " + TARGETS[target](path)
        except MemoryError:
            answer = "error MemoryError"
        except SystemExit as exit:  # argparse's --help and --version
            answer = "ok exit 0" if exit.code in (0, None) else f"error SystemExit {exit.code}"
        except REFUSALS as error:
            text = str(error)
            answer = f"refused {text}" if text.strip() and "\n" not in text.strip() else f"error unclear {text!r}"
        except Exception as error:  # noqa: BLE001 - reported to the parent as a failure
            import traceback
            traceback.print_exc()
            answer = f"error {type(error).__name__}: {error}"[:500]
        print(answer.replace("\n", " "), flush=True)


if __name__ == "__main__":
    main()
