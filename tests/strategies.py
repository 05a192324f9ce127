"""Hypothesis strategies for random expression graphs, and the oracles that check them.

A *program* is a list of steps over a growing list of nodes: the first nodes are
the leaves x0, x1, ...; each step applies one operation to earlier nodes (any of
them, so sub-expressions are shared and nodes reused, `a * a` included) and plain
numbers, and appends its result (`affine` appends one result per row). The last
node is the root.

Every operation is one row of `TABLE`, written from the math — independently of
the engine's own table, `autograd.engine.ops` — with one function per back-end: plain
floats (for central differences), stepgrad's `Value`, sympy (exact derivatives)
and micrograd 0.1.0 (another engine; rows it lacks say so). `run` reads the
table for every back-end, so each oracle sees exactly the function the engine
differentiated. Operations whose inputs fall near a singularity, a kink or
outside a safe range are replaced by `tanh`, which is smooth and bounded, when
the program is drawn. Two rows, `fma` and `blend`, are ops of three operands made by
`define_op`, as a user makes them (the engine's own table has none): everything must
handle them as it handles its own ops.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy
from hypothesis import strategies as st
from micrograd.engine import Value as MicroValue

from autograd import Value, define_op
from autograd.engine.ops import sigmoid, sigmoid_slope

LIMIT = 1e3  # values stay within ±LIMIT so finite differences stay accurate
MARGIN = 1e-2  # distance kept from singularities and kinks
BACKENDS = ("float", "value", "sympy", "micrograd")

leaf_values = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
constants = st.sampled_from([-2.0, -0.5, 0.5, 1.5, 2.0, 3.0])


def _anywhere(*operands: float) -> bool:
    return True


def _everywhere(f: Callable, micrograd: bool = True) -> dict[str, Callable]:
    """One Python expression that means the same op on every back-end (operators overloaded)."""
    return {backend: f for backend in BACKENDS if micrograd or backend != "micrograd"}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _dot(*operands):
    """b + w₀x₀ + w₁x₁ + … from the operands w₀ … wₙ₋₁, x₀ … xₙ₋₁, b (summed in this order)."""
    n = len(operands) // 2
    return sum(map(operator.mul, operands[:n], operands[n : 2 * n]), operands[-1])


def _blend(c: float, a: float, b: float) -> float:
    """σ(c)·a + (1 − σ(c))·b: a smooth `where`, a where c ≫ 0 and b where c ≪ 0."""
    s = sigmoid(c)
    return s * a + (1.0 - s) * b


def _blend_local(c, a, b, out):
    """∂/∂c = σ'(c)·(a − b),  ∂/∂a = σ(c),  ∂/∂b = 1 − σ(c) (on floats or Values: second order)."""
    s = sigmoid(c)
    return sigmoid_slope(c, s) * (a - b), s, 1.0 - s


# The engine's rows for them (the `value` back-end): fma's local derivatives are its operands,
# blend's call σ, so that second derivatives run a user's rule on Values.
fma = define_op("fma", lambda x, y, z: x * y + z, lambda x, y, z, out: (y, x, 1.0))
blend = define_op("blend", _blend, _blend_local)


def _affine(w00, w01, w10, w11, x0, x1, b0, b1):
    """A 2×2 layer: outⱼ = bⱼ + wⱼ₀x₀ + wⱼ₁x₁ for rows j = 0, 1."""
    return _dot(w00, w01, x0, x1, b0), _dot(w10, w11, x0, x1, b1)


@dataclass(frozen=True)
class Row:
    """One operation, on every back-end.

    name:      how programs name it.
    operands:  one letter per operand, in order: 'v' an earlier node, 'c' a plain-number
               constant (`rsub` is c − x: "cv"); '*' for n-ary ops, whose operands are each
               a node or a number (at least one node), in one of the counts `arities`.
    backends:  back-end name → function of the operands; a missing back-end lacks the op.
    safe:      is the op, at these operand values, away from singularities and kinks?
    constants: where its constants are drawn from.
    outputs:   how many nodes it appends.
    """

    name: str
    operands: str
    backends: dict[str, Callable]
    safe: Callable[..., bool] = _anywhere
    constants: st.SearchStrategy[float] = constants
    arities: tuple[int, ...] = ()
    outputs: int = 1


