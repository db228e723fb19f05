"""GUI fixtures: a main window on a preset, closed (and its thread joined) after each test."""

from __future__ import annotations

import pytest

from fcviz.core.presets import build_preset
from fcviz.gui.main_window import MainWindow
from fcviz.gui.worker import IDLE


@pytest.fixture
def open_window(qtbot):
    """Factory: `open_window(experiment=None)` shows a MainWindow (clothes lab by default)."""
    windows = []

    def make(experiment=None):
        window = MainWindow(experiment or build_preset("clothes"), settings=None)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        assert window.controller.latest.state == IDLE or experiment is not None
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.controller.running
