"""Ops of your own: define_op adds a row to the op table, and everything reads it like any other.

The oracles: math's own derivatives (d sin = cos, d softplus = σ), central differences
(gradcheck), and the float function itself.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, define_op, draw, grad, gradcheck, replay, trace
from autograd.engine.ops import sigmoid

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
    with pytest.raises(ValueError, match="'triple': the value rule must take one or two operands"):
        define_op("triple", lambda x, y, z: x, lambda x, y, z, out: (1.0, 1.0, 1.0))
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
