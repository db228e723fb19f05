"""Regenerate docs/loss_surface.png and docs/gradient_1d.png (the loss surface panel on the lab).

    QT_QPA_PLATFORM=offscreen python scripts/loss_surface_screenshots.py   (make docs runs it)

loss_surface.png: the lab after its default 5000 epochs, over the two parameters that moved most,
with the path of every display epoch. gradient_1d.png: the lab at its start, the loss against b1_2
with the tangent and the first SGD step.
"""

from __future__ import annotations

import time
from pathlib import Path

from fcviz.core.presets import build_preset
from fcviz.gui.app import application
from fcviz.gui.main_window import MainWindow
from fcviz.gui.panels.loss_surface.panel import CURVE
from fcviz.gui.worker import FINISHED

DOCS = Path(__file__).resolve().parents[1] / "docs"
SIZE = (820, 600)
TIMEOUT_SECONDS = 120


def wait(app, done) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the panel did not show its grid in time")
        app.processEvents()
        time.sleep(0.01)


def shoot(app, window: MainWindow, path: Path, dimensions: int) -> None:
    """Draw the latest snapshot, wait for its grid, grab the panel."""
    panel, controller = window.loss_surface, window.controller
    controller.redraw_now()
    panel.request_now()
    wait(app, lambda: panel.result is not None and len(panel.result.request.indices) == dimensions
         and (panel.result.request.params == controller.latest.params).all()
         and panel.result.request.key == panel.build_request().key)
    for _ in range(20):
        app.processEvents()
    panel.grab().save(str(path))
    print(f"{path.name}: {panel.values_label.text()}")


def main() -> None:
    app = application("en")
    for name, trained in (("gradient_1d.png", False), ("loss_surface.png", True)):
        window = MainWindow(build_preset("clothes"), settings=None)
        panel = window.loss_surface
        panel.setParent(None)  # the panel alone, at a readable size
        panel.resize(*SIZE)
        panel.show()
        if trained:
            window.controller.play()
            wait(app, lambda controller=window.controller: controller.latest.state == FINISHED)
            shoot(app, window, DOCS / name, 2)
        else:
            panel.mode.setCurrentIndex(CURVE)
            panel.x_choice.setCurrentIndex(window.controller.setup.parameter_index("b1_2"))
            panel.x_choice.activated.emit(panel.x_choice.currentIndex())
            panel.half_width.setValue(1.0)
            shoot(app, window, DOCS / name, 1)
        panel.close()
        window.close()


if __name__ == "__main__":
    main()
