"""Extra input columns (x², x1·x2, sin x): names, values, and edits that keep them in step."""

import numpy as np

from fcviz.core.data_transforms import PRODUCT, SINE, SQUARE, available, base_X, with_base_data, with_transforms
from fcviz.core.generators import generate


def test_transforms_append_named_columns_after_the_measured_ones():
    data = generate("xor", n=5)
    wide = with_transforms(data, [SINE, SQUARE, PRODUCT])  # applied in a fixed order whatever the order asked
    assert wide.feature_names == ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")
    X = data.X
    np.testing.assert_allclose(wide.X, np.column_stack([X, X ** 2, X[:, 0] * X[:, 1], np.sin(X)]))
    assert wide.meta["base_features"] == 2 and wide.meta["transforms"] == (SQUARE, PRODUCT, SINE)
    plain = with_transforms(wide, [])
    np.testing.assert_array_equal(plain.X, X)
    assert plain.feature_names == ("x1", "x2") and "transforms" not in plain.meta


def test_the_product_needs_two_measured_inputs():
    assert available(1) == (SQUARE, SINE) and available(2) == (SQUARE, PRODUCT, SINE)
    line = with_transforms(generate("line", n=4), [PRODUCT, SQUARE])
    assert line.feature_names == ("x", "x²")


def test_edited_measured_columns_recompute_the_transforms():
    wide = with_transforms(generate("xor", n=4), [PRODUCT])
    X = base_X(wide).copy()
    X[0] = [0.5, -2.0]
    edited = with_base_data(wide, X, wide.y)
    np.testing.assert_array_equal(edited.X[0], [0.5, -2.0, -1.0])
    assert edited.meta["transforms"] == (PRODUCT,)
