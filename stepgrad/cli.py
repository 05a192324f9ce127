"""The `stepgrad` command: `stepgrad --help` lists the verbs, `stepgrad VERB --help` their options.

Every verb ends with one of the exit statuses of `stepgrad.verb` (the README's table):
0 done, 1 the work could not be completed, 2 bad input (nothing written), 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import sys
from collections.abc import Sequence

from autograd import __version__
from autograd.extras import MissingExtraError, require
from stepgrad.verb import BAD_INPUT, FAILED, INTERRUPTED, OK, PIPE_CLOSED, UsageError, Verb

__all__ = ["VERB_MODULES", "verbs", "build_parser", "main"]

#: The modules that hold the verbs (each a `VERBS` tuple), in the order --help lists them.
#: Registering a verb is one line here.
VERB_MODULES = (
    "stepgrad.walkthrough",  # wxb, grad
    "stepgrad.train",  # train
    "stepgrad.practice",  # quiz, worksheet, check-engine
    "stepgrad.doctor",  # doctor
)

_OPTION_LIKE = re.compile(r"--?[A-Za-z][\w-]*(=.*)?")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors end with a hint about the words that were typed."""

    hint = ""

    def error(self, message: str) -> None:  # type: ignore[override]
        super().error(message + self.hint)


def verbs() -> list[Verb]:
    """Every verb of the command, from `VERB_MODULES`."""
    return [verb for module in VERB_MODULES for verb in importlib.import_module(module).VERBS]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per verb (each sets `args.verb`)."""
    parser = _Parser(
        prog="stepgrad", description="A scalar autodiff engine that makes backpropagation visible."
    )
    parser.add_argument("--version", action="version", version=f"stepgrad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for verb in verbs():
        sub = commands.add_parser(verb.name, help=verb.help, description=verb.description)
        verb.add_arguments(sub)
        sub.set_defaults(verb=verb, verb_parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `stepgrad` command; returns the process exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with standard output closed (`stepgrad wxb >&-`)
        if sys.stderr is not None:
            print("stepgrad: error: standard output is closed, so nothing could be printed; nothing was done",
                  file=sys.stderr)  # fmt: skip
        return BAD_INPUT
    parser = build_parser()
    chosen = _chosen_parser(parser, words)
    if chosen is not None:
        chosen.hint = _hint(chosen, words)
    args, unknown = parser.parse_known_args(words)
    verb: Verb | None = getattr(args, "verb", None)
    if verb is None:
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        parser.print_help()
        return OK
    if unknown:
        args.verb_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        for extra in verb.extras:
            require(extra, feature=f"stepgrad {verb.name}")
        return int(verb.run(args))
    except (UsageError, MissingExtraError) as error:
        print(f"stepgrad {verb.name}: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print(f"stepgrad {verb.name}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `stepgrad wxb | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush is quiet
        return PIPE_CLOSED
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"stepgrad {verb.name}: error: {error.strerror or error}{where}", file=sys.stderr)
        return FAILED


def _chosen_parser(parser: argparse.ArgumentParser, words: list[str]) -> _Parser | None:
    """The sub-parser of the verb named in `words`, if any."""
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for word in words:
            if word in action.choices:
                return action.choices[word]
    return None


def _hint(parser: argparse.ArgumentParser, words: list[str]) -> str:
    """What to add to an error: the option a misspelled one was meant to be, and that a value
    starting with '-' (an expression like -x*y) goes after '--'."""
    if "--" in words:
        return ""
    options = [name for name in parser._option_string_actions if name.startswith("--")]
    strangers = [w for w in words if w.startswith("-") and not _is_number(w) and not _is_known(w, options)]
    hints, unexplained = [], []
    for word in strangers:
        close = difflib.get_close_matches(word.split("=", 1)[0], options, n=1)
        if close and _OPTION_LIKE.fullmatch(word):
            hints.append(f"{word}: did you mean {close[0]}?")
        else:
            unexplained.append(word)
    if unexplained and any(not action.option_strings for action in parser._actions):
        hints.append(
            f"a value that starts with '-' goes after '--', as in: {parser.prog} -- {unexplained[0]!r} ..."
        )
    return "".join(f"\n  ({hint})" for hint in hints)


def _is_known(word: str, options: list[str]) -> bool:
    name = word.split("=", 1)[0]
    return name in ("-h", "--help") or (name.startswith("--") and any(o.startswith(name) for o in options))


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
