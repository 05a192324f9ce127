"""`stepgrad check-engine`: micrograd's engine passes, planted bugs fail naming their op.

The attack tests at the end are a submission trying to cheat, or just careless: forged answers,
a patched comparison, broken protocol lines, processes that outlive the run, slow engines,
reading the teacher's environment, litter, a huge allocation, hostile text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import micrograd.engine
import pytest

from autograd.engine import value as our_engine
from autograd.teaching.grader import (
    LECTURE,
    EngineLoadError,
    Limits,
    check_engine,
    check_engine_file,
    check_engine_files,
    load_engine,
    summary_table,
)
from stepgrad.cli import main
from stepgrad.practice import split_target

MICROGRAD = Path(micrograd.engine.__file__)
MICROGRAD_MISSING = ["x.tanh()", "x.exp()", "x.log()", "x.sigmoid()", "x ** y (both Values)", "2 ** x"]

# One wrong local derivative per op that micrograd's engine defines with its own _backward,
# and the ops micrograd builds from it (which may fail with it, and no others).
PLANTED = {
    "add": ("other.grad += out.grad", "other.grad += 2 * out.grad", {"add", "sub", "rsub", "radd"}),
    "mul": (
        "other.grad += self.data * out.grad",
        "other.grad += other.data * out.grad",
        {"mul", "neg", "sub", "div", "rsub", "rmul", "mul_number", "div_number", "rdiv"},
    ),
    "pow": ("(other * self.data**(other-1))", "(other * self.data**other)", {"pow", "div", "rdiv"}),
    "relu": ("(out.data > 0) * out.grad", "out.grad", {"relu"}),
}


def planted_copy(tmp_path: Path, old: str, new: str, name: str = "engine.py") -> Path:
    source = MICROGRAD.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path = tmp_path / name
    path.write_text(source.replace(old, new), encoding="utf-8")
    return path


def micrograd_plus(tmp_path: Path, code: str) -> Path:
    """micrograd's engine with `code` appended (an op added to its Value), as mine.py."""
    path = tmp_path / "mine.py"
    path.write_text(MICROGRAD.read_text(encoding="utf-8") + textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    """The text report is wrapped to the terminal's width: a wide one here, unless a test sets it."""
    monkeypatch.setenv("COLUMNS", "200")


def grade(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["check-engine", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def grade_json(capsys, *argv: str) -> tuple[int, dict]:
    """(exit status, the one report) of `check-engine ... --format json` on one submission."""
    status, out, _ = grade(capsys, *argv, "--format", "json")
    (report,) = json.loads(out)
    return status, report


def test_micrograd_passes_with_its_missing_ops_skipped(capsys):
    status, out, _ = grade(capsys, str(MICROGRAD))
    assert status == 0
    assert "Skipped (not supported by this engine): " + ", ".join(MICROGRAD_MISSING) in out
    assert "PASSED: 20 of 20 checks pass" in out
    assert "Wrong" not in out
    assert "RecursionError" in out  # micrograd's topological sort is recursive: a note
    assert "intermediate gradients were not reset" in out  # micrograd's second backward(): a note
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    assert rows["x * y"].split()[-1] == "pass" and rows["x.tanh()"].split()[-1] == "skip"


def test_our_engine_passes_everything():
    # the engine's source file (its __file__ is the compiled module where that is built)
    report = check_engine(
        load_engine(str(Path(our_engine.__file__).with_name("value.py"))), "autograd/engine/value.py"
    )
    assert report.passed and report.skipped == []
    assert len(report.results) == 27
    assert (
        report.notes["recursion"] == "backward() gets through a chain of 100,000 ops (no recursion limit met)"
    )
    assert report.notes["second backward()"].startswith("leaf gradients doubled (x.grad 12.0 → 24.0)")


@pytest.mark.parametrize("op", sorted(PLANTED))
def test_a_planted_bug_fails_naming_its_op(tmp_path, capsys, op):
    old, new, built_on_it = PLANTED[op]
    path = planted_copy(tmp_path, old, new)
    status, report = grade_json(capsys, str(path))
    assert status == 1
    assert report["passed"] is False
    named = {entry.rsplit(" (", 1)[1].rstrip(")") for entry in report["wrong_local_derivatives"]}
    assert op in named  # the op with the planted bug is named ...
    assert named <= built_on_it  # ... and nothing that does not use it
    assert report["wrong_values"] == []
    failing = next(c for c in report["checks"] if c["op"] == op)
    assert failing["status"] == "fail" and failing["wrong"] == "local derivative"
    assert failing["case"].startswith("∂(") and failing["expected"] != failing["actual"]
    assert failing["rule"].startswith(failing["case"].split(" at ")[0] + " = ")  # the rule it breaks


def test_the_table_names_the_op_and_the_failing_case(tmp_path, capsys):
    old, new, _ = PLANTED["mul"]
    status, out, _ = grade(capsys, str(planted_copy(tmp_path, old, new)))
    assert status == 1
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("x * y "))
    assert lines[row].split()[3:] == ["FAIL"]  # the check and its result ...
    assert lines[row + 1] == "    ∂(x * y)/∂y at x = 2.0, y = 3.0: expected 2.0, got 3.0"  # ... its case
    assert "Wrong local derivative: x * y (mul), " in out
    assert "  the rule: ∂(x * y)/∂y = x" in out  # the rule it expected
    assert "FAILED: " in out


def test_assignment_instead_of_accumulation_fails_the_reused_node_checks(tmp_path, capsys):
    # the lecture's bug: self.grad = ... instead of += (a + a then gets 1, not 2)
    path = planted_copy(
        tmp_path,
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad = out.grad\n            other.grad = out.grad",
    )
    status, report = grade_json(capsys, str(path))
    assert status == 1
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["x + y"]["status"] == "pass"  # each op alone is right
    assert checks["a + a"]["status"] == "fail"
    assert (checks["a + a"]["expected"], checks["a + a"]["actual"]) == (2.0, 1.0)
    assert "the sum of its terms" in checks["a + a"]["message"]


def test_a_wrong_value_is_named(tmp_path):
    path = planted_copy(tmp_path, "Value(self.data * other.data, (self, other), '*')",
                        "Value(self.data + other.data, (self, other), '*')")  # fmt: skip
    report = check_engine(load_engine(path))
    assert report.wrong("value")[0] == "x * y (mul)"
    assert not report.passed


def test_a_wrong_tanh_fails_the_lecture_neuron(tmp_path):
    engine = micrograd_plus(
        tmp_path,
        """
            import math

            def _tanh(self):
                t = math.tanh(self.data)
                out = Value(t, (self,), 'tanh')
                def _backward():
                    self.grad += (1 - t) * out.grad  # should be 1 - t**2
                out._backward = _backward
                return out

            Value.tanh = _tanh
        """,
    )
    report = check_engine(load_engine(engine))
    results = {r.check: r for r in report.results}
    assert results["x.tanh()"].status == "fail" and report.wrong("local derivative") == ["x.tanh() (tanh)"]
    assert results["x.tanh()"].rule == "∂(x.tanh())/∂x = 1 − t², t = tanh(x)"
    assert "the rule: ∂(x.tanh())/∂x = 1 − t², t = tanh(x)" in report.table()
    assert results["lecture's tanh neuron"].status == "fail"


def test_the_lecture_neuron_through_exp(tmp_path):
    engine = micrograd_plus(
        tmp_path,
        """
            import math

            def _exp(self):
                out = Value(math.exp(self.data), (self,), 'exp')
                def _backward():
                    self.grad += out.data * out.grad
                out._backward = _backward
                return out

            Value.exp = _exp
        """,
    )
    results = {r.check: r for r in check_engine(load_engine(engine)).results}
    assert results["x.exp()"].status == "pass"
    assert results["lecture's tanh neuron"].status == "pass"  # e = exp(2n), o = (e - 1)/(e + 1)


def test_class_name_and_errors(tmp_path, capsys):
    engine = tmp_path / "scalar.py"
    engine.write_text(MICROGRAD.read_text(encoding="utf-8").replace("Value", "Scalar"))
    assert split_target(f"{engine}:Scalar") == (str(engine), "Scalar")
    assert split_target(str(engine)) == (str(engine), "Value")
    status, out, _ = grade(capsys, f"{engine}:Scalar")
    assert status == 0 and f"check-engine: {engine}:Scalar" in out
    # a submission that cannot be graded fails (exit 1), saying why
    status, out, _ = grade(capsys, str(engine))
    assert status == 1 and "FAILED: " in out
    assert "has no class 'Value'; it defines Scalar (name it as FILE:CLASS)" in out
    (tmp_path / "notes.txt").write_text("class Value: pass")
    status, out, _ = grade(capsys, str(tmp_path / "notes.txt"))
    assert status == 1 and "not a Python file" in out
    (tmp_path / "broken.py").write_text("class Value:\n    def f(self\n")
    status, out, _ = grade(capsys, str(tmp_path / "broken.py"))
    assert status == 1 and "SyntaxError" in out and "(line 2)" in out
    (tmp_path / "raises.py").write_text("x = 1\nraise RuntimeError('boom')\n")
    status, report = grade_json(capsys, str(tmp_path / "raises.py"))
    assert status == 1 and report["passed"] is False
    assert report["error"] == f"importing {tmp_path / 'raises.py'} raised RuntimeError: boom (line 2)"
    # a path that is not a submission is the teacher's mistake: exit 2, before any work
    status, out, err = grade(capsys, str(tmp_path / "nope.py"))
    assert status == 2 and out == "" and "nope.py: no such file" in err
    status, out, err = grade(capsys, str(engine), "/dev/zero")
    assert status == 2 and out == "" and "/dev/zero: not a regular file" in err
    (tmp_path / "empty").mkdir()
    status, _, err = grade(capsys, str(tmp_path / "empty"))
    assert status == 2 and "empty: a folder with no .py files" in err


def test_a_class_without_multiplication_fails_and_lists_what_it_lacks(tmp_path):
    engine = tmp_path / "adder.py"
    engine.write_text(
        textwrap.dedent(
            """
            class Value:
                def __init__(self, data):
                    self.data, self.grad, self._parents = data, 0.0, ()
                def __add__(self, other):
                    out = Value(self.data + other.data)
                    out._parents = (self, other)
                    return out
                def backward(self):
                    self.grad = 1.0
                    for p in self._parents:
                        p.grad += self.grad
            """
        )
    )
    report = check_engine(load_engine(engine))
    results = {r.check: r for r in report.results}
    assert results["x + y"].status == "pass"
    assert results["x * y"].status == "fail" and "required op missing" in results["x * y"].message
    assert "x.relu()" in report.skipped and "x + 2" in report.skipped
    assert not report.passed


def test_help_says_what_is_isolated_and_what_is_not(capsys):
    with pytest.raises(SystemExit):
        main(["check-engine", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "It still runs as your account and can read what you can" in text
    assert "grade as a separate user or in a container" in text
    for option in ("--timeout", "--deadline", "--memory", "--file-size", "--processes", "--jobs"):
        assert option in text


def test_only_the_named_file_is_imported(tmp_path):
    # A sibling module with a side effect, and micrograd itself, must stay unimported:
    # the grader loads the one file by path and changes nothing on sys.path.
    (tmp_path / "helper.py").write_text("open(__file__ + '.imported', 'w').close()\n")
    engine = tmp_path / "engine.py"
    engine.write_text(MICROGRAD.read_text(encoding="utf-8"))
    script = textwrap.dedent(
        f"""
        import sys
        from autograd.teaching.grader import check_engine, load_engine
        path_before, before = list(sys.path), set(sys.modules)
        report = check_engine(load_engine({str(engine)!r}))
        new = set(sys.modules) - before
        assert report.passed
        assert new == {{"stepgrad_checked_engine_1"}}, new
        assert sys.path == path_before
        assert "micrograd" not in sys.modules
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert not (tmp_path / "helper.py.imported").exists()


def test_whatever_the_class_raises_is_reported_not_raised(tmp_path):
    engine = tmp_path / "typo.py"
    engine.write_text(MICROGRAD.read_text(encoding="utf-8").replace("else Value(other)", "else Valeu(other)"))
    report = check_engine(load_engine(engine))
    results = {r.check: r for r in report.results}
    assert results["x + y"].status == "pass"  # two Values: the typo is not reached
    assert results["x + 2"].status == "fail" and "NameError" in results["x + 2"].message
    (tmp_path / "refuses.py").write_text(
        "class Value:\n    def __init__(self, data):\n        raise ValueError('no')\n"
    )
    report = check_engine(load_engine(tmp_path / "refuses.py"))
    assert not report.passed and report.results[0].message == "raised ValueError: no"


def test_load_engine_names_what_is_not_a_file(tmp_path):
    with pytest.raises(EngineLoadError, match="a folder, not a file"):
        load_engine(tmp_path)
    with pytest.raises(EngineLoadError, match="/dev/zero: not a regular file"):
        load_engine("/dev/zero")
    with pytest.raises(EngineLoadError, match=r"nope\.py: no such file"):
        load_engine(tmp_path / "nope.py")
    with pytest.raises(EngineLoadError, match="a folder, not a file"):
        check_engine_file(tmp_path)  # refused before any process is started


# ---- a step that does not finish: check_engine_file runs the checks in a child process ----------
LOOPING_BACKWARD = (
    "        for v in reversed(topo):\n            v._backward()",
    "        while True:  # the planted bug: backward() never ends\n            pass",
)


def test_a_backward_that_loops_forever_is_stopped_and_named(tmp_path, capsys):
    path = planted_copy(tmp_path, *LOOPING_BACKWARD)
    started = time.perf_counter()
    status, out, _ = grade(capsys, str(path), "--timeout", "1")
    assert time.perf_counter() - started < 10
    assert status == 1
    stopped = (
        "backward() on x + y at x = 2.0, y = 3.0 did not finish within 1 s — "
        "does your topological sort mark visited nodes?"
    )
    assert f"Stopped: {stopped}" in out
    assert "Not run: x * y, x - y, " in out and "FAILED: 0 of 1 checks pass" in out
    status, report = grade_json(capsys, str(path), "--timeout", "1")
    assert status == 1 and report["passed"] is False and report["stopped"] == stopped
    assert report["checks"] == [
        {"check": "x + y", "group": "ops", "status": "fail", "op": "add", "case": "", "expected": None,
         "actual": None, "message": stopped, "wrong": "", "rule": ""}
    ]  # fmt: skip
    assert len(report["not_run"]) == 26 and report["not_run"][0] == "x * y"
    assert set(report["notes"].values()) == {"not run: the checks stopped before it"}


def test_the_checks_that_ran_before_the_step_that_hung_are_reported(tmp_path):
    # micrograd keeps a node's parents in a set: a + a has one. Its backward() now hangs there.
    path = planted_copy(
        tmp_path,
        "        build_topo(self)\n",
        "        build_topo(self)\n"
        "        while self._op == '+' and len(self._prev) == 1:\n            pass\n",
    )
    report = check_engine_file(path, timeout=1)
    assert [r.status for r in report.results].count("pass") == 15  # micrograd's ops and constants
    assert report.results[-1].check == "a + a" and report.results[-1].status == "fail"
    assert report.stopped == report.results[-1].message
    assert report.stopped.startswith("backward() on a + a did not finish within 1 s")
    assert report.not_run == (
        "b = a + a; c = b + b", "a * a", "a - a", "diamond: b = a * x; c = a + y; d = b * c", LECTURE
    )  # fmt: skip


def test_a_slow_long_chain_is_a_note_not_a_failure(tmp_path):
    engine = micrograd_plus(
        tmp_path,
        """
            def _backward_iterative(self):
                topo, visited, stack = [], set(), [(self, False)]
                while stack:
                    v, expanded = stack.pop()
                    if expanded:
                        topo.append(v)
                    elif v not in visited:
                        visited.add(v)
                        stack.append((v, True))
                        stack.extend((child, False) for child in v._prev)
                while len(topo) > 5000:  # hangs on long chains only
                    pass
                self.grad = 1
                for v in reversed(topo):
                    v._backward()

            Value.backward = _backward_iterative
        """,
    )
    report = check_engine_file(engine, timeout=1)
    assert report.passed and report.stopped == "" and report.not_run == ()
    assert report.notes["recursion"] == (
        "backward() gets through a chain of 1,000 ops; a chain of 10,000 ops did not finish within 1 s — "
        "is the topological sort quadratic (visited nodes kept in a list, not a set)?"
    )
    assert report.notes["second backward()"].startswith("leaf gradients")


def test_an_import_that_does_not_finish_or_ends_the_process_cannot_be_graded(tmp_path, capsys):
    (tmp_path / "demo.py").write_text(MICROGRAD.read_text(encoding="utf-8") + "\nwhile True:\n    pass\n")
    status, report = grade_json(capsys, str(tmp_path / "demo.py"), "--timeout", "1")
    assert status == 1 and not report["passed"] and report["checks"] == []
    assert report["error"].startswith(
        f"importing {tmp_path / 'demo.py'} did not finish within 1 s — does the file train or run"
    )
    (tmp_path / "exits.py").write_text("import sys\nprint('bye')\nsys.exit(3)\n")
    status, report = grade_json(capsys, str(tmp_path / "exits.py"))
    assert status == 1 and report["error"].endswith("exits.py ended the checking process (exit status 3)")
    assert report["output"] == "bye"


def test_an_engine_that_ends_the_process_fails_the_check_it_was_in(tmp_path):
    path = planted_copy(tmp_path, "        self.grad = 1\n", "        raise SystemExit(5)\n")
    report = check_engine_file(path)
    assert (
        report.stopped == "backward() on x + y at x = 2.0, y = 3.0 ended the checking process (exit status 5)"
    )
    assert not report.passed


def test_the_child_imports_only_the_file_and_its_prints_stay_out_of_the_terminal(
    tmp_path, capfd, monkeypatch
):
    teacher = tmp_path / "teacher"  # the teacher's working folder (not the checkout, which is on the path)
    teacher.mkdir()
    monkeypatch.chdir(teacher)
    (tmp_path / "helper.py").write_text("open(__file__ + '.imported', 'w').close()\n")
    seen = tmp_path / "seen.json"
    engine = tmp_path / "engine.py"
    engine.write_text(
        "import json, sys\n"
        f"json.dump(sys.path, open({str(seen)!r}, 'w'))\n"
        "print('the engine says hello')\n"
        "print('and complains', file=sys.stderr)\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    before = set(sys.modules)
    status, out, err = grade(capfd, str(engine), "--format", "json")  # (capfd: the child's fds too)
    (report,) = json.loads(out)  # standard output is the report alone
    assert status == 0 and report["passed"] and err == ""
    assert report["output"] == "the engine says hello\nand complains"  # kept, for the report
    child_path = json.loads(seen.read_text())
    root = str(Path(__file__).resolve().parents[1])
    assert child_path[0] == root  # the folder that holds autograd, then the interpreter's own
    assert str(tmp_path) not in child_path and str(teacher) not in child_path
    assert not any(m.startswith("stepgrad_checked_engine") for m in set(sys.modules) - before)
    assert not (tmp_path / "helper.py.imported").exists()
    assert not (tmp_path / "__pycache__").exists()  # no bytecode written beside the submission


@pytest.mark.parametrize(
    ("timeout", "error"),
    [("10", TypeError), (True, TypeError), (0, ValueError), (-1.0, ValueError), (math.nan, ValueError),
     (3601, ValueError)],
)  # fmt: skip
def test_check_engine_file_refuses_a_timeout_that_is_not_seconds(timeout, error):
    with pytest.raises(error, match="timeout must"):
        check_engine_file(MICROGRAD, timeout=timeout)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_while_a_step_hangs_exits_130_and_leaves_no_process(tmp_path, jobs):
    folder = tmp_path / "class"
    folder.mkdir()
    old, new = LOOPING_BACKWARD
    markers = [tmp_path / f"looping-{n}" for n in range(jobs)]
    for n, marker in enumerate(markers):  # each writes its process id, then loops in backward()
        write = f"        open({str(marker)!r}, 'w').write(str(__import__('os').getpid()))\n"
        planted_copy(folder, old, write + new, name=f"looping{n}.py")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stepgrad",
            "check-engine",
            str(folder),
            "--timeout",
            "600",
            "--jobs",
            str(jobs),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
        cwd=Path(__file__).parents[1],
    )
    pids = [_wait_for(marker) for marker in markers]  # every submission is in its loop
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err == "stepgrad check-engine: interrupted\n"
    assert all(_gone(pid) for pid in pids)  # the submissions were stopped with the command


# ---- the summary names the real cause ---------------------------------------------------------
def test_a_graph_that_fails_through_a_wrong_op_blames_the_op_not_accumulation(tmp_path):
    old, new, _ = PLANTED["mul"]
    report = check_engine(load_engine(planted_copy(tmp_path, old, new)))
    results = {r.check: r for r in report.results}
    diamond = results["diamond: b = a * x; c = a + y; d = b * c"]
    assert diamond.status == "fail" and diamond.message == "it uses x * y, which failed above: fix it first"
    assert "+= in backward" not in report.table()
    old, new, _ = PLANTED["add"]
    results = {r.check: r for r in check_engine(load_engine(planted_copy(tmp_path, old, new))).results}
    assert results["a + a"].message == "it uses x + y, which failed above: fix it first"
    assert results["a * a"].status == "pass"


# ---- the second backward() note; the report's width ----------------------------------------------
def test_the_second_backward_note_does_not_call_zero_gradients_doubled(tmp_path):
    # backward() never seeds the output's gradient: every gradient stays 0
    path = planted_copy(tmp_path, "        self.grad = 1\n", "        self.grad = 0\n")
    report = check_engine_file(path)
    note = report.notes["second backward()"]
    assert not note.startswith("leaf gradients doubled")
    assert note.startswith("the first backward() on out = (x*y + x)*y gave x.grad = 0.0, y.grad = 0.0")
    assert "(right: 12.0, 14.0)" in note


def test_no_line_of_the_report_is_wider_than_the_terminal(tmp_path, capsys, monkeypatch):
    path = planted_copy(tmp_path, *LOOPING_BACKWARD)
    (tmp_path / "ok.py").write_text(MICROGRAD.read_text(encoding="utf-8"))
    monkeypatch.setenv("COLUMNS", "60")  # the command reads the terminal's width ...
    status, out, _ = grade(capsys, str(path), str(tmp_path / "ok.py"), "--timeout", "1.5", "--jobs", "2")
    assert status == 1 and "1 of 2 submissions pass" in out
    assert max(len(line) for line in out.splitlines()) <= 60
    flat = " ".join(out.split())
    assert "did not finish within 1.5 s — does your topological sort mark visited nodes?" in flat
    reports = check_engine_files([(path, "Value"), (tmp_path / "ok.py", "Value")], timeout=1.5, jobs=2)
    assert "1 of 2 submissions pass" in summary_table([reports[0], replace(reports[1], file="ok.py")])
    for columns in (80, 120):  # ... and the reports wrap to any width
        for text in (*(r.table(columns) for r in reports), summary_table(reports, columns)):
            assert max(len(line) for line in text.splitlines()) <= columns


# ---- a class at once -----------------------------------------------------------------------------
def write_class(folder: Path) -> None:
    """A correct engine, one with `=` for `+=`, one that hangs and one that does not import."""
    folder.mkdir()
    source = MICROGRAD.read_text(encoding="utf-8")
    (folder / "a_right.py").write_text(source)
    (folder / "b_assigns.py").write_text(
        source.replace(
            "self.grad += out.grad\n            other.grad += out.grad",
            "self.grad = out.grad\n            other.grad = out.grad",
        )
    )
    (folder / "c_hangs.py").write_text(source.replace(*LOOPING_BACKWARD))
    (folder / "d_typo.py").write_text("class Value:\n    def f(self\n")
    (folder / "notes.txt").write_text("not a submission")
    (folder / "_helper.py").write_text("raise SystemExit('not a submission either')")


def test_a_folder_is_graded_file_by_file_and_nothing_stops_the_batch(tmp_path, capsys):
    write_class(tmp_path / "class")
    status, out, _ = grade(
        capsys, str(tmp_path / "class"), "--format", "json", "--timeout", "1.5", "--jobs", "4"
    )
    assert status == 1  # not every submission passes
    reports = json.loads(out)
    assert [(Path(r["file"]).name, r["passed"]) for r in reports] == [
        ("a_right.py", True), ("b_assigns.py", False), ("c_hangs.py", False), ("d_typo.py", False)
    ]  # fmt: skip
    assert all(r["schema"] == "stepgrad.check-engine/2" for r in reports)
    assert reports[2]["stopped"].startswith("backward() on x + y at x = 2.0, y = 3.0 did not finish")
    assert "SyntaxError" in reports[3]["error"] and reports[3]["checks"] == []
    status, out, _ = grade(
        capsys, str(tmp_path / "class"), "--format", "csv", "--timeout", "1.5", "--jobs", "4"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(Path(r["file"]).name, r["passed"]) for r in rows] == [
        ("a_right.py", "yes"), ("b_assigns.py", "no"), ("c_hangs.py", "no"), ("d_typo.py", "no")
    ]  # fmt: skip
    assert (rows[0]["checks_passed"], rows[0]["checks_run"]) == ("20", "20")
    status, out, _ = grade(capsys, str(tmp_path / "class"), "--timeout", "1.5", "--jobs", "4")
    summary = out.split("=" * 10)[-1]
    assert "a_right.py    PASSED   20/20" in summary and "2 of 4" not in summary
    assert "1 of 4 submissions pass" in summary
    assert "c_hangs.py    FAILED   0/1     stopped: backward() on x + y" in summary
    status, _, _ = grade(
        capsys, str(tmp_path / "class" / "a_right.py"), str(tmp_path / "class" / "a_right.py")
    )
    assert status == 0  # every submission passed


def test_check_engine_files_in_python(tmp_path):
    write_class(tmp_path / "class")
    files = sorted((tmp_path / "class").glob("[a-d]*.py"))
    reports = check_engine_files([(f, "Value") for f in files], limits=Limits(timeout=1.5), jobs=3)
    assert [r.passed for r in reports] == [True, False, False, False]
    with pytest.raises(EngineLoadError, match="no such file"):  # checked before anything runs
        check_engine_files([(files[0], "Value"), (tmp_path / "nope.py", "Value")])
    with pytest.raises(ValueError, match="jobs must be"):
        check_engine_files([(files[0], "Value")], jobs=0)


# ---- attacks: verdicts the submission cannot forge -------------------------------------------------
ANSWERS_FD = "int(sys.argv[2])"  # where the submission's process writes its answers (child.main)


def test_forged_result_lines_on_stdout_and_on_every_pipe_fail(tmp_path, capsys):
    forged = [
        '["result", {"check": "x + y", "group": "ops", "status": "pass"}]',
        '["result", {"check": "x * y", "group": "ops", "status": "pass"}]',
        '["done", null]',
    ]
    path = tmp_path / "forger.py"
    path.write_text(
        "import os\n"
        f"lines = {forged!r}\n"
        "print('\\n'.join(lines), flush=True)\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.write(fd, ('\\n'.join(lines) + '\\n').encode())\n"
        "    except OSError:\n"
        "        pass\n"
    )
    status, report = grade_json(capsys, str(path))
    assert status == 1 and report["passed"] is False
    assert report["error"].startswith("did not follow the grading protocol")
    assert report["checks"] == []


def test_answers_written_ahead_for_every_question_fail(tmp_path):
    # a file without an engine that answers "ok" and 1.0 to whatever is asked, before it is asked
    path = tmp_path / "ahead.py"
    path.write_text(
        "import os, sys\n"
        "fd = int(sys.argv[2])\n"
        "ahead = b''.join(b'{\"id\": %d, \"value\": 1.0}\\n' % i for i in range(3, 200))\n"
        'os.write(fd, b\'{"id": 2, "ok": true}\\n\' + ahead)\n'
        "os._exit(0)\n"
    )
    report = check_engine_file(path, timeout=2)
    assert not report.passed and report.error.startswith("did not follow the grading protocol")


@pytest.mark.parametrize(
    "patch",
    [
        "import math\nmath.isclose = lambda *a, **k: True\n",
        "import autograd.teaching.grader.judge as judge\njudge._close = lambda *a, **k: True\n"
        "judge.math.isclose = lambda *a, **k: True\n",
        "import autograd.teaching.grader.child as child\nchild._number = lambda x, what: 3.0\n",
    ],
    ids=["math.isclose", "the grader's comparison", "the child's reading of numbers"],
)
def test_patching_the_comparison_in_its_own_process_changes_no_verdict(tmp_path, patch):
    old, new, _ = PLANTED["mul"]
    path = planted_copy(tmp_path, old, new)
    path.write_text(patch + path.read_text(encoding="utf-8"))
    report = check_engine_file(path)
    assert not report.passed and not report.error
    failed = [r.check for r in report.results if r.status == "fail"]
    assert failed == (
        ["Value(1.0)"]
        if "_number" in patch
        else ["x * y", "x / y", "diamond: b = a * x; c = a + y; d = b * c"]
    )


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"not json", "a line that is not JSON"),
        (b'{"id": 2, "ok": true, "passed": true}', "an answer with the keys ok, passed"),
        (b'{"id": 2, "verdict": "pass"}', "an answer with the keys verdict"),
        (b'{"id": 7, "ok": true}', "an answer with id 7, not 2"),
        (b'[2, "ok"]', "a JSON list, not an object"),
        (b'{"id": 2, "ok": "yes"}', "a malformed 'ok' answer"),
        (b"\xff\xfe", "a line that is not JSON"),
        (b'{"id": 2, "ok": true}' + b" " * 70_000, "an answer of over 65,536 bytes"),
        (b"[" * 60_000, "a line that is not JSON"),
        (b'{"id": 2, "value": 1' + b"0" * 400 + b"}", "a malformed 'value' answer"),
        (b'{"id": 1, "ok": true}\n' * 100_000, ""),  # (whichever it sees first: a wrong id, a flood)
    ],
    ids=["not JSON", "unknown key", "unknown kind", "out of order", "a list", "a wrong type", "not UTF-8",
         "oversized", "deeply nested", "a huge number", "a flood"],
)  # fmt: skip
def test_a_line_that_breaks_the_protocol_fails_the_submission_with_a_plain_reason(
    tmp_path, capsys, line, why
):
    path = tmp_path / "breaks.py"
    forged = line + b"\n"
    path.write_text(f"import os, sys\nos.write({ANSWERS_FD}, {forged!r})\n" + MICROGRAD.read_text("utf-8"))
    status, out, err = grade(capsys, str(path))
    assert status == 1 and "Traceback" not in out + err
    assert f"FAILED: did not follow the grading protocol: {why}" in out


def test_an_answer_nobody_asked_for_fails(tmp_path):
    # a correct engine that sends one more answer than was asked, after the last question
    path = micrograd_plus(
        tmp_path,
        """
            import os, sys
            _backward = Value.backward
            def backward(self):
                _backward(self)
                if len(self._prev) == 2 and self.data == 24.0:  # (the second backward() note)
                    os.write(int(sys.argv[2]), b'{"id": 1, "ok": true}\\n')
            Value.backward = backward
        """,
    )
    report = check_engine_file(path)
    assert not report.passed and report.error.startswith("did not follow the grading protocol")


# ---- attacks: nothing left running --------------------------------------------------------------
def _gone(pid: int, seconds: float = 5.0) -> bool:
    """True once `pid` has ended (gone, or a zombie waiting for init) within `seconds`: a killed
    process takes a moment to exit on a loaded machine."""
    status = Path(f"/proc/{pid}/status")
    for _ in range(int(seconds / 0.05)):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            if "State:\tZ" in status.read_text():
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def _wait_for(path: Path) -> int:
    for _ in range(200):
        if path.exists() and path.read_text():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork: POSIX")
def test_a_forked_grandchild_holding_the_pipe_does_not_hold_the_grader(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    path = tmp_path / "forks.py"
    path.write_text(
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "    os._exit(0)\n"
        "sys.exit(3)\n"
    )
    started = time.perf_counter()
    report = check_engine_file(path, timeout=3)
    assert time.perf_counter() - started < 10
    assert report.error.endswith("forks.py ended the checking process (exit status 3)")
    assert _gone(_wait_for(pid_file))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="escaped processes are collected on Linux")
def test_a_process_in_its_own_session_does_not_outlive_the_run(tmp_path):
    pid_file = tmp_path / "daemon.pid"
    path = tmp_path / "daemon.py"
    path.write_text(
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "        for fd in range(3, 64):\n"  # it lets go of every pipe: nothing holds the grader
        "            try:\n"
        "                os.close(fd)\n"
        "            except OSError:\n"
        "                pass\n"
        "        time.sleep(600)\n"
        "    os._exit(0)\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    report = check_engine_file(path)
    assert report.passed  # a correct engine: its verdict stands ...
    assert _gone(_wait_for(pid_file))  # ... and nothing of it runs after the verdict


def test_a_slow_backward_meets_the_deadline(tmp_path, capsys):
    path = planted_copy(
        tmp_path, "        self.grad = 1\n", "        import time; time.sleep(0.3)\n        self.grad = 1\n"
    )
    started = time.perf_counter()
    status, report = grade_json(capsys, str(path), "--timeout", "1", "--deadline", "2")
    assert time.perf_counter() - started < 10  # each step is under --timeout, the whole is not (~2 s)
    assert status == 1 and not report["passed"]
    assert "before the deadline of 2 s for the whole submission" in report["stopped"], json.dumps(report)
    assert report["not_run"]


# ---- attacks: nothing leaked, no litter, limits ------------------------------------------------------
def test_the_submission_sees_none_of_the_teachers_environment_and_leaves_no_litter(
    tmp_path, monkeypatch, capsys
):
    teacher, home = tmp_path / "teacher", tmp_path / "home"
    teacher.mkdir(), home.mkdir()
    monkeypatch.chdir(teacher)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("STEPGRAD_TEST_SECRET", "hunter2")
    seen = tmp_path / "seen.json"
    path = tmp_path / "snoop.py"
    path.write_text(
        "import json, os, pathlib, tempfile\n"
        "print(os.environ.get('STEPGRAD_TEST_SECRET'))\n"
        "pathlib.Path('litter.txt').write_text('x')\n"
        "(pathlib.Path.home() / '.litter').write_text('x')\n"
        "handle, temporary = tempfile.mkstemp()\n"
        f"json.dump({{'env': dict(os.environ), 'cwd': os.getcwd(), 'home': str(pathlib.Path.home()),"
        f" 'tmp': temporary}}, open({str(seen)!r}, 'w'))\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    status, report = grade_json(capsys, str(path))
    assert status == 0 and report["passed"]
    found = json.loads(seen.read_text())
    assert sorted(found["env"]) == ["HOME", "LANG", "LC_ALL", "PATH", "TMPDIR"]
    assert "hunter2" not in json.dumps(found) and "hunter2" not in json.dumps(report)
    assert found["home"] != str(home) and found["cwd"] != str(teacher)
    assert list(teacher.iterdir()) == [] and list(home.iterdir()) == []  # nothing written there
    for place in (found["cwd"], found["home"], found["tmp"]):
        assert not Path(place).exists()  # the temporary folder is gone


def test_a_huge_allocation_is_refused(tmp_path):
    path = tmp_path / "hungry.py"
    path.write_text("big = bytearray(3 * 1024**3)\n" + MICROGRAD.read_text(encoding="utf-8"))
    report = check_engine_file(path)
    assert not report.passed and "raised MemoryError" in report.error


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "writer.py"
    path.write_text("open('big', 'wb').write(bytes(2 * 1024**2))\n" + MICROGRAD.read_text(encoding="utf-8"))
    report = check_engine_file(path, file_size=1)
    assert not report.passed and "File too large" in report.error
    assert check_engine_file(path, file_size=4).passed


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root is exempt from RLIMIT_NPROC (the tests run as root on CI)"
)
def test_the_number_of_processes_is_limited(tmp_path):
    path = tmp_path / "forker.py"
    path.write_text(
        "import os, time\n"
        "for _ in range(50):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    report = check_engine_file(path, processes=5)
    assert not report.passed and "BlockingIOError" in report.error


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [("deadline", 0, ValueError), ("memory", 0, ValueError), ("memory", 1.5, TypeError),
     ("file_size", True, TypeError), ("processes", 10**9, ValueError)],
)  # fmt: skip
def test_limits_out_of_range_are_refused(option, value, error):
    with pytest.raises(error, match=f"{option} must"):
        Limits(**{option: value})


# ---- attacks: hostile text ------------------------------------------------------------------------
HOSTILE = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[31m" + "A" * 100_000 + "\u202e\r\n\x00"


def test_a_huge_message_with_terminal_escapes_is_cleaned_and_cut(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    path = micrograd_plus(
        tmp_path,
        f"""
            def relu(self):
                raise ValueError({HOSTILE!r})
            Value.relu = relu
        """,
    )
    bad_name = tmp_path / "\x1b[2Jevil\x07.py"
    bad_name.write_text(f"raise ValueError({HOSTILE!r})\n")
    for argv in ([str(path)], [str(path), str(bad_name)]):
        status, out, _ = grade(capsys, *argv)
        assert status == 1
        assert len(out) < 20_000 and max(len(line) for line in out.splitlines()) <= 80
        assert not any(ord(c) < 32 and c != "\n" for c in out) and "\u202e" not in out
    status, out, _ = grade(capsys, str(path), str(bad_name), "--format", "json")
    assert len(out) < 20_000 and "\\u001b" not in out and "\x1b" not in out
    reports = json.loads(out)
    relu = next(c for c in reports[0]["checks"] if c["check"] == "x.relu()")
    assert relu["status"] == "fail" and relu["message"].startswith("raised ValueError: AAAA")
    assert len(relu["message"]) <= 300 and relu["message"].endswith("…")
    assert reports[1]["error"].count("A") < 300
    status, out, _ = grade(capsys, str(path), str(bad_name), "--format", "csv")
    assert "\x1b" not in out and len(out) < 5_000


def test_the_submissions_process_has_the_limits_asked_for(tmp_path):
    seen = tmp_path / "limits.json"
    path = tmp_path / "limits.py"
    path.write_text(
        "import json, os, resource\n"
        "names = ['RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_CORE', 'RLIMIT_NPROC']\n"
        "limits = {n: resource.getrlimit(getattr(resource, n))[0] for n in names}\n"
        "limits['session'] = os.getsid(0) == os.getpid()\n"
        f"json.dump(limits, open({str(seen)!r}, 'w'))\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    assert check_engine_file(path, deadline=30, memory=512, file_size=2, processes=3).passed
    limits = json.loads(seen.read_text())
    mib = 1024 * 1024
    assert (limits["RLIMIT_AS"], limits["RLIMIT_CPU"], limits["RLIMIT_FSIZE"]) == (512 * mib, 31, 2 * mib)
    assert limits["RLIMIT_CORE"] == 0 and limits["session"]  # no core files; a session of its own
    assert 3 <= limits["RLIMIT_NPROC"] < 1_000_000  # the account's processes now, and 3 more


# ---- the teachers' page: the sample class it shows is the one shipped --------------------------------
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "docs" / "examples" / "submissions"


def test_the_teachers_page_shows_the_shipped_samples_and_their_verdicts():
    page = (ROOT / "docs" / "teachers.md").read_text(encoding="utf-8")
    samples = sorted(SAMPLES.glob("*.py"))
    assert [p.name for p in samples] == ["ada.py", "alan.py", "grace.py"]
    for sample in samples:  # the page shows each file as shipped (tests/test_docs_examples.py runs it)
        assert f'```python title="submissions/{sample.name}"\n{sample.read_text(encoding="utf-8")}```' in page
    command = 'stepgrad check-engine submissions --summary; echo "exit status $?"'
    shown = page.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-m", "stepgrad", "check-engine", "submissions", "--summary"],
        cwd=SAMPLES.parent, capture_output=True, text=True, check=False,
        env={**os.environ, "COLUMNS": "100"},  # (what a pipe gets: the page's width)
    )  # fmt: skip
    assert f"{done.stdout}exit status {done.returncode}\n" == shown


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
def test_a_submission_that_kills_its_warden_fails_and_its_process_is_ended(tmp_path):
    pid_file = tmp_path / "child.pid"
    path = tmp_path / "regicide.py"
    path.write_text(
        "import os, signal, time\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n"
        "time.sleep(600)\n"
    )
    started = time.perf_counter()
    report = check_engine_file(path, timeout=2)
    assert time.perf_counter() - started < 10
    assert not report.passed and "its warden was stopped" in report.error
    assert _gone(_wait_for(pid_file))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_grading_leaves_no_temporary_folder_and_no_process_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a temporary folder no other run shares

    def ours() -> tuple[set[Path], set[int]]:
        folders = set(tmp_path.glob("stepgrad-grading-*"))
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            if int(text[text.rindex(")") + 2 :].split()[1]) == os.getpid():
                children.add(int(stat.parent.name))
        return folders, children

    before = ours()
    assert check_engine_file(MICROGRAD).passed
    folders, children = ours()
    assert folders <= before[0] and children <= before[1]  # the warden and the submission are gone
