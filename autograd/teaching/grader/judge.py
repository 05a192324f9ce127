"""The verdict: ask the engine the checks' questions, compare its answers with the expected ones.

`judge(ask, engine)` runs the battery through `ask(question, step)`, which returns the engine's raw
answer (`protocol`'s (kind, value)) from this process (`check_engine`) or from the submission's
process (`check_engine_file`), and computes every expected number here: values with `math`, local
derivatives with central differences, graphs with closed forms (`checks`). A question that gets no
answer raises `Stop` in `ask`: its check fails, named, and the checks after it are not run.

An op the class does not have (no method, or the operator raises TypeError, AssertionError,
NotImplementedError or AttributeError on its first point) is skipped and listed, not failed; only
x + y and x * y are required. Two behaviours are notes, not failures: what a second backward()
does (PyTorch doubles the leaf gradients) and how long a chain backward() gets through.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.engine.check import central_difference
from autograd.notation.numbers import format_number
from autograd.teaching.grader.checks import (
    CHAIN_LENGTHS,
    CHECKS,
    GRAPHS,
    METHODS,
    NOTES,
    OPS,
    SECOND_BACKWARD,
    GraphCheck,
    OpCheck,
    lecture_neuron,
)
from autograd.teaching.grader.child import Answerer
from autograd.teaching.grader.protocol import ProtocolError, read_reply
from autograd.teaching.grader.report import Report, Result

__all__ = ["Step", "Stop", "Ask", "judge", "check_engine", "NOT_RUN"]

VALUE_RTOL, VALUE_ATOL = 1e-9, 1e-12  # a value is computed with the same floats as math's
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8  # central differences (h = 1e-6) are good to ~1e-9 here
_UNSUPPORTED = ("TypeError", "AssertionError", "NotImplementedError", "AttributeError")
NOT_RUN = "not run: the checks stopped before it"
_BACKWARD_HINT = "does your topological sort mark visited nodes?"
_BUILD_HINT = "does the op's code loop?"
_SLOW_CHAIN_HINT = "is the topological sort quadratic (visited nodes kept in a list, not a set)?"


@dataclass(frozen=True)
class Step:
    """A question that runs the engine's code: what it does, in words, and a hint for when it
    does not finish ("backward() on a * a did not finish within 10 s — does your topological sort
    mark visited nodes?"). `check` is the check it belongs to (or the note: `group` 'notes')."""

    check: str
    group: str
    action: str  # 'backward() on x + y at x = 2.0, y = 3.0'
    hint: str
    op: str = ""

    def timed_out(self, why: str) -> str:
        """What to say when the step did not finish (`why`: 'within 10 s')."""
        return f"{self.action} did not finish {why} — {self.hint}"


class Stop(Exception):
    """A question got no answer; the exception's text says what happened, naming the step."""


#: ask(question, step) -> (kind, value): the engine's answer to one question.
Ask = Callable[[dict[str, Any], Step], tuple[str, Any]]


def judge(ask: Ask, engine: str, file: str = "") -> Report:
    """Every check's Result and the notes, for the engine `ask` reaches (named `engine`).

    Stop ends the checks (the report says where); a ProtocolError is the caller's to handle.
    """
    results: list[Result] = []
    notes: dict[str, str] = {}
    session = _Session(ask)
    checks = iter(_checks(session))
    try:
        for result in checks:
            results.append(result)
    except Stop as stop:
        why = str(stop)
        step = session.step
        results.append(Result(step.check, step.group, "fail", op=step.op, message=why))
        not_run = CHECKS[CHECKS.index(step.check) + 1 :] if step.check in CHECKS else CHECKS
        return Report(engine, tuple(results), dict.fromkeys(NOTES, NOT_RUN), why, not_run, file)
    if results and results[0].check == "Value(1.0)":
        return Report(engine, tuple(results), dict.fromkeys(NOTES, "not run: Value(1.0) failed"), file=file)
    for name, note in (("second backward()", _second_backward_note), ("recursion", _recursion_note)):
        try:
            notes[name] = note(session)
        except Stop as stop:
            notes[name] = str(stop)
            notes.update({later: NOT_RUN for later in NOTES if later not in notes})
            break
    return Report(engine, tuple(results), notes, file=file)


class _Session:
    """The questions asked so far, one at a time; `step` is the last one."""

    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self.step = Step("", "", "", "")

    def ask(self, question: dict[str, Any], step: Step, kind: str) -> tuple[str, Any]:
        """The answer: ('error', {...}) or (kind, value); any other kind breaks the protocol."""
        self.step = step
        got, value = self._ask(question, step)
        if got not in ("error", kind):
            raise ProtocolError(f"a {got!r} answer to a {question['ask']!r} question")
        return got, value

    def build(self, program: str, args: Sequence[float], step: Step) -> tuple[str, Any]:
        return self.ask({"ask": "build", "program": program, "args": list(args)}, step, "value")

    def backward(self, leaves: int, step: Step) -> tuple[str, Any]:
        got, value = self.ask({"ask": "backward"}, step, "grads")
        if got == "grads" and len(value) != leaves:
            raise ProtocolError(f"{len(value)} gradients for {leaves} leaves")
        return got, value


def _raised(error: dict[str, Any]) -> str:
    return f"raised {error['type']}: {error['message']}" if error["message"] else f"raised {error['type']}"


def _close(actual: float, expected: float, rtol: float, atol: float) -> bool:
    return math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol)


