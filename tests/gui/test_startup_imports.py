"""The window shows before fcviz loads what only later work needs (docs/ARCHITECTURE.md, Start-up):
table readers (pandas, openpyxl, calamine), the replay writer (Pillow), the compiled engine (numba)
and SciPy stay out of the process until the window is on screen."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LATER = ("pandas", "openpyxl", "python_calamine", "PIL", "numba", "llvmlite", "scipy")

# The real entry point; when the window shows it prints the packages of LATER already loaded and exits.
DRIVER = textwrap.dedent("""
    import os, sys
    from fcviz.gui import main_window

    later = sys.argv.pop(1).split(",")
    show = main_window.MainWindow.show

    def show_and_report(window):
        show(window)
        print("loaded:", ",".join(sorted({name.split(".")[0] for name in sys.modules} & set(later))), flush=True)
        os._exit(0)

    main_window.MainWindow.show = show_and_report
    from fcviz.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("arguments", [(), ("--preset", "spiral"), ("--preset", "digits")],
                         ids=["clothes lab", "spiral preset", "digits preset (the NumPy engine)"])
def test_the_window_shows_before_table_readers_pillow_and_numba_are_imported(tmp_path, arguments):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, str(driver), ",".join(LATER), *arguments], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded: \n" in done.stdout, done.stdout
