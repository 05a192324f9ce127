"""Grading a home-made micrograd against oracles (what `stepgrad check-engine` runs).

The classic exercise is to write one's own scalar autodiff engine: a `Value` class
with `data`, `grad`, operators and `backward()`. `check_engine(cls)` runs a battery
against oracles that do not depend on our engine:

    ops         every op's value (against `math`) and local derivatives (against central
                differences, `autograd.engine.check.central_difference`) at several points;
    graphs      reused nodes (a + a; b = a + a, c = b + b; a * a; a − a) and a diamond,
                against closed forms;
    constants   numbers on either side: 2 + x, x + 2, 2 * x, 1 − x, x / 2, 2 / x, 2 ** x;
    lecture     the lecture's tanh neuron (x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8814:
                o = 0.7071, ∂o/∂x1 = −1.5, ∂o/∂w1 = 1, ∂o/∂x2 = 0.5, ∂o/∂w2 = 0).

An op the class does not have (no method, or the operator raises TypeError,
AssertionError or NotImplementedError) is skipped and listed, not failed; only x + y
and x * y are required. Two behaviours are reported as notes, not failures: how long a
chain backward() gets through before a RecursionError, and what a second backward()
does (PyTorch doubles the leaf gradients). The report names each op whose value or
local derivative is wrong.

`load_engine(path, name)` imports the class from a file by its path. That runs the
file's code, as any import does: grade only files you would run. Nothing else is
imported on the file's behalf (no sys.path change, no other module).

`check_engine_file(path, name, timeout=10.0)` (what the command runs) does both in a child
process, so that an engine whose `backward()` loops forever cannot hang the grading: each
step (importing the file, building a graph, one `backward()`) has `timeout` seconds, and
the report names the step that did not finish.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from autograd.engine.check import central_difference
from autograd.notation.numbers import format_number

__all__ = [
    "JSON_SCHEMA",
    "EngineLoadError",
    "load_engine",
    "check_engine",
    "check_engine_file",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "Result",
    "Report",
    "OPS",
    "GRAPHS",
]

JSON_SCHEMA = "stepgrad.check-engine/1"
VALUE_RTOL, VALUE_ATOL = 1e-9, 1e-12  # a value is computed with the same floats as math's
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8  # central differences (h = 1e-6) are good to ~1e-9 here
CHAIN_LENGTHS = (1_000, 10_000, 100_000)
DEFAULT_TIMEOUT = 10.0  # seconds one step of a check may take in check_engine_file
MAX_TIMEOUT = 3600.0
STARTUP_TIMEOUT = 60.0  # seconds the child process may take to start, before the file is imported
_UNSUPPORTED = (TypeError, AssertionError, NotImplementedError, AttributeError)
_module_names = itertools.count(1)


class EngineLoadError(Exception):
    """The file could not be imported, or has no such class."""


def load_engine(path: str | Path, name: str = "Value") -> type:
    """Import `path` as a module (running its code) and return its class `name`.

    The module is registered as `stepgrad_checked_engine_N`, never under a name that could
    shadow another module; nothing else is imported and sys.path is not changed.
    """
    file = Path(path)
    if not file.is_file():
        raise EngineLoadError(f"{file}: no such file")
    module_name = f"stepgrad_checked_engine_{next(_module_names)}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise EngineLoadError(f"{file}: not a Python file (it should end in .py)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # (dataclasses and pickling in the file look it up)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[module_name]
        raise EngineLoadError(f"importing {file} raised {_where(exc, file)}") from None
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        classes = sorted(
            k for k, v in vars(module).items() if isinstance(v, type) and v.__module__ == module_name
        )
        found = f"; it defines {', '.join(classes)}" if classes else ""
        raise EngineLoadError(f"{file} has no class {name!r}{found} (name it as FILE:CLASS)")
    return cls


def _where(exc: BaseException, file: Path) -> str:
    """'ZeroDivisionError: division by zero (line 12)': the error and its line in `file`."""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
    if isinstance(exc, SyntaxError):
        return f"{text} (line {exc.lineno})"
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == file]
    return f"{text} (line {lines[-1]})" if lines else text


# ---- the ops ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpCheck:
    """One op: how to apply it to Values, the same function of floats, and where to test it.

    `points` are the arguments; the first `values` of them become Values, the rest stay
    numbers (an exponent, a constant). `method` must exist on the class for the op to be tried.
    """

    name: str
    text: str
    group: str
    apply: Callable[..., Any]
    f: Callable[..., float]
    points: tuple[tuple[float, ...], ...]
    values: int = 1
    method: str = ""
    required: bool = False


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


_SIDES = ((0.5,), (-1.5,), (3.0,))
OPS: tuple[OpCheck, ...] = (
    OpCheck("add", "x + y", "ops", lambda x, y: x + y, lambda x, y: x + y,
            ((2.0, 3.0), (-1.5, 0.5), (0.3, -2.25)), 2, "__add__", required=True),
    OpCheck("mul", "x * y", "ops", lambda x, y: x * y, lambda x, y: x * y,
            ((2.0, 3.0), (-1.5, 0.5), (0.3, -2.25)), 2, "__mul__", required=True),
    OpCheck("sub", "x - y", "ops", lambda x, y: x - y, lambda x, y: x - y,
            ((2.0, 3.0), (-1.5, 0.5)), 2, "__sub__"),
    OpCheck("div", "x / y", "ops", lambda x, y: x / y, lambda x, y: x / y,
            ((2.0, 4.0), (-1.5, 0.5), (3.0, -1.25)), 2, "__truediv__"),
    OpCheck("neg", "-x", "ops", lambda x: -x, lambda x: -x, ((2.0,), (-0.7,)), 1, "__neg__"),
    OpCheck("pow", "x ** n", "ops", lambda x, n: x**n, lambda x, n: x**n,
            ((2.0, 2.0), (-1.5, 2.0), (1.5, 3.0), (2.0, -1.0), (4.0, 0.5)), 1, "__pow__"),
    OpCheck("relu", "x.relu()", "ops", lambda x: x.relu(), lambda x: max(0.0, x),
            ((-1.5,), (0.7,), (2.0,)), 1, "relu"),
    OpCheck("tanh", "x.tanh()", "ops", lambda x: x.tanh(), math.tanh, ((0.5,), (-1.2,), (2.0,)), 1, "tanh"),
    OpCheck("exp", "x.exp()", "ops", lambda x: x.exp(), math.exp, ((0.5,), (-1.2,), (2.0,)), 1, "exp"),
    OpCheck("log", "x.log()", "ops", lambda x: x.log(), math.log, ((0.5,), (2.0,), (3.5,)), 1, "log"),
    OpCheck("sigmoid", "x.sigmoid()", "ops", lambda x: x.sigmoid(), _sigmoid,
            ((0.5,), (-1.2,), (2.0,)), 1, "sigmoid"),
    OpCheck("powv", "x ** y (both Values)", "ops", lambda x, y: x**y, lambda x, y: x**y,
            ((2.0, 3.0), (0.5, -1.5)), 2, "__pow__"),
    OpCheck("radd", "2 + x", "constants", lambda x: 2 + x, lambda x: 2 + x, _SIDES, 1, "__radd__"),
    OpCheck("add_number", "x + 2", "constants", lambda x: x + 2, lambda x: x + 2, _SIDES, 1, "__add__"),
    OpCheck("rmul", "2 * x", "constants", lambda x: 2 * x, lambda x: 2 * x, _SIDES, 1, "__rmul__"),
    OpCheck("mul_number", "x * 2", "constants", lambda x: x * 2, lambda x: x * 2, _SIDES, 1, "__mul__"),
    OpCheck("rsub", "1 - x", "constants", lambda x: 1 - x, lambda x: 1 - x, _SIDES, 1, "__rsub__"),
    OpCheck("sub_number", "x - 1", "constants", lambda x: x - 1, lambda x: x - 1, _SIDES, 1, "__sub__"),
    OpCheck("div_number", "x / 2", "constants", lambda x: x / 2, lambda x: x / 2, _SIDES, 1, "__truediv__"),
    OpCheck("rdiv", "2 / x", "constants", lambda x: 2 / x, lambda x: 2 / x, _SIDES, 1, "__rtruediv__"),
    OpCheck("rpow", "2 ** x", "constants", lambda x: 2**x, lambda x: 2**x, _SIDES, 1, "__rpow__"),
)  # fmt: skip


# ---- results -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    """The outcome of one check: 'pass', 'fail' or 'skip', with the failing case if any."""

    check: str  # what was checked: 'x * y', 'b = a + a; c = b + b'
    group: str  # 'ops', 'constants', 'graphs', 'lecture'
    status: str
    op: str = ""  # the op's name for op checks ('mul')
    case: str = ""  # the failing case: '∂(x * y)/∂x at x = 2.0, y = 3.0'
    expected: float | None = None
    actual: float | None = None
    message: str = ""  # why it failed or was skipped
    wrong: str = ""  # 'value' or 'local derivative' when an op check fails on one of them


_WRONG = ("local derivative", "value")


@dataclass(frozen=True)
class Report:
    """Every check's result and the notes, for one engine.

    `stopped` says which step did not finish when `check_engine_file` had to stop the checks
    early (its check is the last result, failed); `not_run` lists the checks after it.
    """

    engine: str
    results: tuple[Result, ...]
    notes: dict[str, str] = field(default_factory=dict)
    stopped: str = ""
    not_run: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no check failed (skipped ones do not count)."""
        return all(r.status != "fail" for r in self.results)

    @property
    def skipped(self) -> list[str]:
        """The checks that were skipped (the engine lacks the op they need)."""
        return [r.check for r in self.results if r.status == "skip"]

    def wrong(self, what: str) -> list[str]:
        """The ops whose 'value' or 'local derivative' check failed, in table order."""
        return [f"{r.check} ({r.op})" for r in self.results if r.status == "fail" and r.wrong == what]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (schema stepgrad.check-engine/1, README: Practice)."""
        return {
            "schema": JSON_SCHEMA,
            "engine": self.engine,
            "passed": self.passed,
            "checks": [asdict(r) for r in self.results],
            "skipped": self.skipped,
            "wrong_local_derivatives": self.wrong("local derivative"),
            "wrong_values": self.wrong("value"),
            "notes": dict(self.notes),
            "stopped": self.stopped,
            "not_run": list(self.not_run),
        }

    def table(self) -> str:
        """The report for the terminal: one row per check, then the summary and the notes."""
        rows = [("check", "result", "failing case", "expected", "actual")]
        for r in self.results:
            rows.append(
                (
                    r.check,
                    {"pass": "pass", "fail": "FAIL", "skip": "skip"}[r.status],
                    r.case or (r.message if r.status == "fail" else ""),
                    "" if r.expected is None else format_number(r.expected),
                    "" if r.actual is None else format_number(r.actual),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = [f"check-engine: {self.engine}", ""]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        summary = [f"Wrong {what}: {', '.join(self.wrong(what))}" for what in _WRONG if self.wrong(what)]
        summary += [
            f"{r.check}: {r.message}" for r in self.results if r.status == "fail" and r.case and not r.wrong
        ]
        if self.stopped:
            summary.append(f"Stopped: {self.stopped}")
        if self.not_run:
            summary.append(f"Not run: {', '.join(self.not_run)}")
        if self.skipped:
            summary.append(f"Skipped (not supported by this engine): {', '.join(self.skipped)}")
        lines += ["", *summary] if summary else []
        lines += ["", "Notes:"] + [f"  {name}: {text}" for name, text in self.notes.items()]
        checked = [r for r in self.results if r.status != "skip"]
        failures = sum(r.status == "fail" for r in checked)
        verdict = "PASSED" if self.passed else "FAILED"
        lines += ["", f"{verdict}: {len(checked) - failures} of {len(checked)} checks pass"]
        return "\n".join(lines)


@dataclass(frozen=True)
class Step:
    """A step of the battery that runs the engine's code, announced before it runs.

    If it never finishes, `check_engine_file` reports `action` with `hint`: "backward() on
    a * a did not finish within 10 s — does your topological sort mark visited nodes?".
    `check` is the check it belongs to (or the note: `group` 'notes'); `op` the op's name.
    """

    check: str
    group: str
    action: str  # 'backward() on x * y at x = 2.0, y = 3.0'
    hint: str
    op: str = ""

    def timed_out(self, seconds: float) -> str:
        """What to say when the step did not finish within `seconds`."""
        return f"{self.action} did not finish within {seconds:g} s — {self.hint}"


class Note(NamedTuple):
    """A behaviour the battery reports without grading it: its name and what was found."""

    name: str
    text: str


#: The notes, in the order the battery makes them (the one most likely to be slow last).
NOTES = ("second backward()", "recursion")
_BACKWARD_HINT = "does your topological sort mark visited nodes?"
_BUILD_HINT = "does the op's code loop?"
_IMPORT_HINT = 'does the file train or run a demo when imported? put that under `if __name__ == "__main__":`'


def _silent(step: Step) -> None:
    """`check_engine`'s announcer: in-process, nothing watches the steps."""


