"""Run settings have one home (the controller's RunSettings): what a person sets survives a new
dataset or architecture, and reaches the worker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from test_dataset_dialog import answer_dialog

from fcviz.io.samples import sample_path

OPEN = QDialogButtonBox.StandardButton.Open


def worker_run_settings(controller) -> tuple[int, int]:
    return controller.call_in_worker(lambda experiment: (experiment.epochs, experiment.display_every))


def set_epochs_and_display(qtbot, window, epochs: int, every: int) -> None:
    """Type into the toolbar's epochs box and the display frequency panel, as a person would."""
    for box, value in ((window.toolbar.epochs_box, epochs), (window.display_frequency.every, every)):
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), str(value))
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert (window.toolbar.epochs_box.value(), window.display_frequency.every.value()) == (epochs, every)


def test_open_dataset_keeps_the_epochs_and_display_frequency_set_before(qtbot, open_window):
    window = open_window()
    set_epochs_and_display(qtbot, window, 1234, 7)
    seen = {}
    answer_dialog(qtbot, lambda dialog: qtbot.mouseClick(dialog.buttons.button(OPEN), Qt.MouseButton.LeftButton),
                  seen)
    window.files.open_dataset_dialog(sample_path("iris.csv"))
    controller = window.controller
    assert controller.setup.dataset.n_features == 4  # the new data is in
    assert (controller.settings.epochs, controller.settings.display_every) == (1234, 7)
    assert worker_run_settings(controller) == (1234, 7)
    assert window.toolbar.epochs_box.value() == 1234 and window.display_frequency.every.value() == 7
    qtbot.waitUntil(lambda: controller.latest.target_epochs == 1234, timeout=5000)


def test_change_architecture_keeps_them_too(qtbot, open_window):
    window = open_window()
    set_epochs_and_display(qtbot, window, 1234, 7)
    window.architecture.hidden_rows[0].units.setValue(3)
    window.architecture.apply_button.click()
    controller = window.controller
    assert controller.setup.layer_sizes == [1, 3, 1]
    assert worker_run_settings(controller) == (1234, 7)
    assert window.display_frequency.every.value() == 7


def test_a_preset_brings_its_own_run_settings(qtbot, open_window):
    window = open_window()
    set_epochs_and_display(qtbot, window, 1234, 7)
    window.files.open_preset("xor")
    controller = window.controller
    experiment_epochs, experiment_every = worker_run_settings(controller)
    assert (controller.settings.epochs, controller.settings.display_every) == (experiment_epochs, experiment_every)
    assert (experiment_epochs, experiment_every) != (1234, 7)
    assert window.display_frequency.every.value() == experiment_every
