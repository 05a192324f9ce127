"""The quiz conversation: backprop by hand, one gradient at a time, checked as you go.

`run_quiz(t, answers, out)` shows the forward pass of a recorded backward pass, then asks
for ∂root/∂node for every node in the order `backward()` finalizes them, reading one
answer per line from the text stream `answers` and writing to `out` (the command
`stepgrad quiz` passes standard input and output). The checking is `autograd.recording.practice`'s:
right within 3 significant digits, two tries, a named mistake where one is recognised,
the derivation after the second miss. Text that is not a number gets a message and the
question again (it is not an answer). At the end of `answers` the quiz stops.
`transcript(expression, session)` is the session as JSON-ready data (schema `stepgrad.quiz/1`).
"""

from __future__ import annotations

from typing import Any, TextIO

from autograd.recording.practice import SIGNIFICANT_DIGITS, NotANumber, Practice, parse_answer
from autograd.recording.trace import Trace

__all__ = ["JSON_SCHEMA", "run_quiz", "transcript"]

JSON_SCHEMA = "stepgrad.quiz/1"


def run_quiz(t: Trace, answers: TextIO, out: TextIO, echo: bool = False) -> Practice:
    """Ask every question of `t`, reading one answer per line from `answers`, writing to `out`.

    Stops at the end of `answers` (the session then is not `done`). With `echo`, each line
    read is written after its prompt, so piped input reads as a conversation.
    """
    session = Practice(t)
    print("Forward pass (topological order):", file=out)
    for node in t.order:
        print(f"  {t.forward_formula(node)}", file=out)
    print(
        f"\nBackward pass: give each gradient, in the order backward() finalizes them "
        f"({SIGNIFICANT_DIGITS} significant digits are enough; {session.tries} tries each).",
        file=out,
    )
    print(f"  {t.seed_formula()}", file=out)
    while not session.done:
        question = session.question
        print(f"\nQuestion {len(session.records)}/{session.total}: {question.prompt} = ? ", end="", file=out)
        out.flush()
        line = answers.readline()
        if not line:
            where = f"question {len(session.records)} of {session.total}"
            print(f"\n\nEnd of input: stopped at {where}.", file=out)
            break
        if echo:
            print(line.rstrip("\n"), file=out)
        try:
            value = parse_answer(line)
        except NotANumber as exc:
            print(f"  {exc}", file=out)
            continue
        reply = session.answer(value)
        for text in reply.feedback.splitlines():
            print(f"  {text}", file=out)
    print(f"\nScore: {session.score}/{session.total}", file=out)
    return session


def transcript(expression: str, session: Practice) -> dict[str, Any]:
    """The quiz as JSON-ready data, schema stepgrad.quiz/1 (README: Practice)."""
    return {
        "schema": JSON_SCHEMA,
        "expression": expression,
        "questions": [
            {
                "node": record.question.name,
                "expected": record.question.expected,
                "answers": list(record.answers),
                "correct": record.correct,
                "feedback": list(record.feedback),
            }
            for record in session.records
        ],
        "score": session.score,
        "total": session.total,
    }