# ---- the battery -------------------------------------------------------------------------
def check_engine(cls: type, engine: str = "") -> Report:
    """Run every check on the Value class `cls`, in this process; `engine` names it in the report.

    Whatever the class raises is caught and reported with the check it broke; an engine that
    loops forever hangs the call (`check_engine_file` stops it after a timeout).
    """
    engine = engine or getattr(cls, "__qualname__", "Value")
    results: list[Result] = []
    notes: dict[str, str] = {}
    for item in _battery(cls, _silent):
        if isinstance(item, Note):
            notes[item.name] = item.text
        else:
            results.append(item)
    return Report(engine, tuple(results), notes)


def _battery(cls: type, announce: Callable[[Step], None]) -> Iterator[Result | Note]:
    """Every check's Result, then the notes, one at a time as they are made.

    `announce(step)` is called before each step that runs the engine's code.
    """
    announce(Step("Value(1.0)", "ops", "Value(1.0)", "does the class's __init__ loop?"))
    try:
        cls(1.0)
    except Exception as exc:
        yield Result("Value(1.0)", "ops", "fail", message=_raised(exc))
        yield from (Note(name, "not run: Value(1.0) failed") for name in NOTES)
        return
    failed_ops: dict[str, str] = {}  # op name -> its text, for the ops whose own check failed
    for op in OPS:
        result = _check_op(cls, op, announce)
        if result.status == "fail":
            failed_ops[op.name] = op.text
        yield result
    for graph in (*GRAPHS, _lecture_neuron(cls)):
        yield _check_graph(cls, graph, failed_ops, announce)
    yield Note("second backward()", _second_backward_note(cls, announce))
    yield Note("recursion", _recursion_note(cls, announce))


