"""The image grid: pixel data as images with labels, mistakes framed, weights shown on hover."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from fcviz.gui.panels.image_grid import COLUMNS, ROWS, detect_width, mosaic
from fcviz.io.samples import open_preset


@pytest.mark.parametrize("n, width", [(64, 8), (400, 20), (784, 28), (63, None), (4, None)])
def test_square_images_are_detected(n, width):
    assert detect_width(n) == width


def test_mosaic_places_images_row_by_row():
    images = np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2)
    out = mosaic(images, columns=2, gap=1, label_space=1, fill=-1)
    assert out.shape == (2 * 4, 2 * 3)
    np.testing.assert_array_equal(out[0:2, 0:2], images[0])
    np.testing.assert_array_equal(out[0:2, 3:5], images[1])
    np.testing.assert_array_equal(out[4:6, 0:2], images[2])
    assert out[2, 0] == -1 and out[4, 3] == -1


@pytest.fixture
def digits_window(qtbot, open_window):
    experiment = open_preset("digits")
    experiment.trainer.fit(epochs=1)
    window = open_window(experiment)
    window.show_panel("image_grid", flash=False)
    grid = window.image_grid
    qtbot.waitUntil(lambda: not grid.visibleRegion().isEmpty(), timeout=5000)
    window.controller.redraw_now()
    return window


def _mistakes(window) -> np.ndarray:
    data = window.controller.setup.dataset
    predicted = window.controller.latest.network().predict(data.X).argmax(1)
    return predicted != data.labels()


def test_the_first_page_shows_labels_and_frames_exactly_the_mistakes(digits_window):
    window, grid = digits_window, digits_window.image_grid
    wrong = _mistakes(window)
    rows = grid.shown_rows
    assert list(rows) == list(range(COLUMNS * ROWS))
    data = window.controller.setup.dataset
    texts = [label.toPlainText() for label in grid.labels]
    for k, row in enumerate(rows):
        truth = str(data.labels()[row])
        assert texts[k] == truth if not wrong[row] else texts[k].startswith(truth + "→")
    x, _ = grid.frames.getData()
    assert len(x) == 8 * int(wrong[rows].sum())  # four edges (eight ends) per framed image
    assert grid.page_box.maximum() == math.ceil(len(wrong) / (COLUMNS * ROWS))


def test_only_mistakes_pages_through_the_wrong_ones(digits_window):
    window, grid = digits_window, digits_window.image_grid
    wrong = _mistakes(window)
    assert wrong.sum() > 0, "one epoch leaves some mistakes to show"
    grid.mistakes_only.setChecked(True)
    np.testing.assert_array_equal(grid.shown_rows, np.flatnonzero(wrong)[:COLUMNS * ROWS])
    assert all("→" in label.toPlainText() for label in grid.labels[:len(grid.shown_rows)])
    assert grid.page_box.maximum() == max(1, math.ceil(wrong.sum() / (COLUMNS * ROWS)))


def test_the_image_width_can_be_overridden(digits_window):
    grid = digits_window.image_grid
    assert grid.width_box.value() == 8
    grid.width_box.setValue(4)
    assert grid._shape == (16, 4) and grid.samples.image.shape[1] == COLUMNS * (4 + 1)
    grid.width_box.setValue(7)
    assert grid._shape is None and "do not make rows of 7 pixels" in grid.message.text()
    assert grid.samples_view.isHidden()


def test_hovering_a_neurons_weights_shows_them_large(qtbot, digits_window):
    grid = digits_window.image_grid
    kernel = digits_window.controller.latest.network().get_weights()[0]  # (64, 25): a 5 x 5 mosaic
    unit = 7                                                            # row 1, column 2
    centre = QPointF(2 * (8 + 1) + 4, 1 * (8 + 1) + 4)
    pos = grid.weights_view.mapFromScene(grid.weights_box.mapViewToScene(centre))
    qtbot.mouseMove(grid.weights_view.viewport(), pos)
    qtbot.waitUntil(lambda: grid.neuron_title.text().startswith(f"Neuron {unit + 1} of hidden layer 1"),
                    timeout=3000)
    np.testing.assert_allclose(grid.neuron_image.image, kernel[:, unit].reshape(8, 8))


def test_data_that_is_not_pixels_gets_a_message(qtbot, open_window):
    window = open_window()
    grid = window.image_grid
    assert grid.message.text() == ("The image grid shows classified pixel data (at least 16 inputs), "
                                   "such as the digits.")
    assert grid.samples_view.isHidden()
    assert not type(grid).applies_to(window.controller.setup)
