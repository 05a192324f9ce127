"""What the grader found, for people and for programs: one report per submission.

`Report.table(width)` is the text a student reads (wrapped to `width` columns), `Report.to_dict()`
the JSON (schema stepgrad.check-engine/2); for a class, `summary_table(reports, width)` is one line
per submission and `to_csv(reports)` the same for a gradebook. Every text that came from a
submission was cleaned where it came in (`protocol.clean_text`); file names are cleaned here.
"""

from __future__ import annotations

import csv
import io
import os
import textwrap
from dataclasses import asdict, dataclass, field
from typing import Any

from autograd.notation.numbers import format_number
from autograd.teaching.grader.protocol import clean_text

__all__ = ["JSON_SCHEMA", "Result", "Report", "summary_table", "to_csv", "DEFAULT_WIDTH"]

JSON_SCHEMA = "stepgrad.check-engine/2"
DEFAULT_WIDTH = 100  # columns of the text report when the terminal's width is not known
MIN_WIDTH = 60
_WRONG = ("local derivative", "value")
_STATUS = {"pass": "pass", "fail": "FAIL", "skip": "skip"}


@dataclass(frozen=True)
class Result:
    """The outcome of one check: 'pass', 'fail' or 'skip', with the failing case if any."""

    check: str  # what was checked: 'x * y', 'b = a + a; c = b + b'
    group: str  # 'ops', 'constants', 'graphs', 'lecture'
    status: str
    op: str = ""  # the op's name for op checks ('mul')
    case: str = ""  # the failing case: '∂(x * y)/∂x at x = 2.0, y = 3.0'
    expected: float | None = None
    actual: float | None = None
    message: str = ""  # why it failed or was skipped
    wrong: str = ""  # 'value' or 'local derivative' when an op check fails on one of them
    rule: str = ""  # the rule a wrong local derivative breaks: '∂(x * y)/∂y = x'