def _close(actual: float, expected: float, rtol: float, atol: float) -> bool:
    return math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol)


def _number(x: Any) -> float:
    """A student's .data or .grad as a float (ints and numpy scalars are fine)."""
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"not finite: {value!r}")
    return value


def _point_text(names: Sequence[str], point: Sequence[float]) -> str:
    return ", ".join(f"{n} = {format_number(v)}" for n, v in zip(names, point))


def _raised(exc: BaseException) -> str:
    return f"raised {type(exc).__name__}: {exc}"


def _check_op(cls: type, op: OpCheck, announce: Callable[[Step], None]) -> Result:
    """The op's value and its local derivative in each Value operand, at every point."""
    base = {"check": op.text, "group": op.group, "op": op.name}
    if not hasattr(cls, op.method):
        return _missing(op, base, f"the class has no {op.method}")
    names = ("x", "y") if op.values == 2 else ("x", "n")
    for k, point in enumerate(op.points):
        where = _point_text(names, point)
        announce(Step(op.text, op.group, f"{op.text} at {where}", _BUILD_HINT, op.name))
        try:
            leaves = [cls(v) for v in point[: op.values]]
            out = op.apply(*leaves, *point[op.values :])
        except Exception as exc:
            if k == 0 and isinstance(exc, _UNSUPPORTED):
                return _missing(op, base, f"{op.text} {_raised(exc)}")
            return Result(**base, status="fail", case=f"at {where}", message=_raised(exc))
        try:
            expected, actual = op.f(*point), _number(out.data)
            if not _close(actual, expected, VALUE_RTOL, VALUE_ATOL):
                case = f"{op.text} at {where}"
                return _wrong(base, case, expected, actual, "the value is wrong", "value")
            announce(Step(op.text, op.group, f"backward() on {op.text} at {where}", _BACKWARD_HINT, op.name))
            out.backward()
            for i, leaf in enumerate(leaves):
                slope, grad = central_difference(op.f, point, i), _number(leaf.grad)
                if not _close(grad, slope, GRAD_RTOL, GRAD_ATOL):
                    case = f"∂({op.text})/∂{names[i]} at {where}"
                    return _wrong(
                        base, case, slope, grad, "the local derivative is wrong", "local derivative"
                    )
        except Exception as exc:
            return Result(**base, status="fail", case=f"at {where}", message=_raised(exc))
    return Result(**base, status="pass")


