"""JSON that every parser reads: the one way stepgrad writes NaN and the infinities.

JSON has no NaN or Infinity. Python's `json` writes them as bare `NaN` and `Infinity`, which
strict parsers refuse (JavaScript's `JSON.parse`, jq, Go, Rust...). Arithmetic can overflow
(`x*1e308*10` is inf, and inf times 0 is nan), so every JSON stepgrad writes encodes a number
that is not finite as a string, as Protocol Buffers' JSON mapping does:

    float("inf") → "Infinity"     float("-inf") → "-Infinity"     float("nan") → "NaN"

Finite numbers stay JSON numbers. A reader turns the strings back with `float(s)` in Python
or `Number(s)` in JavaScript. The JSON Schemas under docs/schemas/ say where they may appear.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["NON_FINITE", "encoded", "dumps"]

#: Each non-finite number's string, as written.
NON_FINITE = ("Infinity", "-Infinity", "NaN")


def encoded(data: Any) -> Any:
    """`data` with every float that is not finite replaced by its string (in dicts, lists, tuples)."""
    if isinstance(data, float):
        if math.isfinite(data):
            return data
        return "NaN" if math.isnan(data) else ("Infinity" if data > 0 else "-Infinity")
    if isinstance(data, dict):
        return {key: encoded(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [encoded(item) for item in data]
    return data


def dumps(data: Any, **options: Any) -> str:
    """`json.dumps(data, **options)` with non-finite numbers `encoded`: strict JSON, always."""
    return json.dumps(encoded(data), allow_nan=False, **options)
