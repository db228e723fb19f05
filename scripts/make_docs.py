"""Redraw every docs/*.png that README.md shows, and the clothes replay GIF, offscreen, from the presets (`make docs`).

`python scripts/make_docs.py --review DIR` instead draws every preset in every language into DIR,
to look at them all before a release.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZE = "1400x900"
WINDOW_EPOCHS = 2000  # README's first picture: the clothes lab part-way, the curve still bending
TIMELINE_EPOCH = 1500  # the lab trained to its end, scrubbed back to this epoch
REPLAY_GIF = "clothes.gif"
# Pictures of the loss surface panel alone (file -> the lab's epochs), all drawn by one script that
# sets the panel up as each picture needs.
PANEL_PICTURES = {"loss_surface.png": 5000, "gradient_1d.png": 0}
PANEL_SCRIPT = REPO / "scripts" / "loss_surface_screenshots.py"


def preset_epochs() -> dict[str, int]:
    """Each preset's own number of epochs (README's table of results)."""
    sys.path.insert(0, str(REPO))
    from fcviz.core.presets import PRESETS
    from fcviz.io.samples import open_preset

    return {name: open_preset(name).epochs for name in PRESETS}


def recipes() -> dict[str, tuple]:
    """docs file name -> (preset, epochs, language[, extra screenshot options]): every preset after its
    own epochs, the window, and the lab scrubbed back on its timeline."""
    epochs = preset_epochs()
    shots: dict[str, tuple] = {f"{name}.png": (name, count, "en") for name, count in epochs.items()}
    shots["clothes_zh_CN.png"] = ("clothes", epochs["clothes"], "zh_CN")
    shots["window.png"] = ("clothes", WINDOW_EPOCHS, "en")
    shots["timeline.png"] = ("clothes", epochs["clothes"], "en", ("--show-epoch", str(TIMELINE_EPOCH)))
    shots.update({name: ("clothes", count, "en") for name, count in PANEL_PICTURES.items()})
    return shots


def shown_in_readme() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"docs/([\w.-]+\.png)", text)))


def offscreen() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def fcviz(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "fcviz", *args], check=True, env=offscreen(), cwd=REPO)


def draw(out: Path, preset: str, epochs: int, language: str, extra: tuple = ()) -> None:
    fcviz("screenshot", "--preset", preset, "--epochs", str(epochs), "--size", SIZE, "--lang", language,
          "--out", str(out), *extra)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--review", type=Path, help="draw every preset in every language into this folder")
    args = parser.parse_args()
    if args.review:
        args.review.mkdir(parents=True, exist_ok=True)
        for preset, epochs in preset_epochs().items():
            for language in ("en", "zh_CN"):
                draw(args.review / f"{preset}_{language}.png", preset, epochs, language)
        return 0
    shots = recipes()
    missing = [name for name in shown_in_readme() if name not in shots]
    if missing:
        print(f"README shows {', '.join(missing)}, which no recipe here draws", file=sys.stderr)
        return 1
    for name in shown_in_readme():
        if name not in PANEL_PICTURES:
            draw(REPO / "docs" / name, *shots[name])
    if set(PANEL_PICTURES) & set(shown_in_readme()):
        subprocess.run([sys.executable, str(PANEL_SCRIPT)], check=True, env=offscreen(), cwd=REPO)
    fcviz("replay", "--preset", "clothes", "--out", str(REPO / "docs" / REPLAY_GIF))
    return 0


if __name__ == "__main__":
    sys.exit(main())