def _wrong(
    base: dict[str, str], case: str, expected: float, actual: float, message: str, wrong: str = ""
) -> Result:
    return Result(
        **base, status="fail", case=case, expected=expected, actual=actual, message=message, wrong=wrong
    )


def _missing(op: OpCheck, base: dict[str, str], why: str) -> Result:
    if op.required:
        return Result(**base, status="fail", message=f"required op missing: {why}")
    return Result(**base, status="skip", message=why)


@dataclass(frozen=True)
class GraphCheck:
    """A graph with known answers: its leaves (names and values), how to build it from them,
    its value and each leaf's gradient, the ops it uses (names in OPS) and what a wrong
    gradient means when those ops pass their own checks."""

    text: str
    group: str
    names: tuple[str, ...]
    leaves: tuple[float, ...]
    build: Callable[..., Any]
    value: float
    grads: tuple[float, ...]
    ops: tuple[str, ...]
    why: str = "a node used twice must get the sum of its terms (+= in backward, not =)"


def _doubled(a: Any) -> Any:
    """a + a: one node used twice by one op."""
    return a + a


GRAPHS: tuple[GraphCheck, ...] = (
    GraphCheck("a + a", "graphs", ("a",), (3.0,), _doubled, 6.0, (2.0,), ("add",)),
    GraphCheck("b = a + a; c = b + b", "graphs", ("a",), (3.0,),
               lambda a: _doubled(_doubled(a)), 12.0, (4.0,), ("add",)),
    GraphCheck("a * a", "graphs", ("a",), (3.0,), lambda a: a * a, 9.0, (6.0,), ("mul",)),
    GraphCheck("a - a", "graphs", ("a",), (3.0,), lambda a: a - a, 0.0, (0.0,), ("sub",)),
    # b = a·x, c = a + y, d = b·c: ∂d/∂a = x·c + b = 9, ∂d/∂x = a·c = 2, ∂d/∂y = b = 6
    GraphCheck(
        "diamond: b = a * x; c = a + y; d = b * c", "graphs", ("a", "x", "y"), (2.0, 3.0, -1.0),
        lambda a, x, y: (a * x) * (a + y), 6.0, (9.0, 2.0, 6.0), ("mul", "add"),
    ),
)  # fmt: skip
LECTURE = "lecture's tanh neuron"
#: Every check's name, in the table's order.
CHECKS = (*(op.text for op in OPS), *(graph.text for graph in GRAPHS), LECTURE)


