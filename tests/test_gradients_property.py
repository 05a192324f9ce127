"""Every leaf gradient of random expression graphs against two oracles:
exact symbolic derivatives (sympy) and central finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.engine.check import central_difference
from tests.strategies import float_function, programs, run, sympy_gradient


@given(programs())
def test_gradients_match_sympy(program):
    leaves, root = run(program, "value")
    root.backward()
    exact = sympy_gradient(program)
    for leaf, g in zip(leaves, exact):
        # Only float rounding separates the two: ~1e-13 relative for graphs this size.
        assert math.isclose(leaf.grad, g, rel_tol=1e-9, abs_tol=1e-9), (leaf, g)


@given(programs())
def test_gradients_match_central_differences(program):
    leaves, root = run(program, "value")
    root.backward()
    f = float_function(program)
    for i, leaf in enumerate(leaves):
        fd = central_difference(f, program.leaves, i, h=1e-6)
        # Central differences err by O(h²·f''') + O(ε·|f|/h): with |f| ≤ 1e3 and h = 1e-6
        # the rounding term is ≤ ~2e-7, the truncation term smaller still.
        assert math.isclose(leaf.grad, fd, rel_tol=1e-5, abs_tol=1e-5), (leaf, fd)


@given(programs())
def test_forward_matches_plain_floats(program):
    _, root = run(program, "value")
    _, expected = run(program, "float")
    assert math.isclose(root.data, expected, rel_tol=1e-12, abs_tol=1e-12)


@given(programs(), st.floats(0.25, 4.0))
def test_backward_is_linear_in_the_seed(program, seed):
    leaves, root = run(program, "value")
    root.backward()
    once = [x.grad for x in leaves]
    for x in leaves:
        x.grad = 0.0
    root.backward(seed=seed)
    for x, g in zip(leaves, once):
        assert x.grad == pytest.approx(seed * g, rel=1e-12, abs=1e-12)


@settings(max_examples=50)
@given(programs())
def test_second_backward_doubles_leaf_gradients(program):
    leaves, root = run(program, "value")
    root.backward()
    once = [x.grad for x in leaves]
    root.backward()
    assert [x.grad for x in leaves] == [2 * g for g in once]
