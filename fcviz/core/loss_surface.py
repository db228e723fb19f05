"""Loss surface: the trainer's loss as a function of one or two parameters, all others held fixed.

The loss is the trainer's own definition (its loss object and output rule) of
one forward pass over the training rows — the full-batch loss of the current
weights. Above MAX_SURFACE_ROWS training rows a fixed, seeded sample of rows is
used instead, so a grid costs the same at any data size.

Many parameter values are evaluated at once: the layers below the first one
holding a chosen parameter are computed once, and from there the grid points
are a batch dimension, in chunks of at most CHUNK_BYTES of work arrays.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from fcviz.core.network import Network, check_dtype
from fcviz.core.trainer import Trainer

MAX_SURFACE_ROWS = 2000  # above this many training rows the surface uses a fixed sample of them
SAMPLE_SEED = 0          # the sample is the same on every redraw (a moving sample would make the surface flicker)
CHUNK_BYTES = 2 * 2**20  # work arrays of one chunk of grid points: bounded memory at any grid size
NICE_STEPS = (1.0, 2.0, 5.0, 10.0)

Progress = Callable[[int, int], bool]  # (points done, points in all) -> False to stop


class SurfaceCancelled(Exception):
    """The progress callback asked to stop (a newer request made this grid stale)."""


class LossSurface:
    """The loss of a network of `network_config` on (X, y) under the trainer's `loss` definition.

    Its network and trainer are built on first use, in the thread that computes grids: for a network of
    10M parameters they take a second, which the window's thread must not spend setting up a panel.
    """

    def __init__(self, network_config: dict, loss: str, X: np.ndarray, y: np.ndarray,
                 max_rows: int = MAX_SURFACE_ROWS):
        X, y = np.asarray(X), np.asarray(y)
        if y.ndim == 1:
            y = y[:, None]
        self.rows_total = len(X)
        if len(X) > max_rows:
            rows = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(X), max_rows, replace=False))
            X, y = X[rows], y[rows]
        self.rows_used = len(X)
        self._config, self._loss = dict(network_config, init=None), loss  # no random draw: each call sets weights
        self._model: tuple[Network, Trainer, np.ndarray, np.ndarray] | None = None
        self._rows = X, y  # made feature-major on first use (transposing 1000 classes' targets takes ~30 ms)
        check_dtype(network_config.get("dtype", "float64"))
        sizes = network_config["layer_sizes"]
        biases = np.broadcast_to(network_config.get("use_bias", True), len(sizes) - 1)
        self._columns = [n_in + bool(b) for n_in, b in zip(sizes, biases)]  # of each layer's matrix
        self._starts = np.cumsum([0] + [n_out * columns for n_out, columns in zip(sizes[1:], self._columns)])

    @property
    def net(self) -> Network:
        """The network the losses are computed with (built on first use)."""
        return self._built()[0]

    @property
    def trainer(self) -> Trainer:
        """The trainer whose loss and backward pass the surface uses (built on first use)."""
        return self._built()[1]

    def _built(self) -> tuple[Network, Trainer, np.ndarray, np.ndarray]:
        if self._model is None:
            net = Network.from_config(self._config)
            X, y = self._rows
            inputs = np.ones((X.shape[1] + 1, len(X)), net.dtype)  # feature-major with a ones row
            inputs[:-1] = X.T
            self._model = (net, Trainer(net, loss=self._loss, optimizer="sgd", lr=1.0, shuffle=False),
                           inputs, np.ascontiguousarray(y.T, net.dtype))
        return self._model

    @property
    def _inputs(self) -> np.ndarray:
        return self._built()[2]

    @property
    def _targets(self) -> np.ndarray:
        return self._built()[3]

    def _position(self, index: int) -> tuple[int, int, int]:
        """(layer number from 0, row, column) of parameter `index` in its layer's matrix."""
        number = int(np.searchsorted(self._starts, index, side="right")) - 1
        row, column = divmod(int(index) - int(self._starts[number]), self._columns[number])
        return number, row, column

    @property
    def sampled(self) -> bool:
        return self.rows_used < self.rows_total

    def loss_at(self, params: np.ndarray) -> float:
        """The loss at `params` (one forward pass, exactly as the trainer computes it)."""
        return self._gradient_pass(params)[0]

    def gradient_at(self, params: np.ndarray) -> np.ndarray:
        """∂L/∂params at `params` (the trainer's backward pass)."""
        return self._gradient_pass(params)[1]

    def _gradient_pass(self, params: np.ndarray) -> tuple[float, np.ndarray]:
        self.net.params[...] = params
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            value = self.trainer.reference.compute_gradients(self._inputs, self._targets)
        return value, self.trainer.grad.copy()

    def grid(self, params: np.ndarray, first: int, second: int, xs: np.ndarray, ys: np.ndarray,
             progress: Progress | None = None) -> np.ndarray:
        """Loss with params[first] = xs[i] and params[second] = ys[j] at [i, j] (x first, as ImageItem)."""
        xx, yy = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float), indexing="ij")
        values = np.stack([xx.ravel(), yy.ravel()], axis=1)
        return self.losses(params, (first, second), values, progress).reshape(len(xs), len(ys))

    def line(self, params: np.ndarray, index: int, xs: np.ndarray) -> np.ndarray:
        """Loss with params[index] = xs[i] at [i]."""
        return self.losses(params, (index,), np.asarray(xs, float)[:, None])

    def losses(self, params: np.ndarray, indices: tuple[int, ...], values: np.ndarray,
               progress: Progress | None = None) -> np.ndarray:
        """Loss at every row of `values` (points × len(indices)): params[indices] = values[k], others as given.

        `progress(done, total)` is called after each chunk; when it returns False, SurfaceCancelled is raised.
        """
        self.net.params[...] = params
        values = np.asarray(values, self.net.dtype).reshape(-1, len(indices))
        positions = [self._position(index) for index in indices]
        lowest = min(number for number, _, _ in positions)
        out = np.empty(len(values))
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            below = self._inputs
            for layer in self.net.layers[:lowest]:
                below = _with_ones(layer.activation(layer.matrix @ below[: layer.matrix.shape[1]]))
            shared = self._shared_part(below, lowest)
            chunk = self._chunk_points(lowest)
            for start in range(0, len(values), chunk):
                part = values[start: start + chunk]
                out[start: start + len(part)] = self._chunk_losses(below, shared, lowest, positions, part)
                if progress is not None and not progress(start + len(part), len(values)):
                    raise SurfaceCancelled()
        return out

    def _chunk_points(self, lowest: int) -> int:
        """Grid points per chunk: the z and a arrays of the layers above `lowest` fit CHUNK_BYTES."""
        units = sum(layer.units + 1 for layer in self.net.layers[lowest:])
        per_point = 2 * units * self.rows_used * self.net.dtype.itemsize
        return max(1, CHUNK_BYTES // per_point)

    def _chunk_losses(self, below: np.ndarray, shared: tuple, lowest: int, positions: list,
                      part: np.ndarray) -> np.ndarray:
        """Losses of one chunk of points; from layer `lowest` on, the points are the leading axis.

        In layer `lowest` only the rows holding a chosen parameter differ between points: the
        next layer adds the changed units' share to what the unchanged ones give every point.
        """
        layers = self.net.layers
        layer = layers[lowest]
        shared_z, shared_a, above_z = shared
        rows = sorted({row for number, row, _ in positions if number == lowest})
        if lowest == len(layers) - 1:
            z = np.repeat(shared_z[None], len(part), axis=0)
            _add_changes(z, below, layer.matrix, positions, part, lowest, range(layer.units))
            return self._output_losses(layer, z)
        z_rows = np.repeat(shared_z[rows][None], len(part), axis=0)
        _add_changes(z_rows, below, layer.matrix, positions, part, lowest, rows)
        changed_a = layer.activation(z_rows)  # a hidden activation acts on each unit alone
        above = layers[lowest + 1].matrix
        z = np.matmul(above[:, rows], changed_a - shared_a[rows])
        z += above_z
        a: np.ndarray | _PartlyShared = _PartlyShared(shared_a, rows, changed_a)
        for number in range(lowest + 1, len(layers)):
            layer = layers[number]
            _add_changes(z, a, layer.matrix, positions, part, number, range(layer.units))
            if number == len(layers) - 1:
                return self._output_losses(layer, z)
            full = np.ones((len(part), layer.units + 1, z.shape[2]), z.dtype)
            # Units on the first axis of the views: activations work feature-major.
            layer.activation(z.transpose(1, 0, 2), out=full[:, :-1].transpose(1, 0, 2))
            a = full
            z = np.matmul(layers[number + 1].matrix, full[:, : layers[number + 1].matrix.shape[1]])
        raise AssertionError("unreachable: the last layer returns")

    def _shared_part(self, below: np.ndarray, lowest: int) -> tuple:
        """z and a (with ones) of layer `lowest`, and the next layer's z, before any point's change."""
        layers = self.net.layers
        matrix = layers[lowest].matrix
        shared_z = matrix @ below[: matrix.shape[1]]
        if lowest == len(layers) - 1:
            return shared_z, None, None
        shared_a = _with_ones(layers[lowest].activation(shared_z))
        above = layers[lowest + 1].matrix
        return shared_z, shared_a, above @ shared_a[: above.shape[1]]

    def _output_losses(self, layer, z: np.ndarray) -> np.ndarray:
        """The trainer's loss of every point's output pre-activations z[k] (units × rows)."""
        loss, targets = self.trainer.loss, self._targets
        if self.trainer.output_rule == "fused":
            return np.array([loss.from_logits(point, targets) for point in z])
        a = layer.activation(z.transpose(1, 0, 2)).transpose(1, 0, 2)
        return np.array([loss(point, targets) for point in a])


def _with_ones(a: np.ndarray) -> np.ndarray:
    return np.vstack([a, np.ones((1, a.shape[1]), a.dtype)])


class _PartlyShared:
    """A layer's activations (with the ones row) where only `rows` differ between points."""

    def __init__(self, shared: np.ndarray, rows: list[int], changed: np.ndarray):
        self.shared, self.rows, self.changed = shared, rows, changed

    def unit(self, index: int) -> np.ndarray:
        """Activations of unit `index`: (points, rows of data), or (rows of data,) where all points agree."""
        if index in self.rows:
            return self.changed[:, self.rows.index(index)]
        return self.shared[index]


def _unit(a, index: int) -> np.ndarray:
    if isinstance(a, _PartlyShared):
        return a.unit(index)
    return a[index] if a.ndim == 2 else a[:, index]


def _add_changes(z: np.ndarray, a, matrix: np.ndarray, positions: list, part: np.ndarray, number: int,
                 rows) -> None:
    """Add the chosen parameters of layer `number` to z (points × `rows` × data rows):
    (W + Δ·e_row,column)·a = W·a + Δ·a[column] in row `row`."""
    rows = list(rows)
    for (layer, row, column), column_values in zip(positions, part.T):
        if layer == number:
            z[:, rows.index(row)] += (column_values - matrix[row, column])[:, None] * _unit(a, column)


def moved_most(initial: np.ndarray, current: np.ndarray, count: int = 2) -> list[int]:
    """Indices of the `count` parameters that moved most from `initial` (ties: the earlier first)."""
    moved = np.abs(np.asarray(current, float) - np.asarray(initial, float))
    return [int(i) for i in np.argsort(-moved, kind="stable")[:count]]


def axis_values(center: float, half_width: float, count: int) -> np.ndarray:
    """`count` evenly spaced values over center ± half_width that include `center` exactly."""
    steps = max(count // 2, 1)
    return center + (np.arange(count) - count // 2) * (half_width / steps)


def nice_half_width(offsets: np.ndarray, minimum: float = 0.5) -> float:
    """A round half width (1, 2 or 5 × 10^k) holding every offset with a margin, at least `minimum`.

    Rounding keeps the grid's range still while the path grows a little.
    """
    offsets = np.asarray(offsets, float)
    finite = offsets[np.isfinite(offsets)]
    reach = 1.25 * float(np.abs(finite).max()) if finite.size else 0.0
    if reach <= minimum:
        return minimum
    power = 10.0 ** np.floor(np.log10(reach))
    return float(next(step * power for step in NICE_STEPS if step * power >= reach))
