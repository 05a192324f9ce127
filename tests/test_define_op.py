"""Ops of your own: define_op adds a row to the op table, and everything reads it like any other.

The oracles: math's own derivatives (d sin = cos, d softplus = σ), sympy (ops of three
operands, to second order), central differences (gradcheck), a fresh build (replay) and the
float function itself. The random graphs of tests/strategies.py hold two ops of three
operands made by define_op (`fma`, `blend`), so every test of random graphs runs them too.
"""

from __future__ import annotations

import math
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, define_op, draw, grad, gradcheck, hessian, no_grad, replay, snapshot, trace
from autograd.engine.ops import sigmoid
from tests.strategies import blend, fma

# (Names of their own: the README and the docs define sin, cos and softplus in the same process.)
# sin and cos, defined through each other: d sin = cos, d cos = −sin
sin = define_op("sine", math.sin, lambda x, out: (cos(x),))
cos = define_op("cosine", math.cos, lambda x, out: (-sin(x),))
# softplus(x) = ln(1 + eˣ), written without overflow; d softplus = σ(x)
softplus = define_op(
    "soft_plus", lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x))), lambda x, out: (sigmoid(x),)
)
# hypot(x, y) = √(x² + y²): ∂/∂x = x/out, ∂/∂y = y/out
hypot = define_op("hypotenuse", math.hypot, lambda x, y, out: (x / out, y / out))

# lerp(a, b, t) = a + t·(b − a): ∂/∂a = 1 − t, ∂/∂b = t, ∂/∂t = b − a
lerp = define_op("interpolate", lambda a, b, t: a + t * (b - a), lambda a, b, t, out: (1.0 - t, t, b - a))

xs = st.floats(-4.0, 4.0, allow_nan=False)


@given(xs)
def test_values_and_first_derivatives_are_the_math(x):
    v = Value(x)
    y = sin(v) + cos(v) + softplus(v)
    y.backward()
    assert y.data == math.sin(x) + math.cos(x) + (max(x, 0.0) + math.log1p(math.exp(-abs(x))))
    assert v.grad == pytest.approx(
        math.cos(x) - math.sin(x) + 1.0 / (1.0 + math.exp(-x)), rel=1e-12, abs=1e-12
    )


def test_on_floats_the_function_gives_a_float():
    assert sin(0.5) == math.sin(0.5)
    assert isinstance(softplus(2), float)
    assert hypot(3.0, 4.0) == 5.0


@given(xs, st.floats(0.5, 3.0))
def test_gradcheck_passes_for_each_op(x, y):
    gradcheck(lambda a: sin(a) * cos(a), [x])
    gradcheck(lambda a: softplus(a) * a, [x])
    gradcheck(lambda a, b: hypot(a, b) * a, [x, y])


def test_second_and_third_order_through_rules_that_call_each_other():
    x = Value(0.7)
    (d1,) = grad(sin(x), [x], create_graph=True)  # cos x
    (d2,) = grad(d1, [x], create_graph=True)  # −sin x
    (d3,) = grad(d2, [x])  # −cos x
    assert (d1.data, d2.data, d3.data) == (math.cos(0.7), -math.sin(0.7), -math.cos(0.7))


def test_binary_op_with_a_constant_on_either_side():
    x = Value(3.0)
    left, right = hypot(x, 4.0), hypot(4.0, x)
    assert left.data == right.data == 5.0
    assert left.parents == right.parents == (x,)
    assert left.operands == (x, 4.0) and right.operands == (4.0, x)
    (left + right).backward()
    assert x.grad == 2 * 3.0 / 5.0


def test_replay_draw_and_the_stepper_read_the_new_row():
    x = Value(0.5, "x")
    y = sin(x) * 2.0
    assert y.parents[0].op == "sine"
    replay(y, {x: 1.0})
    assert y.data == 2.0 * math.sin(1.0)
    assert "sine" in draw(y).source
    assert "sine" in trace(y).table()


