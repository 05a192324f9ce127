"""`stepgrad quiz`: backprop by hand, one gradient at a time, checked as you go.

    stepgrad quiz "EXPR" name=value ...       an expression of `stepgrad grad`'s language
    stepgrad quiz --seed S [--level 1|2|3]    a generated exercise (as `stepgrad worksheet` makes)

The quiz shows the forward pass, then asks for ∂root/∂node for every node in the order
`backward()` finalizes them, reading answers from standard input (a terminal or a pipe).
The checking is `autograd.practice`'s: right within 3 significant digits, two tries, a
named mistake where one is recognised, the derivation after the second miss. Text that
is not a number gets a message and the question again (it is not an answer). At the
end of input the quiz stops with the transcript so far. `--format json` prints the
transcript at the end (schema `stepgrad.quiz/1`) and writes the conversation to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from autograd.engine import DomainError
from autograd.exercises import LEVELS, generate
from autograd.expr import ExpressionError, evaluate, parse, parse_assignments
from autograd.practice import SIGNIFICANT_DIGITS, NotANumber, Practice, parse_answer
from autograd.stepper import Trace, trace
from autograd.walkthrough import _pointing

__all__ = ["JSON_SCHEMA", "add_quiz_command", "run_quiz", "transcript"]

JSON_SCHEMA = "stepgrad.quiz/1"


def add_quiz_command(commands: argparse._SubParsersAction) -> None:
    """Register `stepgrad quiz` on the CLI's sub-parsers."""
    parser = commands.add_parser(
        "quiz",
        help="backprop by hand: answer each gradient, get feedback on each step",
        description="Shows the forward pass of an expression, then asks for the gradient of the output "
        "with respect to every node, in the order backward() finalizes them, reading answers from "
        "standard input. Right means within 3 significant digits; two tries per question, then the "
        "derivation. Give an expression and its values (stepgrad grad's language), or --seed for a "
        "generated exercise. Exit status: 0 when every question was answered, 1 when the input "
        "ended first, 2 for a bad expression or options.",
    )
    parser.add_argument("expression", nargs="?", help="the expression, quoted")
    parser.add_argument("assignments", nargs="*", metavar="name=value", help="a value per variable")
    parser.add_argument("--seed", type=int, help="quiz on a generated exercise drawn with this seed")
    parser.add_argument("--level", type=int, choices=LEVELS, help="its level (default 1; with --seed)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(run=_run_quiz)


def _run_quiz(args: argparse.Namespace) -> int:
    found = _exercise(args)
    if isinstance(found, str):
        print(f"stepgrad quiz: {found}", file=sys.stderr)
        return 2
    expression, inputs, t = found
    talk = sys.stderr if args.format == "json" else sys.stdout
    print(f"Quiz: {expression}   with {', '.join(f'{k} = {v!r}' for k, v in inputs.items())}\n", file=talk)
    session = run_quiz(t, sys.stdin, talk, echo=not sys.stdin.isatty())
    if args.format == "json":
        print(json.dumps(transcript(expression, session), indent=2, ensure_ascii=False))
    return 0 if session.done else 1


def _exercise(args: argparse.Namespace) -> tuple[str, dict[str, float], Trace] | str:
    """(expression, inputs, trace) from the arguments, or the error message."""
    if args.seed is not None:
        if args.expression is not None:
            return "give an expression or --seed, not both"
        exercise = generate(1, args.seed, args.level or 1)[0]
        return exercise.expression, exercise.inputs, exercise.trace()
    if args.level is not None:
        return "--level goes with --seed"
    if args.expression is None:
        return 'give an expression and its values (stepgrad quiz "w*x + b" w=2 x=3 b=1) or --seed S'
    try:
        expression = parse(args.expression)
    except ExpressionError as exc:
        return _pointing(args.expression, exc)
    try:
        values = parse_assignments(args.assignments)
        root = evaluate(expression, values)
    except ExpressionError as exc:
        return str(exc)
    except (DomainError, ArithmeticError, ValueError) as exc:
        return f"cannot evaluate {args.expression!r}: {exc}"
    root.label = "out" if "f" in values else "f"
    return args.expression.strip(), values, trace(root)


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
