"""The positive-integer check that autograd, nn, the command line and the benchmarks share, with
its one message form.

    check_positive_int(0, "nin")                        ValueError: nin: expected a positive integer, got 0
    check_positive_int(0, "draw: max_nodes", or_none=True)  ... expected a positive integer or None, got 0
    check_positive_int(5000, maximum=4096)              expected a positive integer up to 4096, got 5000

Booleans are refused although `True == 1`. Without `what` the message has no prefix (argparse
puts the option's name in front of it). It lives here, at the bottom of the layers, because
autograd cannot import nn; `nn.checks` re-exports it under its old name.
"""

from __future__ import annotations

__all__ = ["check_positive_int"]


def check_positive_int(
    value: object, what: str | None = None, *, maximum: int | None = None, or_none: bool = False
) -> int:
    """`value` if it is an int n with 1 ≤ n (≤ maximum), else a ValueError in the form above."""
    if or_none and value is None:
        return value  # type: ignore[return-value]
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and value >= 1 and (maximum is None or value <= maximum):
        return value
    bound = "" if maximum is None else f" up to {maximum}"
    alternative = " or None" if or_none else ""
    prefix = "" if what is None else f"{what}: "
    raise ValueError(f"{prefix}expected a positive integer{bound}{alternative}, got {value!r}")
