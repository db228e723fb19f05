"""Lessons panel: the walkthrough of the open preset, one step at a time; each step points at its panel."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from fcviz.core import presets
from fcviz.core.experiment_setup import Setup
from fcviz.gui import lessons
from fcviz.gui.lessons import LESSONS, Lesson, Step
from fcviz.gui.panels.base import Panel

HIGHLIGHT_MS = 2500
HIGHLIGHT_NAME = "lessonHighlight"
HIGHLIGHT_STYLE = f"#{HIGHLIGHT_NAME} {{ border: 4px solid #ff9800; border-radius: 4px; background: transparent; }}"


class Highlight(QFrame):
    """A coloured outline over a widget (a dock) for a moment; the clicks go through."""

    def __init__(self, target: QWidget):
        super().__init__(target)
        self.setObjectName(HIGHLIGHT_NAME)
        self.setStyleSheet(HIGHLIGHT_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        target.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:  # a raised tab often gets its size only now
            self.setGeometry(watched.rect())
        return False

    @classmethod
    def flash(cls, target: QWidget, ms: int = HIGHLIGHT_MS) -> Highlight:
        """Outline `target` for `ms` milliseconds (again, if it is already outlined)."""
        frame = target.findChild(cls, HIGHLIGHT_NAME, Qt.FindChildOption.FindDirectChildrenOnly) or cls(target)
        frame.setGeometry(target.rect())
        frame.show()
        frame.raise_()
        frame.timer.start(ms)
        return frame


class LessonsPanel(Panel):
    """Back / Next walk through the steps; every step change asks the window to show its panel."""

    panel_requested = Signal(str)  # the dock key of the step now shown

    def __init__(self, controller, parent=None):
        super().__init__(controller, parent)
        self.lesson: Lesson | None = None
        self.index = 0
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.text = QTextBrowser()
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(self.back)
        self.try_button = QPushButton()
        self.try_button.clicked.connect(self._on_try_clicked)
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.clicked.connect(self.next)
        # a step's action (the Controller method "Try it" calls) → the button's label
        self.try_labels = {"play": self.tr("Try it: train"), "step_epoch": self.tr("Try it: one epoch"),
                            "reset": self.tr("Try it: start again")}
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.try_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.catch_up()

    @property
    def step(self) -> Step | None:
        return self.lesson.steps[self.index] if self.lesson else None

    def set_setup(self, setup: Setup) -> None:
        lesson = LESSONS.get(setup.name)
        if lesson is not self.lesson:  # a rebuilt network of the same preset keeps its step
            self.lesson = lesson
            self.go_to(0)

    @Slot()
    def next(self) -> None:
        self.go_to(self.index + 1)

    @Slot()
    def back(self) -> None:
        self.go_to(self.index - 1)

    def go_to(self, index: int) -> None:
        """Show step `index` (clamped) and ask for its panel."""
        count = len(self.lesson.steps) if self.lesson else 1
        self.index = min(max(index, 0), count - 1)
        self._show()
        if self.step is not None:
            self.panel_requested.emit(self.step.panel)

    def _show(self) -> None:
        step = self.step
        self.back_button.setEnabled(step is not None and self.index > 0)
        self.next_button.setEnabled(step is not None and self.index < len(self.lesson.steps) - 1)
        self.try_button.setVisible(step is not None and bool(step.action))
        if step is None:
            self.heading.setText(self.tr("<b>No lesson for this experiment</b>"))
            self.text.setHtml(self.tr("Open a preset from the Lessons menu to follow its walkthrough."))
            return
        title = QCoreApplication.translate(presets.CONTEXT, presets.PRESETS[self.lesson.preset].title)
        self.heading.setText(self.tr("<b>{lesson}</b> — step {number} of {count}").format(
            lesson=title, number=self.index + 1, count=len(self.lesson.steps)))
        heading, text = (QCoreApplication.translate(lessons.CONTEXT, part) for part in (step.title, step.text))
        self.text.setHtml(f"<h3>{heading}</h3><p>{text}</p>")
        if step.action:
            self.try_button.setText(self.try_labels[step.action])

    @Slot()
    def _on_try_clicked(self) -> None:
        getattr(self.controller, self.step.action)()  # a Controller method: play, step_epoch, reset
