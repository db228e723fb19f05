"""What a table asks for: the task, and the settings it trains with — one set of rules for CLI and window.

`looks_like_class_labels` decides whether whole numbers are class labels,
`infer_task` names the task of a dataset, `table_settings` picks the network,
loss, optimizer, batch and epochs for a loaded table (`fcviz FILE`,
File ▸ Open, the dataset dialog and `fcviz train FILE` all start from it), and
`check_settings` refuses a loss or output that cannot learn these targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fcviz.core.dataset import Dataset

REGRESSION, BINARY, MULTI_CLASS = "regression", "binary", "multi-class"
MAX_GUESSED_CLASSES = 20
BOUNDED_OUTPUTS = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0), "heaviside": (0.0, 1.0)}
TABLE_BATCH = 200        # scikit-learn's MLP batch: min(200, rows)
MAX_STEPS = 20_000       # a big table trains fewer epochs: at most this many batches ...
MIN_EPOCHS, MAX_EPOCHS = 10, 200  # ... and 10 to 200 epochs (scikit-learn's max_iter)


def looks_like_class_labels(values: np.ndarray) -> bool:
    """Few whole numbers that repeat (2…20 distinct values, each seen twice on average): class labels.

    A plain 0/1 column is left out: it is already a binary target.
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0 or not np.isfinite(values).all() or (values != np.round(values)).any():
        return False
    distinct = np.unique(values)
    if set(distinct.tolist()) <= {0.0, 1.0}:
        return False
    return 2 <= len(distinct) <= MAX_GUESSED_CLASSES and 2 * len(distinct) <= len(values)


def infer_task(dataset: Dataset) -> str:
    """multi-class for named classes, binary for one 0/1 target, else regression."""
    if dataset.classes:
        return MULTI_CLASS
    return BINARY if dataset.is_classification else REGRESSION


def suggest_loss(dataset: Dataset) -> str:
    """cce for several classes, bce for one 0/1 target, mse otherwise."""
    if dataset.classes and dataset.n_outputs > 1:
        return "cce"
    return "bce" if dataset.is_classification else "mse"


def suggest_output_activation(dataset: Dataset, loss: str) -> str:
    """softmax for cce, sigmoid for bce or targets within [0, 1], else linear."""
    if loss == "cce":
        return "softmax"
    inside_unit = bool(((dataset.y >= 0) & (dataset.y <= 1)).all())
    return "sigmoid" if loss == "bce" or inside_unit else "linear"


@dataclass(frozen=True)
class Settings:
    """How a loaded table trains unless the person chooses otherwise."""

    hidden: tuple[int, ...]
    activation: str
    output_activation: str
    loss: str
    optimizer: str
    lr: float
    batch_size: int | None
    shuffle: bool
    epochs: int
    scale: str

    def as_options(self) -> dict:
        """Keyword arguments of `build_experiment`."""
        return {"hidden": self.hidden, "activation": self.activation, "output_activation": self.output_activation,
                "loss": self.loss, "optimizer": self.optimizer, "lr": self.lr, "batch_size": self.batch_size,
                "shuffle": self.shuffle, "epochs": self.epochs, "scale": self.scale}


