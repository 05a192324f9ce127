"""`stepgrad quiz`: transcripts for right answers, each recognised mistake, garbage, end of input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata

import pytest

from autograd.recording.practice import questions
from autograd.recording.trace import trace
from autograd.teaching.exercises import generate
from autograd.teaching.quiz import run_quiz
from stepgrad.cli import main
from stepgrad.expression import expression_graph
from tests.notation import bar


def quiz(monkeypatch, capsys, typed: str, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    status = main(["quiz", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


WXB = ("w*x + b", "w=2", "x=3", "b=1")  # v2 = w*x = 6, f = v2 + b = 7


def test_right_answers(monkeypatch, capsys):
    status, out, _ = quiz(monkeypatch, capsys, "1\n1\n3\n2\n", *WXB)
    assert status == 0
    assert "Quiz: w*x + b   with w = 2.0, x = 3.0, b = 1.0" in out
    assert "  v2 = w * x = 2.0 * 3.0 = 6.0" in out  # the forward pass first
    assert "  seed: f\u0305 = 1.0" in out
    asked = [line.split(" = ?")[0] for line in out.splitlines() if line.startswith("Question")]
    assert asked == [f"Question {i}/4: {bar(name)}" for i, name in enumerate(["v2", "b", "w", "x"], 1)]
    assert "Question 3/4: w\u0305 = ? 3\n  Right: w\u0305 = 3.0." in out  # piped input is echoed
    assert out.rstrip().endswith("Score: 4/4")


def test_three_significant_digits_are_enough(monkeypatch, capsys):
    # x̅ = 1 − tanh²(0.5) = 0.786448: 0.79 is off by 7 units of the third digit, 0.786 is right
    status, out, _ = quiz(monkeypatch, capsys, "0.79\n0.786\n", "tanh(x)", "x=0.5")
    assert status == 0
    chain_rule = "Not quite. By the chain rule, x\u0305 = f\u0305 · ∂f/∂x."  # ∂f/∂x: f's local derivative
    assert f"Question 1/1: x\u0305 = ? 0.79\n  {chain_rule}\n" in out
    assert "Question 1/1: x\u0305 = ? 0.786\n  Right: x\u0305 = 0.786448." in out
    assert "Score: 1/1" in out


@pytest.mark.parametrize(
    ("expression", "values", "typed", "feedback"),
    [
        # w̅ = x + 2w = 3 + 4: one term of two
        (
            "w*x + w**2",
            ("w=2", "x=3"),
            "1\n1\n3\n",
            f"That is only {bar('v2')} · ∂v2/∂w = 3.0. w is used 2 times",
        ),
        # w̅ = 4 · x: the local derivative x = 3 alone
        ("(w*x + 1)*4", ("w=2", "x=3"), "4\n4\n3\n", "That is the local derivative ∂v2/∂w = 3.0 alone"),
        ("(w*x + 1)*4", ("w=2", "x=3"), "4\n4\n-12\n", "Right size, wrong sign"),
        ("(w*x + 1)*4", ("w=2", "x=3"), "4\n4\n2\n", "That is the value of w from the forward pass (2.0)"),
    ],
)
def test_each_recognised_mistake(monkeypatch, capsys, expression, values, typed, feedback):
    _, out, _ = quiz(monkeypatch, capsys, typed, expression, *values)
    assert f"  Not quite. {feedback}" in out


def test_second_miss_shows_the_derivation_and_moves_on(monkeypatch, capsys):
    status, out, _ = quiz(monkeypatch, capsys, "1\n1\n5\n6\n2\n", *WXB)
    assert status == 0
    chain_rule = f"Not quite. By the chain rule, w\u0305 = {bar('v2')} · ∂v2/∂w."
    assert f"Question 3/4: w\u0305 = ? 5\n  {chain_rule}\n" in out
    assert f"  The answer: w\u0305 = {bar('v2')} · ∂v2/∂w = 1.0 · 3.0 = 3.0\n\nQuestion 4/4: x\u0305" in out
    assert "Score: 3/4" in out


def test_garbage_is_not_an_answer(monkeypatch, capsys):
    status, out, _ = quiz(monkeypatch, capsys, "1\nabc\n\n1\n3\n2\n", *WXB)
    assert status == 0
    assert "Question 2/4: b\u0305 = ? abc\n  'abc' is not a number: type a number such as 3" in out
    assert "\n  no answer: type a number such as 3" in out
    assert out.count("Question 2/4: b\u0305 = ?") == 3  # asked again each time
    assert "Score: 4/4" in out  # and it did not count as a try


def test_end_of_input_stops_with_the_transcript_so_far(monkeypatch, capsys):
    # the input ends after one try at question 2: it is in the transcript with that try
    status, out, err = quiz(monkeypatch, capsys, "1\n7\n", *WXB, "--format", "json")
    assert status == 1
    assert "End of input: stopped at question 2 of 4." in err  # the conversation goes to stderr
    document = json.loads(out)
    assert document == {
        "schema": "stepgrad.quiz/1",
        "expression": "w*x + b",
        "questions": [
            {"node": "v2", "expected": 1.0, "answers": [1.0], "correct": True,
             "feedback": [f"Right: {bar('v2')} = 1.0."]},
            {"node": "b", "expected": 1.0, "answers": [7.0], "correct": False,
             "feedback": ["Not quite. By the chain rule, b\u0305 = f\u0305 · ∂f/∂b."]},
        ],
        "score": 1,
        "total": 4,
    }  # fmt: skip


def test_json_of_a_whole_quiz(monkeypatch, capsys):
    status, out, _ = quiz(monkeypatch, capsys, "1\n0\n1\n-3\n5\n2\n", *WXB, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert [q["node"] for q in document["questions"]] == ["v2", "b", "w", "x"]
    assert [q["correct"] for q in document["questions"]] == [True, True, False, True]
    assert document["questions"][1]["answers"] == [0.0, 1.0]
    assert document["questions"][2]["answers"] == [-3.0, 5.0]
    assert "wrong sign" in document["questions"][2]["feedback"][0]
    reveal = f"The answer: w\u0305 = {bar('v2')} · ∂v2/∂w = 1.0 · 3.0 = 3.0"
    assert document["questions"][2]["feedback"][1].endswith(reveal)
    assert (document["score"], document["total"]) == (3, 4)


def test_generated_exercise(monkeypatch, capsys):
    exercise = generate(1, 5, 2)[0]
    right = "".join(f"{q.expected}\n" for q in questions(exercise.trace()))
    status, out, _ = quiz(monkeypatch, capsys, right, "--seed", "5", "--level", "2", "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["expression"] == exercise.expression
    assert document["score"] == document["total"] == len(exercise.trace().order) - 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give an expression and its values"),
        (("x*y", "x=1", "--seed", "3"), "give an expression or --seed, not both"),
        (("x*y", "x=1", "y=2", "--level", "2"), "--level goes with --seed"),
        (("x.y + 1", "x=1"), "column 2: attribute access is not allowed\n    x.y + 1\n     ^"),
        (("x*y", "x=1"), "missing value for y"),
        (("log(x)", "x=0"), "log: undefined at x = 0.0"),
    ],
)
def test_bad_arguments(monkeypatch, capsys, argv, message):
    status, out, err = quiz(monkeypatch, capsys, "", *argv)
    assert status == 2
    assert out == ""
    assert message in err


def test_piped_through_the_console_script():
    result = subprocess.run(
        [sys.executable, "-m", "stepgrad", "quiz", *WXB],
        input="1\n1\n3\n2\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Score: 4/4" in result.stdout


def test_on_a_terminal_lines_wrap_at_spaces_to_its_width():
    """A 217-column feedback line wrapped by the terminal broke inside a symbol; with `width` each
    line is cut at spaces, goes on indented, and its words are the unwrapped line's words."""
    root, _ = expression_graph("x*y + x*z + x", ["x=2", "y=3", "z=5"])
    t = trace(root)
    answers = "1\n1\n1\n1\n2\n2\n3\n3\n"
    plain, narrow = io.StringIO(), io.StringIO()
    run_quiz(t, io.StringIO(answers), plain, echo=True)
    run_quiz(t, io.StringIO(answers), narrow, echo=True, width=60)
    assert max(map(len, plain.getvalue().splitlines())) > 100  # the fan-out feedback
    lines = narrow.getvalue().splitlines()
    assert max(sum(not unicodedata.combining(c) for c in line) for line in lines) <= 60
    assert narrow.getvalue().split() == plain.getvalue().split()  # no symbol cut, nothing lost
    assert any(line.startswith("      ") and "·" in line for line in lines)  # a feedback line goes on
