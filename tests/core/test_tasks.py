"""One set of rules for the task, the table defaults and the impossible settings."""

import numpy as np
import pytest

from fcviz.core.dataset import Dataset
from fcviz.core.experiment import build_experiment
from fcviz.core.tasks import check_settings, format_number, infer_task, looks_like_class_labels, table_settings


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, 3] * 10, True), ([2, 4] * 10, True), (list(range(3, 9)) * 5, True),
    ([0, 1] * 10, False),                 # already a binary target
    (list(range(40)), False),             # does not repeat
    ([1.5, 2, 3] * 10, False),            # not whole numbers
    (list(range(21)) * 3, False),         # more than 20 values
])
def test_class_labels(values, expected):
    assert looks_like_class_labels(np.array(values, float)) is expected


def one_hot(labels):
    classes = sorted(set(labels))
    return Dataset(np.zeros((len(labels), 1)), np.eye(len(classes))[[classes.index(v) for v in labels]],
                   ("x",), tuple(map(str, classes)), tuple(map(str, classes)))


def test_infer_task_and_settings():
    assert infer_task(one_hot([1, 2, 3, 1])) == "multi-class"
    binary = Dataset(np.zeros((4, 1)), np.array([0, 1, 0, 1.0]), ("x",), ("y",))
    assert infer_task(binary) == "binary"
    regression = Dataset(np.zeros((1000, 1)), np.linspace(0, 5, 1000), ("x",), ("y",))
    assert infer_task(regression) == "regression"
    settings = table_settings(regression)
    assert (settings.loss, settings.output_activation, settings.optimizer, settings.scale) == \
        ("mse", "linear", "adam", "standard")
    assert (settings.hidden, settings.batch_size, settings.epochs) == ((64,), 200, 200)
    big = Dataset(np.zeros((400_000, 1)), np.zeros(400_000), ("x",), ("y",))
    assert table_settings(big).epochs == 10  # 20,000 steps of 200 rows at most, at least 10 epochs
    assert table_settings(one_hot([1, 2, 3, 1])).batch_size is None  # full batch for a small table
    assert table_settings(one_hot([1, 2, 3, 1])).loss == "cce"


@pytest.mark.parametrize(("data", "loss", "output", "message"), [
    (Dataset(np.zeros((3, 1)), np.array([1.0, 2, 3]), ("x",), ("label",)), "bce", "sigmoid",
     'binary cross-entropy (bce) needs targets between 0 and 1, but "label" holds 1 to 3; '
     "use mse for numbers, or cce for class labels"),
    (Dataset(np.zeros((3, 1)), np.array([1.0, 2, 3]), ("x",), ("label",)), "cce", "softmax",
     'categorical cross-entropy (cce) needs one-hot class targets (one 1 per row in two or more columns), '
     'but "label" holds 1 to 3 in 1 column(s); use bce for a 0/1 target, mse for numbers'),
    (one_hot(["a", "b", "c"]), "cce", "sigmoid",
     "categorical cross-entropy over 3 classes needs a softmax output, not sigmoid"),
    (Dataset(np.zeros((2, 1)), np.array([0.0, 1]), ("x",), ("y",)), "bce", "linear",
     "binary cross-entropy (bce) needs a sigmoid output, not linear"),
    (Dataset(np.zeros((2, 1)), np.array([0.0, 1]), ("x",), ("y",)), "mse", "softmax",
     "a softmax output over a single column is always 1; use sigmoid"),
    (Dataset(np.zeros((2, 1)), np.array([5.0, 40]), ("x",), ("y",)), "mse", "sigmoid",
     'a sigmoid output lies between 0 and 1, but "y" holds 5 to 40; use a linear output'),
])
def test_impossible_settings_are_refused_in_one_line(data, loss, output, message):
    with pytest.raises(ValueError) as caught:
        check_settings(data, loss, output)
    assert str(caught.value) == message
    with pytest.raises(ValueError):
        build_experiment(data, loss=loss, output_activation=output)


def test_numbers_have_a_sane_width():
    assert format_number(0.98765) == "0.9877"
    assert format_number(-1e300) == "-1e+300"
    assert format_number(123456789.0) == "1.235e+08"
    assert format_number(float("nan")) == "nan"
    assert len(format_number(-3.3e299)) < 12
