"""Hypothesis strategies for random expression graphs, and the oracles that check them.

A *program* is a list of steps over a growing list of nodes: the first nodes are
the leaves x0, x1, ...; each step applies one operation to earlier nodes (any of
them, so sub-expressions are shared and nodes reused, `a * a` included) and
appends the result. The last node is the root.

The same program runs on three back-ends — `Value`s, plain floats (for central
differences) and sympy symbols (for exact derivatives) — so each oracle sees
exactly the function the engine differentiated. Operations whose inputs fall near
a singularity, a kink or outside a safe range are replaced by `tanh`, which is
smooth and bounded, when the program is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from hypothesis import strategies as st

from autograd import Value

BINARY = ("add", "sub", "mul", "div", "powv")
UNARY = (
    "neg", "tanh", "sigmoid", "exp", "log", "relu", "sq", "cube",
    "rsub", "rdiv", "cmul", "cadd", "rpow", "csub", "cdiv", "cpow",
)  # fmt: skip
NARY = ("sum", "dot")
LIMIT = 1e3  # values stay within ±LIMIT so finite differences stay accurate
MARGIN = 1e-2  # distance kept from singularities and kinks


@dataclass(frozen=True)
class Step:
    op: str
    args: tuple[int, ...]
    const: float = 0.0


@dataclass(frozen=True)
class Program:
    leaves: tuple[float, ...]
    steps: tuple[Step, ...]


def _apply_float(step: Step, v: Sequence[float]) -> float:
    a = [v[i] for i in step.args]
    c = step.const
    match step.op:
        case "add":
            return a[0] + a[1]
        case "sub":
            return a[0] - a[1]
        case "mul":
            return a[0] * a[1]
        case "div":
            return a[0] / a[1]
        case "powv":
            return a[0] ** a[1]
        case "neg":
            return -a[0]
        case "tanh":
            return math.tanh(a[0])
        case "sigmoid":
            return 1.0 / (1.0 + math.exp(-a[0]))
        case "exp":
            return math.exp(a[0])
        case "log":
            return math.log(a[0])
        case "relu":
            return max(0.0, a[0])
        case "sq":
            return a[0] ** 2
        case "cube":
            return a[0] ** 3
        case "rsub":
            return c - a[0]
        case "rdiv":
            return c / a[0]
        case "cmul":
            return c * a[0]
        case "cadd":
            return a[0] + c
        case "rpow":
            return c ** a[0]
        case "csub":
            return a[0] - c
        case "cdiv":
            return a[0] / c
        case "cpow":
            return a[0] ** c
        case "sum":
            return math.fsum(a)
        case "dot":  # args: w0, w1, x0, x1, b
            return a[0] * a[2] + a[1] * a[3] + a[4]
    raise AssertionError(step.op)


def _safe(step: Step, v: Sequence[float]) -> bool:
    """Is the step away from singularities and kinks, with a result in range?"""
    a = [v[i] for i in step.args]
    if step.op in ("div",) and abs(a[1]) < MARGIN:
        return False
    if step.op == "rdiv" and abs(a[0]) < MARGIN:
        return False
    if step.op == "log" and a[0] < MARGIN:
        return False
    if step.op in ("powv", "cpow") and (a[0] < MARGIN or abs(a[1] if step.op == "powv" else step.const) > 4):
        return False
    if step.op in ("exp", "rpow") and abs(a[0]) > 6:
        return False
    if step.op == "relu" and abs(a[0]) < MARGIN:
        return False
    try:
        return abs(_apply_float(step, v)) <= LIMIT
    except (OverflowError, ZeroDivisionError, ValueError):
        return False


def run(program: Program, backend: str, leaves: Sequence | None = None):
    """Run `program` on 'value' or 'float'; returns (leaf nodes, root)."""
    if leaves is None:
        if backend == "value":
            leaves = [Value(x, f"x{i}") for i, x in enumerate(program.leaves)]
        else:
            leaves = list(program.leaves)
    nodes = list(leaves)
    apply = {"value": _apply_value, "float": _apply_float}[backend]
    for step in program.steps:
        nodes.append(apply(step, nodes))
    return leaves, nodes[-1]


def _apply_value(step: Step, v: Sequence[Value]) -> Value:
    a = [v[i] for i in step.args]
    c = step.const
    unary: dict[str, Callable[[Value], Value]] = {
        "neg": lambda x: -x,
        "tanh": Value.tanh,
        "sigmoid": Value.sigmoid,
        "exp": Value.exp,
        "log": Value.log,
        "relu": Value.relu,
        "sq": lambda x: x**2,
        "cube": lambda x: x**3,
        "rsub": lambda x: c - x,
        "rdiv": lambda x: c / x,
        "cmul": lambda x: c * x,
        "cadd": lambda x: x + c,
        "rpow": lambda x: c**x,
        "csub": lambda x: x - c,
        "cdiv": lambda x: x / c,
        "cpow": lambda x: x**c,
    }
    match step.op:
        case "add":
            return a[0] + a[1]
        case "sub":
            return a[0] - a[1]
        case "mul":
            return a[0] * a[1]
        case "div":
            return a[0] / a[1]
        case "powv":
            return a[0] ** a[1]
        case "sum":
            return Value.sum(a)
        case "dot":
            return Value.dot(a[0:2], a[2:4], a[4])
    return unary[step.op](a[0])


def _apply_sympy(step: Step, v: Sequence[sympy.Expr]) -> sympy.Expr:
    a = [v[i] for i in step.args]
    c = sympy.nsimplify(step.const)
    match step.op:
        case "add":
            return a[0] + a[1]
        case "sub":
            return a[0] - a[1]
        case "mul":
            return a[0] * a[1]
        case "div":
            return a[0] / a[1]
        case "powv":
            return a[0] ** a[1]
        case "neg":
            return -a[0]
        case "tanh":
            return sympy.tanh(a[0])
        case "sigmoid":
            return 1 / (1 + sympy.exp(-a[0]))
        case "exp":
            return sympy.exp(a[0])
        case "log":
            return sympy.log(a[0])
        case "sq":
            return a[0] ** 2
        case "cube":
            return a[0] ** 3
        case "rsub":
            return c - a[0]
        case "rdiv":
            return c / a[0]
        case "cmul":
            return c * a[0]
        case "cadd":
            return a[0] + c
        case "rpow":
            return c ** a[0]
        case "csub":
            return a[0] - c
        case "cdiv":
            return a[0] / c
        case "cpow":
            return a[0] ** c
        case "sum":
            return sympy.Add(*a)
        case "dot":
            return a[0] * a[2] + a[1] * a[3] + a[4]
    raise AssertionError(step.op)


leaf_values = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
constants = st.sampled_from([-2.0, -0.5, 0.5, 1.5, 2.0, 3.0])


@st.composite
def programs(
    draw,
    min_leaves: int = 1,
    max_leaves: int = 4,
    max_steps: int = 12,
    ops: Sequence[str] = BINARY + UNARY + NARY,
) -> Program:
    """A random expression graph over `ops`, drawn away from singularities and kinks.

    An unsafe step becomes `tanh` of its first input, or is dropped when `tanh` is not in `ops`.
    """
    xs = draw(st.lists(leaf_values, min_size=min_leaves, max_size=max_leaves))
    values = list(xs)
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(ops))
        n = len(values)
        pick = st.integers(0, n - 1)
        if op in BINARY:
            args = (draw(pick), draw(pick))
        elif op == "sum":
            args = tuple(draw(st.lists(pick, min_size=1, max_size=4)))
        elif op == "dot":
            args = tuple(draw(pick) for _ in range(5))
        else:
            args = (draw(pick),)
        const = draw(constants) if op in ("rsub", "rdiv", "cmul", "cadd", "csub", "cdiv") else 0.0
        if op == "rpow":
            const = draw(st.sampled_from([0.5, 2.0, 3.0]))
        if op == "cpow":  # negative and fractional powers (the base is kept positive)
            const = draw(st.sampled_from([-1.0, -0.5, 0.5, 1.5]))
        step = Step(op, args, const)
        if not _safe(step, values):
            if "tanh" not in ops:
                continue
            step = Step("tanh", (args[0],))
        steps.append(step)
        values.append(_apply_float(step, values))
    return Program(tuple(xs), tuple(steps))


# Leaves that make local derivatives huge or infinite: 1/y and −x/y² for y = 1e-200 overflow.
extreme_leaf_values = st.sampled_from([1e-200, -1e-200, 1e-160, 1e200, -3.0, 0.0, 0.5, 2.0])
EXTREME_OPS = ("add", "sub", "mul", "div", "neg", "relu", "tanh", "rdiv", "cmul", "sum", "dot")


@st.composite
def extreme_programs(draw, max_steps: int = 10) -> Program:
    """Random graphs whose local derivatives may be huge or infinite (no oracle: for
    comparing two evaluations, such as trace and backward). A step that raises or
    gives a non-finite value becomes `tanh` of its first input."""
    xs = draw(st.lists(extreme_leaf_values, min_size=2, max_size=4))
    values = list(xs)
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(EXTREME_OPS))
        pick = st.integers(0, len(values) - 1)
        n_args = {"add": 2, "sub": 2, "mul": 2, "div": 2, "sum": 3, "dot": 5}.get(op, 1)
        const = draw(constants) if op in ("rdiv", "cmul") else 0.0
        step = Step(op, tuple(draw(pick) for _ in range(n_args)), const)
        try:
            value = _apply_float(step, values)
        except (OverflowError, ZeroDivisionError, ValueError):
            value = math.inf
        if not math.isfinite(value):
            step = Step("tanh", (step.args[0],))
            value = _apply_float(step, values)
        steps.append(step)
        values.append(value)
    return Program(tuple(xs), tuple(steps))


def relu_signs(program: Program) -> list[float]:
    """For each relu step, 1.0 if its input is positive at the drawn point, else 0.0."""
    values = list(program.leaves)
    signs = []
    for step in program.steps:
        if step.op == "relu":
            signs.append(1.0 if values[step.args[0]] > 0 else 0.0)
        values.append(_apply_float(step, values))
    return signs


def sympy_gradient(program: Program) -> list[float]:
    """Exact ∂root/∂xᵢ from sympy, evaluated at the drawn point with 30 digits."""
    symbols = list(sympy.symbols(f"x0:{len(program.leaves)}", real=True))
    root = _sympy_root(program, symbols)
    point = dict(zip(symbols, program.leaves))
    return [float(sympy.diff(root, s).evalf(30, subs=point)) for s in symbols]


def _sympy_root(program: Program, symbols: list[sympy.Symbol]) -> sympy.Expr:
    """The root as a sympy expression. Away from its kink relu is locally x or 0:
    each relu becomes the side its input lies on at the drawn point."""
    signs = iter(relu_signs(program))
    nodes = list(symbols)
    for step in program.steps:
        if step.op == "relu":
            nodes.append(next(signs) * nodes[step.args[0]])
        else:
            nodes.append(_apply_sympy(step, nodes))
    return nodes[-1]


def float_function(program: Program) -> Callable[..., float]:
    """The program as a plain-float function of its leaves."""

    def f(*xs: float) -> float:
        return run(program, "float", leaves=list(xs))[1]

    return f


def sympy_derivative(program: Program, wrt: Sequence[int]) -> float:
    """The exact mixed partial ∂ⁿroot/∂x_{wrt[0]}…∂x_{wrt[n-1]} at the drawn point, 30 digits."""
    symbols = list(sympy.symbols(f"x0:{len(program.leaves)}", real=True))
    expression = sympy.diff(_sympy_root(program, symbols), *(symbols[i] for i in wrt))
    return float(expression.evalf(30, subs=dict(zip(symbols, program.leaves))))
