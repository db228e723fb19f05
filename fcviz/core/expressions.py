"""Safe math expressions in one variable `x`, with symbolic derivatives.

The source is parsed with `ast` and checked against an allow-list (numbers,
`x`, + - * / **, unary minus and a few functions); it is then evaluated by
walking the tree with NumPy. Nothing is ever passed to eval/exec.
"""

from __future__ import annotations

import ast
import contextlib
import math
import warnings
from collections.abc import Callable
from typing import cast

import numpy as np

MAX_SOURCE_LENGTH = 200
MAX_NODES = 100
MAX_EXPONENT = 64.0


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def _step(v):
    return (np.asarray(v) > 0).astype(float)


# name -> (number of arguments, NumPy function). `step` and `sign` appear only in derivatives.
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "exp": (1, np.exp), "log": (1, np.log), "sin": (1, np.sin), "cos": (1, np.cos),
    "tanh": (1, np.tanh), "sigmoid": (1, _sigmoid), "abs": (1, np.abs), "sqrt": (1, np.sqrt),
    "maximum": (2, np.maximum), "minimum": (2, np.minimum),
}
_DERIVATIVE_ONLY: dict[str, tuple[int, Callable]] = {"step": (1, _step), "sign": (1, np.sign)}
_EVALUATORS = {**FUNCTIONS, **_DERIVATIVE_ONLY}
_OPERATORS = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
    ast.Div: np.divide, ast.Pow: np.power,
}


class Expression:
    """A validated expression in `x`: call it on an array, ask for its derivative."""

    def __init__(self, source: str | ast.expr, *, _trusted: bool = False):
        if isinstance(source, ast.expr):
            self.tree = source
        else:
            self.tree = _parse(source)
        if not _trusted:
            _validate(self.tree, FUNCTIONS)
        self.text = ast.unparse(self.tree)

    def __call__(self, x):
        return _evaluate(self.tree, x)

    def derivative(self) -> "Expression":
        """d/dx of this expression, simplified a little for display."""
        return Expression(_simplify(_diff(self.tree)), _trusted=True)

    def __repr__(self):
        return f"Expression({self.text!r})"


def _parse(source: str) -> ast.expr:
    if not isinstance(source, str):
        raise ValueError(f"an expression must be text, not {type(source).__name__}")
    text = source.strip().replace("^", "**")
    if not text:
        raise ValueError("the expression is empty")
    if len(text) > MAX_SOURCE_LENGTH:
        raise ValueError(f"the expression is longer than {MAX_SOURCE_LENGTH} characters")
    try:
        with warnings.catch_warnings():  # "1if x" warns of an invalid decimal literal; the allow-list decides
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"{source!r} is not a valid expression: {exc.msg}") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ValueError(f"the expression has more than {MAX_NODES} parts")
    return tree