def _tanh(n: Any) -> Any:
    """n.tanh(), or, for an engine without it, tanh from exp() as in the lecture:
    e = exp(2n), tanh n = (e − 1)/(e + 1)."""
    if hasattr(n, "tanh"):
        return n.tanh()
    e = (2 * n).exp()
    return (e - 1) / (e + 1)


def _lecture_neuron(cls: type) -> GraphCheck:
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b); ∂o/∂wᵢ = xᵢ(1 − o²), ∂o/∂xᵢ = wᵢ(1 − o²).

    Its ops: * and +, and tanh, or for a class without it the ops `_tanh` builds it from.
    """
    x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    slope = 1.0 - o * o
    tanh_ops = ("tanh",) if hasattr(cls, "tanh") else ("rmul", "exp", "sub_number", "add_number", "div")
    return GraphCheck(
        LECTURE, "lecture", ("x1", "x2", "w1", "w2", "b"), (x1, x2, w1, w2, b),
        lambda x1, x2, w1, w2, b: _tanh(x1 * w1 + x2 * w2 + b), o,
        (w1 * slope, w2 * slope, x1 * slope, x2 * slope, slope), ("mul", "add", *tanh_ops),
        "the lecture prints o = 0.7071, ∂o/∂x1 = -1.5, ∂o/∂w1 = 1.0, ∂o/∂x2 = 0.5, ∂o/∂w2 = 0.0",
    )  # fmt: skip


def _check_graph(
    cls: type, graph: GraphCheck, failed_ops: dict[str, str], announce: Callable[[Step], None]
) -> Result:
    """Build the graph and compare its value and every leaf's gradient with the closed forms.

    A mismatch is blamed on the ops the graph uses whose own check failed (`failed_ops`: name ->
    text), if any; only when they all pass does it mean what `graph.why` says.
    """
    base = {"check": graph.text, "group": graph.group}
    blamed = [failed_ops[name] for name in graph.ops if name in failed_ops]
    fix = "fix it first" if len(blamed) == 1 else "fix them first"
    cause = f"it uses {' and '.join(blamed)}, which failed above: {fix}" if blamed else ""
    announce(Step(graph.text, graph.group, f"building {graph.text}", _BUILD_HINT))
    try:
        leaves = [cls(v) for v in graph.leaves]
        out = graph.build(*leaves)
    except _UNSUPPORTED as exc:
        return Result(**base, status="skip", message=f"needs an op the engine lacks ({_raised(exc)})")
    except Exception as exc:
        return Result(**base, status="fail", message=_raised(exc))
    try:
        actual = _number(out.data)
        if not _close(actual, graph.value, VALUE_RTOL, VALUE_ATOL):
            return _wrong(base, "value", graph.value, actual, cause or "the value is wrong")
        announce(Step(graph.text, graph.group, f"backward() on {graph.text}", _BACKWARD_HINT))
        out.backward()
        for name, leaf, expected in zip(graph.names, leaves, graph.grads):
            grad = _number(leaf.grad)
            if not _close(grad, expected, GRAD_RTOL, GRAD_ATOL):
                return _wrong(base, f"gradient of {name}", expected, grad, cause or graph.why)
    except Exception as exc:
        return Result(**base, status="fail", message=_raised(exc))
    return Result(**base, status="pass")


# ---- notes -----------------------------------------------------------------------------------
def _recursion_note(cls: type, announce: Callable[[Step], None]) -> str:
    """The longest chain backward() gets through: CHAIN_LENGTHS in turn, then, below the first
    that fails, a bisection (only under 10,000 ops, where it is cheap)."""
    reached = 0
    for length in CHAIN_LENGTHS:
        outcome = _chain(cls, length, reached, announce)
        if outcome == "RecursionError" and length <= 10_000:
            low, high = reached, length  # low works (or is 0), high fails
            while high - low > 1:
                middle = (low + high) // 2
                works = _chain(cls, middle, low, announce) is None
                low, high = (middle, high) if works else (low, middle)
            return (
                f"backward() gets through a chain of {low:,} ops, not {high:,}: RecursionError "
                f"(Python's recursion limit is {sys.getrecursionlimit():,}). A recursive topological "
                "sort fails on deep graphs; an iterative one (with a stack) does not"
            )
        if outcome is not None:
            return f"backward() gets through a chain of {reached:,} ops; {length:,} ops: {outcome}"
        reached = length
    return f"backward() gets through a chain of {reached:,} ops (no recursion limit met)"


def _chain(cls: type, length: int, reached: int, announce: Callable[[Step], None]) -> str | None:
    """Build v = 0 + s + s + ... (`length` additions) and backpropagate; None if that works,
    else the error's name (and message, unless it is a RecursionError). `reached`: the longest
    chain that worked so far, for the note if this one never finishes."""
    action = f"backward() gets through a chain of {reached:,} ops; a chain of {length:,} ops"
    slow = "is the topological sort quadratic (visited nodes kept in a list, not a set)?"
    announce(Step("recursion", "notes", action, slow))
    try:
        step, v = cls(1e-6), cls(0.0)
        for _ in range(length):
            v = v + step
        v.backward()
    except RecursionError:
        return "RecursionError"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _second_backward_note(cls: type, announce: Callable[[Step], None]) -> str:
    """What a second backward() (without zeroing) does, against PyTorch's semantics:
    leaf gradients accumulate, so they double; intermediate gradients start again from 0."""
    action = "backward() twice on out = (x*y + x)*y"
    announce(Step("second backward()", "notes", action, _BACKWARD_HINT))
    try:
        x, y = cls(2.0), cls(3.0)
        out = (x * y + x) * y  # ∂out/∂x = y(y + 1) = 12, ∂out/∂y = 2xy + x = 14
        out.backward()
        first = (_number(x.grad), _number(y.grad))
        out.backward()
        second = (_number(x.grad), _number(y.grad))
    except Exception as exc:
        return f"a second backward() raised {type(exc).__name__}: {exc}"
    doubled = tuple(2.0 * g for g in first)
    shown = f"x.grad {format_number(first[0])} → {format_number(second[0])}"
    if all(_close(a, b, 1e-12, 1e-12) for a, b in zip(second, doubled)):
        return f"leaf gradients doubled ({shown}), as in PyTorch: they accumulate until zeroed"
    if all(_close(a, b, 1e-12, 1e-12) for a, b in zip(second, first)):
        return (
            f"leaf gradients stayed as after one call ({shown}); PyTorch accumulates them (2× {first[0]:g})"
        )
    became, twice = (", ".join(map(format_number, pair)) for pair in (second, doubled))
    return (
        f"leaf gradients became {became} on out = (x*y + x)*y ({shown}); PyTorch gives twice the "
        f"first ({twice}): intermediate gradients were not reset, so they were pushed again"
    )


# ---- in a child process, with a timeout ------------------------------------------------------
# The child runs `_serve`: it imports the file and runs the battery, and sends each step before it
# runs and each result, as JSON lines on its standard output. The parent waits at most `timeout`
# seconds for each line; when one does not come, it stops the child and reports the last step.
_CHILD = (
    "import sys; sys.path[:] = sys.argv[3:]; "
    "from autograd.teaching.grader import _serve; _serve(*sys.argv[1:3])"
)
_NOT_RUN = "not run: the checks stopped before it"


def check_engine_file(
    path: str | Path, name: str = "Value", *, timeout: float = DEFAULT_TIMEOUT, engine: str = ""
) -> Report:
    """Import the class `name` from the file `path` and grade it as `check_engine` does, in a
    child process where no step may take more than `timeout` seconds.

    A check whose step does not finish (a `backward()` that loops forever) fails with a message
    naming the step, and the checks after it are not run (`Report.stopped`, `Report.not_run`);
    a note whose step does not finish says so. The child has this process's `sys.path`, standard
    input closed, and what the file prints goes to standard error. Raises `EngineLoadError` when
    the file cannot be imported, its import does not finish within `timeout`, or it has no such
    class; a TypeError or ValueError for a timeout that is not a number of seconds in
    (0, MAX_TIMEOUT].
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"check_engine_file: timeout must be a number of seconds, got {timeout!r}")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(
            f"check_engine_file: timeout must be in (0, {MAX_TIMEOUT:g}] seconds, got {timeout!r}"
        )
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), name, *sys.path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        encoding="utf-8",
    )
    try:
        return _receive(child, _lines(child), path, timeout, engine or f"{path}:{name}")
    finally:
        child.kill()  # (it has ended unless a step hung)
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]


