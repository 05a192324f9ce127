"""The messages between the grader and a submission's process: one JSON object per line.

The grader asks one question at a time and waits for its answer:

    {"id": 1, "ask": "hello"}                                        → {"id": 1, "ok": true}
    {"id": 2, "ask": "load", "path": "/abs/ada.py", "name": "Value",
     "shown": "ada.py"}                                              → {"id": 2, "ok": true}
    {"id": 3, "ask": "methods", "names": ["__add__", "tanh"]}        → {"id": 3, "methods": ["__add__"]}
    {"id": 4, "ask": "build", "program": "mul", "args": [2.0, 3.0]}  → {"id": 4, "value": 6.0}
    {"id": 5, "ask": "backward"}                                     → {"id": 5, "grads": [3.0, 2.0]}
    any question, when the engine raised                             → {"id": n, "error":
                                                {"type": "TypeError", "message": "..."}}

The answers are raw results (numbers, names, exceptions), never verdicts: the grader judges them.
An answer is data from a process the grader does not trust, so `read_reply` accepts a line only if
it is at most MAX_LINE bytes of strict JSON (no NaN or Infinity), one object with the id of the
question asked and exactly the keys of one kind of answer, each of the right type (finite numbers,
at most MAX_ITEMS of them; names; texts). Anything else raises ProtocolError. Texts are cleaned
(`clean_text`) on the way in, so nothing a submission writes reaches a report unfiltered.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

__all__ = ["MAX_LINE", "MAX_TEXT", "MAX_ITEMS", "ProtocolError", "request", "read_reply", "clean_text"]

MAX_LINE = 65_536  # bytes of one answer, newline included
MAX_TEXT = 300  # characters of one message kept in a report
MAX_ITEMS = 64  # numbers or names in one answer
MAX_PENDING = 64  # answers waiting to be read: more than that is a flood
#: The kinds of answer: the key besides "id", and what its value must be.
REPLY_KINDS = ("ok", "value", "grads", "methods", "error")
_ERROR_KEYS = {"type", "message"}
# ESC [ ... final byte (CSI: colours, cursor moves, clear screen); ESC ] ... BEL or ESC \ (OSC:
# titles, links); ESC and one more character (the rest).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?", re.DOTALL)


class ProtocolError(Exception):
    """An answer that is not one the grader asked for, in the form it asked for."""


def request(number: int, ask: str, **fields: Any) -> str:
    """One question as a line: `request(3, "build", program="mul", args=[2.0, 3.0])`."""
    return json.dumps({"id": number, "ask": ask, **fields}, allow_nan=False) + "\n"


def read_reply(line: bytes, number: int) -> tuple[str, Any]:
    """(kind, value) of the answer `line` to question `number`, or a ProtocolError saying why not."""
    if len(line) > MAX_LINE:
        raise ProtocolError(f"an answer of over {MAX_LINE:,} bytes")
    try:
        text = line.decode("utf-8")
        message = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # (UnicodeDecodeError is a ValueError)
        raise ProtocolError(f"a line that is not JSON: {clean_text(repr(line[:60]))}") from exc
    if not isinstance(message, dict):
        raise ProtocolError(f"a JSON {type(message).__name__}, not an object")
    if message.get("id") != number or isinstance(message.get("id"), bool):
        raise ProtocolError(f"an answer with id {clean_text(repr(message.get('id')))}, not {number}")
    kinds = set(message) - {"id"}
    if len(kinds) != 1 or not kinds <= set(REPLY_KINDS):
        keys = ", ".join(sorted(clean_text(str(k), 40) for k in kinds)) or "nothing"
        raise ProtocolError(f"an answer with the keys {keys}")
    (kind,) = kinds
    return kind, _check_value(kind, message[kind])


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number in strict JSON")


def _check_value(kind: str, value: Any) -> Any:
    """The answer's value, checked against its kind (and its texts cleaned)."""
    if kind == "ok" and value is True:
        return True
    if kind == "value" and _is_number(value):
        return float(value)
    if kind == "grads" and _is_list(value, _is_number):
        return [float(v) for v in value]
    if kind == "methods" and _is_list(value, lambda v: isinstance(v, str) and v.isidentifier()):
        return list(value)
    if (
        kind == "error"
        and isinstance(value, dict)
        and set(value) == _ERROR_KEYS
        and all(isinstance(text, str) for text in value.values())
    ):
        return {"type": clean_text(value["type"], 80), "message": clean_text(value["message"])}
    raise ProtocolError(f"a malformed {kind!r} answer")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) if isinstance(value, float) else abs(value) < 2**1000


def _is_list(value: Any, item: Any) -> bool:
    return isinstance(value, list) and len(value) <= MAX_ITEMS and all(item(v) for v in value)


def clean_text(text: str, limit: int = MAX_TEXT, *, lines: bool = False) -> str:
    """`text` made safe to print: terminal escape sequences and control characters removed
    (line breaks too, unless `lines`), cut to `limit` characters with '…'."""
    longer = len(text) > 8 * limit  # (a long text is cut before it is read through)
    text = _ESCAPES.sub("", text[: 8 * limit])
    kept = []
    for char in text:
        if char == "\n" and lines:
            kept.append(char)
        elif char in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            kept.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    cleaned = "".join(kept)
    return cleaned if len(cleaned) <= limit and not longer else cleaned[: limit - 1] + "…"
