"""Refresh the translations: collect the UI strings into resources/translations/fcviz_*.ts, compile the .qm.

    python scripts/update_translations.py             # lupdate every .ts, then lrelease (make translations)
    python scripts/update_translations.py --scan OUT  # only write a fresh scan of the sources to OUT.ts

The tools come with PySide6-Essentials (pyside6-lupdate, pyside6-lrelease). After a refresh,
translate the entries marked unfinished (Qt Linguist or any editor) and run the script again.
The compiled .qm files are committed, so installing fcviz needs no build step.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"
# Every tr() and QT_TRANSLATE_NOOP in the GUI (lessons included), plus those of the presets.
SOURCES = ("fcviz/gui", "fcviz/core/presets.py")
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    """A PySide6 tool: beside this Python (a venv that is not activated), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else name


def lupdate(ts_file: Path, language: str) -> None:
    subprocess.run([tool("pyside6-lupdate"), "-extensions", "py", "-no-obsolete", "-locations", "none", "-silent",
                    "-target-language", language, *SOURCES, "-ts", str(ts_file)], cwd=ROOT, check=True)


def lrelease(ts_file: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm", str(ts_file.with_suffix(".qm"))],
                   cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan", type=Path, help="write a fresh scan of the sources to this .ts and stop")
    args = parser.parse_args(argv)
    if args.scan:
        lupdate(args.scan.resolve(), LANGUAGES[0])
        return 0
    for language in LANGUAGES:
        ts_file = TRANSLATIONS / f"fcviz_{language}.ts"
        lupdate(ts_file, language)
        lrelease(ts_file)
        unfinished = ts_file.read_text(encoding="utf-8").count('type="unfinished"')
        print(f"{ts_file.relative_to(ROOT)}: {unfinished} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
