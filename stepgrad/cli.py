"""The `stepgrad` command: `stepgrad --help` lists the verbs, `stepgrad VERB --help` their options."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from autograd import __version__
from stepgrad.verb import BAD_INPUT, OK, UsageError, Verb

__all__ = ["VERB_MODULES", "verbs", "build_parser", "main"]

#: The modules that hold the verbs (each a `VERBS` tuple), in the order --help lists them.
#: Registering a verb is one line here.
VERB_MODULES = (
    "stepgrad.walkthrough",  # wxb, grad
    "stepgrad.train",  # train
)


def verbs() -> list[Verb]:
    """Every verb of the command, from `VERB_MODULES`."""
    return [verb for module in VERB_MODULES for verb in importlib.import_module(module).VERBS]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb."""
    parser = argparse.ArgumentParser(
        prog="stepgrad",
        description="A scalar autodiff engine that makes backpropagation visible.",
    )
    parser.add_argument("--version", action="version", version=f"stepgrad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for verb in verbs():
        sub = commands.add_parser(verb.name, help=verb.help, description=verb.description)
        verb.add_arguments(sub)
        sub.set_defaults(verb=verb)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `stepgrad` command; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    verb: Verb | None = getattr(args, "verb", None)
    if verb is None:
        parser.print_help()
        return OK
    try:
        return int(verb.run(args))
    except UsageError as error:
        print(f"stepgrad {verb.name}: error: {error}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
