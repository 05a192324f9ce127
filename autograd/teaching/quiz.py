"""The quiz conversation: backprop by hand, one gradient at a time, checked as you go.

`run_quiz(t, answers, out)` shows the forward pass of a recorded backward pass, then asks
for the gradient v̅ = ∂root/∂v of every node v (the stepper's notation) in the order
`backward()` finalizes them, reading one answer per line from the text stream `answers`
and writing to `out` (the command
`stepgrad quiz` passes standard input and output). The checking is `autograd.recording.practice`'s:
right within 3 significant digits, two tries, a named mistake where one is recognised,
the derivation after the second miss. Text that is not a number gets a message and the
question again (it is not an answer). At the end of `answers` the quiz stops.
`transcript(expression, session)` is the session as JSON-ready data (schema `stepgrad.quiz/1`).
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable
from typing import Any, TextIO

from autograd.recording.practice import SIGNIFICANT_DIGITS, NotANumber, Practice, parse_answer
from autograd.recording.trace import Trace
from autograd.validation import check_positive_int

__all__ = ["JSON_SCHEMA", "run_quiz", "transcript"]

JSON_SCHEMA = "stepgrad.quiz/1"


def run_quiz(
    t: Trace, answers: TextIO, out: TextIO, echo: bool = False, width: int | None = None
) -> Practice:
    """Ask every question of `t`, reading one answer per line from `answers`, writing to `out`.

    Stops at the end of `answers` (the session then is not `done`). With `echo`, each line
    read is written after its prompt, so piped input reads as a conversation. With `width` (a
    terminal's columns), every line is wrapped at spaces to that width, so that a terminal never
    breaks one inside a symbol; the lines a line goes on in are indented under it.
    """
    say = _writer(out, width)
    session = Practice(t)
    say("Forward pass (topological order):")
    for node in t.order:
        say(f"  {t.forward_formula(node)}")
    say(
        f"\nBackward pass: give each gradient, in the order backward() finalizes them "
        f"({SIGNIFICANT_DIGITS} significant digits are enough; {session.tries} tries each)."
    )
    for line in t.seed_formula().splitlines():
        say(f"  {line}")
    while not session.done:
        question = session.question
        print(f"\nQuestion {len(session.records)}/{session.total}: {question.prompt} = ? ", end="", file=out)
        out.flush()
        line = answers.readline()
        if not line:
            where = f"question {len(session.records)} of {session.total}"
            say(f"\n\nEnd of input: stopped at {where}.")
            break
        if echo:
            print(line.rstrip("\n"), file=out)
        try:
            value = parse_answer(line)
        except NotANumber as exc:
            say(f"  {exc}")
            continue
        reply = session.answer(value)
        for text in reply.feedback.splitlines():
            say(f"  {text}")
    say(f"\nScore: {session.score}/{session.total}")
    return session


def _writer(out: TextIO, width: int | None) -> Callable[[str], None]:
    """print() to `out`, each line wrapped at spaces to `width` columns (None: not wrapped), its
    further lines indented 4 more than the first. A symbol (w̅, ∂g/∂w, a number) is never split."""
    if width is not None:
        check_positive_int(width, "run_quiz: width")

    def say(text: str) -> None:
        for line in text.split("\n"):
            indent = line[: len(line) - len(line.lstrip(" "))]
            if width is None or _columns(line) <= width:
                print(line, file=out)
                continue
            wrapped = textwrap.wrap(
                line.strip(),
                width=width,
                initial_indent=indent,
                subsequent_indent=indent + "    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            print("\n".join(wrapped), file=out)

    return say


def _columns(text: str) -> int:
    """How many terminal columns `text` takes: a combining mark (the bar of w̅) takes none."""
    return sum(not unicodedata.combining(c) for c in text)


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
