"""autograd.engine.replay: re-evaluating a recorded graph equals building it afresh, bit for bit."""

import re
from itertools import chain

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import DomainError, Value, topological_order
from autograd.engine.replay import replay
from autograd.recording.trace import trace
from tests.strategies import OPS, Program, Step, extreme_programs, leaf_values, programs, run

ERRORS = (ZeroDivisionError, OverflowError, ValueError)


def snapshot(root: Value) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every node's op, data and local derivatives, in topological order, as exact reprs."""
    return [(n.op, repr(n.data), tuple(map(repr, n.local_grads))) for n in topological_order(root)]


def reachable_only(program: Program) -> Program:
    """The program with each step the root does not depend on replaced by harmless tanh steps
    (one per node it appended, so the other steps' nodes keep their indices)."""
    first, n = [], len(program.leaves)  # the index of each step's first node
    for step in program.steps:
        first.append(n)
        n += OPS[step.op].outputs
    needed, kept = {n - 1}, []
    for step, k in reversed(list(zip(program.steps, first))):
        outputs = range(k, k + OPS[step.op].outputs)
        if needed.intersection(outputs):
            needed.update(step.args)
            kept.append([step])
        else:
            kept.append([Step("tanh", (0,))] * len(outputs))
    return Program(program.leaves, tuple(chain.from_iterable(reversed(kept))))


def check_replay_against_a_fresh_build(program: Program, new: list[float]) -> None:
    program = reachable_only(program)
    leaves, root = run(program, "value")
    in_graph = set(topological_order(root))
    values = {leaf: x for leaf, x in zip(leaves, new) if leaf in in_graph}  # a program may not use a leaf
    before = snapshot(root)
    try:
        _, fresh = run(Program(tuple(new), program.steps), "value")
    except ERRORS as exc:  # the new point is outside some op's domain: replay refuses it the same way
        with pytest.raises(type(exc), match=re.escape(str(exc))):
            replay(root, values)
        assert snapshot(root) == before, "a refused replay must leave the graph as it was"
        return
    assert replay(root, values) is root
    assert snapshot(root) == snapshot(fresh)
    assert [repr(g) for g in trace(root).grads.values()] == [repr(g) for g in trace(fresh).grads.values()]


@given(programs(), st.data())
def test_replay_equals_building_afresh(program, data):
    new = data.draw(st.lists(leaf_values, min_size=len(program.leaves), max_size=len(program.leaves)))
    check_replay_against_a_fresh_build(program, new)


@given(extreme_programs(), st.data())
def test_replay_equals_building_afresh_with_huge_and_infinite_local_derivatives(program, data):
    new = data.draw(st.permutations(program.leaves))
    check_replay_against_a_fresh_build(program, list(new))


def test_replay_of_the_lecture_example():
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = w * x + b
    replay(f, {w: 5.0})
    f.backward()
    assert (f.data, w.grad, x.grad, b.grad) == (16.0, 3.0, 5.0, 1.0)


def test_replay_keeps_constants_and_their_side():
    x = Value(2.0, "x")
    root = Value.sum([2.0 - x, x / 4.0, 3.0**x, x**-0.5, Value.dot([x, 2.0], [1.5, x], 0.25)])
    replay(root, {x: 1.0})
    y = Value(1.0, "x")
    fresh = Value.sum([2.0 - y, y / 4.0, 3.0**y, y**-0.5, Value.dot([y, 2.0], [1.5, y], 0.25)])
    assert snapshot(root) == snapshot(fresh)


def test_a_domain_error_names_the_op_and_changes_nothing():
    x = Value(2.0, "x")
    y = (x * 3.0).log() + x
    before = snapshot(y)
    with pytest.raises(DomainError, match=r"log: undefined at x = -3.0"):
        replay(y, {x: -1.0})
    assert snapshot(y) == before and x.data == 2.0


def test_bad_arguments_are_refused_by_name():
    x, other = Value(1.0, "x"), Value(2.0, "other")
    y = x * 2.0
    with pytest.raises(TypeError, match="replay: root must be a Value"):
        replay(1.0, {})
    with pytest.raises(TypeError, match="keys must be Values"):
        replay(y, {"x": 1.0})
    with pytest.raises(ValueError, match="not a node of this graph"):
        replay(y, {other: 1.0})
    with pytest.raises(ValueError, match=r"computed by '\*', not a leaf"):
        replay(y, {y: 1.0})
    with pytest.raises(ValueError, match="must be finite"):
        replay(y, {x: float("nan")})
    with pytest.raises(TypeError, match="expected a real number"):
        replay(y, {x: "3"})
    with pytest.raises(ValueError, match="order must be root's topological order"):
        replay(y, {x: 2.0}, order=[y, x])
    assert y.data == 2.0  # refused before anything changed


@given(programs(), st.data())
def test_replay_along_a_given_order_equals_replay_that_sorts(program, data):
    new = data.draw(st.lists(leaf_values, min_size=len(program.leaves), max_size=len(program.leaves)))
    outcomes = []
    for given_order in (False, True):
        leaves, root = run(program, "value")
        order = topological_order(root)
        values = {leaf: v for leaf, v in zip(leaves, new) if leaf in set(order)}
        try:
            replay(root, values, order=order if given_order else None)
        except ERRORS as exc:
            outcomes.append(type(exc))
        else:
            outcomes.append(snapshot(root))
    assert outcomes[0] == outcomes[1]
