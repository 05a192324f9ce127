"""The `stepgrad` command line: `stepgrad --help` lists the verbs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograd import __version__
from autograd.expr import parse_number


def finite_number(text: str) -> float:
    """argparse type for options that take a finite number; the error names the text."""
    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb."""
    parser = argparse.ArgumentParser(
        prog="stepgrad",
        description="A scalar autodiff engine that makes backpropagation visible.",
    )
    parser.add_argument("--version", action="version", version=f"stepgrad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # Each verb lives with the code it drives; it registers a sub-parser whose
    # defaults include `run`, the function that carries it out. The verbs' modules
    # use `finite_number` from here, so they are imported once this module is loaded.
    from autograd.grader import add_check_engine_command
    from autograd.quiz import add_quiz_command
    from autograd.walkthrough import add_walkthrough_commands
    from autograd.worksheet import add_worksheet_command
    from nn.cli import add_train_command

    add_walkthrough_commands(commands)
    add_train_command(commands)
    add_quiz_command(commands)
    add_worksheet_command(commands)
    add_check_engine_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `stepgrad` command; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
