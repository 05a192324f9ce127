"""`stepgrad quiz`, `stepgrad worksheet` and `stepgrad check-engine`: backprop by hand.

    stepgrad quiz "EXPR" name=value ...        answer each gradient, checked as you go
    stepgrad quiz --seed S [--level 1|2|3]     the same on a generated exercise
    stepgrad worksheet --count N --seed S      exercises on paper and their answer key
    stepgrad check-engine FILE[:CLASS] ...     grade home-made micrograd Value classes (or a folder)

The work is done by the library: `autograd.teaching.quiz` (the conversation, checked by
`autograd.recording.practice`), `autograd.teaching.exercises`, `autograd.teaching.worksheet`
and `autograd.teaching.grader`.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

from autograd.recording.trace import Trace, trace
from autograd.strict_json import dumps
from autograd.teaching.exercises import LEVELS, generate
from autograd.teaching.grader import (
    DEFAULT_LIMITS,
    MAX_JOBS,
    MAX_TIMEOUT,
    EngineLoadError,
    Limits,
    check_engine_files,
    submission_files,
    summary_table,
    to_csv,
)
from autograd.teaching.grader.isolation import MAX_FILE_SIZE, MAX_MEMORY, MAX_PROCESSES
from autograd.teaching.grader.report import DEFAULT_WIDTH
from autograd.teaching.quiz import run_quiz, transcript
from autograd.teaching.worksheet import MAX_EXERCISES, write_worksheet
from stepgrad.expression import expression_graph
from stepgrad.options import output_directory, positive_float, positive_int, writable_directory
from stepgrad.verb import FAILED, OK, UsageError, Verb

__all__ = ["VERBS", "exercise_count", "split_target", "timeout_seconds", "mebibytes"]


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
    width = shutil.get_terminal_size().columns if talk.isatty() else None  # wrapped on a terminal
    session = run_quiz(t, sys.stdin, talk, echo=not sys.stdin.isatty(), width=width)
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


def mebibytes(text: str) -> int:
    """A size in MiB: a whole number from 1 to MAX_MEMORY."""
    return positive_int(text, MAX_MEMORY)


def _file_mebibytes(text: str) -> int:
    return positive_int(text, MAX_FILE_SIZE)


def _process_count(text: str) -> int:
    return positive_int(text, MAX_PROCESSES)


def _job_count(text: str) -> int:
    return positive_int(text, MAX_JOBS)


def _limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that set `Limits`, each with its default."""
    d = DEFAULT_LIMITS
    group = parser.add_argument_group("limits of each submission")
    group.add_argument(
        "--timeout", type=timeout_seconds, default=d.timeout, metavar="SECONDS",
        help=f"how long importing the file or one step of a check (building a graph, one backward()) "
        f"may take before the checks stop (default {d.timeout:g})",
    )  # fmt: skip
    group.add_argument(
        "--deadline", type=timeout_seconds, default=d.deadline, metavar="SECONDS",
        help=f"how long the whole submission may take, and its CPU-time limit (default {d.deadline:g})",
    )  # fmt: skip
    group.add_argument(
        "--memory", type=mebibytes, default=d.memory, metavar="MIB",
        help=f"its address space in MiB (default {d.memory})",
    )  # fmt: skip
    group.add_argument(
        "--file-size", type=_file_mebibytes, default=d.file_size, metavar="MIB",
        help=f"the largest file it may write, in MiB (default {d.file_size})",
    )  # fmt: skip
    group.add_argument(
        "--processes", type=_process_count, default=d.processes, metavar="N",
        help=f"processes it may start besides the account's own (default {d.processes}; root is exempt)",
    )  # fmt: skip


def _check_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "engines", nargs="+", metavar="FILE[:CLASS]",
        help="a submission's file, and its class (default Value); or a folder: each .py file in it",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=("text", "json", "csv"), default="text",
        help="text (each report, then a summary of several), json (a list, one object per "
        "submission) or csv (one row per submission, for a gradebook)",
    )  # fmt: skip
    parser.add_argument(
        "--summary", action="store_true",
        help="text: only the summary, one line per submission (the reports are in --format json)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=_job_count, default=1, metavar="N",
        help="submissions graded at the same time (default 1)",
    )  # fmt: skip
    _limit_arguments(parser)


def _run_check_engine(args: argparse.Namespace) -> int:
    targets = []
    try:  # every path is checked before any submission is graded
        for text in args.engines:
            path, name = split_target(text)
            targets += [(file, name) for file in submission_files(path)]
    except EngineLoadError as exc:
        raise UsageError(str(exc)) from None
    limits = Limits(
        timeout=args.timeout, deadline=args.deadline, memory=args.memory, file_size=args.file_size,
        processes=args.processes,
    )  # fmt: skip
    reports = check_engine_files(targets, limits=limits, jobs=args.jobs)
    if args.format == "json":
        print(dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    elif args.format == "csv":
        print(to_csv(reports), end="")
    else:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        rule = "=" * min(width, DEFAULT_WIDTH)
        if not args.summary:
            print(f"\n\n{rule}\n\n".join(r.table(width) for r in reports))
        if args.summary:
            print(summary_table(reports, width))
        elif len(reports) > 1:
            print(f"\n{rule}\n\n{summary_table(reports, width)}")
    return OK if all(r.passed for r in reports) else FAILED


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
        help="grade home-made micrograd Value classes, a file or a class's folder at a time",
        description="Grades each FILE's Value class (or FILE:CLASS; a folder: each .py file in it): "
        "every op's value and local derivative against central differences, reused nodes, a "
        "diamond, numbers on either side and the lecture's tanh neuron; recursion depth and "
        "second-backward() behaviour are notes. Ops the class lacks are skipped and listed (only "
        "+ and * are required). Each file runs in its own process, which only answers the "
        "grader's questions: the verdict is computed here. The process gets a temporary HOME and "
        "working folder, none of your environment variables, limits on time, memory, file size "
        "and processes, and everything it starts is ended before its verdict. It still runs as "
        "your account and can read what you can: for an exam, grade as a separate user or in a "
        "container (docs: For teachers). Exit status: 0 when every submission passes, 1 when "
        "one fails (a check fails or does not finish, or the file cannot be imported), 2 for bad "
        "options or a path that is not a file or a folder of .py files.",
        add_arguments=_check_engine_arguments,
        run=_run_check_engine,
    ),
)
