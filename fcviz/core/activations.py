"""Activation functions: name -> Activation with value, derivative and formula text.

Built-ins compute in place where they can (the training loop is dominated by
per-call overhead on small networks). Custom activations are expressions in
`x` parsed by `fcviz.core.expressions` — never eval'd.
"""

from __future__ import annotations

import numpy as np

from fcviz.core.expressions import Expression

LEAKY_SLOPE = 0.01


class Activation:
    """f(z) and its derivative; `formula`/`derivative_formula` are display text in `x`."""

    name = ""
    formula = ""
    derivative_formula = ""

    def __call__(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """f'(z), given z and a = f(z) (whichever is cheaper to use)."""
        raise NotImplementedError

    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray,
                 scratch: np.ndarray | None = None) -> np.ndarray:
        """dL/dz from dL/da, in place in `grad_a` (`scratch` is a same-shape work array)."""
        grad_a *= self.derivative(z, a)
        return grad_a

    def __repr__(self):
        return f"Activation({self.name!r})"

    def to_config(self) -> str:
        return self.name


class _Linear(Activation):
    name, formula, derivative_formula = "linear", "x", "1"

    def __call__(self, z, out=None):
        if out is None:
            return z.copy()
        out[...] = z
        return out

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, grad_a, scratch=None):
        return grad_a


class _Sigmoid(Activation):
    name, formula, derivative_formula = "sigmoid", "1/(1+exp(-x))", "sigmoid(x)*(1-sigmoid(x))"

    def __call__(self, z, out=None):
        # exp(-z) overflows to inf for z < -709 and 1/inf is the right answer (0);
        # callers silence that warning (Network.forward, the trainer's loop)
        out = np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)

    def derivative(self, z, a):
        return a * (1.0 - a)

    def backward(self, z, a, grad_a, scratch=None):
        scratch = np.subtract(1.0, a, out=scratch)
        scratch *= a
        grad_a *= scratch
        return grad_a


class _Tanh(Activation):
    name, formula, derivative_formula = "tanh", "tanh(x)", "1-tanh(x)**2"

    def __call__(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, z, a):
        return 1.0 - a * a

    def backward(self, z, a, grad_a, scratch=None):
        scratch = np.multiply(a, a, out=scratch)
        np.subtract(1.0, scratch, out=scratch)
        grad_a *= scratch
        return grad_a


class _Relu(Activation):
    name, formula, derivative_formula = "relu", "maximum(x, 0)", "step(x)"

    def __call__(self, z, out=None):
        return np.maximum(z, 0.0, out=out)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a, scratch=None):
        grad_a *= np.greater(z, 0.0, out=scratch, casting="unsafe") if scratch is not None else z > 0
        return grad_a


class _LeakyRelu(Activation):
    name = "leaky_relu"
    formula = f"maximum(x, {LEAKY_SLOPE}*x)"
    derivative_formula = f"1 if x > 0 else {LEAKY_SLOPE}"

    def __call__(self, z, out=None):
        return np.maximum(z, LEAKY_SLOPE * z, out=out)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


class _Elu(Activation):
    name, formula, derivative_formula = "elu", "x if x > 0 else exp(x)-1", "1 if x > 0 else exp(x)"

    def __call__(self, z, out=None):
        value = np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
        if out is None:
            return value
        out[...] = value
        return out

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, a + 1.0).astype(z.dtype)


class _Softplus(Activation):
    name, formula, derivative_formula = "softplus", "log(1+exp(x))", "sigmoid(x)"

    def __call__(self, z, out=None):
        return np.logaddexp(0.0, z, out=out)

    def derivative(self, z, a):
        return _SIGMOID(z)


class _Heaviside(Activation):
    """Step function of the perceptron: 1 where z >= 0, else 0 (no gradient)."""

    name, formula, derivative_formula = "heaviside", "1 if x >= 0 else 0", "0"

    def __call__(self, z, out=None):
        if out is None:
            out = np.empty_like(z)
        np.greater_equal(z, 0.0, out=out, casting="unsafe")
        return out

    def derivative(self, z, a):
        return np.zeros_like(z)


class _Softmax(Activation):
    """Softmax over the units of a layer (axis 0: activations are feature-major)."""

    name, formula, derivative_formula = "softmax", "exp(x_j)/Σ_k exp(x_k)", "softmax_j(δ_jk − softmax_k)"

    def __call__(self, z, out=None):
        out = np.subtract(z, np.maximum.reduce(z, axis=0, keepdims=True), out=out)   # ufuncs: z.max's wrappers
        np.exp(out, out=out)                                                         # cost a batch µs
        out /= np.add.reduce(out, axis=0, keepdims=True)
        return out

    def derivative(self, z, a):
        """Diagonal of the Jacobian (for display); training uses `backward`."""
        return a * (1.0 - a)

    def backward(self, z, a, grad_a, scratch=None):
        grad_a -= (grad_a * a).sum(axis=0, keepdims=True)
        grad_a *= a
        return grad_a


class CustomActivation(Activation):
    """An activation typed by the learner, e.g. `x**2` or `x*sigmoid(x)`."""

    def __init__(self, source: str):
        self.expression = Expression(source)
        self._derivative = self.expression.derivative()
        self.name = self.expression.text
        self.formula = self.expression.text
        self.derivative_formula = self._derivative.text

    def __call__(self, z, out=None):
        with np.errstate(all="ignore"):
            value = np.broadcast_to(self.expression(z), z.shape)
        if out is None:
            return np.array(value, dtype=z.dtype)
        out[...] = value
        return out

    def derivative(self, z, a):
        with np.errstate(all="ignore"):
            return np.array(np.broadcast_to(self._derivative(z), z.shape), dtype=z.dtype)


_SIGMOID = _Sigmoid()
BUILTINS: dict[str, Activation] = {
    act.name: act
    for act in (_Linear(), _SIGMOID, _Tanh(), _Relu(), _LeakyRelu(), _Elu(), _Softplus(),
                _Heaviside(), _Softmax())
}
ALIASES = {"none": "linear", "identity": "linear", "logistic": "sigmoid", "step": "heaviside"}


def get_activation(spec: str | Activation | None) -> Activation:
    """A built-in by name (case-insensitive), or a custom expression in `x`.

    Raises ValueError naming the problem for anything else.
    """
    if isinstance(spec, Activation):
        return spec
    if spec is None:
        return BUILTINS["linear"]
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"activation must be a name or an expression in x, not {spec!r}")
    key = spec.strip().lower()
    key = ALIASES.get(key, key)
    if key in BUILTINS:
        return BUILTINS[key]
    if key.isidentifier() and key != "x":
        names = ", ".join(sorted(BUILTINS))
        raise ValueError(f"unknown activation {spec!r}; use one of {names} or an expression in x")
    return CustomActivation(spec)
