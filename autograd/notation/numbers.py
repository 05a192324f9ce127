"""Numbers as written and read: six significant digits out, a finite float in."""

from __future__ import annotations

import functools
import math

__all__ = ["format_number", "parse_number"]


@functools.lru_cache(maxsize=1 << 16, typed=True)  # a trace writes each number several times
def format_number(x: float) -> str:
    """Six significant digits, always showing that it is a float: 1.0, 0.880797, 1e-08.

    −0.0 is written 0.0 (a zero contribution has no sign worth showing: `+ 0.0`, not `+ −0.0`).
    """
    text = format(x, "z.6g")  # 'z': negative zero is written as zero
    if not any(c in text for c in ".en"):  # 'n': inf and nan
        text += ".0"
    return text


def parse_number(text: str) -> float:
    """A finite float from text as typed ('2', '-0.5', '1e-3'); ValueError naming the text otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value