def test_bad_definitions_are_refused_naming_the_op():
    with pytest.raises(ValueError, match=r"'tanh' exists already .*built-in"):
        define_op("tanh", math.tanh, lambda x, out: (1 - out * out,))
    with pytest.raises(ValueError, match=r"'sine' exists already.*replace=True"):
        define_op("sine", math.sin, lambda x, out: (math.cos(x),))
    with pytest.raises(ValueError, match="must be an identifier"):
        define_op("my op", math.sin, lambda x, out: (math.cos(x),))
    with pytest.raises(TypeError, match="'cube': local must be a function"):
        define_op("cube", lambda x: x**3, 3.0)
    with pytest.raises(ValueError, match=r"'nullary': the value rule must take the operands \(1 or more\)"):
        define_op("nullary", lambda: 1.0, lambda out: ())
    with pytest.raises(
        ValueError, match=r"'triple': the local rule must take 4 arguments \(the operands and then out\)"
    ):
        define_op("triple", lambda x, y, z: x, lambda x, y, out: (1.0, 1.0))
    with pytest.raises(ValueError, match="'halve': the local rule must take 2 arguments"):
        define_op("halve", lambda x: x / 2, lambda x: (0.5,))


def test_bad_results_are_refused_when_applied_naming_the_op():
    two = define_op("two_derivatives", lambda x: 2 * x, lambda x, out: (2.0, 0.0))
    with pytest.raises(
        ValueError, match=r"two_derivatives: the local rule must give 1 local derivative .*got 2"
    ):
        two(Value(1.0))
    blowup = define_op("blowup", lambda x: math.exp(x) if x < 700 else math.inf, lambda x, out: (out,))
    with pytest.raises(ValueError, match=r"blowup: the value rule gave inf at x0 = 800.0"):
        blowup(Value(800.0))
    root = define_op("root", math.sqrt, lambda x, out: (0.5 / out if out else math.inf,))
    with pytest.raises(ValueError, match=r"root: local derivative 0 is inf at x0 = 0.0"):
        root(Value(0.0))
    with pytest.raises(TypeError, match=r"sine\(\) takes 1 operand, got 2"):
        sin(Value(1.0), 2.0)


def test_replace_defines_an_op_of_your_own_again():
    first = define_op("twice", lambda x: 2 * x, lambda x, out: (2.0,))
    x = Value(1.5)
    before = first(x)
    again = define_op("twice", lambda x: x + x, lambda x, out: (2.0,), replace=True)
    after = again(x)
    assert before.data == after.data == 3.0
    assert before.operator is not after.operator  # made before: the rules it was made with


def test_micrograd_style_node_by_hand_points_to_define_op():
    x = Value(1.0)
    with pytest.raises(TypeError, match="define_op"):
        Value(math.sin(1.0), (x,), "sin")


# ---- ops of three operands ------------------------------------------------------------------
p, q, r = sympy.symbols("p q r", real=True)
σ = 1 / (1 + sympy.exp(-p))
EXACT = {  # each op as sympy writes it, of its operands p, q, r
    fma: p * q + r,
    lerp: p + r * (q - p),
    blend: σ * q + (1 - σ) * r,
}


def exact(expression: sympy.Expr, at: tuple[float, float, float]) -> float:
    return float(expression.evalf(30, subs=dict(zip((p, q, r), at))))


@given(st.sampled_from(list(EXACT)), st.tuples(xs, xs, xs), st.tuples(*[st.booleans()] * 3))
def test_three_operands_with_constants_anywhere_are_the_math(op, at, is_constant):
    """Values and first derivatives against sympy; a plain-number operand is a constant: no edge."""
    leaves = [Value(a, f"x{i}") for i, a in enumerate(at)]
    operands = [a if constant else leaf for a, leaf, constant in zip(at, leaves, is_constant)]
    out = op(*operands)
    if all(is_constant):  # no Value among the operands: a float
        assert isinstance(out, float)
        assert out == pytest.approx(exact(EXACT[op], at), rel=1e-12, abs=1e-12)
        return
    assert out.operator.arity == 3 and out.operator.fused  # a node of tuples, as Value.sum makes
    assert out.operands == tuple(operands)
    assert out.parents == tuple(o for o in operands if isinstance(o, Value))
    assert out.data == pytest.approx(exact(EXACT[op], at), rel=1e-12, abs=1e-12)
    out.backward()
    for leaf, symbol, constant in zip(leaves, (p, q, r), is_constant):
        expected = 0.0 if constant else exact(sympy.diff(EXACT[op], symbol), at)
        assert leaf.grad == pytest.approx(expected, rel=1e-12, abs=1e-12), symbol


