"""An expression typed on the command line (`stepgrad grad`, `stepgrad quiz`), with a value
per variable: its graph, or a UsageError that says what is wrong and points at where."""

from __future__ import annotations

from collections.abc import Sequence

from autograd.engine.value import Value
from autograd.teaching.expr import ExpressionError, evaluate, parse, parse_assignments
from stepgrad.verb import UsageError

__all__ = ["expression_graph", "pointing"]


def expression_graph(text: str, assignments: Sequence[str]) -> tuple[Value, dict[str, float]]:
    """The graph of `text` at the values of `assignments` ('w=2', ...), and those values.

    The root is labelled f (out when a variable is called f), unless it is a variable itself.
    Raises UsageError for a refused expression, bad assignments or a domain error (log(0)).
    """
    try:
        expression = parse(text)
    except ExpressionError as exc:
        raise UsageError(pointing(text, exc)) from None
    try:
        values = parse_assignments(assignments)
        root = evaluate(expression, values)
    except ExpressionError as exc:
        raise UsageError(str(exc)) from None
    except (ArithmeticError, ValueError) as exc:  # DomainError is a ValueError
        raise UsageError(f"cannot evaluate {text!r}: {exc}") from None
    if not root.is_leaf:
        root.label = "out" if "f" in values else "f"
    return root, values


def pointing(text: str, error: ExpressionError) -> str:
    """The error, then the expression with a caret under the offending column."""
    if error.column is None:
        return str(error)
    return f"{error}\n    {text.strip()}\n    {' ' * (error.column - 1)}^"
