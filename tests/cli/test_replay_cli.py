"""`fcviz replay`: every recorded display epoch of a preset or a session, as the window draws it, in a GIF."""

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from fcviz.io.samples import open_preset
from fcviz.io.session import save_session

REPO = Path(__file__).resolve().parents[2]


def fcviz(*argv, cwd):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "fcviz", *map(str, argv)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)


def test_a_preset_replays_every_display_epoch_of_one_panel(tmp_path):
    result = fcviz("replay", "--preset", "perceptron", "--panel", "scatter", "--fps", 25, "--out", "run.gif",
                   cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote run.gif (21 frames)"   # epochs 0, 1, ..., 20
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.info["duration"] == 40
        assert gif.n_frames >= 2   # equal neighbours merge into one longer frame


def test_a_session_replays_the_timeline_it_saved(tmp_path):
    experiment = open_preset("clothes")
    experiment.train_to(700)
    save_session(tmp_path / "lab.fcviz", experiment)
    result = fcviz("replay", "lab.fcviz", "--panel", "training", "--out", "lab.gif", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote lab.gif (9 frames)"   # 0, 1, 100, ..., 700
    with Image.open(tmp_path / "lab.gif") as gif:
        assert gif.n_frames == 9 and gif.info["duration"] == 100   # the lab's pace, 10/s


def test_bad_requests_end_with_one_line_and_write_nothing(tmp_path):
    for argv, message in ((["--preset", "clothes", "--out", "run.avi"], "as .gif or .mp4"),
                          (["--preset", "clothes", "--panel", "nope", "--out", "run.gif"], "no panel 'nope'"),
                          (["--out", "run.gif"], "a session file or --preset")):
        result = fcviz("replay", *argv, cwd=tmp_path)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert message in result.stderr
    assert list(tmp_path.iterdir()) == []
