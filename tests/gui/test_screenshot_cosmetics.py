"""What README's pictures show stays legible: no clipped header, no lost class names, no text on text."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QFontMetrics

from fcviz.gui.main_window import MainWindow
from fcviz.gui.panels.scatter.maps import short_names
from fcviz.io.samples import open_preset

SIZE = (1400, 900)  # make docs draws at this size


@pytest.fixture
def window_on(qtbot):
    windows = []

    def make(preset: str, epochs: int = 0):
        experiment = open_preset(preset)
        experiment.trainer.fit(epochs=epochs)
        window = MainWindow(experiment, settings=None)
        qtbot.addWidget(window)
        window.resize(*SIZE)
        window.show()
        qtbot.waitExposed(window)
        window.controller.redraw_now()
        qtbot.wait(50)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def test_short_names_keep_names_that_fit_else_distinct_prefixes_else_none():
    assert short_names(["0", "1"], lambda text: True) == ["0", "1"]
    assert short_names(["setosa", "versicolor", "virginica"], lambda text: len(text) <= 3) == ["se.", "ve.", "vi."]
    assert short_names(["ab", "ac"], lambda text: len(text) <= 1) == ["", ""]


def test_three_class_names_each_sit_under_their_column(window_on):
    window = window_on("iris", 5)
    plot = window.scatter.confusion.widget.getPlotItem()
    axis = plot.getAxis("bottom")
    names = [label for _, label in axis._tickLevels[0]]
    assert len(set(names)) == 3 and all(names)
    assert [name.removesuffix(".") for name in names] == [full[:len(name.removesuffix("."))]
                                                         for name, full in zip(names, ["setosa", "versicolor",
                                                                                       "virginica"])]
    column = 1 / plot.getViewBox().viewPixelSize()[0]
    metrics = QFontMetrics(axis.style["tickFont"] or window.scatter.confusion.widget.font())
    assert max(metrics.horizontalAdvance(name) for name in names) < column


@pytest.mark.parametrize("every, text", [(1, "every 1 epoch"), (10, "every 10 epochs")])
def test_the_display_frequency_says_epoch_or_epochs(window_on, every, text):
    window = window_on("clothes")
    window.display_frequency.every.setValue(every)
    assert window.display_frequency.every.text() == text


def test_the_change_since_start_header_is_not_clipped_beside_a_scroll_bar(window_on):
    window = window_on("activations", 5)
    table = window.training.parameter_table
    header = table.horizontalHeader()
    assert table.verticalScrollBar().isVisible()
    assert all(header.sectionSize(column) >= header.sectionSizeHint(column) for column in range(header.count()))


@pytest.mark.parametrize("preset", ["clothes", "activations", "xor", "circles"])
def test_no_bias_or_value_text_lies_on_another_in_the_diagram(window_on, preset):
    diagram = window_on(preset, 20).network_diagram.diagram
    texts = [item.sceneBoundingRect() for item in diagram._labels.values + diagram._labels.biases
             if item.isVisible() and item.toPlainText()]
    assert texts
    overlapping = [(a, b) for a, b in itertools.combinations(texts, 2) if a.adjusted(1, 1, -1, -1).intersects(b)]
    assert not overlapping


def test_an_untrained_single_sample_lab_has_a_sane_loss_axis_and_no_nan(window_on):
    window = window_on("keras-dense")
    (x_low, x_high), _ = window.training.loss_plot.getPlotItem().getViewBox().viewRange()
    assert -0.1 < x_low <= 0 and 0.9 < x_high < 1.5
    assert window.training.metric_labels["score"].text() == "—"  # R² of one sample is undefined, not "nan"
