"""The GUI thread paints alone: Qt's raster engine does not hand big fills to its thread pool and wait for it
(docs/ARCHITECTURE.md, Threads: waiting for those threads made the event loop late)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fcviz.gui.app import NO_GUI_THREAD_POOL

ROOT = Path(__file__).resolve().parents[2]

# A fresh process: fcviz's application, then a small image drawn scaled up over a big one, as an ImageItem
# paints (a fill of 800 spans); prints the names of its threads.
DRIVER = textwrap.dedent("""
    import os
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from fcviz.gui.app import application

    application()
    window = QImage(800, 800, QImage.Format.Format_ARGB32_Premultiplied)
    picture = QImage(200, 200, QImage.Format.Format_ARGB32)
    picture.fill(Qt.GlobalColor.blue)
    painter = QPainter(window)
    painter.drawImage(window.rect(), picture)
    painter.end()
    print(sorted(open(f"/proc/self/task/{task}/comm").read().strip() for task in os.listdir("/proc/self/task")))
""")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="thread names are read from /proc")
def test_a_big_fill_is_painted_without_qts_thread_pool(tmp_path):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {key: value for key, value in os.environ.items() if key != NO_GUI_THREAD_POOL}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, str(driver)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Thread (pooled)" not in done.stdout, done.stdout
