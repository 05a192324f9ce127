"""Seeded exercises (autograd.teaching.exercises): answers vs sympy, hand-friendly, distinct, by level."""

from __future__ import annotations

import ast
import math
from collections import Counter

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from autograd.teaching import exercises
from autograd.teaching.exercises import LEVELS, generate
from autograd.teaching.expr import parse

_ACTIVATIONS = ("relu", "sigmoid", "tanh")


def to_sympy(node: ast.expr, symbols: dict[str, sympy.Symbol]) -> sympy.Expr:
    """An expression of autograd.teaching.expr's language as sympy (walking the checked tree, no eval)."""
    if isinstance(node, ast.Constant):
        return sympy.nsimplify(node.value)
    if isinstance(node, ast.Name):
        return symbols[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = to_sympy(node.operand, symbols)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        a, b = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
        ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Div: a / b, ast.Pow: a**b}
        return ops[type(node.op)]
    assert isinstance(node, ast.Call)
    x = to_sympy(node.args[0], symbols)
    functions = {
        "exp": sympy.exp(x),
        "log": sympy.log(x),
        "tanh": sympy.tanh(x),
        "sigmoid": 1 / (1 + sympy.exp(-x)),
        "relu": sympy.Piecewise((x, x > 0), (0, True)),
    }
    return functions[node.func.id]


def sympy_answers(expression: str, inputs: dict[str, float]) -> tuple[float, dict[str, float]]:
    """f and ∂f/∂name at the inputs, exactly (the inputs are small rationals)."""
    tree = parse(expression)
    symbols = {name: sympy.Symbol(name, real=True) for name in tree.variables}
    f = to_sympy(tree.tree.body, symbols)
    point = {symbols[name]: sympy.nsimplify(value) for name, value in inputs.items()}
    value = float(f.subs(point).evalf(30))
    return value, {name: float(sympy.diff(f, s).subs(point).evalf(30)) for name, s in symbols.items()}


@given(st.integers(0, 2**32), st.sampled_from(LEVELS))
def test_every_answer_against_sympy(seed, level):
    for exercise in generate(2, seed, level):
        key = exercise.to_dict()
        value, gradients = sympy_answers(exercise.expression, exercise.inputs)
        assert math.isclose(key["value"], value, rel_tol=1e-12, abs_tol=1e-12)
        assert key["gradients"].keys() == gradients.keys() == exercise.inputs.keys()
        for name, exact in gradients.items():
            assert math.isclose(key["gradients"][name], exact, rel_tol=1e-12, abs_tol=1e-12), name


def _decimals_ok(x: float) -> bool:
    return abs(x) <= 1000 and round(x, 4) == x


@given(st.integers(0, 2**32), st.sampled_from(LEVELS))
def test_numbers_are_hand_friendly(seed, level):
    for exercise in generate(3, seed, level):
        t = exercise.trace()
        for node in t.order:
            assert _decimals_ok(node.data) and _decimals_ok(t.grads[node])
            assert all(_decimals_ok(local) for local in node.local_grads)
            if node.op == "relu":
                assert node.parents[0].data != 0.0  # never at the kink
            if node.op in ("sigmoid", "tanh"):
                assert node.parents[0].data == 0.0  # only where the value is known by heart
        leaf_grads = [t.grads[node] for node in t.order if node.is_leaf]
        assert leaf_grads.count(0.0) * 2 <= len(leaf_grads)


def _uses(expression: str) -> Counter[str]:
    tree = parse(expression).tree
    calls = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return Counter(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in calls)


def _calls(expression: str) -> list[str]:
    return [n.func.id for n in ast.walk(parse(expression).tree) if isinstance(n, ast.Call)]


@given(st.integers(0, 2**32))
def test_levels(seed):
    for exercise in generate(3, seed, 1):
        t = exercise.trace()
        assert 2 <= sum(not node.is_leaf for node in t.order) <= 3
        assert max(_uses(exercise.expression).values()) == 1  # no fan-out yet
    for exercise in generate(3, seed, 2):
        assert max(_uses(exercise.expression).values()) >= 2  # fan-out
        assert set(_calls(exercise.expression)) <= set(_ACTIVATIONS) and _calls(exercise.expression)
        assert ")**2" in exercise.expression  # a squared loss
    for exercise in generate(3, seed, 3):
        activations = _calls(exercise.expression)
        network = len(activations) == 2 and {"v1", "v2", "w4"} <= exercise.inputs.keys()
        regularized = len(activations) == 1 and "0.5*(w1**2 + w2**2)" in exercise.expression.replace(
            "0.25*", "0.5*"
        )
        assert network or regularized


@given(st.integers(0, 2**32), st.sampled_from(LEVELS))
def test_same_seed_same_exercises_all_distinct(seed, level):
    first = generate(12, seed, level)
    assert first == generate(12, seed, level)
    keys = [(e.expression, tuple(e.inputs.items())) for e in first]
    assert len(set(keys)) == len(keys)
    for exercise in first:
        assert tuple(exercise.inputs) == parse(exercise.expression).variables


def test_a_hundred_distinct_at_every_level():
    for level in LEVELS:
        assert len({(e.expression, tuple(e.inputs.items())) for e in generate(100, 1, level)}) == 100


def test_global_random_state_is_not_used():
    import random

    random.seed(5)
    before = random.getstate()
    generate(5, 3, 2)
    assert random.getstate() == before


@pytest.mark.parametrize(
    ("count", "seed", "level", "error", "message"),
    [
        (0, 1, 1, ValueError, "generate: count: expected a positive integer, got 0"),
        (2, 1, 4, ValueError, "level must be 1, 2 or 3"),
        (2, True, 1, TypeError, "seed must be an integer"),
        (2, 1.5, 1, TypeError, "seed must be an integer"),
    ],
)
def test_bad_arguments(count, seed, level, error, message):
    with pytest.raises(error, match=message):
        generate(count, seed, level)


def test_too_few_distinct_exercises_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(exercises, "_ATTEMPTS_PER_EXERCISE", 1)
    with pytest.raises(
        ValueError, match=r"found only \d+ distinct level-3 exercises for seed 1 .* ask for fewer"
    ):
        generate(50, 1, 3)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [11, 0, 7])
def test_shapes_are_drawn_without_replacement(level, seed, monkeypatch):
    """`stepgrad worksheet --count 6 --seed 11 --level 1` repeated a shape while others were unused."""
    shape_of: dict[str, str] = {}  # expression -> the template that wrote it

    def named(template):
        def draw(rng):
            expression, values = template(rng)
            shape_of[expression] = template.__name__
            return expression, values

        return draw

    templates = exercises._TEMPLATES[level]
    monkeypatch.setitem(exercises._TEMPLATES, level, tuple(named(template) for template in templates))
    drawn = [shape_of[e.expression] for e in generate(2 * len(templates), seed, level)]
    first, second = drawn[: len(templates)], drawn[len(templates) :]
    assert sorted(first) == sorted(t.__name__ for t in templates), first  # each shape once, then
    assert sorted(second) == sorted(first)  # each once more
