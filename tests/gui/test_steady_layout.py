"""Numbers that change on every redraw do not lay out the whole window again (issue 18's soak: each
main-window layout made a short-lived animation per dock, so the window's QObjects swung by 10)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from fcviz.core.timeline import MAX_PACE
from fcviz.gui.widgets import ReadoutLabel
from fcviz.io.samples import open_preset


class LayoutRequests(QObject):
    """Counts the layout requests that reach `widget`."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        self.count += event.type() == QEvent.Type.LayoutRequest
        return False


def test_a_readout_label_grows_for_a_longer_text_and_keeps_its_size_for_a_shorter_one(qtbot):
    label = ReadoutLabel()
    qtbot.addWidget(label)
    label.setText("Epoch 1 / 10")
    short = label.size()
    label.setText("Epoch 1,000,000 / 10,000,000")
    wide = label.size()
    assert wide.width() > short.width()
    label.setText("Epoch 2 / 10")
    assert label.size() == wide and label.minimumSize() == label.maximumSize() == wide


def test_redraws_of_a_running_lab_do_not_lay_out_the_main_window(qtbot, open_window):
    experiment = open_preset("spiral")
    experiment.display_every, experiment.epochs, experiment.pace = 1, 1_000_000, MAX_PACE
    window = open_window(experiment)
    redraws = []
    window.controller.snapshot_changed.connect(lambda snapshot: redraws.append(snapshot.epoch))
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: len(redraws) >= 20, timeout=30_000)  # the readouts have grown to their numbers
    requests = LayoutRequests(window)
    qtbot.waitUntil(lambda: len(redraws) >= 80, timeout=60_000)
    window.toolbar.play_action.trigger()
    # Before: one layout of the whole window (and ~10 new QObjects) per redraw.
    assert requests.count <= 3, f"{requests.count} layouts of the main window in 60 redraws"