def _point_text(names: Sequence[str], point: Sequence[float]) -> str:
    return ", ".join(f"{n} = {format_number(v)}" for n, v in zip(names, point))


def _checks(session: _Session) -> Iterator[Result]:
    """The Results, one at a time: Value(1.0) (alone if it fails), the ops, the graphs."""
    got, answer = session.build(
        "Value(1.0)", [], Step("Value(1.0)", "ops", "Value(1.0)", "does __init__ loop?")
    )
    if got == "error" or not _close(answer, 1.0, VALUE_RTOL, VALUE_ATOL):
        message = _raised(answer) if got == "error" else f"Value(1.0).data is {format_number(answer)}"
        yield Result("Value(1.0)", "ops", "fail", message=message)
        return
    methods_step = Step("Value(1.0)", "ops", "looking up the class's methods", "does its __getattr__ loop?")
    _, methods = session.ask({"ask": "methods", "names": list(METHODS)}, methods_step, "methods")
    if not set(methods) <= set(METHODS):
        raise ProtocolError("methods nobody asked about")
    failed_ops: dict[str, str] = {}  # op name -> its text, for the ops whose own check failed
    for op in OPS:
        result = _check_op(session, op, op.method in methods)
        if result.status == "fail":
            failed_ops[op.name] = op.text
        yield result
    for graph in (*GRAPHS, lecture_neuron("tanh" in methods)):
        yield _check_graph(session, graph, failed_ops)


def _missing(op: OpCheck, base: dict[str, str], why: str) -> Result:
    if op.required:
        return Result(**base, status="fail", message=f"required op missing: {why}")
    return Result(**base, status="skip", message=why)


def _check_op(session: _Session, op: OpCheck, has_method: bool) -> Result:
    """The op's value and its local derivative in each Value operand, at every point."""
    base = {"check": op.text, "group": op.group, "op": op.name}
    if not has_method:
        return _missing(op, base, f"the class has no {op.method}")
    names = ("x", "y") if op.values == 2 else ("x", "n")
    for k, point in enumerate(op.points):
        where = _point_text(names, point)
        step = Step(op.text, op.group, f"{op.text} at {where}", _BUILD_HINT, op.name)
        got, answer = session.build(op.name, point, step)
        if got == "error":
            if k == 0 and answer["type"] in _UNSUPPORTED:
                return _missing(op, base, f"{op.text} {_raised(answer)}")
            return Result(**base, status="fail", case=f"at {where}", message=_raised(answer))
        expected = op.f(*point)
        if not _close(answer, expected, VALUE_RTOL, VALUE_ATOL):
            return Result(**base, status="fail", case=f"{op.text} at {where}", expected=expected,
                          actual=answer, message="the value is wrong", wrong="value")  # fmt: skip
        step = Step(op.text, op.group, f"backward() on {op.text} at {where}", _BACKWARD_HINT, op.name)
        got, grads = session.backward(op.values, step)
        if got == "error":
            return Result(**base, status="fail", case=f"at {where}", message=_raised(grads))
        for i, grad in enumerate(grads):
            slope = central_difference(op.f, point, i)
            if not _close(grad, slope, GRAD_RTOL, GRAD_ATOL):
                return Result(
                    **base, status="fail", case=f"∂({op.text})/∂{names[i]} at {where}", expected=slope,
                    actual=grad, message="the local derivative is wrong", wrong="local derivative",
                    rule=op.rule(i),
                )  # fmt: skip
    return Result(**base, status="pass")


