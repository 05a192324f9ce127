"""What the grader asks of an engine, and the answers it expects.

Each check is a program run on the submission's class (`build`, in the submission's process) and
answers computed here from oracles that do not depend on any engine:

    ops         every op's value (against `math`) and local derivatives (against central
                differences, `autograd.engine.check.central_difference`) at several points;
    constants   numbers on either side: 2 + x, x + 2, 2 * x, 1 − x, x / 2, 2 / x, 2 ** x;
    graphs      reused nodes (a + a; b = a + a, c = b + b; a * a; a − a) and a diamond,
                against closed forms;
    lecture     the lecture's tanh neuron (x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8814:
                o = 0.7071, x1.grad = −1.5, w1.grad = 1, x2.grad = 0.5, w2.grad = 0);
    notes       a second backward() on out = (x·y + x)·y, and chains v = 0 + s + s + ... .

Every op states its rule (`OpCheck.rules`: ∂(x * y)/∂y = x), for the report of a wrong one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "OpCheck",
    "OPS",
    "GraphCheck",
    "GRAPHS",
    "LECTURE",
    "CHECKS",
    "NOTES",
    "CHAIN_LENGTHS",
    "SECOND_BACKWARD",
    "METHODS",
    "lecture_neuron",
    "build",
]

CHAIN_LENGTHS = (1_000, 10_000, 100_000)


@dataclass(frozen=True)
class OpCheck:
    """One op: how to apply it to Values, the same function of floats, and where to test it.

    `points` are the arguments; the first `values` of them become Values, the rest stay
    numbers (an exponent, a constant). `method` must exist on the class for the op to be tried.
    `rules` is its local derivative in each Value operand, as the report states it.
    """

    name: str
    text: str
    group: str
    apply: Callable[..., Any]
    f: Callable[..., float]
    points: tuple[tuple[float, ...], ...]
    values: int
    method: str
    rules: tuple[str, ...]
    required: bool = False

    def rule(self, operand: int) -> str:
        """'∂(x * y)/∂y = x': the local derivative in the operand numbered `operand` (0: x)."""
        return f"∂({self.text})/∂{'xy'[operand]} = {self.rules[operand]}"


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


_PAIRS = ((2.0, 3.0), (-1.5, 0.5), (0.3, -2.25))
_SIDES = ((0.5,), (-1.5,), (3.0,))
OPS: tuple[OpCheck, ...] = (
    OpCheck("add", "x + y", "ops", lambda x, y: x + y, lambda x, y: x + y, _PAIRS, 2, "__add__",
            ("1", "1"), required=True),
    OpCheck("mul", "x * y", "ops", lambda x, y: x * y, lambda x, y: x * y, _PAIRS, 2, "__mul__",
            ("y", "x"), required=True),
    OpCheck("sub", "x - y", "ops", lambda x, y: x - y, lambda x, y: x - y, _PAIRS[:2], 2, "__sub__",
            ("1", "−1")),
    OpCheck("div", "x / y", "ops", lambda x, y: x / y, lambda x, y: x / y,
            ((2.0, 4.0), (-1.5, 0.5), (3.0, -1.25)), 2, "__truediv__", ("1/y", "−x/y²")),
    OpCheck("neg", "-x", "ops", lambda x: -x, lambda x: -x, ((2.0,), (-0.7,)), 1, "__neg__", ("−1",)),
    OpCheck("pow", "x ** n", "ops", lambda x, n: x**n, lambda x, n: x**n,
            ((2.0, 2.0), (-1.5, 2.0), (1.5, 3.0), (2.0, -1.0), (4.0, 0.5)), 1, "__pow__", ("n·x^(n−1)",)),
    OpCheck("relu", "x.relu()", "ops", lambda x: x.relu(), lambda x: max(0.0, x),
            ((-1.5,), (0.7,), (2.0,)), 1, "relu", ("1 where x > 0, else 0",)),
    OpCheck("tanh", "x.tanh()", "ops", lambda x: x.tanh(), math.tanh, ((0.5,), (-1.2,), (2.0,)), 1, "tanh",
            ("1 − t², t = tanh(x)",)),
    OpCheck("exp", "x.exp()", "ops", lambda x: x.exp(), math.exp, ((0.5,), (-1.2,), (2.0,)), 1, "exp",
            ("exp(x), the output itself",)),
    OpCheck("log", "x.log()", "ops", lambda x: x.log(), math.log, ((0.5,), (2.0,), (3.5,)), 1, "log",
            ("1/x",)),
    OpCheck("sigmoid", "x.sigmoid()", "ops", lambda x: x.sigmoid(), _sigmoid,
            ((0.5,), (-1.2,), (2.0,)), 1, "sigmoid", ("s·(1 − s), s = sigmoid(x)",)),
    OpCheck("powv", "x ** y (both Values)", "ops", lambda x, y: x**y, lambda x, y: x**y,
            ((2.0, 3.0), (0.5, -1.5)), 2, "__pow__", ("y·x^(y−1)", "x^y·ln(x)")),
    OpCheck("radd", "2 + x", "constants", lambda x: 2 + x, lambda x: 2 + x, _SIDES, 1, "__radd__", ("1",)),
    OpCheck("add_number", "x + 2", "constants", lambda x: x + 2, lambda x: x + 2, _SIDES, 1, "__add__",
            ("1",)),
    OpCheck("rmul", "2 * x", "constants", lambda x: 2 * x, lambda x: 2 * x, _SIDES, 1, "__rmul__", ("2",)),
    OpCheck("mul_number", "x * 2", "constants", lambda x: x * 2, lambda x: x * 2, _SIDES, 1, "__mul__",
            ("2",)),
    OpCheck("rsub", "1 - x", "constants", lambda x: 1 - x, lambda x: 1 - x, _SIDES, 1, "__rsub__", ("−1",)),
    OpCheck("sub_number", "x - 1", "constants", lambda x: x - 1, lambda x: x - 1, _SIDES, 1, "__sub__",
            ("1",)),
    OpCheck("div_number", "x / 2", "constants", lambda x: x / 2, lambda x: x / 2, _SIDES, 1, "__truediv__",
            ("1/2",)),
    OpCheck("rdiv", "2 / x", "constants", lambda x: 2 / x, lambda x: 2 / x, _SIDES, 1, "__rtruediv__",
            ("−2/x²",)),
    OpCheck("rpow", "2 ** x", "constants", lambda x: 2**x, lambda x: 2**x, _SIDES, 1, "__rpow__",
            ("2^x·ln(2)",)),
)  # fmt: skip


@dataclass(frozen=True)
class GraphCheck:
    """A graph with known answers: its leaves (names and values), how to build it from them,
    its value and each leaf's gradient, the ops it uses (names in OPS) and what a wrong
    gradient means when those ops pass their own checks. `name` is its program's name."""

    name: str
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
    GraphCheck("a+a", "a + a", "graphs", ("a",), (3.0,), _doubled, 6.0, (2.0,), ("add",)),
    GraphCheck("a+a+a+a", "b = a + a; c = b + b", "graphs", ("a",), (3.0,),
               lambda a: _doubled(_doubled(a)), 12.0, (4.0,), ("add",)),
    GraphCheck("a*a", "a * a", "graphs", ("a",), (3.0,), lambda a: a * a, 9.0, (6.0,), ("mul",)),
    GraphCheck("a-a", "a - a", "graphs", ("a",), (3.0,), lambda a: a - a, 0.0, (0.0,), ("sub",)),
    # b = a·x, c = a + y, d = b·c: ∂d/∂a = x·c + b = 9, ∂d/∂x = a·c = 2, ∂d/∂y = b = 6
    GraphCheck(
        "diamond", "diamond: b = a * x; c = a + y; d = b * c", "graphs", ("a", "x", "y"), (2.0, 3.0, -1.0),
        lambda a, x, y: (a * x) * (a + y), 6.0, (9.0, 2.0, 6.0), ("mul", "add"),
    ),
)  # fmt: skip
LECTURE = "lecture's tanh neuron"
#: Every check's name, in the report's order.
CHECKS = (*(op.text for op in OPS), *(graph.text for graph in GRAPHS), LECTURE)
#: The notes, in the order they are made (the one most likely to be slow last).
NOTES = ("second backward()", "recursion")
#: out = (x·y + x)·y at x = 2, y = 3, and its gradients: ∂out/∂x = y(y + 1) = 12, ∂out/∂y = 2xy + x = 14.
SECOND_BACKWARD = ((2.0, 3.0), (12.0, 14.0))
#: The methods the grader asks the class about (an op it lacks is skipped, not failed).
METHODS = tuple(dict.fromkeys(op.method for op in OPS))