def _lines(child: subprocess.Popen) -> queue.Queue[str]:
    """The child's lines, read by a thread as they come; '' when it has closed its output."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in child.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def _receive(
    child: subprocess.Popen, lines: queue.Queue[str], path: str | Path, timeout: float, engine: str
) -> Report:
    """The report from the child's messages; where one does not come in time, what was running."""
    results: list[Result] = []
    notes: dict[str, str] = {}
    step: Step | None = None  # the step running now; None until the child has started
    while True:
        try:
            line = lines.get(timeout=STARTUP_TIMEOUT if step is None else timeout)
        except queue.Empty:
            if step is None:
                raise TimeoutError(
                    f"the checking process did not start within {STARTUP_TIMEOUT:g} s"
                ) from None
            return _stopped(engine, results, notes, step, step.timed_out(timeout))
        if not line:  # the child ended without saying "done"
            why = f"ended the checking process (exit status {child.wait()})"
            if step is None:
                raise ChildProcessError(f"the checking process {why} before it started (its error is above)")
            return _stopped(engine, results, notes, step, f"{step.action} {why}")
        kind, data = json.loads(line)
        if kind == "started":
            step = Step("", "import", f"importing {path}", _IMPORT_HINT)
        elif kind == "load error":
            raise EngineLoadError(data)
        elif kind == "step":
            step = Step(**data)
        elif kind == "result":
            results.append(Result(**data))
        elif kind == "note":
            notes[data[0]] = data[1]
        elif kind == "done":
            return Report(engine, tuple(results), notes)