def _check_graph(session: _Session, graph: GraphCheck, failed_ops: dict[str, str]) -> Result:
    """Build the graph and compare its value and every leaf's gradient with the closed forms.

    A mismatch is blamed on the ops the graph uses whose own check failed (`failed_ops`: name ->
    text), if any; only when they all pass does it mean what `graph.why` says.
    """
    base = {"check": graph.text, "group": graph.group}
    blamed = [failed_ops[name] for name in graph.ops if name in failed_ops]
    fix = "fix it first" if len(blamed) == 1 else "fix them first"
    cause = f"it uses {' and '.join(blamed)}, which failed above: {fix}" if blamed else ""
    got, answer = session.build(
        graph.name, graph.leaves, Step(graph.text, graph.group, f"building {graph.text}", _BUILD_HINT)
    )
    if got == "error":
        if answer["type"] in _UNSUPPORTED:
            return Result(**base, status="skip", message=f"needs an op the engine lacks ({_raised(answer)})")
        return Result(**base, status="fail", message=_raised(answer))
    if not _close(answer, graph.value, VALUE_RTOL, VALUE_ATOL):
        return Result(**base, status="fail", case="value", expected=graph.value, actual=answer,
                      message=cause or "the value is wrong")  # fmt: skip
    step = Step(graph.text, graph.group, f"backward() on {graph.text}", _BACKWARD_HINT)
    got, grads = session.backward(len(graph.leaves), step)
    if got == "error":
        return Result(**base, status="fail", message=_raised(grads))
    for name, grad, expected in zip(graph.names, grads, graph.grads):
        if not _close(grad, expected, GRAD_RTOL, GRAD_ATOL):
            return Result(**base, status="fail", case=f"gradient of {name}", expected=expected, actual=grad,
                          message=cause or graph.why)  # fmt: skip
    return Result(**base, status="pass")


# ---- notes -----------------------------------------------------------------------------------
def _second_backward_note(session: _Session) -> str:
    """What a second backward() (without zeroing) does, against PyTorch's semantics: leaf
    gradients accumulate, so they double; intermediate gradients start again from 0."""
    (x, y), right = SECOND_BACKWARD
    step = Step("second backward()", "notes", "backward() twice on out = (x*y + x)*y", _BACKWARD_HINT)
    got, answer = session.build("second backward", (x, y), step)
    if got == "error":
        return f"building out = (x*y + x)*y {_raised(answer)}"
    answers = []
    for _ in range(2):
        got, grads = session.backward(2, step)
        if got == "error":
            which = "a second" if answers else "the first"
            return f"{which} backward() {_raised(grads)}"
        answers.append(tuple(grads))
    first, second = answers
    shown = f"x.grad {format_number(first[0])} → {format_number(second[0])}"
    if not all(_close(a, b, GRAD_RTOL, GRAD_ATOL) for a, b in zip(first, right)):
        return (
            f"the first backward() on out = (x*y + x)*y gave x.grad = {format_number(first[0])}, "
            f"y.grad = {format_number(first[1])} (right: {format_number(right[0])}, "
            f"{format_number(right[1])}), so a second one cannot be compared with PyTorch ({shown})"
        )
    doubled = tuple(2.0 * g for g in first)
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


def _recursion_note(session: _Session) -> str:
    """The longest chain backward() gets through: CHAIN_LENGTHS in turn, then, below the first
    that fails, a bisection (only under 10,000 ops, where it is cheap)."""
    reached = 0
    for length in CHAIN_LENGTHS:
        outcome = _chain(session, length, reached)
        if outcome == "RecursionError" and length <= 10_000:
            low, high = reached, length  # low works (or is 0), high fails
            while high - low > 1:
                middle = (low + high) // 2
                works = _chain(session, middle, low) is None
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


def _chain(session: _Session, length: int, reached: int) -> str | None:
    """Build v = 0 + s + s + ... (`length` additions) and backpropagate; None if that works,
    else the error's name (and message, unless it is a RecursionError). `reached`: the longest
    chain that worked so far, for the note if this one never finishes."""
    action = f"backward() gets through a chain of {reached:,} ops; a chain of {length:,} ops"
    step = Step("recursion", "notes", action, _SLOW_CHAIN_HINT)
    got, answer = session.build("chain", [length], step)
    if got != "error":
        got, answer = session.backward(1, step)
    if got != "error":
        return None
    return (
        "RecursionError" if answer["type"] == "RecursionError" else f"{answer['type']}: {answer['message']}"
    )


def check_engine(cls: type, engine: str = "") -> Report:
    """Run every check on the Value class `cls` in this process (no isolation, no timeout: for
    an engine you trust, as in a notebook); `engine` names it in the report."""
    answerer = Answerer(cls)

    def ask(question: dict[str, Any], step: Step) -> tuple[str, Any]:
        reply = json.dumps({"id": 0, **answerer.answer(question)}, allow_nan=False)
        return read_reply(reply.encode("utf-8"), 0)

    return judge(ask, engine or getattr(cls, "__qualname__", "Value"))