TABLE = [
    # out = x + y, x − y, x · y, x / y, xʸ (Values)
    Row("add", "vv", _everywhere(operator.add)),
    Row("sub", "vv", _everywhere(operator.sub)),
    Row("mul", "vv", _everywhere(operator.mul)),
    Row("div", "vv", _everywhere(operator.truediv), safe=lambda x, y: abs(y) >= MARGIN),
    Row(
        "powv",
        "vv",
        _everywhere(operator.pow, micrograd=False),
        safe=lambda x, y: x >= MARGIN and abs(y) <= 4,
    ),
    # x + c, c + x, x − c, c − x, x · c, c · x, x / c, c / x
    Row("cadd", "vc", _everywhere(operator.add)),
    Row("radd", "cv", _everywhere(operator.add)),
    Row("csub", "vc", _everywhere(operator.sub)),
    Row("rsub", "cv", _everywhere(operator.sub)),
    Row("cmul", "vc", _everywhere(operator.mul)),
    Row("rmul", "cv", _everywhere(operator.mul)),
    Row("cdiv", "vc", _everywhere(operator.truediv)),
    Row("rdiv", "cv", _everywhere(operator.truediv), safe=lambda c, x: abs(x) >= MARGIN),
    # xⁿ for integer n (any base), xᶜ for negative and fractional c (positive base), cˣ
    Row(
        "ipow",
        "vc",
        _everywhere(operator.pow),
        safe=lambda x, n: n > 0 or abs(x) >= MARGIN,
        constants=st.sampled_from([-2.0, -1.0, 2.0, 3.0]),
    ),
    Row(
        "cpow",
        "vc",
        _everywhere(operator.pow),
        safe=lambda x, c: x >= MARGIN,
        constants=st.sampled_from([-1.0, -0.5, 0.5, 1.5]),
    ),
    Row(
        "rpow",
        "cv",
        _everywhere(operator.pow, micrograd=False),
        safe=lambda c, x: abs(x) <= 6,
        constants=st.sampled_from([0.5, 2.0, 3.0]),
    ),
    # −x, tanh x, σ(x) = 1/(1 + e⁻ˣ), eˣ, ln x, max(0, x)
    Row("neg", "v", _everywhere(operator.neg)),
    Row("tanh", "v", {"float": math.tanh, "value": Value.tanh, "sympy": sympy.tanh}),
    Row(
        "sigmoid",
        "v",
        {"float": _sigmoid, "value": Value.sigmoid, "sympy": lambda x: 1 / (1 + sympy.exp(-x))},
    ),
    Row("exp", "v", {"float": math.exp, "value": Value.exp, "sympy": sympy.exp}, safe=lambda x: abs(x) <= 6),
    Row("log", "v", {"float": math.log, "value": Value.log, "sympy": sympy.log}, safe=lambda x: x >= MARGIN),
    Row(
        "relu",
        "v",
        {
            "float": lambda x: max(0.0, x),
            "value": Value.relu,
            "sympy": lambda x: sympy.Max(0, x),
            "micrograd": MicroValue.relu,
        },
        safe=lambda x: abs(x) >= MARGIN,
    ),
    # Σ tᵢ;  b + Σ wᵢxᵢ;  a 2×2 layer (micrograd has no fused ops: it adds and multiplies)
    Row(
        "sum",
        "*",
        {
            "float": lambda *t: math.fsum(t),
            "value": lambda *t: Value.sum(t),
            "sympy": sympy.Add,
            "micrograd": lambda *t: sum(t),
        },
        arities=(1, 2, 3, 4),
    ),
    Row(
        "dot",
        "*",
        {**_everywhere(_dot), "value": lambda *o: Value.dot(o[: len(o) // 2], o[len(o) // 2 : -1], o[-1])},
        arities=(3, 5, 7),
    ),
    # x·y + z;  σ(c)·a + (1 − σ(c))·b: ops of a user's (define_op), each operand a node or a number
    Row("fma", "*", {**_everywhere(lambda x, y, z: x * y + z), "value": fma}, arities=(3,)),
    Row(
        "blend",
        "*",
        {
            "float": lambda c, a, b: _sigmoid(c) * a + (1 - _sigmoid(c)) * b,
            "value": blend,
            "sympy": lambda c, a, b: a / (1 + sympy.exp(-c)) + b * (1 - 1 / (1 + sympy.exp(-c))),
        },
        arities=(3,),
    ),
    Row(
        "affine",
        "*",
        {
            **_everywhere(_affine),
            "value": lambda w00, w01, w10, w11, x0, x1, b0, b1: Value.affine(
                [[w00, w01], [w10, w11]], [x0, x1], [b0, b1]
            ),
        },
        arities=(8,),
        outputs=2,
    ),
]
OPS: dict[str, Row] = {row.name: row for row in TABLE}
MICROGRAD_OPS = tuple(row.name for row in TABLE if "micrograd" in row.backends)


@dataclass(frozen=True)
class Step:
    """One operation: `operands` in order, each an int (the index of an earlier node)
    or a float (a plain-number constant): `Step("rsub", (2.0, 0))` is 2 − x0."""

    op: str
    operands: tuple[int | float, ...]

    @property
    def args(self) -> tuple[int, ...]:
        """The nodes it reads, in order."""
        return tuple(o for o in self.operands if isinstance(o, int))


@dataclass(frozen=True)
class Program:
    leaves: tuple[float, ...]
    steps: tuple[Step, ...]


def _leaves(program: Program, backend: str) -> list:
    if backend == "value":
        return [Value(x, f"x{i}") for i, x in enumerate(program.leaves)]
    if backend == "micrograd":
        return [MicroValue(x) for x in program.leaves]
    if backend == "sympy":
        return list(sympy.symbols(f"x0:{len(program.leaves)}", real=True))
    return list(program.leaves)


def apply(step: Step, nodes: Sequence, backend: str) -> list:
    """The step's results (one per output) on `backend`, from the earlier `nodes`."""
    row = OPS[step.op]
    number = sympy.nsimplify if backend == "sympy" else float
    operands = [nodes[o] if isinstance(o, int) else number(o) for o in step.operands]
    out = row.backends[backend](*operands)
    return list(out) if row.outputs > 1 else [out]


def run(program: Program, backend: str, leaves: Sequence | None = None):
    """Run `program` on one of BACKENDS; returns (leaf nodes, root).

    The leaves are made for the back-end (Values labelled x0, x1, ...; sympy symbols
    x0, x1, ...) unless given.
    """
    leaves = _leaves(program, backend) if leaves is None else list(leaves)
    nodes = list(leaves)
    for step in program.steps:
        nodes.extend(apply(step, nodes, backend))
    return leaves, nodes[-1]


def _float_results(step: Step, values: Sequence[float]) -> list[float] | None:
    """The step's float results, or None where floats refuse it (a division by zero, an overflow)."""
    try:
        return apply(step, values, "float")
    except (OverflowError, ZeroDivisionError, ValueError):
        return None


def _safe(step: Step, values: Sequence[float]) -> bool:
    """Is the step away from singularities and kinks, with results in range?"""
    operands = [values[o] if isinstance(o, int) else o for o in step.operands]
    if not OPS[step.op].safe(*operands):
        return False
    results = _float_results(step, values)
    return results is not None and all(abs(out) <= LIMIT for out in results)


def _finite(step: Step, values: Sequence[float]) -> bool:
    """Does the step give finite float results (however large its local derivatives)?"""
    results = _float_results(step, values)
    return results is not None and all(math.isfinite(out) for out in results)


def _draw_step(draw, row: Row, n_nodes: int) -> Step:
    """A random application of `row` to the first `n_nodes` nodes and plain numbers."""
    pick = st.integers(0, n_nodes - 1)
    if row.operands != "*":
        return Step(row.name, tuple(draw(pick) if k == "v" else draw(row.constants) for k in row.operands))
    # n-ary: about one operand in three is a plain number, and at least one is a node
    count = draw(st.sampled_from(row.arities))
    operands = [draw(row.constants) if draw(st.integers(0, 2)) == 0 else draw(pick) for _ in range(count)]
    if not any(isinstance(o, int) for o in operands):
        operands[draw(st.integers(0, count - 1))] = draw(pick)
    return Step(row.name, tuple(operands))


def _draw_program(draw, xs: list[float], ops: Sequence[str], max_steps: int, keep) -> Program:
    """Steps over `ops`; one that `keep` refuses becomes tanh of its first node, or is
    dropped when tanh is not in `ops`."""
    values = list(xs)
    steps: list[Step] = []
    for _ in range(draw(st.integers(1, max_steps))):
        step = _draw_step(draw, OPS[draw(st.sampled_from(ops))], len(values))
        if not keep(step, values):
            if "tanh" not in ops:
                continue
            step = Step("tanh", step.args[:1])
        steps.append(step)
        values.extend(apply(step, values, "float"))
    return Program(tuple(xs), tuple(steps))


@st.composite
def programs(
    draw,
    min_leaves: int = 1,
    max_leaves: int = 4,
    max_steps: int = 12,
    ops: Sequence[str] = tuple(OPS),
) -> Program:
    """A random expression graph over `ops`, drawn away from singularities and kinks.

    An unsafe step becomes `tanh` of its first node, or is dropped when `tanh` is not in `ops`.
    """
    xs = draw(st.lists(leaf_values, min_size=min_leaves, max_size=max_leaves))
    return _draw_program(draw, xs, ops, max_steps, _safe)


# Leaves that make local derivatives huge or infinite: 1/y and −x/y² for y = 1e-200 overflow.
extreme_leaf_values = st.sampled_from([1e-200, -1e-200, 1e-160, 1e200, -3.0, 0.0, 0.5, 2.0])
EXTREME_OPS = (
    "add", "sub", "mul", "div", "neg", "relu", "tanh", "rdiv", "cmul", "cdiv", "sum", "dot", "affine",
)  # fmt: skip


@st.composite
def extreme_programs(draw, max_steps: int = 10) -> Program:
    """Random graphs whose local derivatives may be huge or infinite (no oracle: for
    comparing two evaluations, such as trace and backward). A step that raises or
    gives a non-finite value becomes `tanh` of its first node."""
    xs = draw(st.lists(extreme_leaf_values, min_size=2, max_size=4))
    return _draw_program(draw, xs, EXTREME_OPS, max_steps, _finite)


def float_function(program: Program) -> Callable[..., float]:
    """The program as a plain-float function of its leaves."""

    def f(*xs: float) -> float:
        return run(program, "float", leaves=xs)[1]

    return f


def _at_the_drawn_point(program: Program, expression: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> float:
    return float(expression.evalf(30, subs=dict(zip(symbols, program.leaves))))


def sympy_gradient(program: Program) -> list[float]:
    """Exact ∂root/∂xᵢ from sympy, evaluated at the drawn point with 30 digits."""
    symbols, root = run(program, "sympy")
    return [_at_the_drawn_point(program, sympy.diff(root, s), symbols) for s in symbols]


def sympy_derivative(program: Program, wrt: Sequence[int]) -> float:
    """The exact mixed partial ∂ⁿroot/∂x_{wrt[0]}…∂x_{wrt[n-1]} at the drawn point, 30 digits."""
    symbols, root = run(program, "sympy")
    return _at_the_drawn_point(program, sympy.diff(root, *(symbols[i] for i in wrt)), symbols)
