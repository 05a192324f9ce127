"""`stepgrad quiz`, `stepgrad worksheet` and `stepgrad check-engine`: backprop by hand.

    stepgrad quiz "EXPR" name=value ...        answer each gradient, checked as you go
    stepgrad quiz --seed S [--level 1|2|3]     the same on a generated exercise
    stepgrad worksheet --count N --seed S      exercises on paper and their answer key
    stepgrad check-engine FILE[:CLASS]         grade a home-made micrograd Value class

The work is done by the library: `autograd.teaching.quiz` (the conversation, checked by
`autograd.recording.practice`), `autograd.teaching.exercises`, `autograd.teaching.worksheet`
and `autograd.teaching.grader`.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from autograd.recording.trace import Trace, trace
from autograd.strict_json import dumps
from autograd.teaching.exercises import LEVELS, generate
from autograd.teaching.grader import DEFAULT_TIMEOUT, MAX_TIMEOUT, EngineLoadError, check_engine_file
from autograd.teaching.quiz import run_quiz, transcript
from autograd.teaching.worksheet import MAX_EXERCISES, write_worksheet
from stepgrad.expression import expression_graph
from stepgrad.options import output_directory, positive_float, positive_int, writable_directory
from stepgrad.verb import FAILED, OK, UsageError, Verb

__all__ = ["VERBS", "exercise_count", "split_target", "timeout_seconds"]


# ---- stepgrad quiz --------------------------------------------------------------------------
def _quiz_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", nargs="?", help="the expression, quoted")
    parser.add_argument("assignments", nargs="*", metavar="name=value", help="a value per variable")
    parser.add_argument("--seed", type=int, help="quiz on a generated exercise drawn with this seed")
    parser.add_argument("--level", type=int, choices=LEVELS, help="its level (default 1; with --seed)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _run_quiz(args: argparse.Namespace) -> int:
    expression, inputs, t = _quiz_exercise(args)
    talk = sys.stderr if args.format == "json" else sys.stdout
    print(f"Quiz: {expression}   with {', '.join(f'{k} = {v!r}' for k, v in inputs.items())}\n", file=talk)
    session = run_quiz(t, sys.stdin, talk, echo=not sys.stdin.isatty())
    if args.format == "json":
        print(dumps(transcript(expression, session), indent=2, ensure_ascii=False))
    return OK if session.done else FAILED


def _quiz_exercise(args: argparse.Namespace) -> tuple[str, dict[str, float], Trace]:
    """(expression, inputs, trace) from the arguments; a UsageError if they do not make one."""
    if args.seed is not None:
        if args.expression is not None:
            raise UsageError("give an expression or --seed, not both")
        exercise = generate(1, args.seed, args.level or 1)[0]
        return exercise.expression, exercise.inputs, exercise.trace()
    if args.level is not None:
        raise UsageError("--level goes with --seed")
    if args.expression is None:
        raise UsageError(
            'give an expression and its values (stepgrad quiz "w*x + b" w=2 x=3 b=1) or --seed S'
        )
    root, values = expression_graph(args.expression, args.assignments)
    recorded = trace(root)
    for node in recorded.order:
        for what, number in (("", node.data), ("∂f/∂", recorded.grads[node])):
            if not math.isfinite(number):
                raise UsageError(
                    f"{what}{recorded.names[node]} is {number} (the arithmetic overflows), and answers "
                    "are finite numbers: quiz on smaller values"
                )
    return args.expression.strip(), values, recorded


# ---- stepgrad worksheet ---------------------------------------------------------------------
def exercise_count(text: str) -> int:
    """The number of exercises of a worksheet: a whole number from 1 to MAX_EXERCISES."""
    return positive_int(text, MAX_EXERCISES)


def _worksheet_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--count", type=exercise_count, required=True, help=f"number of exercises (1-{MAX_EXERCISES})"
    )
    parser.add_argument("--seed", type=int, required=True, help="the seed: same seed, same worksheet")
    parser.add_argument("--level", type=int, choices=LEVELS, default=1, help="difficulty (default 1)")
    parser.add_argument(
        "--out",
        type=output_directory,
        default=Path("out/worksheet"),
        help="output directory (default out/worksheet)",
    )


def _run_worksheet(args: argparse.Namespace) -> int:
    out = writable_directory(args.out)
    try:  # (every file is made before the first is written)
        written, notes = write_worksheet(out, args.count, args.seed, args.level)
    except ValueError as exc:  # fewer distinct exercises than asked for: nothing was written
        raise UsageError(f"--count {args.count}: {exc}") from None
    print(f"{args.count} level-{args.level} exercises (seed {args.seed}). Wrote:")
    for path in written:
        print(f"  {path}")
    for note in notes:
        print(f"stepgrad worksheet: {note}", file=sys.stderr)
    return OK


# ---- stepgrad check-engine ------------------------------------------------------------------
def split_target(target: str) -> tuple[str, str]:
    """'engine.py:Value' -> ('engine.py', 'Value'); a path without ':CLASS' -> (path, 'Value')."""
    path, sep, name = target.rpartition(":")
    if sep and name.isidentifier() and path:
        return path, name
    return target, "Value"


def timeout_seconds(text: str) -> float:
    """How long one step of a check may take: a number of seconds above 0, up to MAX_TIMEOUT."""
    return positive_float(text, MAX_TIMEOUT)


def _check_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "engine", metavar="FILE[:CLASS]", help="the engine's file, and its class (default Value)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long importing the file or one step of a check (building a graph, one backward()) "
        f"may take before the checks stop (default {DEFAULT_TIMEOUT:g})",
    )


def _run_check_engine(args: argparse.Namespace) -> int:
    path, name = split_target(args.engine)
    try:
        report = check_engine_file(path, name, timeout=args.timeout)
    except EngineLoadError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.table())
    return OK if report.passed else FAILED


VERBS = (
    Verb(
        "quiz",
        help="backprop by hand: answer each gradient, get feedback on each step",
        description="Shows the forward pass of an expression, then asks for the gradient of the output "
        "with respect to every node, in the order backward() finalizes them, reading answers from "
        "standard input. Right means within 3 significant digits; two tries per question, then the "
        "derivation. Give an expression and its values (stepgrad grad's language), or --seed for a "
        "generated exercise. Exit status: 0 when every question was answered, 1 when the input "
        "ended first, 2 for a bad expression or options.",
        add_arguments=_quiz_arguments,
        run=_run_quiz,
    ),
    Verb(
        "worksheet",
        help="seeded backprop exercises with an answer key (Markdown, LaTeX, JSON)",
        description="Writes N distinct backprop exercises drawn with a seed: worksheet.md and "
        "worksheet.tex (one box per exercise, with room to write), answers.md and answers.tex (each "
        "gradient's derivation), worksheet.json, and the graphs as PNG where graphviz's dot is "
        "installed. The same seed gives the same files. Levels: 1 f = w*x + b-sized, 2 a neuron "
        "with an activation, a loss and fan-out, 3 a 2-2-1 network or a regularized loss.",
        add_arguments=_worksheet_arguments,
        run=_run_worksheet,
    ),
    Verb(
        "check-engine",
        help="grade a home-made micrograd Value class (imports, so runs, the file)",
        description="Imports the Value class from FILE (or FILE:CLASS) and checks every op's value and "
        "local derivative against central differences, reused nodes, a diamond, numbers on either "
        "side and the lecture's tanh neuron; reports recursion depth and second-backward() "
        "behaviour as notes. WARNING: importing FILE runs its code, as running it would; grade "
        "only files you trust. Ops the class lacks are skipped and listed (only + and * are "
        "required). The checks run in a child process: a step that does not finish within "
        "--timeout seconds (a backward() that loops forever) fails, named, and the checks stop "
        "there. Exit status: 0 when every check passes, 1 when one fails or does not finish, 2 "
        "when the file cannot be imported (or its import does not finish).",
        add_arguments=_check_engine_arguments,
        run=_run_check_engine,
    ),
)