def _validate(node: ast.expr, functions: dict) -> None:
    """Raise ValueError for anything outside the allow-list."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"{node.value!r} is not a number")
        if not math.isfinite(node.value):
            raise ValueError("numbers must be finite")
    elif isinstance(node, ast.Name):
        if node.id != "x":
            allowed = ", ".join(sorted(functions))
            raise ValueError(f"unknown name {node.id!r}: use x and the functions {allowed}")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise ValueError(f"operator {ast.unparse(node)!r} is not allowed; use + - * / **")
        _validate(node.left, functions)
        _validate(node.right, functions)
        exponent = _constant_value(node.right)
        if isinstance(node.op, ast.Pow) and exponent is not None:
            if abs(exponent) > MAX_EXPONENT:
                raise ValueError(f"exponents larger than {MAX_EXPONENT:g} are not allowed")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ValueError(f"{ast.unparse(node)!r} is not allowed")
        _validate(node.operand, functions)
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in functions or node.keywords:
            allowed = ", ".join(sorted(functions))
            raise ValueError(f"{ast.unparse(node.func)!r} is not an allowed function ({allowed})")
        arity = functions[name][0]
        if len(node.args) != arity:
            raise ValueError(f"{name}() takes {arity} argument{'s' if arity > 1 else ''}")
        for arg in node.args:
            _validate(arg, functions)
    else:
        raise ValueError(f"{ast.unparse(node)!r} is not allowed in an expression")


def _constant_value(node: ast.expr) -> float | None:
    """The value of an expression made only of numbers, or None if it uses x."""
    if any(isinstance(n, ast.Name) and n.id == "x" for n in ast.walk(node)):
        return None
    with np.errstate(all="ignore"):
        return float(_evaluate(node, 0.0))


def _evaluate(node: ast.expr, x):
    if isinstance(node, ast.Constant):
        return float(cast(float, node.value))  # _validate let only numbers through
    if isinstance(node, ast.Name):
        return x
    if isinstance(node, ast.BinOp):
        return _OPERATORS[type(node.op)](_evaluate(node.left, x), _evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, x)
        return -value if isinstance(node.op, ast.USub) else value
    call = cast(ast.Call, node)  # the only node left after _validate
    _, func = _EVALUATORS[cast(ast.Name, call.func).id]
    return func(*(_evaluate(arg, x) for arg in call.args))


# --- symbolic differentiation -------------------------------------------------

def _num(value: float) -> ast.Constant:
    return ast.Constant(int(value) if float(value).is_integer() else value)


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])


def _bin(left, op, right) -> ast.BinOp:
    return ast.BinOp(left, op, right)


def _diff(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Constant):
        return _num(0)
    if isinstance(node, ast.Name):
        return _num(1)
    if isinstance(node, ast.UnaryOp):
        inner = _diff(node.operand)
        return ast.UnaryOp(ast.USub(), inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        return _diff_binop(node)
    return _diff_call(cast(ast.Call, node))


def _diff_binop(node: ast.BinOp) -> ast.expr:
    u, v = node.left, node.right
    du, dv = _diff(u), _diff(v)
    op = node.op
    if isinstance(op, (ast.Add, ast.Sub)):
        return _bin(du, op, dv)
    if isinstance(op, ast.Mult):
        return _bin(_bin(du, ast.Mult(), v), ast.Add(), _bin(u, ast.Mult(), dv))
    if isinstance(op, ast.Div):
        top = _bin(_bin(du, ast.Mult(), v), ast.Sub(), _bin(u, ast.Mult(), dv))
        return _bin(top, ast.Div(), _bin(v, ast.Pow(), _num(2)))
    exponent = _constant_value(v)
    if exponent is not None:  # d(u**p) = p*u**(p-1)*du
        power = _bin(u, ast.Pow(), _num(exponent - 1))
        return _bin(_bin(_num(exponent), ast.Mult(), power), ast.Mult(), du)
    # d(u**v) = u**v * (dv*log(u) + v*du/u)
    inner = _bin(_bin(dv, ast.Mult(), _call("log", u)), ast.Add(),
                 _bin(_bin(v, ast.Mult(), du), ast.Div(), u))
    return _bin(node, ast.Mult(), inner)


def _diff_call(node: ast.Call) -> ast.expr:
    name, args = cast(ast.Name, node.func).id, node.args
    if name in ("maximum", "minimum"):
        u, v = args
        first_wins = _call("step", _bin(u, ast.Sub(), v) if name == "maximum" else _bin(v, ast.Sub(), u))
        second_wins = _bin(_num(1), ast.Sub(), first_wins)
        return _bin(_bin(first_wins, ast.Mult(), _diff(u)), ast.Add(),
                    _bin(second_wins, ast.Mult(), _diff(v)))
    u = args[0]
    outer = {
        "exp": lambda: node,
        "log": lambda: _bin(_num(1), ast.Div(), u),
        "sin": lambda: _call("cos", u),
        "cos": lambda: ast.UnaryOp(ast.USub(), _call("sin", u)),
        "tanh": lambda: _bin(_num(1), ast.Sub(), _bin(node, ast.Pow(), _num(2))),
        "sigmoid": lambda: _bin(node, ast.Mult(), _bin(_num(1), ast.Sub(), node)),
        "abs": lambda: _call("sign", u),
        "sqrt": lambda: _bin(_num(1), ast.Div(), _bin(_num(2), ast.Mult(), node)),
        "step": lambda: _num(0),
        "sign": lambda: _num(0),
    }[name]()
    return _bin(outer, ast.Mult(), _diff(u))


def _is_number(node, value=None) -> bool:
    return isinstance(node, ast.Constant) and (value is None or node.value == value)


def _number(node: ast.expr) -> float:
    return cast(float, cast(ast.Constant, node).value)


def _simplify(node: ast.expr) -> ast.expr:
    """Fold away the 0s and 1s that differentiation leaves behind."""
    if isinstance(node, ast.UnaryOp):
        operand = _simplify(node.operand)
        if _is_number(operand):
            return _num(-_number(operand)) if isinstance(node.op, ast.USub) else operand
        return ast.UnaryOp(node.op, operand)
    if isinstance(node, ast.Call):
        return _call(cast(ast.Name, node.func).id, *(_simplify(a) for a in node.args))
    if not isinstance(node, ast.BinOp):
        return node
    left, right, op = _simplify(node.left), _simplify(node.right), node.op
    if _is_number(left) and _is_number(right) and not isinstance(op, ast.Div):
        with contextlib.suppress(OverflowError):  # NumPy cannot fold ints beyond 64 bits: keep them as typed
            return _num(_OPERATORS[type(op)](_number(left), _number(right)))
    if isinstance(op, ast.Add):
        if _is_number(left, 0):
            return right
        if _is_number(right, 0):
            return left
    elif isinstance(op, ast.Sub):
        if _is_number(right, 0):
            return left
        if _is_number(left, 0):
            return ast.UnaryOp(ast.USub(), right)
    elif isinstance(op, ast.Mult):
        if _is_number(left, 0) or _is_number(right, 0):
            return _num(0)
        if _is_number(left, 1):
            return right
        if _is_number(right, 1):
            return left
    elif isinstance(op, ast.Div) and _is_number(right, 1):
        return left
    elif isinstance(op, ast.Pow):
        if _is_number(right, 1):
            return left
        if _is_number(right, 0):
            return _num(1)
    return ast.BinOp(left, op, right)
