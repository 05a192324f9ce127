"""`stepgrad check-engine`: micrograd's engine passes, planted bugs fail naming their op."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import micrograd.engine
import pytest

from autograd.engine import value as our_engine
from autograd.teaching.grader import LECTURE, EngineLoadError, check_engine, check_engine_file, load_engine
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


def grade(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["check-engine", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


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
    status, out, _ = grade(capsys, str(path), "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["passed"] is False
    named = {entry.rsplit(" (", 1)[1].rstrip(")") for entry in report["wrong_local_derivatives"]}
    assert op in named  # the op with the planted bug is named ...
    assert named <= built_on_it  # ... and nothing that does not use it
    assert report["wrong_values"] == []
    failing = next(c for c in report["checks"] if c["op"] == op)
    assert failing["status"] == "fail" and failing["wrong"] == "local derivative"
    assert failing["case"].startswith("∂(") and failing["expected"] != failing["actual"]


def test_the_table_names_the_op_and_the_failing_case(tmp_path, capsys):
    old, new, _ = PLANTED["mul"]
    status, out, _ = grade(capsys, str(planted_copy(tmp_path, old, new)))
    assert status == 1
    row = next(line for line in out.splitlines() if line.startswith("x * y "))
    assert row.split()[3:] == [
        "FAIL",
        "∂(x",
        "*",
        "y)/∂y",
        "at",
        "x",
        "=",
        "2.0,",
        "y",
        "=",
        "3.0",
        "2.0",
        "3.0",
    ]
    assert "Wrong local derivative: x * y (mul), " in out
    assert "FAILED: " in out


def test_assignment_instead_of_accumulation_fails_the_reused_node_checks(tmp_path, capsys):
    # the lecture's bug: self.grad = ... instead of += (a + a then gets 1, not 2)
    path = planted_copy(
        tmp_path,
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad = out.grad\n            other.grad = out.grad",
    )
    status, out, _ = grade(capsys, str(path), "--format", "json")
    assert status == 1
    report = json.loads(out)
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
    status, _, err = grade(capsys, str(engine))
    assert status == 2 and "has no class 'Value'; it defines Scalar (name it as FILE:CLASS)" in err
    status, _, err = grade(capsys, str(tmp_path / "nope.py"))
    assert status == 2 and "nope.py: no such file" in err
    (tmp_path / "notes.txt").write_text("class Value: pass")
    status, _, err = grade(capsys, str(tmp_path / "notes.txt"))
    assert status == 2 and "not a Python file" in err
    (tmp_path / "broken.py").write_text("class Value:\n    def f(self\n")
    status, _, err = grade(capsys, str(tmp_path / "broken.py"))
    assert status == 2 and "SyntaxError" in err and "(line 2)" in err
    (tmp_path / "raises.py").write_text("x = 1\nraise RuntimeError('boom')\n")
    status, _, err = grade(capsys, str(tmp_path / "raises.py"))
    assert status == 2 and "raised RuntimeError: boom (line 2)" in err


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


def test_help_says_the_file_is_run(capsys):
    with pytest.raises(SystemExit):
        main(["check-engine", "--help"])
    assert "WARNING: importing FILE runs its code" in " ".join(capsys.readouterr().out.split())


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


def test_load_engine_refuses_a_directory(tmp_path):
    with pytest.raises(EngineLoadError, match="no such file"):
        load_engine(tmp_path)


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
    status, out, _ = grade(capsys, str(path), "--timeout", "1", "--format", "json")
    report = json.loads(out)
    assert status == 1 and report["passed"] is False and report["stopped"] == stopped
    assert report["checks"] == [
        {"check": "x + y", "group": "ops", "status": "fail", "op": "add", "case": "", "expected": None,
         "actual": None, "message": stopped, "wrong": ""}
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
    status, _, err = grade(capsys, str(tmp_path / "demo.py"), "--timeout", "1")
    assert status == 2
    assert f"importing {tmp_path / 'demo.py'} did not finish within 1 s — does the file train or run" in err
    (tmp_path / "exits.py").write_text("import sys\nsys.exit(3)\n")
    status, _, err = grade(capsys, str(tmp_path / "exits.py"))
    assert status == 2 and "exits.py ended the checking process (exit status 3)" in err


def test_an_engine_that_ends_the_process_fails_the_check_it_was_in(tmp_path):
    path = planted_copy(tmp_path, "        self.grad = 1\n", "        raise SystemExit(5)\n")
    report = check_engine_file(path)
    assert (
        report.stopped == "backward() on x + y at x = 2.0, y = 3.0 ended the checking process (exit status 5)"
    )
    assert not report.passed


def test_the_child_imports_only_the_file_with_this_sys_path_and_its_prints_go_to_stderr(tmp_path, capfd):
    (tmp_path / "helper.py").write_text("open(__file__ + '.imported', 'w').close()\n")
    seen = tmp_path / "seen.json"
    engine = tmp_path / "engine.py"
    engine.write_text(
        "import json, sys\n"
        f"json.dump(sys.path, open({str(seen)!r}, 'w'))\n"
        "print('the engine says hello')\n" + MICROGRAD.read_text(encoding="utf-8")
    )
    before = set(sys.modules)
    status, out, err = grade(capfd, str(engine), "--format", "json")  # (the child writes to fd 2)
    assert status == 0 and json.loads(out)["passed"]  # standard output is the report alone
    assert "the engine says hello" in err
    assert json.loads(seen.read_text()) == sys.path
    assert not any(m.startswith("stepgrad_checked_engine") for m in set(sys.modules) - before)
    assert not (tmp_path / "helper.py.imported").exists()


@pytest.mark.parametrize(
    ("timeout", "error"),
    [("10", TypeError), (True, TypeError), (0, ValueError), (-1.0, ValueError), (math.nan, ValueError),
     (3601, ValueError)],
)  # fmt: skip
def test_check_engine_file_refuses_a_timeout_that_is_not_seconds(timeout, error):
    with pytest.raises(error, match="check_engine_file: timeout must"):
        check_engine_file(MICROGRAD, timeout=timeout)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX")
def test_ctrl_c_while_a_step_hangs_exits_130_and_leaves_no_process(tmp_path):
    looping = tmp_path / "looping"
    old, new = LOOPING_BACKWARD
    path = planted_copy(tmp_path, old, f"        open({str(looping)!r}, 'w').close()\n{new}")
    process = subprocess.Popen(
        [sys.executable, "-m", "stepgrad", "check-engine", str(path), "--timeout", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
        cwd=Path(__file__).parents[1],
    )
    while not looping.exists():  # the child is in the loop
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and err == "stepgrad check-engine: interrupted\n"
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # the child was stopped with its parent: the group is gone


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