def _tanh(n: Any) -> Any:
    """n.tanh(), or, for an engine without it, tanh from exp() as in the lecture:
    e = exp(2n), tanh n = (e − 1)/(e + 1)."""
    if hasattr(n, "tanh"):
        return n.tanh()
    e = (2 * n).exp()
    return (e - 1) / (e + 1)


def lecture_neuron(has_tanh: bool) -> GraphCheck:
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b); after o.backward(),
    wᵢ.grad = xᵢ(1 − o²) and xᵢ.grad = wᵢ(1 − o²).

    Its ops: * and +, and tanh, or for a class without it the ops `_tanh` builds it from.
    """
    x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    slope = 1.0 - o * o
    tanh_ops = ("tanh",) if has_tanh else ("rmul", "exp", "sub_number", "add_number", "div")
    return GraphCheck(
        "lecture", LECTURE, "lecture", ("x1", "x2", "w1", "w2", "b"), (x1, x2, w1, w2, b),
        lambda x1, x2, w1, w2, b: _tanh(x1 * w1 + x2 * w2 + b), o,
        (w1 * slope, w2 * slope, x1 * slope, x2 * slope, slope), ("mul", "add", *tanh_ops),
        "the lecture prints o = 0.7071, x1.grad = -1.5, w1.grad = 1.0, x2.grad = 0.5, w2.grad = 0.0",
    )  # fmt: skip


def _chain(cls: type, length: float) -> tuple[list[Any], Any]:
    """v = 0 + s + s + ... (`length` additions), s = 1e-6."""
    step, v = cls(1e-6), cls(0.0)
    for _ in range(int(length)):
        v = v + step
    return [step], v


def _second(cls: type, x: float, y: float) -> tuple[list[Any], Any]:
    leaves = [cls(x), cls(y)]
    x_, y_ = leaves
    return leaves, (x_ * y_ + x_) * y_


def _init(cls: type) -> tuple[list[Any], Any]:
    return [], cls(1.0)


_OPS_BY_NAME = {op.name: op for op in OPS}
_GRAPHS_BY_NAME = {graph.name: graph for graph in (*GRAPHS, lecture_neuron(True))}
_PROGRAMS: dict[str, Callable[..., tuple[list[Any], Any]]] = {
    "Value(1.0)": _init,
    "chain": _chain,
    "second backward": _second,
}


def build(cls: type, program: str, args: list[float]) -> tuple[list[Any], Any]:
    """Run `program` on the class `cls` with the numbers `args`: (its Value leaves, its output).

    `program` is an op's name (its Values and numbers from `args`), a graph's name (its leaves'
    values), 'Value(1.0)', 'chain' ([length]) or 'second backward' ([x, y]). This is the code
    that runs in the submission's process.
    """
    if program in _OPS_BY_NAME:
        op = _OPS_BY_NAME[program]
        leaves = [cls(v) for v in args[: op.values]]
        return leaves, op.apply(*leaves, *args[op.values :])
    if program in _GRAPHS_BY_NAME:
        leaves = [cls(v) for v in args]
        return leaves, _GRAPHS_BY_NAME[program].build(*leaves)
    if program in _PROGRAMS:
        return _PROGRAMS[program](cls, *args)
    raise ValueError(f"no program {program!r}")
