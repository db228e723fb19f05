"""Network of Dense layers with Keras' weight layout, stored for fast training.

Every parameter lives in one flat vector `params`. Layer l owns a block viewed
as a matrix of shape (units, fan_in + 1): its kernel transposed, with the bias
as the last column. Activations are kept feature-major (features × samples)
with a constant row of ones appended, so one `np.dot` computes W·a + b.
`get_weights()` hands out Keras-layout copies: kernel (fan_in, units), bias (units,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fcviz.core.activations import Activation, get_activation
from fcviz.core.initializers import get_initializer
from fcviz.core.parameter_names import ParameterNames
from fcviz.core.parameter_names import weight_name as weight_name  # where panels and formulas import it


@dataclass
class Dense:
    """One fully connected layer; `matrix` is a view into the network's `params`."""

    fan_in: int
    units: int
    activation: Activation
    use_bias: bool
    matrix: np.ndarray  # (units, fan_in + use_bias)

    @property
    def kernel(self) -> np.ndarray:
        """View of shape (fan_in, units), Keras' layout."""
        return self.matrix[:, : self.fan_in].T

    @property
    def bias(self) -> np.ndarray:
        """View of shape (units,); zeros (read-only) when the layer has no bias."""
        if self.use_bias:
            return self.matrix[:, self.fan_in]
        zeros = np.zeros(self.units, self.matrix.dtype)
        zeros.flags.writeable = False
        return zeros

    @property
    def n_params(self) -> int:
        return self.matrix.size


