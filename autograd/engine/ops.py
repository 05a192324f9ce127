"""The op table: every operation a `Value` knows, each defined once, as data.

A row holds an op's forward value and, beside it, its local derivatives —
∂out/∂operand for each operand — written like the math:

    tanh:  t = tanh x          d tanh = 1 − t²

`value(*operands)` computes `out` from floats; `local(*operands, out)` returns the
local derivatives in operand order (None for an operand that is always a
constant, such as n in xⁿ). Operands are what the op was applied to, in order,
constants included: `2 - x` has operands (2.0, x). The local rules are written
with ordinary arithmetic and the functions `exp`, `log`, `tanh`, `sigmoid`,
`sigmoid_slope`, `power` below, which accept floats or Values: the engine runs them on floats in
the forward pass (and in `replay`); `autograd.grad(..., create_graph=True)`
runs them on Values, which records the backward pass as a graph of its own.

Domain errors name the op and the value (`log: undefined at x = -1.0 ...`).
Everything else — the engine, replay, the renderer, the stepper — reads ops from
this table and never parses an op's name.
"""

from __future__ import annotations

import math
import operator

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing: the engine loads light)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

try:
    import cython  # the compiler's pure-Python mode; as plain Python its decorators do nothing
except ImportError:  # no Cython installed: this module runs as plain Python
    from autograd.engine import _no_cython as cython

__all__ = ["DomainError", "Op", "OPS", "number", "format_exponent"]


class DomainError(ValueError):
    """An operation was asked for a value outside its mathematical domain."""


@cython.cclass  # compiled: an extension type with the read-only C fields of ops.pxd
class Op:
    """One row of the op table.

    name:   its key in `OPS` ('mul', 'tanh', 'dot', ...).
    symbol: how it is written: between operands ('*'), glued to them ('**'), before
            one ('-'), or as a function name ('tanh').
    form:   'infix' (x * y), 'power' (x**2, 2**x), 'prefix' (-x), 'call' (tanh(x)),
            or 'leaf' for inputs and parameters.
    arity:  the number of operands; 0 for a leaf, None for n-ary ops (`sum`, `dot`: any number).
    value:  out from the operands.
    local:  (∂out/∂operand₀, ∂out/∂operand₁, ...) from the operands and out.
    """

    __slots__ = ("name", "symbol", "form", "arity", "value", "local")

    def __init__(
        self,
        name: str,
        symbol: str,
        form: str,
        arity: int | None,
        value: Callable[..., Any],
        local: Callable[..., tuple[Any, ...]],
    ) -> None:
        self.name, self.symbol, self.form, self.arity = name, symbol, form, arity
        self.value, self.local = value, local

    @property
    def fused(self) -> bool:
        """True for ops whose nodes keep tuples of parents: n-ary ops (`sum`, `dot`) and ops of three
        or more operands (made by `define_op`)."""
        return self.arity is None or self.arity > 2

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """A row is copied and pickled as its name in the table: a copy of a node (`copy.deepcopy`
        of a model, `pickle`) has the very row the table holds, so its leaves are still leaves."""
        return (row_named, (self.name,))


def row_named(name: str) -> Op:
    """The row `OPS[name]` (how a pickled or copied node finds its op again)."""
    try:
        return OPS[name]
    except KeyError:
        raise ValueError(
            f"no op named {name!r} in this process's op table: an op of your own must be defined "
            "(autograd.define_op) before nodes made with it are loaded"
        ) from None


# ---- functions the local rules use: each accepts a float or a Value ---------------------------
def number(x: Any) -> float:
    """The float behind an operand: x itself, or a Value's data."""
    return x if isinstance(x, float) else x.data


def exp(x: Any) -> Any:
    """eˣ, refusing overflow by name."""
    if not isinstance(x, float):
        return x.exp()
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp: overflow at x = {x!r} (e**x exceeds the float range)") from None


def log(x: Any) -> Any:
    """ln x, for x > 0."""
    if not isinstance(x, float):
        return x.log()
    if x <= 0.0:
        raise DomainError(f"log: undefined at x = {x!r} (needs x > 0)")
    return math.log(x)


def tanh(x: Any) -> Any:
    return math.tanh(x) if isinstance(x, float) else x.tanh()


def sigmoid(x: Any) -> Any:
    """σ(x) = 1/(1 + e⁻ˣ), computed from e = e^−|x| ∈ (0, 1], which cannot overflow."""
    if not isinstance(x, float):
        return x.sigmoid()
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)


def sigmoid_slope(x: Any, s: Any) -> Any:
    """σ′(x) = s·σ(−x) for s = σ(x); on floats e/(1 + e)² with e = e^−|x| (no cancellation in 1 − s)."""
    if not isinstance(x, float):
        return s * (-x).sigmoid()
    e = math.exp(-abs(x))
    return e / ((1.0 + e) * (1.0 + e))


def power(x: Any, n: Any) -> Any:
    """xⁿ, refusing overflow by name."""
    if not isinstance(x, float) or not isinstance(n, float):
        return x**n
    try:
        return x**n
    except OverflowError:
        raise OverflowError(f"**: overflow computing {x!r} ** {n!r}") from None


def format_exponent(n: float) -> str:
    """2.0 → '2', 0.5 → '0.5': a constant exponent or base as an op's name writes it (x**2, 2**x)."""
    return str(int(n)) if n.is_integer() and abs(n) < 1e15 else repr(n)


# ---- the value rules that check a domain (value rules always run on floats) ------------------------
def _divide(x: float, y: float) -> float:
    if y == 0.0:
        raise ZeroDivisionError(f"/: division by zero ({x!r} / {y!r})")
    return x / y