def table_settings(dataset: Dataset, loss: str | None = None, output_activation: str | None = None,
                   n_train: int | None = None) -> Settings:
    """Settings for a table, after scikit-learn's MLP: 64 relu units, Adam at 0.001, batches of 200
    (full batch for fewer training rows), 200 epochs (fewer for big tables), standardized inputs."""
    loss = loss or suggest_loss(dataset)
    rows = dataset.n_samples if n_train is None else n_train
    batch_size = TABLE_BATCH if rows > TABLE_BATCH else None
    steps_per_epoch = math.ceil(rows / TABLE_BATCH)
    epochs = int(np.clip(MAX_STEPS // max(1, steps_per_epoch), MIN_EPOCHS, MAX_EPOCHS))
    return Settings(hidden=(64,), activation="relu",
                    output_activation=output_activation or suggest_output_activation(dataset, loss),
                    loss=loss, optimizer="adam", lr=0.001, batch_size=batch_size, shuffle=True,
                    epochs=epochs, scale="standard")


def check_settings(dataset: Dataset, loss: str, output_activation: str) -> None:
    """ValueError in one line when this loss or output cannot learn the dataset's targets."""
    low, high = dataset.target_range
    target = ", ".join(dataset.target_names[:3]) + ("…" if dataset.n_outputs > 3 else "")
    if loss == "bce" and (low < 0 or high > 1):
        raise ValueError(f'binary cross-entropy (bce) needs targets between 0 and 1, but "{target}" holds '
                         f"{_g(low)} to {_g(high)}; use mse for numbers, or cce for class labels")
    if loss == "cce":
        if dataset.n_outputs < 2 or not dataset.one_hot:
            raise ValueError(f'categorical cross-entropy (cce) needs one-hot class targets (one 1 per row in '
                             f'two or more columns), but "{target}" holds {_g(low)} to {_g(high)} '
                             f"in {dataset.n_outputs} column(s); use bce for a 0/1 target, mse for numbers")
        if output_activation != "softmax":
            raise ValueError(f"categorical cross-entropy over {dataset.n_outputs} classes needs a softmax "
                             f"output, not {output_activation}")
    if loss == "bce" and output_activation not in ("sigmoid", "softmax"):
        raise ValueError(f"binary cross-entropy (bce) needs a sigmoid output, not {output_activation}")
    if output_activation == "softmax" and dataset.n_outputs < 2:
        raise ValueError("a softmax output over a single column is always 1; use sigmoid")
    bounds = BOUNDED_OUTPUTS.get(output_activation)
    if loss == "mse" and bounds is not None and (low < bounds[0] or high > bounds[1]):
        raise ValueError(f'a {output_activation} output lies between {_g(bounds[0])} and {_g(bounds[1])}, but '
                         f'"{target}" holds {_g(low)} to {_g(high)}; use a linear output')


def _g(value: float) -> str:
    return f"{value:.6g}"


def format_number(value: float, digits: int = 4) -> str:
    """A number at a sane width: fixed decimals for ordinary sizes, else scientific (never 300 digits)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and not 10.0 ** -digits <= abs(value) < 1e6:
        return f"{value:.{digits}g}"
    return f"{value:.{digits}f}"


def data_report(dataset: Dataset, loss: str, output_activation: str, scale: str,
                test_fraction: float = 0.0) -> list[str]:
    """What was read and how it will be learned, in a few short lines (CLI and dataset dialog)."""
    report = dataset.meta.get("report", {})
    lines = []
    if report:
        dropped = report.get("rows_without_target", 0) + report.get("rows_with_gaps_dropped", 0)
        line = (f"rows: {report['rows_read']} read ({'with' if report.get('header') else 'no'} header), "
                f"{dropped} dropped")
        if report.get("rows_without_target"):
            line += f" ({report['rows_without_target']} without a target)"
        if report.get("cells_missing"):
            line += (f", {report['cells_missing']} missing cells in {report['rows_with_gaps']} rows filled "
                     f"from the training rows (median / most frequent)")
        lines.append(line)
    line = f"inputs: {dataset.n_features}"
    if report.get("text_features"):
        line += " after one-hot encoding of " + ", ".join(report["text_features"])
    if report.get("left_out"):
        line += "; left out: " + ", ".join(report["left_out"]) + " (index or ID column)"
    lines.append(line)
    task = infer_task(dataset)
    target = ", ".join(dataset.target_names) if not dataset.classes else "classes"
    if dataset.classes:
        shown = ", ".join(dataset.classes[:8]) + (", …" if len(dataset.classes) > 8 else "")
        lines.append(f"target: {task}, {len(dataset.classes)} classes ({shown})")
    else:
        low, high = dataset.target_range
        lines.append(f"target: {target}, {task}, {_g(low)} to {_g(high)}")
    scaling = {"standard": "standardized", "minmax": "min-max scaled", "none": "not scaled"}.get(scale, scale)
    lines.append(f"loss {loss}, output {output_activation}; inputs {scaling}"
                 + (" (fitted on the training rows)" if scale != "none" else ""))
    if test_fraction:
        n_test = int(round(test_fraction * dataset.n_samples))
        lines.append(f"split: {dataset.n_samples - n_test} training rows, {n_test} test rows")
    return lines
