"""Ops of your own: `define_op` adds a row to the op table at run time.

    sin = define_op("sin", math.sin, lambda x, out: (cos(x),))     # d sin = cos
    cos = define_op("cos", math.cos, lambda x, out: (-sin(x),))    # d cos = −sin

A row is what every built-in op is (`autograd.engine.ops`): a value rule on floats and, beside
it, the local derivatives ∂out/∂operandᵢ. The function returned applies the op: to floats it
gives a float, to a Value a node of the graph, which backward, replay, drawing, the stepper,
`gradcheck` and `grad(..., create_graph=True)` handle as any other. A local rule written with
functions that accept floats or Values (those made by `define_op`, and `exp`, `log`, `tanh`,
`sigmoid`, `power` of `autograd.engine.ops`) can itself be differentiated: second order.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from autograd.engine.ops import OPS, Op
from autograd.engine.value import Value, _as_float, _binary, _constant_first, _unary

__all__ = ["define_op"]

_DEFINED: set[str] = set()  # the names of the ops define_op added


def define_op(
    name: str, value: Callable[..., float], local: Callable[..., Any], *, replace: bool = False
) -> Callable[..., Any]:
    """Add the op `name` to the op table; returns the function that applies it.

    value:   out = value(x) or value(x, y), on floats (one or two operands).
    local:   local(x, out) → (∂out/∂x,), or local(x, y, out) → (∂out/∂x, ∂out/∂y): one local
             derivative per operand, in order, from the operands and the result.
    replace: True to define again an op of your own (a notebook cell run twice); nodes made
             before keep the rules they were made with. Built-in ops are never replaced.

    Refused with a message naming the op: a name that is not an identifier or is taken
    already, rules that are not callables or take the wrong number of arguments; when the op
    is applied, a result or local derivative that is not a finite number, or a wrong number
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
    arity = _operand_count(name, value, local)
    row = Op(name, name, "call", arity, _checked_value(name, value), _checked_local(name, local, arity))
    OPS[name] = row
    _DEFINED.add(name)

    def apply(*operands: Value | float) -> Value | float:
        if len(operands) != arity:
            raise TypeError(f"{name}() takes {arity} operand{'s' if arity > 1 else ''}, got {len(operands)}")
        if not any(isinstance(o, Value) for o in operands):
            return row.value(*(_as_float(o, name) for o in operands))
        if arity == 1:
            return _unary(row, operands[0])
        x, y = operands
        return _binary(row, x, y) if isinstance(x, Value) else _constant_first(row, x, y)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (made by define_op): a float for floats, a node for Values."
    return apply


def _operand_count(name: str, value: Callable[..., float], local: Callable[..., Any]) -> int:
    """1 or 2: how many operands the rules take (value: the operands; local: them and out)."""
    fits = [n for n in (1, 2) if _takes(value, n)]
    if not fits:
        raise ValueError(f"define_op {name!r}: the value rule must take one or two operands (x) or (x, y)")
    for n in fits:
        if _takes(local, n + 1):
            return n
    raise ValueError(
        f"define_op {name!r}: the local rule must take {fits[0] + 1} arguments (the operands and then out)"
    )


def _takes(rule: Callable[..., Any], count: int) -> bool:
    """Whether `rule` can be called with `count` positional arguments (a builtin without a
    signature, such as math.sin, is trusted)."""
    try:
        inspect.signature(rule).bind(*range(count))
    except TypeError:
        return False
    except ValueError:
        return True
    return True


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
