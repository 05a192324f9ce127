"""Grading a home-made micrograd against oracles (what `stepgrad check-engine` runs).

The classic exercise is to write one's own scalar autodiff engine: a `Value` class
with `data`, `grad`, operators and `backward()`. `check_engine(cls)` runs a battery
against oracles that do not depend on our engine:

    ops         every op's value (against `math`) and local derivatives (against central
                differences, `autograd.check.central_difference`) at several points;
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
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autograd.check import central_difference
from autograd.notation import format_number

__all__ = [
    "JSON_SCHEMA",
    "EngineLoadError",
    "load_engine",
    "check_engine",
    "Result",
    "Report",
    "OPS",
    "GRAPHS",
]

JSON_SCHEMA = "stepgrad.check-engine/1"
VALUE_RTOL, VALUE_ATOL = 1e-9, 1e-12  # a value is computed with the same floats as math's
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8  # central differences (h = 1e-6) are good to ~1e-9 here
CHAIN_LENGTHS = (1_000, 10_000, 100_000)
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
    """Every check's result and the notes, for one engine."""

    engine: str
    results: tuple[Result, ...]
    notes: dict[str, str] = field(default_factory=dict)

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
        failed = [r for r in self.results if r.status == "fail" and r.case and not r.wrong]
        summary += [f"{r.check}: {r.message}" for r in failed]
        if failed and self.wrong("local derivative"):
            summary.append("(checks of whole graphs can fail because of the wrong local derivatives above)")
        if self.skipped:
            summary.append(f"Skipped (not supported by this engine): {', '.join(self.skipped)}")
        lines += ["", *summary] if summary else []
        lines += ["", "Notes:"] + [f"  {name}: {text}" for name, text in self.notes.items()]
        checked = [r for r in self.results if r.status != "skip"]
        failures = sum(r.status == "fail" for r in checked)
        verdict = "PASSED" if self.passed else "FAILED"
        lines += ["", f"{verdict}: {len(checked) - failures} of {len(checked)} checks pass"]
        return "\n".join(lines)


# ---- the battery -------------------------------------------------------------------------
def check_engine(cls: type, engine: str = "") -> Report:
    """Run every check on the Value class `cls`; `engine` names it in the report.

    Whatever the class raises is caught and reported with the check it broke.
    """
    engine = engine or getattr(cls, "__qualname__", "Value")
    try:
        cls(1.0)
    except Exception as exc:
        return Report(engine, (Result("Value(1.0)", "ops", "fail", message=_raised(exc)),))
    results = [_check_op(cls, op) for op in OPS]
    results += [_check_graph(cls, graph) for graph in (*GRAPHS, _lecture_neuron())]
    notes = {"recursion": _recursion_note(cls), "second backward()": _second_backward_note(cls)}
    return Report(engine, tuple(results), notes)


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


def _check_op(cls: type, op: OpCheck) -> Result:
    """The op's value and its local derivative in each Value operand, at every point."""
    base = {"check": op.text, "group": op.group, "op": op.name}
    if not hasattr(cls, op.method):
        return _missing(op, base, f"the class has no {op.method}")
    names = ("x", "y") if op.values == 2 else ("x", "n")
    for k, point in enumerate(op.points):
        where = _point_text(names, point)
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
    its value and each leaf's gradient, and what a wrong gradient usually means."""

    text: str
    group: str
    names: tuple[str, ...]
    leaves: tuple[float, ...]
    build: Callable[..., Any]
    value: float
    grads: tuple[float, ...]
    why: str = "a node used twice must get the sum of its terms (+= in backward, not =)"


def _doubled(a: Any) -> Any:
    """a + a: one node used twice by one op."""
    return a + a


