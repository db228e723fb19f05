"""The Lessons panel walks through a preset's steps and brings each step's panel to the front."""

from __future__ import annotations

from dataclasses import replace

from qt_helpers import wait_for_state

from fcviz.core.presets import PRESETS
from fcviz.gui.lessons import LESSONS
from fcviz.gui.panels.lessons import HIGHLIGHT_NAME, Highlight
from fcviz.gui.worker import RUNNING

CLOTHES_STEPS = ["Scatter input", "Forward calculation", "Parameter initialization", "Loss function", "Iterate",
                 "Backpropagation", "Display frequency", "Gradient-descent display", "The loss surface"]


def shown(dock) -> bool:
    """Visible on screen: open and not hidden behind another tab."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def highlight_of(dock) -> Highlight | None:
    return dock.findChild(Highlight, HIGHLIGHT_NAME)


def test_every_preset_has_a_lesson_whose_steps_name_real_panels_and_actions(open_window):
    window = open_window()
    assert set(LESSONS) == set(PRESETS)
    for lesson in LESSONS.values():
        for step in lesson.steps:
            assert step.panel in window.docks, (lesson.preset, step.title)
            assert not step.action or step.action in window.lessons.try_labels, (lesson.preset, step.action)
    assert [step.title for step in LESSONS["clothes"].steps] == CLOTHES_STEPS


def test_next_and_back_raise_and_outline_the_panel_of_the_step(qtbot, open_window):
    window = open_window()
    lessons, docks = window.lessons, window.docks
    assert lessons.index == 0 and not lessons.back_button.isEnabled()
    assert "step 1 of 9" in lessons.heading.text() and "Scatter input" in lessons.text.toPlainText()

    lessons.go_to(5)  # backpropagation: its dock is the hidden tab behind the network diagram
    assert "Backpropagation" in lessons.text.toPlainText()
    assert shown(docks["backprop"]) and not shown(docks["network_diagram"])
    frame = highlight_of(docks["backprop"])
    assert frame is not None and frame.isVisible() and frame.geometry() == docks["backprop"].rect()

    lessons.back_button.click()  # backprop → iterate (training dock)
    assert lessons.index == 4 and highlight_of(docks["training"]).isVisible()
    qtbot.waitUntil(lambda: not frame.isVisible(), timeout=5000)  # the outline goes away by itself

    lessons.go_to(99)
    assert lessons.index == 8 and not lessons.next_button.isEnabled()


def test_try_it_performs_the_step(qtbot, open_window):
    window = open_window()
    lessons = window.lessons
    lessons.go_to(3)
    assert lessons.try_button.isHidden()
    lessons.next_button.click()  # "Iterate": Try it trains
    assert not lessons.try_button.isHidden() and lessons.try_button.text() == "Try it: train"
    window.controller.settings.set("epochs", 100_000_000)
    lessons.try_button.click()
    wait_for_state(qtbot, window, RUNNING)
    window.controller.pause()


def test_opening_a_preset_starts_its_lesson_and_a_rebuilt_network_keeps_the_step(qtbot, open_window):
    window = open_window()
    lessons_menu = next(action.menu() for action in window.menuBar().actions() if action.text() == "&Lessons")
    activations = next(action for action in lessons_menu.actions() if action.data() == "activations")
    activations.trigger()
    assert window.controller.setup.name == "activations"
    assert lessons_title(window) == "Activation functions" and window.lessons.index == 0
    assert shown(window.docks["activations"]) and shown(window.docks["lessons"])

    window.lessons.next()
    controller = window.controller
    controller.apply_blueprint(replace(controller.blueprint(), hidden_activations=("relu",)))
    assert controller.setup.network_config["activations"][0] == "relu"
    assert window.lessons.index == 1


def test_an_experiment_without_a_lesson_says_so(open_window):
    window = open_window()
    controller = window.controller
    experiment = controller.blueprint().build(controller.setup.dataset, 10, 1, name="my data", title="my data")
    controller.open_experiment(experiment)
    assert window.lessons.step is None
    assert "No lesson" in window.lessons.heading.text()
    assert not window.lessons.next_button.isEnabled() and window.lessons.try_button.isHidden()


def lessons_title(window) -> str:
    return window.lessons.heading.text().split("</b>")[0].removeprefix("<b>")