def _stopped(engine: str, results: list[Result], notes: dict[str, str], step: Step, why: str) -> Report:
    """The report when `step` did not finish (`why` says how): for the import an EngineLoadError,
    for a note that note's text, for a check a failure (the checks after it are not run)."""
    if step.group == "import":
        raise EngineLoadError(why)
    if step.group == "notes":
        notes[step.check] = why
        return Report(engine, tuple(results), {name: notes.get(name, _NOT_RUN) for name in NOTES})
    results.append(Result(step.check, step.group, "fail", op=step.op, message=why))
    not_run = CHECKS[CHECKS.index(step.check) + 1 :] if step.check in CHECKS else CHECKS
    return Report(engine, tuple(results), dict.fromkeys(NOTES, _NOT_RUN), why, not_run)


def _serve(path: str, name: str) -> None:
    """The child's side of `check_engine_file`: load the class, run the battery, send everything."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops this process
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the file's prints go to standard error ...
    sys.stdout = sys.stderr  # ... at once (a child stopped after a timeout flushes nothing)

    def send(kind: str, data: Any = None) -> None:
        channel.write(json.dumps([kind, data]) + "\n")
        channel.flush()

    send("started")
    try:
        cls = load_engine(path, name)
    except EngineLoadError as exc:
        send("load error", str(exc))
        return
    for item in _battery(cls, lambda step: send("step", asdict(step))):
        if isinstance(item, Note):
            send("note", list(item))
        else:
            send("result", asdict(item))
    send("done")
