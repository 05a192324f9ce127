"""Grading a home-made micrograd against oracles (what `stepgrad check-engine` runs).

The classic exercise is to write one's own scalar autodiff engine: a `Value` class with `data`,
`grad`, operators and `backward()`. The grader asks it questions and judges the answers itself:

    checks.py     what is asked (every op at several points, reused nodes, a diamond, numbers on
                  either side, the lecture's tanh neuron, two notes) and the expected answers;
    judge.py      asks, compares each answer with the expected one, writes the Results and notes
                  (`check_engine(cls)`: in this process, for an engine you trust);
    child.py      the code next to the submission: loads it, runs a question, sends raw results;
    protocol.py   the messages between the two: small, validated, cleaned JSON lines;
    isolation.py  the submission's process: temporary HOME and working folder, a reduced
                  environment, resource limits, its own session, timeouts and a deadline;
    warden.py     the process that starts it and kills everything it started (a subreaper);
    report.py     the text table, JSON, CSV and a class's summary;
    batch.py      `check_engine_file(path)`: one file in an isolated process;
                  `check_engine_files([...])`: a class, `jobs` at a time.
"""

from autograd.teaching.grader.batch import MAX_JOBS, check_engine_file, check_engine_files, submission_files
from autograd.teaching.grader.checks import CHECKS, GRAPHS, LECTURE, NOTES, OPS
from autograd.teaching.grader.child import EngineLoadError, load_engine
from autograd.teaching.grader.isolation import DEFAULT_LIMITS, MAX_TIMEOUT, Limits
from autograd.teaching.grader.judge import check_engine
from autograd.teaching.grader.report import JSON_SCHEMA, Report, Result, summary_table, to_csv

__all__ = [
    "JSON_SCHEMA",
    "EngineLoadError",
    "load_engine",
    "check_engine",
    "check_engine_file",
    "check_engine_files",
    "submission_files",
    "Limits",
    "DEFAULT_LIMITS",
    "MAX_TIMEOUT",
    "MAX_JOBS",
    "Result",
    "Report",
    "summary_table",
    "to_csv",
    "OPS",
    "GRAPHS",
    "LECTURE",
    "CHECKS",
    "NOTES",
]
