"""The answer checker and mistake classifier (autograd.recording.practice)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd.recording.practice import (
    Mistake,
    NotANumber,
    Practice,
    check,
    diagnose,
    is_right,
    parse_answer,
    questions,
)
from autograd.recording.trace import trace
from autograd.teaching.expr import evaluate
from tests.notation import bar
from tests.strategies import programs, run


def traced(text: str, **values: float):
    root = evaluate(text, values)
    root.label = "f"
    t = trace(root)
    return t, {t.names[node]: node for node in t.order}


# ---- the tolerance -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "expected", "right"),
    [
        (1.0, 0.999963, True),  # rounded to 3 significant digits
        (0.99996, 0.999963, True),
        (0.998, 0.999963, False),  # 1.9 units of the third digit off
        (-1.5, -1.49994, True),
        (-1.49, -1.49994, False),
        (2.01, 2.005, True),  # exactly half a unit: the boundary counts as right
        (2.0, 2.005, True),
        (2.011, 2.005, False),
        (0.000454, 0.000454281, True),
        (0.00045, 0.000454281, False),
        (12300.0, 12345.0, True),  # 12345 to 3 significant digits
        (12400.0, 12345.0, False),
        (0.0, 0.0, True),
        (-0.0, 0.0, True),
        (0.001, 0.0, False),  # an exact 0 needs 0
        (0.0, 1e-15, True),  # round-off of a zero gradient counts as 0
        (0.0, 0.001, False),
    ],
)
def test_three_significant_digits(answer, expected, right):
    assert is_right(answer, expected) is right


@given(st.floats(min_value=1e-6, max_value=1e6), st.sampled_from([1.0, -1.0]))
def test_rounded_to_three_digits_is_right_and_one_unit_off_is_wrong(magnitude, sign):
    expected = sign * magnitude
    unit = 10.0 ** (math.floor(math.log10(magnitude)) - 2)
    rounded = float(f"{expected:.3g}")
    assert is_right(rounded, expected)
    assert not is_right(expected + 1.01 * unit, expected)
    assert not is_right(expected - 1.01 * unit, expected)


@pytest.mark.parametrize(
    ("text", "value"), [("3", 3.0), (" -0.5 ", -0.5), ("1e-3", 0.001), ("3/4", 0.75), ("-1/2", -0.5)]
)
def test_answers_as_typed(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize("text", ["", "  ", "abc", "1/0", "nan", "inf", "3/", "x=3", "2 3"])
def test_not_a_number_says_what_to_type(text):
    with pytest.raises(NotANumber, match="type a number such as 3"):
        parse_answer(text)


# ---- the questions -----------------------------------------------------------------------
def test_questions_follow_backward_finalization():
    t, node = traced("w*x + w**2", w=2.0, x=3.0)
    # step 1 (f) finalizes v2 and v3; step 2 (v3 = w**2) nothing; step 3 (v2 = w*x) w and x
    assert [q.prompt for q in questions(t)] == [bar("v2"), bar("v3"), "w\u0305", "x\u0305"]
    assert [q.expected for q in questions(t)] == [1.0, 1.0, 7.0, 2.0]
    assert questions(t)[2].node is node["w"]


@given(programs(max_steps=8))
def test_every_node_but_the_root_asked_once_in_finalization_order(program):
    _, root = run(program, "value")
    t = trace(root)
    asked = questions(t)
    assert [q.node for q in asked].count(root) == 0
    assert {q.node for q in asked} == set(t.order) - {root}
    assert len(asked) == len(t.order) - 1
    finals = [t.final_after[q.node] for q in asked]
    assert finals == sorted(finals)
    for q in asked:
        assert q.expected == t.grads[q.node]
        assert check(t, q.node, q.expected).correct
        if abs(q.expected) > 1e-9:
            assert not check(t, q.node, -q.expected).correct


# ---- the mistakes ------------------------------------------------------------------------
def test_fan_out_one_term_of_two():
    t, node = traced("w*x + w**2", w=2.0, x=3.0)
    verdict = check(t, node["w"], 3.0)
    assert (verdict.correct, verdict.mistake) == (False, Mistake.FAN_OUT)
    assert f"That is only {bar('v2')} · ∂v2/∂w = 3.0" in verdict.feedback
    assert "w is used 2 times (by v3 and v2)" in verdict.feedback
    assert check(t, node["w"], 4.0).mistake is Mistake.FAN_OUT


def test_fan_out_of_a_node_used_twice_by_one_child():
    t, node = traced("x*x", x=3.0)
    verdict = check(t, node["x"], 3.0)
    assert verdict.mistake is Mistake.FAN_OUT
    assert "x is used 2 times (by f and f again)" in verdict.feedback


def test_fan_out_some_terms_of_three():
    t, node = traced("a*2 + a*3 + a*5", a=1.0)  # 2 + 3 + 5 = 10
    assert check(t, node["a"], 5.0).mistake is Mistake.FAN_OUT  # 2 + 3 or 5 alone
    assert check(t, node["a"], 7.0).mistake is Mistake.FAN_OUT  # 2 + 5
    assert check(t, node["a"], 10.0).correct


def test_local_derivative_without_the_upstream_gradient():
    t, node = traced("(w*x + 1)*4", w=2.0, x=3.0)  # w̅ = 4 · 3 = 12
    verdict = check(t, node["w"], 3.0)
    assert verdict.mistake is Mistake.LOCAL_ONLY
    assert "local derivative ∂v2/∂w = 3.0 alone" in verdict.feedback
    assert f"upstream gradient {bar('v2')} = 4.0" in verdict.feedback


def test_sum_of_local_derivatives_without_the_upstream_gradients():
    t, node = traced("(w*x)*4 + (w*5)*2", w=2.0, x=3.0)  # 4·3 + 2·5 = 22; locals 3 + 5 = 8
    assert check(t, node["w"], 8.0).mistake is Mistake.LOCAL_ONLY


def test_sign_flipped():
    t, node = traced("(w*x + 1)*4", w=2.0, x=3.0)
    verdict = check(t, node["w"], -12.0)
    assert verdict.mistake is Mistake.SIGN
    assert "wrong sign" in verdict.feedback


def test_value_instead_of_gradient():
    t, node = traced("(w*x + 1)*4", w=2.0, x=3.0)
    verdict = check(t, node["w"], 2.0)
    assert verdict.mistake is Mistake.VALUE
    assert "value of w from the forward pass (2.0)" in verdict.feedback


def test_unrecognised_wrong_answer_gets_the_chain_rule_without_numbers():
    t, node = traced("(w*x + 1)*4", w=2.0, x=3.0)
    verdict = check(t, node["w"], 99.0)
    assert (verdict.correct, verdict.mistake) == (False, None)
    assert verdict.feedback == f"Not quite. By the chain rule, w\u0305 = {bar('v2')} · ∂v2/∂w."


def test_a_right_answer_is_no_mistake():
    t, node = traced("(w*x + 1)*4", w=2.0, x=3.0)
    assert diagnose(t, node["w"], 12.0) is None
    assert check(t, node["w"], 12.004).correct


def test_expected_zero():
    t, node = traced("relu(w*x)", w=-2.0, x=3.0)  # relu off: every gradient is 0
    assert check(t, node["w"], 0.0).correct
    verdict = check(t, node["w"], 3.0)
    assert not verdict.correct and verdict.mistake is Mistake.LOCAL_ONLY


# ---- a session ---------------------------------------------------------------------------
def test_two_tries_then_the_derivation():
    t, node = traced("w*x + w**2", w=2.0, x=3.0)
    session = Practice(t)
    assert (session.score, session.total, session.done) == (0, 4, False)
    assert session.answer(1.0).moved_on  # v̅2̅
    assert session.answer(1.0).moved_on  # v3
    assert session.question.node is node["w"]
    first = session.answer(3.0)
    assert not first.moved_on and first.reveal is None and first.verdict.mistake is Mistake.FAN_OUT
    second = session.answer(2.0)
    assert second.moved_on and second.verdict.mistake is Mistake.VALUE
    assert second.reveal == t.derivation(node["w"])
    assert second.feedback.endswith("The answer: " + t.derivation(node["w"]))
    assert session.question.node is node["x"]
    assert session.answer(2.0).verdict.correct
    assert session.done and session.question is None
    assert (session.score, session.total) == (3, 4)
    assert [r.answers for r in session.records] == [[1.0], [1.0], [3.0, 2.0], [2.0]]
    assert [r.correct for r in session.records] == [True, True, False, True]
    with pytest.raises(ValueError, match="every question has been answered"):
        session.answer(1.0)


def test_session_refuses_non_numbers():
    t, _ = traced("w*x", w=2.0, x=3.0)
    session = Practice(t)
    for bad in ("3", None, True, math.nan):
        with pytest.raises(TypeError, match="expected a finite number"):
            session.answer(bad)
    assert session.records[0].answers == []
    with pytest.raises(ValueError, match="tries"):
        Practice(t, tries=0)


@given(programs(max_steps=6), st.integers(1, 3))
def test_a_session_of_right_answers_scores_everything(program, tries):
    _, root = run(program, "value")
    session = Practice(trace(root), tries=tries)
    while not session.done:
        assume(session.question is not None)
        assert session.answer(session.question.expected).verdict.correct
    assert session.score == session.total == len(trace(root).order) - 1
