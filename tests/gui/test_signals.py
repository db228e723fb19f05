"""`python -m fcviz` stopped mid-training: SIGTERM and Ctrl+C quit cleanly, kill -9 leaves work to restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from fcviz.gui.autosave import find_recoverable
from fcviz.io.samples import open_preset
from fcviz.io.session import load_session

STARTUP_TIMEOUT = 90
EXIT_TIMEOUT = 30
HARMLESS = "This plugin does not support propagateSizeHints()"  # offscreen platform, docs/ARCHITECTURE.md

# The real entry point, with Play pressed once the window shows; it prints "training" once
# a running snapshot past epoch 0 arrives, and autosaves every 300 ms.
DRIVER = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from fcviz.gui import autosave, main_window

    autosave.AUTOSAVE_INTERVAL_MS = 300
    show = main_window.MainWindow.show

    def show_and_play(window):
        show(window)
        window.controller.settings.set("epochs", 100_000_000)
        told = []

        def report(snapshot):
            if snapshot.state == "running" and snapshot.epoch > 0 and not told:
                told.append(True)
                print("training", flush=True)
        window.controller.snapshot_received.connect(report)
        QTimer.singleShot(0, window.toolbar.play_action.trigger)

    main_window.MainWindow.show = show_and_play
    from fcviz.cli import main
    sys.exit(main(sys.argv[1:]))
""")


class App:
    """fcviz running in a subprocess with its own (temporary) data and settings folders."""

    def __init__(self, tmp_path: Path):
        self.out, self.err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        self.autosave = tmp_path / "data" / "fcviz" / "autosave"
        driver = tmp_path / "driver.py"
        driver.write_text(DRIVER)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"), LANG="C.UTF-8",
                   PYTHONPATH=str(Path(__file__).resolve().parents[2]))  # this checkout's fcviz
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen([sys.executable, str(driver), "--preset", "spiral"],
                                            stdout=out, stderr=err, env=env, cwd=tmp_path)

    def wait_until(self, condition, what: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"fcviz ended (code {self.process.returncode}) before {what}: "
                                     f"{self.err.read_text()}")
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)

    def wait_training(self) -> None:
        self.wait_until(lambda: "training" in self.out.read_text(), "training started")

    def stop(self, number: int) -> int:
        self.process.send_signal(number)
        try:
            return self.process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"fcviz did not exit within {EXIT_TIMEOUT} s of signal {number}") from None

    def stderr_lines(self) -> list[str]:
        return [line for line in self.err.read_text().splitlines() if line.strip() and line != HARMLESS]


@pytest.fixture
def app(tmp_path):
    running = App(tmp_path)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_training_quits_cleanly_and_keeps_the_unsaved_work(app, number):
    app.wait_training()
    assert app.stop(number) == 0
    assert app.stderr_lines() == []
    assert list(app.autosave.glob("*.lock")) == []  # the clean-exit marker: no lock left behind
    [copy] = find_recoverable(app.autosave)  # training is unsaved work: kept for the next start
    assert load_session(copy).trainer.epoch > 0


def test_kill_9_leaves_a_copy_that_trains_on_like_the_uninterrupted_run(app):
    app.wait_training()
    app.wait_until(lambda: list(app.autosave.glob("session-*.fcviz")), "the first autosave")
    time.sleep(1.0)  # a few more autosaves while training
    app.process.kill()
    app.process.wait(EXIT_TIMEOUT)
    [lock] = app.autosave.glob("*.lock")  # the crash marker: a lock whose process is gone
    [copy] = find_recoverable(app.autosave)
    assert copy.with_suffix(".lock") == lock
    restored = load_session(copy)
    epoch, batch = restored.trainer.epoch, restored.trainer.batch_index
    assert epoch > 0

    uninterrupted = open_preset("spiral")
    uninterrupted.trainer.fit(epochs=epoch)
    for _ in range(batch):
        uninterrupted.trainer.step()
    np.testing.assert_array_equal(restored.net.params, uninterrupted.net.params)
    restored.trainer.fit(epochs=20)
    uninterrupted.trainer.fit(epochs=20)
    np.testing.assert_array_equal(restored.net.params, uninterrupted.net.params)
    assert restored.trainer.epoch == epoch + 20
