"""Cold start: seconds from launching `python -m fcviz` to a shown window, from Play pressed at
once to the first trained epoch, and to the compiled engine training, with numba's kernel cache warm
and cold (an empty NUMBA_CACHE_DIR).

Issue 14's targets: shown window < 1.5 s (warm cache); first Play begins within 3 s (cold cache:
a fresh install that did not compile ahead of time; the kernels compile in another process while
the NumPy engine trains, and the status bar says "Engine: NumPy — compiled engine preparing…").

    python benchmarks/startup.py [--rounds 2]   (the targets are checked on the medians of the rounds)
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN_LIMIT, PLAY_LIMIT = 1.5, 3.0

# The real entry point; prints "shown" once the window is up, "trained" at the first running snapshot
# past epoch 0 (Play is pressed as soon as the window shows) and "compiled" once the status bar says the
# compiled engine trains, then ends the process.
DRIVER = textwrap.dedent("""
    import os, sys, time
    from PySide6.QtCore import QTimer
    from fcviz.gui import main_window

    show = main_window.MainWindow.show

    def show_and_play(window):
        show(window)
        print("shown", time.time(), flush=True)
        timer = QTimer(window)

        def report(snapshot):
            if snapshot.state == "running" and snapshot.epoch > 0 and not timer.isActive():
                print("trained", time.time(), flush=True)
                timer.start(20)

        def compiled():
            if window.engine_status.text() == "Engine: compiled":
                print("compiled", time.time(), flush=True)
                os._exit(0)   # measured: no need to stop training or ask about unsaved work
        timer.timeout.connect(compiled)
        window.controller.snapshot_received.connect(report)
        QTimer.singleShot(0, window.toolbar.play_action.trigger)
        QTimer.singleShot(300, lambda: print("status", window.engine_status.text(), flush=True))

    main_window.MainWindow.show = show_and_play
    from fcviz.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def launch(cache: str | None, folder: Path) -> tuple[float, float, float, str]:
    """(seconds to the shown window, to the first trained epoch, to the compiled engine training, the status
    bar's engine note 0.3 s after Play) of one start."""
    driver = folder / "driver.py"
    driver.write_text(DRIVER)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(folder / "data"),
               XDG_CONFIG_HOME=str(folder / "config"))
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    started = time.time()
    out = subprocess.run([sys.executable, str(driver), "--preset", "spiral"], env=env, capture_output=True,
                         text=True, timeout=300).stdout
    marks = dict(line.split(" ", 1) for line in out.splitlines()
                 if line.split()[:1] in (["shown"], ["trained"], ["compiled"], ["status"]))
    return (float(marks["shown"]) - started, float(marks["trained"]) - started, float(marks["compiled"]) - started,
            marks.get("status", "?"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; spiral preset; cold: an empty "
          f"NUMBA_CACHE_DIR, warm: the same folder again", flush=True)
    # Both starts read fcviz's bytecode, as an installed fcviz does (pip compiles it when it installs): with
    # PYTHONDONTWRITEBYTECODE set, as where these benchmarks ran, every start compiled fcviz's ~100 modules.
    compileall.compile_dir(ROOT / "fcviz", quiet=1)
    warm_shown, cold_trained = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.rounds):
            cold = tempfile.mkdtemp(dir=tmp)
            shown, trained, compiled, status = launch(cold, folder)
            print(f"cold cache: window shown {shown:.2f} s, first epoch trained {trained:.2f} s, compiled engine "
                  f"{compiled:.2f} s (0.3 s after Play the status bar said {status!r})", flush=True)
            shown_warm, trained_warm, compiled_warm, _ = launch(cold, folder)   # the cache the cold start filled
            print(f"warm cache: window shown {shown_warm:.2f} s, first epoch trained {trained_warm:.2f} s, "
                  f"compiled engine {compiled_warm:.2f} s", flush=True)
            warm_shown.append(shown_warm)
            cold_trained.append(trained)
    shown, trained = statistics.median(warm_shown), statistics.median(cold_trained)
    print(f"median of {args.rounds}: warm cache window shown {shown:.2f} s "
          f"({min(warm_shown):.2f}-{max(warm_shown):.2f}), "
          f"cold cache first epoch trained {trained:.2f} s ({min(cold_trained):.2f}-{max(cold_trained):.2f}); "
          f"load average {os.getloadavg()[0]:.2f} (targets: shown < {SHOWN_LIMIT} s "
          f"{'OK' if shown < SHOWN_LIMIT else 'MISSED'}; cold first Play < {PLAY_LIMIT} s "
          f"{'OK' if trained < PLAY_LIMIT else 'MISSED'})", flush=True)


if __name__ == "__main__":
    main()