class Network:
    """A stack of Dense layers: `Network([1, 2, 1], activations=["sigmoid", "sigmoid"])`."""

    def __init__(self, layer_sizes, activations="sigmoid", init="glorot_uniform", seed=0,
                 use_bias=True, dtype=np.float64, params: np.ndarray | None = None):
        """`params`, when given, is the flat vector the network computes with in place (not copied; read-only
        stays read-only); its size and dtype must fit, and `init` must be None."""
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer sizes need an input and an output layer of at least 1 unit, got {sizes}")
        n_layers = len(sizes) - 1
        if isinstance(activations, (str, Activation)) or activations is None:
            activations = [activations] * n_layers
        activations = [get_activation(a) for a in activations]
        if len(activations) != n_layers:
            raise ValueError(f"{n_layers} layers need {n_layers} activations, got {len(activations)}")
        for position, act in enumerate(activations[:-1]):
            if act.name == "softmax":
                raise ValueError(f"softmax belongs on the output layer, not hidden layer {position + 1}")
        use_biases = [bool(use_bias)] * n_layers if np.ndim(use_bias) == 0 else [bool(b) for b in use_bias]
        self.dtype = check_dtype(dtype)
        self.layer_sizes = sizes
        self.init, self.seed = str(init), seed
        counts = [(n_in + b) * n_out for n_in, n_out, b in zip(sizes, sizes[1:], use_biases)]
        if params is None:
            self.params = np.zeros(sum(counts), self.dtype)
        elif init is not None or params.shape != (sum(counts),) or params.dtype != self.dtype:
            raise ValueError(f"params to compute with in place must be {sum(counts)} {self.dtype.name} values "
                             f"and come without an init, got {params.shape} {params.dtype.name} and init {init}")
        else:
            self.params = params
        self.layers: list[Dense] = []
        for n_in, n_out, act, b in zip(sizes, sizes[1:], activations, use_biases):
            self.layers.append(Dense(n_in, n_out, act, b, self.params[:0]))  # viewed next
        self._view_layers()
        if init is not None:  # None: all zeros, for weights set next (from_config with params)
            self.initialize(init, seed)

    def _view_layers(self) -> None:
        offset = 0
        for layer in self.layers:
            count = (layer.fan_in + layer.use_bias) * layer.units
            layer.matrix = self.params[offset: offset + count].reshape(layer.units, layer.fan_in + layer.use_bias)
            offset += count

    def set_dtype(self, dtype) -> None:
        """Compute in float64 or float32 from now on (the values are rounded once, in place).

        `params` and the layers' matrices become new arrays: take views again after this.
        """
        dtype = check_dtype(dtype)
        if dtype != self.dtype:
            self.dtype = dtype
            self.params = self.params.astype(dtype)
            self._view_layers()

    # --- weights --------------------------------------------------------------

    def initialize(self, init="glorot_uniform", seed=0) -> None:
        """Draw every kernel from `init` (seeded) and set biases to zero, as Keras does."""
        initializer = get_initializer(init)
        rng = np.random.default_rng(seed)
        self.init, self.seed = str(init), seed
        for layer in self.layers:
            layer.matrix[:, : layer.fan_in] = initializer(rng, (layer.fan_in, layer.units)).T
            if layer.use_bias:
                layer.matrix[:, layer.fan_in] = 0.0

    def get_weights(self) -> list[np.ndarray]:
        """Copies in Keras order: [kernel1, bias1, kernel2, bias2, ...] (no bias if use_bias=False)."""
        weights = []
        for layer in self.layers:
            weights.append(np.array(layer.kernel))
            if layer.use_bias:
                weights.append(np.array(layer.bias))
        return weights

    def weight_shapes(self) -> list[tuple[int, ...]]:
        shapes: list[tuple[int, ...]] = []
        for layer in self.layers:
            shapes.append((layer.fan_in, layer.units))
            if layer.use_bias:
                shapes.append((layer.units,))
        return shapes

    def set_weights(self, weights) -> None:
        """Set all weights from a Keras-order list; shapes are checked before anything changes."""
        weights = [np.asarray(w, dtype=np.float64) for w in weights]
        expected = self.weight_shapes()
        if len(weights) != len(expected):
            raise ValueError(f"expected {len(expected)} weight arrays (kernels and biases), got {len(weights)}")
        for index, (w, shape) in enumerate(zip(weights, expected)):
            if w.shape != shape:
                raise ValueError(f"{self._weight_label(index)}: expected shape {shape}, got {w.shape}")
            if not np.isfinite(w).all():
                raise ValueError(f"{self._weight_label(index)}: values must be finite numbers")
        arrays = iter(weights)
        for layer in self.layers:
            layer.matrix[:, : layer.fan_in] = next(arrays).T
            if layer.use_bias:
                layer.matrix[:, layer.fan_in] = next(arrays)

    def _weight_label(self, index: int) -> str:
        position = 0
        for number, layer in enumerate(self.layers, 1):
            for kind in ("kernel", "bias") if layer.use_bias else ("kernel",):
                if position == index:
                    return f"layer {number} {kind}"
                position += 1
        return f"weight {index}"

    # --- named parameters (seed notation) --------------------------------------

    def parameter_names(self) -> list[str]:
        """`w{i}{j}_{l}` and `b{j}_{l}` in the order of `params` (`ParameterNames.of(net)` makes them on demand)."""
        return list(ParameterNames.of(self))

    def parameter_index(self, name: str) -> int:
        """Position of a named parameter in `params` (ValueError if there is none)."""
        return ParameterNames.of(self).index(name)

    def get_parameter(self, name: str) -> float:
        return float(self.params[self.parameter_index(name)])

    def set_parameter(self, name: str, value: float) -> None:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, not {value}")
        self.params[self.parameter_index(name)] = value

    # --- computing -------------------------------------------------------------

    def forward(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z, a) of every layer for samples X (n, n_in); arrays are feature-major (units, n)."""
        a = self._input(X)
        trace = []
        with np.errstate(over="ignore", under="ignore"):  # saturated sigmoid/exp are fine
            for layer in self.layers:
                z = layer.matrix[:, : layer.fan_in] @ a
                if layer.use_bias:
                    z += layer.matrix[:, layer.fan_in: layer.fan_in + 1]
                a = layer.activation(z)
                trace.append((z, a))
        return trace

    def predict(self, X) -> np.ndarray:
        """Outputs for X of shape (n, n_in) (or (n_in,) for one sample) as (n, n_out)."""
        return self.forward(X)[-1][1].T.copy()

    def _input(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X[None, :] if self.layer_sizes[0] > 1 or X.size == 1 else X[:, None]
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"the network takes {self.layer_sizes[0]} input(s) per sample, got shape {X.shape}")
        return X.T

    def count_params(self) -> int:
        return int(self.params.size)

    def summary(self) -> str:
        """A Keras-style table: layer, output shape, parameter count, totals."""
        rows = [(f"dense_{n} (Dense, {layer.activation.name})", f"(None, {layer.units})",
                 f"{layer.n_params:,}") for n, layer in enumerate(self.layers, 1)]
        rows.insert(0, ("input (InputLayer)", f"(None, {self.layer_sizes[0]})", "0"))
        widths = [max(len(r[c]) for r in rows + [("Layer (type)", "Output Shape", "Param #")])
                  for c in range(3)]
        line = "  ".join("{:<%d}" % w for w in widths)
        rule = "─" * (sum(widths) + 4)
        out = [rule, line.format("Layer (type)", "Output Shape", "Param #"), rule]
        out += [line.format(*r) for r in rows]
        out += [rule, f"Total params: {self.count_params():,}",
                f"Trainable params: {self.count_params():,}", "Non-trainable params: 0", rule]
        return "\n".join(out)

    # --- description -----------------------------------------------------------

    @property
    def activations(self) -> list[str]:
        return [layer.activation.to_config() for layer in self.layers]

    def config(self) -> dict:
        """Everything needed to rebuild the architecture (weights not included)."""
        return {"layer_sizes": list(self.layer_sizes), "activations": self.activations,
                "use_bias": [layer.use_bias for layer in self.layers],
                "init": self.init, "seed": self.seed, "dtype": self.dtype.name}

    @classmethod
    def from_config(cls, config: dict, params: np.ndarray | None = None, copy: bool = True) -> "Network":
        """A network of this config, with `params` when given (no random draw: 10M weights cost a second).

        `copy=False` computes with `params` themselves when their dtype fits (no copy of 10M weights to draw
        a snapshot; a snapshot's read-only weights stay read-only).
        """
        init = config.get("init", "glorot_uniform")
        dtype = check_dtype(config.get("dtype", "float64"))
        shared = None if params is None or copy else np.ascontiguousarray(params, dtype)
        net = cls(config["layer_sizes"], config["activations"], init=init if params is None else None,
                  seed=config.get("seed", 0), use_bias=config.get("use_bias", True), dtype=dtype, params=shared)
        if params is not None:
            if shared is None:
                net.params[...] = params
            net.init = str(init)
        return net

    def copy(self) -> "Network":
        return Network.from_config(self.config(), self.params)


def check_dtype(dtype) -> np.dtype:
    """float64 (the default: exact) or float32 (half the memory, faster on large inputs)."""
    try:
        value = np.dtype(dtype)
    except TypeError:
        value = None
    if value not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, not {dtype}")
    return value