GRAPHS: tuple[GraphCheck, ...] = (
    GraphCheck("a + a", "graphs", ("a",), (3.0,), _doubled, 6.0, (2.0,)),
    GraphCheck("b = a + a; c = b + b", "graphs", ("a",), (3.0,),
               lambda a: _doubled(_doubled(a)), 12.0, (4.0,)),
    GraphCheck("a * a", "graphs", ("a",), (3.0,), lambda a: a * a, 9.0, (6.0,)),
    GraphCheck("a - a", "graphs", ("a",), (3.0,), lambda a: a - a, 0.0, (0.0,)),
    # b = a·x, c = a + y, d = b·c: ∂d/∂a = x·c + b = 9, ∂d/∂x = a·c = 2, ∂d/∂y = b = 6
    GraphCheck(
        "diamond: b = a * x; c = a + y; d = b * c", "graphs", ("a", "x", "y"), (2.0, 3.0, -1.0),
        lambda a, x, y: (a * x) * (a + y), 6.0, (9.0, 2.0, 6.0),
    ),
)  # fmt: skip


def _tanh(n: Any) -> Any:
    """n.tanh(), or, for an engine without it, tanh from exp() as in the lecture:
    e = exp(2n), tanh n = (e − 1)/(e + 1)."""
    if hasattr(n, "tanh"):
        return n.tanh()
    e = (2 * n).exp()
    return (e - 1) / (e + 1)


def _lecture_neuron() -> GraphCheck:
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b); ∂o/∂wᵢ = xᵢ(1 − o²), ∂o/∂xᵢ = wᵢ(1 − o²)."""
    x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    slope = 1.0 - o * o
    return GraphCheck(
        "lecture's tanh neuron", "lecture", ("x1", "x2", "w1", "w2", "b"), (x1, x2, w1, w2, b),
        lambda x1, x2, w1, w2, b: _tanh(x1 * w1 + x2 * w2 + b), o,
        (w1 * slope, w2 * slope, x1 * slope, x2 * slope, slope),
        "the lecture prints o = 0.7071, ∂o/∂x1 = -1.5, ∂o/∂w1 = 1.0, ∂o/∂x2 = 0.5, ∂o/∂w2 = 0.0",
    )  # fmt: skip


def _check_graph(cls: type, graph: GraphCheck) -> Result:
    """Build the graph and compare its value and every leaf's gradient with the closed forms."""
    base = {"check": graph.text, "group": graph.group}
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
            return _wrong(base, "value", graph.value, actual, "the value is wrong")
        out.backward()
        for name, leaf, expected in zip(graph.names, leaves, graph.grads):
            grad = _number(leaf.grad)
            if not _close(grad, expected, GRAD_RTOL, GRAD_ATOL):
                return _wrong(base, f"gradient of {name}", expected, grad, graph.why)
    except Exception as exc:
        return Result(**base, status="fail", message=_raised(exc))
    return Result(**base, status="pass")


# ---- notes -----------------------------------------------------------------------------------
def _recursion_note(cls: type) -> str:
    """The longest chain backward() gets through: CHAIN_LENGTHS in turn, then, below the first
    that fails, a bisection (only under 10,000 ops, where it is cheap)."""
    reached = 0
    for length in CHAIN_LENGTHS:
        outcome = _chain(cls, length)
        if outcome == "RecursionError" and length <= 10_000:
            low, high = reached, length  # low works (or is 0), high fails
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if _chain(cls, middle) is None else (low, middle)
            return (
                f"backward() gets through a chain of {low:,} ops, not {high:,}: RecursionError "
                f"(Python's recursion limit is {sys.getrecursionlimit():,}). A recursive topological "
                "sort fails on deep graphs; an iterative one (with a stack) does not"
            )
        if outcome is not None:
            return f"backward() gets through a chain of {reached:,} ops; {length:,} ops: {outcome}"
        reached = length
    return f"backward() gets through a chain of {reached:,} ops (no recursion limit met)"


def _chain(cls: type, length: int) -> str | None:
    """Build v = 0 + s + s + ... (`length` additions) and backpropagate; None if that works,
    else the error's name (and message, unless it is a RecursionError)."""
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


def _second_backward_note(cls: type) -> str:
    """What a second backward() (without zeroing) does, against PyTorch's semantics:
    leaf gradients accumulate, so they double; intermediate gradients start again from 0."""
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
