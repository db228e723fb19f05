"""The plots' shared colouring: values through a lookup table into RGBA, NaN transparent."""

from __future__ import annotations

import numpy as np

from fcviz.gui.plots import colored


def test_colored_spreads_the_table_over_the_levels_clips_outside_and_leaves_nan_transparent():
    lut = np.array([[0, 0, 0], [10, 20, 30], [100, 110, 120], [250, 251, 252]], np.uint8)
    values = np.array([[-1.0, -0.49, 0.0], [0.99, 5.0, np.nan]])
    image = colored(values, (-1.0, 1.0), lut)
    assert image.shape == (2, 3, 4) and image.dtype == np.uint8 and image.flags.c_contiguous
    expected = [[0, 0, 0, 255], [10, 20, 30, 255], [100, 110, 120, 255],
                [250, 251, 252, 255], [250, 251, 252, 255], [0, 0, 0, 0]]
    np.testing.assert_array_equal(image.reshape(-1, 4), expected)
    # another table of the same size is not mistaken for the first (the packed tables are cached)
    other = colored(values, (-1.0, 1.0), lut[::-1].copy())
    np.testing.assert_array_equal(other.reshape(-1, 4)[0], [250, 251, 252, 255])
    # a table of equal values is no reason for a division by zero
    np.testing.assert_array_equal(colored(np.array([3.0]), (2.0, 2.0), lut)[0], [0, 0, 0, 255])
