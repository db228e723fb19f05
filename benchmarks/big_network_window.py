"""A network at the parameter limit in the window: the longest pause of the event loop while it opens
and while it trains, against the clothes lab's own in the same run (issue 18).

Saves the clothes lab with a 4096-2000 hidden network (8.2M parameters) as a session, opens it in a
window of the clothes lab through File ▸ Open as a person does, lets it draw, then trains it with
the window open, drawing every epoch; a 10 ms QTimer measures how long the event loop did not answer, and the GUI
thread's CPU time says how much of that pause it computed (the rest: waiting for a busy machine).
The clothes lab itself, trained the same way in the same run, is the reference.

    python benchmarks/big_network_window.py [--hidden 4096,2000] [--seconds 8]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOTHES = ROOT / "samples" / "clothes_size.csv"
SETTLE_SECONDS = 4.0   # the window draws its first frames after the file opened
TRAIN_EPOCHS = 10**6   # Play runs for the measured seconds, not to an end


def child(path: str, seconds: float) -> None:
    """In a fresh process: open `path` (or only train the clothes lab, path ""); print the figures as JSON."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer

    from fcviz.gui.app import application
    from fcviz.gui.main_window import MainWindow
    from fcviz.io.samples import open_preset

    app = application()
    window = MainWindow(open_preset("clothes"), settings=None)
    window.show()

    def pump(duration: float) -> None:
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    def longest(ticks: list) -> tuple[float, float]:
        return max((b - a, b_cpu - a_cpu) for (a, a_cpu), (b, b_cpu) in zip(ticks, ticks[1:]))

    pump(1.0)
    ticks = [(time.perf_counter(), time.thread_time())]
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    figures = {}
    if path:
        cpu = time.thread_time()
        window.files.open_session(path)
        pump(SETTLE_SECONDS)
        ticks.append((time.perf_counter(), time.thread_time()))
        figures["open"] = longest(ticks) + (time.thread_time() - cpu,)
        ticks[:] = ticks[-1:]
    window.controller.settings.set("epochs", TRAIN_EPOCHS)
    window.controller.settings.set("display_every", 1)  # a redraw for every epoch the big network trains
    cpu, start_epoch = time.thread_time(), window.controller.latest.epoch
    window.controller.play()
    pump(seconds)
    ticks.append((time.perf_counter(), time.thread_time()))
    figures["train"] = longest(ticks) + (time.thread_time() - cpu,)
    figures["epochs"] = window.controller.latest.epoch - start_epoch
    window.controller.pause()
    pump(0.3)
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures), flush=True)
    window.close()


def run(path: str, seconds: float) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, __file__, "--child", path, "--seconds", str(seconds)], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", default="4096,2000", help="hidden layers of the big network")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of training measured")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.seconds)
    with tempfile.TemporaryDirectory() as folder:
        session = Path(folder) / "big.fcviz"
        subprocess.run([sys.executable, "-m", "fcviz", "train", str(CLOTHES), "--hidden", args.hidden, "--epochs",
                        "1", "--quiet", "--save", str(session)], cwd=ROOT, check=True, capture_output=True)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        reference, big = run("", args.seconds), run(str(session), args.seconds)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("| window | longest pause opening (GUI CPU in it; GUI CPU in all) | longest pause training "
          "(GUI CPU in it) | epochs trained | peak RSS |")
    print("|---|---|---|---|---|")
    for name, figures in (("clothes lab (reference)", reference), (f"1-{args.hidden.replace(',', '-')}-1", big)):
        opening = "-" if "open" not in figures else (
            f"{figures['open'][0]:.2f} s ({figures['open'][1]:.2f} s; {figures['open'][2]:.2f} s)")
        training = f"{figures['train'][0]:.2f} s ({figures['train'][1]:.2f} s)"
        print(f"| {name} | {opening} | {training} | {figures['epochs']:,} | {figures['rss_mb']:.0f} MB |")
    print(f"training pause, big / reference: {big['train'][0] / max(reference['train'][0], 1e-3):.1f}x")


if __name__ == "__main__":
    main()