def _composite(a, b, c):
    """Each op of three operands, nested, with constants among their operands."""
    return blend(a, lerp(b, c, a), fma(a, 2.0, c)) * lerp(c, -1.5, b) + fma(b, b, 0.5)


_EXACT_HESSIAN = sympy.hessian(
    (σ * (q + p * (r - q)) + (1 - σ) * (2 * p + r)) * (r + q * (-1.5 - r)) + (q * q + 0.5), (p, q, r)
)


@settings(max_examples=50)
@given(st.tuples(xs, xs, xs))
def test_second_derivatives_through_rules_of_three_operands_match_sympy(at):
    """grad(create_graph=True) runs each op's local rule on Values (blend's calls σ)."""
    computed = hessian(_composite, list(at))
    for i in range(3):
        for j in range(3):
            assert computed[i][j] == pytest.approx(exact(_EXACT_HESSIAN[i, j], at), rel=1e-9, abs=1e-9), (
                i,
                j,
            )


@given(st.tuples(xs, xs, xs))
def test_gradcheck_passes_for_ops_of_three_operands(at):
    gradcheck(_composite, list(at))


@given(st.tuples(xs, xs, xs), st.tuples(xs, xs))
def test_replay_after_changing_leaves_equals_a_fresh_build(at, new):
    def build(a: float, b: float, c: float) -> tuple[list[Value], Value]:
        leaves = [Value(a, "x"), Value(b, "y"), Value(c, "z")]
        return leaves, _composite(*leaves)

    def state(root: Value) -> list[tuple[str, str, tuple[str, ...], str]]:
        """Each node's op, data, local derivatives and gradient, exactly (repr), in order."""
        root.backward()
        return [
            (n.op, repr(n.data), tuple(map(repr, n.local_grads)), repr(n.grad)) for n in snapshot(root).order
        ]

    (x, y, _), root = build(*at)
    replay(root, {x: new[0], y: new[1]})
    assert state(root) == state(build(*new, at[2])[1])


def test_trace_and_draw_show_the_op_its_operands_and_its_constant():
    x, z = Value(1.5, "x"), Value(-0.5, "z")
    f = fma(x, 2.0, z)
    f.label = "f"
    t = trace(f)
    assert t.forward_formula(f) == "f = fma(x, 2.0, z) = fma(1.5, 2.0, -0.5) = 2.5"
    assert "x̅ += f̅ · ∂f/∂x = 1.0 · 2.0 = 2.0" in t.table()
    assert "z̅ += f̅ · ∂f/∂z = 1.0 · 1.0 = 1.0" in t.table()
    source = draw(f).source
    op_node = re.search(r"(\w+) \[label=<fma>", source).group(1)
    into_op = re.findall(rf"(\w+) -> {op_node} \[(.*)\]", source)
    assert [(tail, "dashed" in attrs) for tail, attrs in into_op] == [
        ("n0", False),
        ("n1", False),
        (f"{op_node}_c0", True),
    ]
    assert re.search(rf"{op_node}_c0 \[label=<2>", source)  # the constant, drawn on the op
    assert re.search(r"n0 \[label=<<b>x</b>", source) and re.search(r"n1 \[label=<<b>z</b>", source)


def test_a_snapshot_lists_each_use_of_an_operand():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    out = fma(x, x, y)  # x used twice by one node
    uses = snapshot(out).uses
    assert uses[x] == ((out, 0), (out, 1)) and uses[y] == ((out, 2),)
    out.backward()
    assert (x.grad, y.grad) == (2 * 2.0, 1.0)  # ∂(x·x + y)/∂x = 2x


