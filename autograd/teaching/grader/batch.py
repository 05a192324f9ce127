"""Grading files: one submission in its own isolated process, or a whole class.

`check_engine_file(path, name)` grades the class `name` of one file in an `IsolatedProcess`:
the process only answers questions (`child`), the verdict is computed here (`judge`). Whatever the
file does (fails to import, hangs, crashes its process, prints, answers out of turn) ends as a
Report that says so; nothing of it runs after the call returns.

`check_engine_files(paths)` grades many, `jobs` at a time; `submission_files(path)` is a file, or
the .py files of a folder in name order.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from autograd.teaching.grader.checks import CHECKS, NOTES
from autograd.teaching.grader.child import EngineLoadError, path_problem
from autograd.teaching.grader.isolation import (
    DEFAULT_LIMITS,
    STARTUP_TIMEOUT,
    IsolatedProcess,
    Limits,
    Unanswered,
)
from autograd.teaching.grader.judge import Step, Stop, judge
from autograd.teaching.grader.protocol import ProtocolError, clean_text, read_reply, request
from autograd.teaching.grader.report import Report

__all__ = ["check_engine_file", "check_engine_files", "submission_files", "MAX_JOBS"]

MAX_JOBS = 64
_IMPORT_HINT = 'does the file train or run a demo when imported? put that under `if __name__ == "__main__":`'
_NOT_GRADED = "not run: the submission could not be graded"


def submission_files(path: str | Path) -> list[Path]:
    """[path] for a file; a folder's .py files (not those starting with '.' or '_'), by name.

    An EngineLoadError names a path that is neither, or a folder without .py files.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix == ".py" and not p.name.startswith((".", "_")) and p.is_file()
        )
        if not files:
            raise EngineLoadError(f"{path}: a folder with no .py files")
        return files
    problem = path_problem(path)
    if problem:
        raise EngineLoadError(problem)
    return [path]


def check_engine_file(
    path: str | Path, name: str = "Value", *, limits: Limits | None = None, engine: str = "", **limit: Any
) -> Report:
    """Grade the class `name` of the file `path` in an isolated process (`isolation.Limits`:
    pass `limits=`, or its fields as keywords: `timeout=1`, `deadline=30`, `memory=512`).

    Raises EngineLoadError before starting anything when `path` is not a regular file, and a
    TypeError or ValueError for limits out of range; everything the file does is in the Report.
    """
    limits = Limits(**{**(limits or DEFAULT_LIMITS).__dict__, **limit})
    problem = path_problem(path)
    if problem:
        raise EngineLoadError(problem)
    engine = clean_text(engine or f"{path}:{name}", 1000)  # (a file's name is text from a student too)
    file = clean_text(str(path), 1000)
    with IsolatedProcess(limits) as process:
        report = _grade(process, Path(path).resolve(), name, engine, file)
        if not report.error and process.unasked():
            report = _unusable(
                engine, file, "did not follow the grading protocol: an answer nobody asked for"
            )
        output = process.output
    return dataclasses.replace(report, output=output)


def _grade(process: IsolatedProcess, path: Path, name: str, engine: str, file: str) -> Report:
    """The Report of the engine in `process`: its start, its import, then `judge`'s questions."""
    numbers = itertools.count(1)
    limits = process.limits

    def ask(question: dict[str, Any], step: Step, timeout: float = limits.timeout) -> tuple[str, Any]:
        number = next(numbers)
        fields = {k: v for k, v in question.items() if k != "ask"}
        try:
            line = process.ask(request(number, question["ask"], **fields), timeout)
        except Unanswered as unanswered:
            if unanswered.kind == "ended":
                raise Stop(f"{step.action} {unanswered}") from None
            if unanswered.kind == "deadline":
                raise Stop(
                    step.timed_out(f"before the deadline of {limits.deadline:g} s for the whole submission")
                ) from None
            raise Stop(step.timed_out(str(unanswered))) from None
        return read_reply(line, number)

    try:
        start = Step("", "start", "starting Python", "is the machine very busy?")
        try:
            ask({"ask": "hello"}, start, STARTUP_TIMEOUT)
        except Stop as stop:
            return _unusable(engine, file, f"the checking process could not start: {stop}")
        process.start_the_clock()
        load = Step("", "import", f"importing {file}", _IMPORT_HINT)
        try:
            kind, answer = ask({"ask": "load", "path": str(path), "name": name, "shown": file}, load)
        except Stop as stop:
            return _unusable(engine, file, str(stop))
        if kind == "error":
            return _unusable(engine, file, answer["message"] or answer["type"])
        if kind != "ok":
            raise ProtocolError(f"a {kind!r} answer to the import")
        return judge(ask, engine, file)
    except ProtocolError as exc:
        return _unusable(engine, file, f"did not follow the grading protocol: {exc}")


def _unusable(engine: str, file: str, error: str) -> Report:
    """The report of a submission that could not be graded: it fails, with `error`."""
    return Report(engine, (), dict.fromkeys(NOTES, _NOT_GRADED), not_run=CHECKS, file=file, error=error)


def check_engine_files(
    targets: Sequence[tuple[str | Path, str]], *, limits: Limits | None = None, jobs: int = 1, **limit: Any
) -> list[Report]:
    """The Reports of many (path, class name) pairs, in their order, `jobs` graded at a time
    (limits as for `check_engine_file`).

    Every path is checked before any is graded (EngineLoadError naming the first that is not a
    regular file); a submission that fails to import, hangs or crashes only fails itself.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be a whole number from 1 to {MAX_JOBS}, got {jobs!r}")
    limits = Limits(**{**(limits or DEFAULT_LIMITS).__dict__, **limit})
    for path, _ in targets:
        problem = path_problem(path)
        if problem:
            raise EngineLoadError(problem)

    def grade(target: tuple[str | Path, str]) -> Report:
        return check_engine_file(target[0], target[1], limits=limits)

    if jobs == 1 or len(targets) <= 1:
        return [grade(t) for t in targets]
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(targets)))
    try:
        return list(pool.map(grade, targets))
    except BaseException:  # Ctrl-C: the submissions being graded are ended, none is started
        pool.shutdown(wait=False, cancel_futures=True)
        IsolatedProcess.close_all()
        raise
    finally:
        pool.shutdown(wait=True)
