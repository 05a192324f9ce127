"""The code that runs next to a submission: it loads the engine and answers the grader's questions.

`load_engine(path, name)` imports a class from a file by its path (running the file's code, as any
import does). `Answerer(cls).answer(question)` runs one question on it (`checks.build`, then
`backward()`) and returns raw results: numbers, method names or the exception raised. It judges
nothing: the grader compares the answers with its own in its own process, so whatever the
submission changes here (math.isclose, this module) cannot change a verdict.

`main()` is the submission's process (`isolation` starts it): questions arrive on one pipe and
answers leave on another, one JSON line each (`protocol`); the file's own prints go to its standard
output and error, which the grader keeps apart.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
import math
import os
import signal
import stat
import sys
import traceback
from pathlib import Path
from typing import Any

from autograd.teaching.grader.checks import build
from autograd.teaching.grader.protocol import MAX_TEXT

__all__ = ["EngineLoadError", "load_engine", "path_problem", "Answerer", "main"]

_module_names = itertools.count(1)


class EngineLoadError(Exception):
    """The file could not be imported, or has no such class."""


def path_problem(path: str | Path) -> str:
    """What keeps `path` from being a submission ('…: no such file'), or '' when it is a file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return f"{path}: no such file"
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return f"{path}: a folder, not a file (check_engine_files grades the .py files in a folder)"
    if not stat.S_ISREG(mode):
        return f"{path}: not a regular file"
    return ""


def load_engine(path: str | Path, name: str = "Value", *, shown: str = "") -> type:
    """Import `path` as a module (running its code) and return its class `name`.

    The module is registered as `stepgrad_checked_engine_N`, never under a name that could
    shadow another module; nothing else is imported and sys.path is not changed. Errors name
    the file as `shown` (default: `path`).
    """
    file = Path(path)
    problem = path_problem(file)
    if problem:
        raise EngineLoadError(problem)
    label = shown or str(file)
    module_name = f"stepgrad_checked_engine_{next(_module_names)}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise EngineLoadError(f"{label}: not a Python file (it should end in .py)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # (dataclasses and pickling in the file look it up)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        raise EngineLoadError(f"importing {label} raised {_where(exc, file)}") from None
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        classes = sorted(
            k for k, v in vars(module).items() if isinstance(v, type) and v.__module__ == module_name
        )
        found = f"; it defines {', '.join(classes)}" if classes else ""
        raise EngineLoadError(f"{label} has no class {name!r}{found} (name it as FILE:CLASS)")
    return cls


def _where(exc: BaseException, file: Path) -> str:
    """'ZeroDivisionError: division by zero (line 12)': the error and its line in `file`."""
    text = _error_text(exc)
    if isinstance(exc, SyntaxError):
        return f"{text} (line {exc.lineno})"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == file]
    return f"{text} (line {lines[-1]})" if lines else text


def _error_text(exc: BaseException) -> str:
    """'TypeError: message', the message cut to a readable length before anything else reads it."""
    try:
        message = str(exc)
    except Exception:  # a __str__ that raises
        message = "(its message could not be read)"
    if isinstance(exc, SyntaxError):
        message = exc.msg or message
    cut = message if len(message) <= MAX_TEXT else message[: MAX_TEXT - 1] + "…"
    return f"{type(exc).__name__}: {cut}" if cut else type(exc).__name__


def _error(exc: BaseException) -> dict[str, Any]:
    """The answer for an exception: its type and message (cut), never its traceback."""
    message = _error_text(exc).partition(": ")[2]
    return {"error": {"type": type(exc).__name__[:80], "message": message}}


def _number(x: Any, what: str) -> float:
    """A student's .data or .grad as a float (ints and numpy scalars are fine)."""
    try:
        value = float(x)
    except Exception as exc:
        raise ValueError(f"{what} is not a number ({_error_text(exc)})") from None
    if not math.isfinite(value):
        raise ValueError(f"{what} is not finite: {value!r}")
    return value


class Answerer:
    """Answers the grader's questions on the class `cls`, keeping the last graph built."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.leaves: list[Any] = []
        self.out: Any = None

    def answer(self, question: dict[str, Any]) -> dict[str, Any]:
        """The raw answer to one question (`protocol`'s forms, without the id)."""
        ask = question["ask"]
        if ask == "methods":
            return {"methods": [name for name in question["names"] if hasattr(self.cls, name)]}
        try:
            if ask == "build":
                self.leaves, self.out = [], None
                self.leaves, self.out = build(self.cls, question["program"], question["args"])
            elif ask == "backward":
                self.out.backward()
                return {"grads": [_number(leaf.grad, "a leaf's .grad") for leaf in self.leaves]}
            else:
                raise ValueError(f"no such question: {ask!r}")
        except Exception as exc:
            return _error(exc)
        try:  # (a result without a number is a ValueError, not an op the class lacks)
            data = self.out.data
        except Exception as exc:
            return _error(ValueError(f"the result has no .data ({_error_text(exc)})"))
        try:
            return {"value": _number(data, "the result's .data")}
        except ValueError as exc:
            return _error(exc)


def main() -> None:
    """The submission's process: `python -c ... QUESTIONS_FD ANSWERS_FD` (see `isolation`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's: it stops this process
    questions = os.fdopen(int(sys.argv[1]), "r", encoding="utf-8")
    answers = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):  # (what it prints reaches the grader before it is stopped)
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    answerer: Answerer | None = None
    for line in questions:
        question = json.loads(line)
        if question["ask"] == "hello":
            reply = {"ok": True}
        elif question["ask"] == "load":
            try:
                answerer = Answerer(load_engine(question["path"], question["name"], shown=question["shown"]))
                reply: dict[str, Any] = {"ok": True}
            except EngineLoadError as exc:
                reply = {"error": {"type": "EngineLoadError", "message": str(exc)}}
        elif answerer is None:
            reply = {"error": {"type": "RuntimeError", "message": "no engine loaded"}}
        else:
            reply = answerer.answer(question)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # (the file may have replaced or closed them)
                stream.flush()
        answers.write(json.dumps({"id": question["id"], **reply}) + "\n")
        answers.flush()
