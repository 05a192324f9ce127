"""What a verb of the `stepgrad` command is, and the exit statuses every verb shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Verb", "UsageError", "OK", "FAILED", "BAD_INPUT", "INTERRUPTED", "PIPE_CLOSED"]

OK = 0  # the work was done
FAILED = 1  # the input was fine but the work could not be completed (see the message)
BAD_INPUT = 2  # bad options or input, refused before any work: nothing was written
INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, the shell's convention)
PIPE_CLOSED = 141  # the reader of the output stopped reading (`| head`): 128 + SIGPIPE, quietly


@dataclass(frozen=True)
class Verb:
    """One sub-command: `stepgrad NAME ...`.

    `add_arguments(parser)` declares its options; `run(args)` carries it out and returns
    the exit status. `extras` names the optional-dependency extras it needs (checked
    before `run`, see `autograd.extras`).
    """

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    extras: tuple[str, ...] = ()


class UsageError(Exception):
    """Bad input a verb finds after parsing; `main` reports it as `stepgrad VERB: error: ...` (exit 2)."""
