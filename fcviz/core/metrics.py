"""Metrics on predictions (samples × outputs): accuracy, R², confusion matrix."""

from __future__ import annotations

import numpy as np


def class_labels(values: np.ndarray) -> np.ndarray:
    """Class index per row: threshold 0.5 for one output, argmax for several."""
    values = np.asarray(values)
    if values.ndim == 1 or values.shape[1] == 1:
        return (values.reshape(len(values)) >= 0.5).astype(int)
    return values.argmax(axis=1)


def accuracy(y_pred, y_true) -> float:
    return float(np.mean(class_labels(y_pred) == class_labels(y_true)))


def r2(y_pred, y_true) -> float:
    """Coefficient of determination over all outputs (1 is a perfect fit)."""
    y_pred, y_true = np.asarray(y_pred, float), np.asarray(y_true, float)
    residual = np.sum((y_true - y_pred) ** 2)
    total = np.sum((y_true - y_true.mean(axis=0)) ** 2)
    return float(1.0 - residual / total) if total > 0 else float("nan")


def confusion_matrix(y_pred, y_true, n_classes: int | None = None) -> np.ndarray:
    """counts[i, j] = samples of true class i predicted as class j."""
    predicted, actual = class_labels(y_pred), class_labels(y_true)
    n = n_classes or int(max(predicted.max(initial=0), actual.max(initial=0)) + 1)
    return label_counts(predicted, actual, n)


def label_counts(predicted: np.ndarray, actual: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[i, j] = samples of class i labelled j, from one integer class per sample."""
    counts = np.zeros((n_classes, n_classes), int)
    np.add.at(counts, (actual, predicted), 1)
    return counts


def evaluate(y_pred, y_true, classification: bool) -> dict[str, float]:
    """The metric that fits the problem: accuracy for classes, R² for regression."""
    return {"accuracy": accuracy(y_pred, y_true)} if classification else {"r2": r2(y_pred, y_true)}
