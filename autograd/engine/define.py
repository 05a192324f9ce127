"""Ops of your own: `define_op` adds a row to the op table at run time.

    sin = define_op("sin", math.sin, lambda x, out: (cos(x),))     # d sin = cos
    cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))    # d cos = −sin
    fma = define_op("fma", lambda x, y, z: x * y + z, lambda x, y, z, out: (y, x, 1.0))

A row is what every built-in op is (`autograd.engine.ops`): a value rule on floats and, beside
it, the local derivatives ∂out/∂operandᵢ, for any fixed number of operands. The function
returned applies the op: to floats it gives a float, to Values a node of the graph, which
backward, replay, drawing, the stepper, `gradcheck` and `grad(..., create_graph=True)` handle
as any other. A node of one or two operands keeps them in its slots, as `x * y` does; a node of
three or more keeps tuples, as `Value.sum` does, and a plain number among its operands is a
constant: no edge. A local rule written with functions that accept floats or Values (those made
by `define_op`, and `exp`, `log`, `tanh`, `sigmoid`, `power` of `autograd.engine.ops`) can
itself be differentiated: second order.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from autograd.engine.ops import OPS, Op
from autograd.engine.value import (
    Value,
    _as_float,
    _binary,
    _constant_first,
    _constants_as_floats,
    _fused,
    _kept,
    _numbers_and_edges,
    _unary,
)

__all__ = ["define_op"]

_DEFINED: set[str] = set()  # the names of the ops define_op added


def define_op(
    name: str,
    value: Callable[..., float],
    local: Callable[..., Any],
    *,
    operands: int | None = None,
    replace: bool = False,
) -> Callable[..., Any]:
    """Add the op `name` to the op table; returns the function that applies it.

    value:    out = value(x₀, …, xₙ₋₁), on floats: n ≥ 1 operands (`value(x)`, `value(x, y, z)`).
    local:    local(x₀, …, xₙ₋₁, out) → (∂out/∂x₀, …, ∂out/∂xₙ₋₁): one local derivative per
              operand, in order, from the operands and the result.
    operands: n. Read from the rules' signatures where they fix it (value takes n arguments,
              local n + 1); needed where they leave it open (rules taking `*args`).
    replace:  True to define again an op of your own (a notebook cell run twice); nodes made
              before keep the rules they were made with. Built-in ops are never replaced.

    Refused with a message naming the op: a name that is not an identifier or is taken
    already, rules that are not callables or take the wrong number of arguments, rules whose
    number of operands is not fixed without `operands`; when the op is applied, a wrong number
    of operands, a result or local derivative that is not a finite number, or a wrong number
    of local derivatives.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"define_op: the name must be an identifier such as 'sin', got {name!r}")
    if name in OPS and not (replace and name in _DEFINED):
        built_in = "" if name in _DEFINED else "a built-in op, "
        raise ValueError(
            f"define_op: an op named {name!r} exists already ({built_in}a row of autograd.engine.ops.OPS)"
            + ("; replace=True defines it again" if name in _DEFINED else "")
        )
    for what, rule in (("value", value), ("local", local)):
        if not callable(rule):
            raise TypeError(
                f"define_op {name!r}: {what} must be a function, got {type(rule).__name__} {rule!r}"
            )
    arity = _operand_count(name, value, local, operands)
    row = Op(name, name, "call", arity, _checked_value(name, value), _checked_local(name, local, arity))
    OPS[name] = row
    _DEFINED.add(name)

    def apply(*xs: Value | float) -> Value | float:
        if len(xs) != arity:
            raise TypeError(f"{name}() takes {arity} operand{'s' if arity > 1 else ''}, got {len(xs)}")
        if not any(isinstance(x, Value) for x in xs):
            return row.value(*(_as_float(x, name) for x in xs))
        if arity == 1:
            return _unary(row, xs[0])
        if arity == 2:
            x, y = xs
            return _binary(row, x, y) if isinstance(x, Value) else _constant_first(row, x, y)
        return _fused_node(row, xs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (made by define_op): a float for floats, a node for Values."
    return apply


def _operand_count(
    name: str, value: Callable[..., float], local: Callable[..., Any], operands: int | None
) -> int:
    """n ≥ 1, the number of operands: `operands` if given, else the one n the rules' signatures
    allow (value taking n positional arguments, local n + 1: the operands and then out)."""
    value_takes = _positional_arguments(name, "value", value)
    local_takes = _positional_arguments(name, "local", local)
    if operands is not None:
        if not isinstance(operands, int) or isinstance(operands, bool):
            raise TypeError(f"define_op {name!r}: operands must be an int, got {type(operands).__name__}")
        if operands < 1:
            raise ValueError(f"define_op {name!r}: operands must be at least 1, got {operands}")
        fewest = most = operands
    else:
        fewest, most = 1, math.inf
    if max(fewest, value_takes[0]) > min(most, value_takes[1]):
        raise ValueError(
            f"define_op {name!r}: the value rule must take the operands ({_count(fewest, most)}); "
            f"it takes {_count(*value_takes)} arguments"
        )
    fewest, most = max(fewest, value_takes[0]), min(most, value_takes[1])
    if max(fewest, local_takes[0] - 1) > min(most, local_takes[1] - 1):
        arguments = f"{fewest + 1} arguments" if fewest == most else "one argument more than the value rule"
        raise ValueError(
            f"define_op {name!r}: the local rule must take {arguments} (the operands and then out)"
        )
    fewest, most = max(fewest, local_takes[0] - 1), min(most, local_takes[1] - 1)
    if fewest < most:
        raise ValueError(
            f"define_op {name!r}: the rules take {_count(fewest, most)} operands (*args or defaults); "
            "say how many with operands=n"
        )
    return fewest


def _positional_arguments(name: str, what: str, rule: Callable[..., Any]) -> tuple[int, float]:
    """(fewest, most): how many positional arguments `rule` can be called with; most is ∞ for a
    rule taking *args, or a builtin without a signature (such as math.log), which is trusted."""
    try:
        parameters = inspect.signature(rule).parameters.values()
    except ValueError:
        return 0, math.inf
    for p in parameters:
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            raise ValueError(
                f"define_op {name!r}: the {what} rule needs the keyword argument {p.name!r}; "
                "it is called with the operands (and out) only"
            )
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    fewest = sum(p.default is p.empty for p in positional)
    return fewest, math.inf if any(p.kind is p.VAR_POSITIONAL for p in parameters) else len(positional)


def _count(fewest: float, most: float) -> str:
    """How many, in words: (2, 2) → '2', (1, 3) → '1 to 3', (1, ∞) → '1 or more'."""
    if fewest == most:
        return f"{fewest}"
    return f"{fewest} or more" if most == math.inf else f"{fewest} to {most}"


def _fused_node(row: Op, operands: tuple[Value | float, ...]) -> Value:
    """out = op(x₀, …, xₙ₋₁) as one node keeping tuples, as `Value.sum` makes: an edge and a
    local derivative for each Value operand; a plain number is a constant (no edge)."""
    numbers, edges = _numbers_and_edges(operands, row.name)
    out = row.value(*numbers)
    local_grads = row.local(*numbers, out)
    stored = operands if edges is None else tuple(_constants_as_floats(operands, numbers))
    return _fused(row, out, tuple(_kept(operands, edges)), tuple(_kept(local_grads, edges)), stored)


def _where(operands: tuple[Any, ...]) -> str:
    return ", ".join(f"x{i} = {o!r}" for i, o in enumerate(operands))


def _checked_value(name: str, value: Callable[..., float]) -> Callable[..., float]:
    """The value rule, its result checked: a finite float."""

    def checked(*operands: float) -> float:
        out = value(*operands)
        if not isinstance(out, (int, float)) or isinstance(out, bool):
            raise TypeError(f"{name}: the value rule gave {type(out).__name__} {out!r}, not a number")
        if not math.isfinite(out):
            raise ValueError(f"{name}: the value rule gave {out} at {_where(operands)}, not a finite number")
        return float(out)

    return checked


def _checked_local(name: str, local: Callable[..., Any], arity: int) -> Callable[..., tuple[Any, ...]]:
    """The local rule, its result checked: one local derivative per operand (finite, on floats)."""

    def checked(*operands_and_out: Any) -> tuple[Any, ...]:
        derivatives = local(*operands_and_out)
        if not isinstance(derivatives, (tuple, list)) or len(derivatives) != arity:
            count = len(derivatives) if isinstance(derivatives, (tuple, list)) else "not a tuple"
            raise ValueError(
                f"{name}: the local rule must give {arity} local derivative{'s' if arity > 1 else ''} "
                f"(a tuple, one per operand), got {count}: {derivatives!r}"
            )
        if any(isinstance(o, Value) for o in operands_and_out):  # grad(..., create_graph=True)
            return tuple(derivatives)
        checked_derivatives = []
        for i, d in enumerate(derivatives):
            if not isinstance(d, (int, float)) or isinstance(d, bool) or not math.isfinite(d):
                raise ValueError(
                    f"{name}: local derivative {i} is {d!r} at {_where(operands_and_out[:-1])}, "
                    "not a finite number"
                )
            checked_derivatives.append(float(d))
        return tuple(checked_derivatives)

    return checked
