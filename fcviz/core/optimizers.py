"""SGD, Momentum and Adam over one flat parameter vector, with Keras' update rules.

All parameters of a network live in one contiguous vector, so an update is a
handful of NumPy calls whatever the depth. State is a dict of arrays, so it
can be saved and restored exactly.
"""

from __future__ import annotations

import numpy as np


class Optimizer:
    name = ""

    def __init__(self, learning_rate: float):
        self.learning_rate = learning_rate

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = float(value)
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {value:g}")
        self._learning_rate = value

    @property
    def gradient_scale(self) -> float:
        """Factor the trainer may fold into the gradient before `apply` (lr for SGD)."""
        return 1.0

    def apply(self, params: np.ndarray, grad: np.ndarray) -> None:
        """Update `params` in place from `grad` (already multiplied by `gradient_scale`)."""
        raise NotImplementedError

    def update_of(self, grad: np.ndarray) -> np.ndarray:
        """The change `apply` would make for this true gradient, without changing state."""
        params = np.zeros_like(grad)
        saved = self.get_state()
        self.apply(params, grad * self.gradient_scale)
        self.set_state(saved)
        return params

    def get_state(self) -> dict[str, np.ndarray]:
        return {}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore state saved by `get_state` (arrays are copied)."""

    def config(self) -> dict:
        return {"name": self.name, "learning_rate": self.learning_rate}


class SGD(Optimizer):
    """w ← w − lr·g (lr folded into the gradient by the trainer)."""

    name = "sgd"

    @property
    def gradient_scale(self):
        return self.learning_rate

    def apply(self, params, grad):
        params -= grad


class Momentum(Optimizer):
    """Keras SGD(momentum): v ← m·v − lr·g; w ← w + v."""

    name = "momentum"

    def __init__(self, learning_rate: float, momentum: float = 0.9):
        super().__init__(learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), not {momentum:g}")
        self.momentum = float(momentum)
        self.velocity: np.ndarray | None = None

    def apply(self, params, grad):
        if self.velocity is None:
            self.velocity = np.zeros_like(params)
        v = self.velocity
        v *= self.momentum
        v -= self.learning_rate * grad
        params += v

    def get_state(self):
        return {} if self.velocity is None else {"velocity": self.velocity.copy()}

    def set_state(self, state):
        self.velocity = np.array(state["velocity"]) if "velocity" in state else None

    def config(self):
        return {**super().config(), "momentum": self.momentum}


class Adam(Optimizer):
    """Keras Adam: bias correction folded into the step size, ε added to √v."""

    name = "adam"

    def __init__(self, learning_rate: float, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.iterations = 0
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None
        self._scratch: np.ndarray | None = None

    def apply(self, params, grad):
        if self.m is None:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
        if self._scratch is None or self._scratch.shape != params.shape:
            self._scratch = np.empty_like(params)
        self.iterations += 1
        t = self.iterations
        alpha = self.learning_rate * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m, v, tmp = self.m, self.v, self._scratch
        m *= self.beta_1
        np.multiply(grad, 1.0 - self.beta_1, out=tmp)
        m += tmp
        v *= self.beta_2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - self.beta_2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        params -= tmp

    def get_state(self):
        state = {"iterations": np.array(self.iterations)}
        if self.m is not None:
            state.update(m=self.m.copy(), v=self.v.copy())
        return state

    def set_state(self, state):
        self.iterations = int(state.get("iterations", 0))
        self.m = np.array(state["m"]) if "m" in state else None
        self.v = np.array(state["v"]) if "v" in state else None

    def config(self):
        return {**super().config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def get_optimizer(spec: str | Optimizer, learning_rate: float = 0.01, **options) -> Optimizer:
    if isinstance(spec, Optimizer):
        return spec
    key = str(spec).strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {spec!r}; use one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](learning_rate, **options)