def _power_of_values(x: float, y: float) -> float:
    if x <= 0.0:
        raise DomainError(f"**: base {x!r} ** Value exponent {y!r} needs a positive base (ln of the base)")
    return power(x, y)


def _power(x: float, n: float) -> float:
    """xⁿ for a constant n, refused where it or n·xⁿ⁻¹ is not a finite real number."""
    if x == 0.0 and n < 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {n!r} is a division by zero")
    if x < 0.0 and not n.is_integer():
        raise DomainError(f"**: negative base {x!r} to the non-integer power {n!r} is not a real number")
    if x == 0.0 and 0.0 < n < 1.0:
        raise DomainError(f"**: the derivative of x ** {n!r} at x = 0.0 is infinite")
    return power(x, n)


def _exponential(c: float, x: float) -> float:
    """cˣ for a constant base c ≥ 0 (0ˣ needs x > 0)."""
    if c < 0.0:
        raise DomainError(f"**: negative base {c!r} to a Value power has no real derivative")
    if c == 0.0 and x <= 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {x!r} is undefined (needs exponent > 0)")
    return power(c, x)


def _dot(*operands: float) -> float:
    """b + w₀x₀ + w₁x₁ + … from the operands w₀ … wₙ₋₁, x₀ … xₙ₋₁, b."""
    n = len(operands) // 2
    return sum(map(operator.mul, operands[:n], operands[n : 2 * n]), operands[-1])


def _dot_local(*operands_and_out: Any) -> tuple[Any, ...]:
    """∂out/∂wᵢ = xᵢ, ∂out/∂xᵢ = wᵢ, ∂out/∂b = 1."""
    n = (len(operands_and_out) - 1) // 2
    w, x = operands_and_out[:n], operands_and_out[n : 2 * n]
    return (*x, *w, 1.0)


def _leaf(*_: Any) -> Any:
    raise TypeError("a leaf is an input: no operation computes it")


# ---- the table -----------------------------------------------------------------------------------
# Each row: value rule, then the local derivatives (∂out/∂operand for each operand, in order).
_ROWS = [
    Op("leaf", "", "leaf", 0, _leaf, _leaf),
    # out = x + y                           ∂/∂x = 1,        ∂/∂y = 1
    Op("add", "+", "infix", 2, operator.add, lambda x, y, out: (1.0, 1.0)),
    # out = x − y                           ∂/∂x = 1,        ∂/∂y = −1
    Op("sub", "-", "infix", 2, operator.sub, lambda x, y, out: (1.0, -1.0)),
    # out = x · y                           ∂/∂x = y,        ∂/∂y = x
    Op("mul", "*", "infix", 2, operator.mul, lambda x, y, out: (y, x)),
    # out = x / y                           ∂/∂x = 1/y,      ∂/∂y = −x/y² = −out/y  (y² underflows)
    Op("div", "/", "infix", 2, _divide, lambda x, y, out: (1.0 / y, -out / y)),
    # out = xʸ (both Values, x > 0)         ∂/∂x = y·xʸ⁻¹,   ∂/∂y = xʸ·ln x
    Op("pow", "**", "infix", 2, _power_of_values, lambda x, y, out: (y * power(x, y - 1.0), out * log(x))),
    # out = xⁿ (n a constant: no edge)      ∂/∂x = n·xⁿ⁻¹
    Op("power", "**", "power", 2, _power, lambda x, n, out: (n * power(x, n - 1.0) if n else 0.0, None)),
    # out = cˣ (c a constant: no edge)      ∂/∂x = cˣ·ln c  (0ˣ = 0 for x > 0: derivative 0)
    Op(
        "exponential",
        "**",
        "power",
        2,
        _exponential,
        lambda c, x, out: (None, out * math.log(c) if c > 0.0 else 0.0),
    ),
    # out = −x                              ∂/∂x = −1
    Op("neg", "-", "prefix", 1, operator.neg, lambda x, out: (-1.0,)),
    # t = eˣ                                d eˣ = eˣ = t
    Op("exp", "exp", "call", 1, exp, lambda x, t: (t,)),
    # out = ln x                            d ln x = 1/x
    Op("log", "log", "call", 1, log, lambda x, out: (1.0 / x,)),
    # t = tanh x                            d tanh = 1 − t²
    Op("tanh", "tanh", "call", 1, tanh, lambda x, t: (1.0 - t * t,)),
    # s = σ(x)                              dσ = σ(x)·(1 − σ(x)) = σ(x)·σ(−x)
    Op("sigmoid", "sigmoid", "call", 1, sigmoid, lambda x, s: (sigmoid_slope(x, s),)),
    # out = max(0, x)                       d relu = 1 if x > 0 else 0  (subgradient 0 at x = 0)
    Op("relu", "relu", "call", 1, lambda x: x if x > 0.0 else 0.0, lambda x, out: (float(number(x) > 0.0),)),
    # out = Σ tᵢ                            ∂/∂tᵢ = 1
    Op("sum", "sum", "call", None, lambda *t: sum(t, 0.0), lambda *t_and_out: (1.0,) * (len(t_and_out) - 1)),
    # out = Σ wᵢ·xᵢ + b                      ∂/∂wᵢ = xᵢ,  ∂/∂xᵢ = wᵢ,  ∂/∂b = 1
    Op("dot", "dot", "call", None, _dot, _dot_local),
]
OPS: dict[str, Op] = {op.name: op for op in _ROWS}