@dataclass(frozen=True)
class Report:
    """Every check's result and the notes, for one engine.

    `stopped` says which step did not finish (its check is the last result, failed); `not_run`
    lists the checks after it. `error` says why the submission could not be graded at all (its
    import failed, its process ended or broke the grading protocol): it fails then.
    `output` is the start of what the submission printed (cleaned).
    """

    engine: str
    results: tuple[Result, ...]
    notes: dict[str, str] = field(default_factory=dict)
    stopped: str = ""
    not_run: tuple[str, ...] = ()
    file: str = ""
    error: str = ""
    output: str = ""

    @property
    def passed(self) -> bool:
        """True when the submission was graded and no check failed (skipped ones do not count)."""
        return not self.error and all(r.status != "fail" for r in self.results)

    @property
    def skipped(self) -> list[str]:
        """The checks that were skipped (the engine lacks the op they need)."""
        return [r.check for r in self.results if r.status == "skip"]

    def wrong(self, what: str) -> list[str]:
        """The ops whose 'value' or 'local derivative' check failed, in table order."""
        return [f"{r.check} ({r.op})" for r in self.results if r.status == "fail" and r.wrong == what]

    @property
    def score(self) -> tuple[int, int]:
        """(checks passed, checks run): skipped checks are not counted."""
        checked = [r for r in self.results if r.status != "skip"]
        return sum(r.status == "pass" for r in checked), len(checked)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (schema stepgrad.check-engine/2, docs: JSON formats)."""
        return {
            "schema": JSON_SCHEMA,
            "file": self.file,
            "engine": self.engine,
            "passed": self.passed,
            "error": self.error,
            "checks": [asdict(r) for r in self.results],
            "skipped": self.skipped,
            "wrong_local_derivatives": self.wrong("local derivative"),
            "wrong_values": self.wrong("value"),
            "notes": dict(self.notes),
            "stopped": self.stopped,
            "not_run": list(self.not_run),
            "output": self.output,
        }

    def verdict(self) -> str:
        """'PASSED: 20 of 20 checks pass', 'FAILED: 8 of 10 checks pass' or 'FAILED: <why>'."""
        if self.error:
            return f"FAILED: {self.error}"
        passed, run = self.score
        return f"{'PASSED' if self.passed else 'FAILED'}: {passed} of {run} checks pass"

    def table(self, width: int = DEFAULT_WIDTH) -> str:
        """The report for the terminal, no line over `width` columns: one row per check (a failing
        one followed by its case or reason), then the summary, the notes and the verdict."""
        width = max(width, MIN_WIDTH)
        lines = _wrap(f"check-engine: {clean_text(self.engine, 10_000)}", width)
        if self.results:
            lines += ["", *self._rows(width)]
        summary = []
        for what in _WRONG:
            if self.wrong(what):
                summary.append(f"Wrong {what}: {', '.join(self.wrong(what))}")
            if what == "local derivative":
                summary += [f"  the rule: {r.rule}" for r in self.results if r.status == "fail" and r.rule]
        summary += [
            f"{r.check}: {r.message}" for r in self.results if r.status == "fail" and r.case and not r.wrong
        ]
        if self.stopped:
            summary.append(f"Stopped: {self.stopped}")
        if self.not_run and not self.error:
            summary.append(f"Not run: {', '.join(self.not_run)}")
        if self.skipped:
            summary.append(f"Skipped (not supported by this engine): {', '.join(self.skipped)}")
        if summary:
            lines.append("")
            for line in summary:
                indent = "    " if line.startswith("  ") else "  "
                lines += _wrap(line, width, indent)
        if self.notes and not self.error:
            lines += ["", "Notes:"]
            for name, text in self.notes.items():
                lines += _wrap(f"  {name}: {text}", width, "    ")
        if (self.error or self.stopped) and self.output:
            lines += ["", "What it printed (the start):"]
            for line in self.output.splitlines()[:20]:
                lines += _wrap(f"  {line}", width, "  ")
        return "\n".join([*lines, "", *_wrap(self.verdict(), width, "  ")])

    def _rows(self, width: int) -> list[str]:
        """The table of checks and results; under a failing row its case and numbers, or why."""
        name_width = max(len("check"), *(len(r.check) for r in self.results))
        lines = [f"{'check'.ljust(name_width)}  result"]
        for r in self.results:
            lines.append(f"{r.check.ljust(name_width)}  {_STATUS[r.status]}")
            if r.status == "fail":
                pairs = (("expected", r.expected), ("got", r.actual))
                numbers = [f"{what} {format_number(n)}" for what, n in pairs if n is not None]
                text = f"{r.case}: {', '.join(numbers)}" if r.case and numbers else r.case or r.message
                lines += _wrap(f"    {text}", width, "      ")
        return lines


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` columns, continued under `indent`, broken at spaces."""
    lead = text[: len(text) - len(text.lstrip(" "))]
    return textwrap.wrap(
        text,
        width,
        initial_indent="",
        subsequent_indent=indent or lead,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [""]


def summary_table(reports: list[Report], width: int = DEFAULT_WIDTH) -> str:
    """One line per submission: its file, verdict, score and what failed first; then the count."""
    width = max(width, MIN_WIDTH)
    names = [report.file or report.engine for report in reports]
    try:
        folder = os.path.commonpath([os.path.dirname(name) for name in names]) if names else ""
    except ValueError:  # relative and absolute paths together
        folder = ""
    if folder:  # one folder's submissions: by their names in it
        names = [os.path.relpath(name, folder) for name in names]
    lines = [*_wrap(f"Submissions in {clean_text(folder, 10_000)}:", width), ""] if folder else []
    rows = [("file", "verdict", "checks", "first problem")]
    for report, name in zip(reports, names):
        passed, run = report.score
        rows.append(
            (
                clean_text(name, 40),
                "PASSED" if report.passed else "FAILED",
                "-" if report.error else f"{passed}/{run}",
                _first_problem(report),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths))
        lead = " " * (len(head) + 2)
        if len(lead) > width - 20:
            lead = "    "
        lines += _wrap(f"{head}  {row[3]}".rstrip(), width, lead)
    passed = sum(r.passed for r in reports)
    lines += ["", f"{passed} of {len(reports)} submissions pass"]
    return "\n".join(lines)


def _first_problem(report: Report) -> str:
    """What to look at first: the error, the step that stopped, or the first failing check."""
    if report.error:
        return report.error
    if report.stopped:
        return f"stopped: {report.stopped}"
    failed = [r for r in report.results if r.status == "fail"]
    if not failed:
        return ""
    first = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    why = f"expected {first.rule}" if first.rule else first.message or first.case
    return f"{first.check}: {why}{more}"


CSV_COLUMNS = (
    "file", "engine", "passed", "checks_passed", "checks_run", "skipped", "wrong_local_derivatives",
    "wrong_values", "stopped", "error",
)  # fmt: skip


def to_csv(reports: list[Report]) -> str:
    """The reports as CSV, one row per submission (lists joined with '; '), for a gradebook."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        passed, run = report.score
        writer.writerow(
            [
                _cell(clean_text(report.file, 10_000)),
                _cell(clean_text(report.engine, 10_000)),
                "yes" if report.passed else "no",
                passed,
                run,
                _cell("; ".join(report.skipped)),
                _cell("; ".join(report.wrong("local derivative"))),
                _cell("; ".join(report.wrong("value"))),
                _cell(report.stopped),
                _cell(report.error),
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting with = + - @ gets a ' in front
    (a file named '=HYPERLINK(...).py' is not a formula)."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@")) else text
