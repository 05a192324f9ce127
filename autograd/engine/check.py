"""Gradient checking: `backward()` against central finite differences.

The central difference of f in its i-th argument,

    ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h,

has an error of order h² (the h terms of the two Taylor expansions cancel), plus
rounding of order ε·|f|/h; h = 1e-6 balances the two for smooth f of moderate size.
It is the oracle minitorch uses, and the one to reach for when writing a new op.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.engine.value import Value, _as_float, no_grad

__all__ = ["central_difference", "gradcheck", "GradientMismatch"]


class GradientMismatch(AssertionError):
    """`backward()` and the central difference disagree beyond the tolerance."""


def central_difference(f: Callable[..., float], xs: Sequence[float], i: int, h: float = 1e-6) -> float:
    """(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for a function of plain floats."""
    if not 0 <= i < len(xs):
        raise ValueError(f"central_difference: argument index {i} out of range for {len(xs)} arguments")
    if not h > 0.0:
        raise ValueError(f"central_difference: h must be positive, got {h!r}")
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2.0 * h)


def gradcheck(
    f: Callable[..., Value],
    xs: Sequence[float],
    *,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> list[float]:
    """Check `backward()` on f(*xs) against central differences; return the gradients.

    `f` takes Values and returns a Value (e.g. `lambda w, x: (w * x).tanh()`). Each
    gradient must satisfy |analytic − numeric| ≤ max(rtol·max(|analytic|, |numeric|), atol)
    (`math.isclose`); otherwise `GradientMismatch` names the argument and both numbers.
    """
    xs = [_as_float(x, "gradcheck") for x in xs]
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()

    def f_of_floats(*args: float) -> float:
        with no_grad():
            return f(*(Value(a) for a in args)).data

    for i, leaf in enumerate(leaves):
        numeric = central_difference(f_of_floats, xs, i, h)
        if not math.isclose(leaf.grad, numeric, rel_tol=rtol, abs_tol=atol):
            raise GradientMismatch(
                f"gradcheck: argument {i} (x = {xs[i]!r}): backward() gives {leaf.grad!r}, "
                f"the central difference {numeric!r} (rtol={rtol}, atol={atol}, h={h})"
            )
    return [leaf.grad for leaf in leaves]