def test_inside_no_grad_and_on_floats_an_op_of_three_operands_records_nothing():
    x = Value(2.0)
    with no_grad():
        out = lerp(x, 4.0, 0.25)
    assert out.is_leaf and out.data == 2.5
    assert lerp(2.0, 4.0, 0.25) == 2.5 and isinstance(lerp(2, 4, 1), float)


def test_the_number_of_operands_is_read_from_the_rules_or_given():
    # math.hypot takes any number of arguments: the local rule says three
    hypot3 = define_op("hypot3", math.hypot, lambda x, y, z, out: (x / out, y / out, z / out))
    x = Value(2.0)
    out = hypot3(x, 3.0, 6.0)
    assert out.data == 7.0 and out.local_grads == (2.0 / 7.0,)
    with pytest.raises(
        ValueError, match=r"'mean': the rules take 1 or more operands .*say how many with operands=n"
    ):
        define_op(
            "mean",
            lambda *xs: sum(xs) / len(xs),
            lambda *xs_out: (1.0 / (len(xs_out) - 1),) * (len(xs_out) - 1),
        )
    mean = define_op(
        "mean",
        lambda *xs: sum(xs) / len(xs),
        lambda *xs_out: (1.0 / (len(xs_out) - 1),) * (len(xs_out) - 1),
        operands=4,
    )
    leaves = [Value(float(i)) for i in range(4)]
    m = mean(*leaves)
    m.backward()
    assert m.data == 1.5 and [v.grad for v in leaves] == [0.25] * 4
    with pytest.raises(ValueError, match=r"'with_default': the rules take 1 to 2 operands"):
        define_op("with_default", lambda x, y=0.0: x + y, lambda x, y=0.0, out=0.0: (1.0, 1.0))


def test_bad_operand_counts_are_refused_naming_the_op():
    with pytest.raises(ValueError, match=r"'none_given': operands must be at least 1, got 0"):
        define_op("none_given", lambda *xs: 0.0, lambda *a: (), operands=0)
    with pytest.raises(TypeError, match=r"'halfway': operands must be an int, got float"):
        define_op("halfway", lambda *xs: 0.0, lambda *a: (), operands=2.5)
    with pytest.raises(
        ValueError, match=r"'pair': the value rule must take the operands \(3\); it takes 2 arguments"
    ):
        define_op("pair", lambda x, y: x, lambda x, y, out: (1.0, 0.0), operands=3)
    with pytest.raises(ValueError, match=r"'short': the local rule must take 4 arguments"):
        define_op("short", lambda *xs: sum(xs), lambda x, out: (1.0,), operands=3)
    with pytest.raises(ValueError, match=r"'scaled': the value rule needs the keyword argument 'k'"):
        define_op("scaled", lambda x, *, k: k * x, lambda x, out: (1.0,))
    with pytest.raises(TypeError, match=r"fma\(\) takes 3 operands, got 2"):
        fma(Value(1.0), 2.0)
    with pytest.raises(TypeError, match=r"fma: expected a real number, got str '2'"):
        fma(Value(1.0), "2", 3.0)


def test_bad_results_of_three_operands_are_refused_naming_the_op_and_the_operands():
    two = define_op("two_of_three", lambda x, y, z: x, lambda x, y, z, out: (1.0, 0.0))
    with pytest.raises(
        ValueError, match=r"two_of_three: the local rule must give 3 local derivatives .*got 2"
    ):
        two(Value(1.0), 2.0, 3.0)
    ratio = define_op(
        "ratio3",
        lambda x, y, z: x / (y - z) if y != z else math.inf,
        lambda x, y, z, out: (1.0 / (y - z), -out / (y - z), out / (y - z)),
    )
    with pytest.raises(ValueError, match=r"ratio3: the value rule gave inf at x0 = 1.0, x1 = 2.0, x2 = 2.0"):
        ratio(Value(1.0), 2.0, Value(2.0))
    spike = define_op(
        "spike", lambda x, y, z: x + y + z, lambda x, y, z, out: (1.0, 1.0, math.inf if z == 0 else 1.0)
    )
    with pytest.raises(ValueError, match=r"spike: local derivative 2 is inf at x0 = 1.0, x1 = 2.0, x2 = 0.0"):
        spike(Value(1.0), Value(2.0), 0.0)
