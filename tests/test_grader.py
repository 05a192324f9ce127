"""`stepgrad check-engine`: micrograd's engine passes, planted bugs fail naming their op."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import micrograd.engine
import pytest

from autograd import engine as our_engine
from autograd.grader import EngineLoadError, check_engine, load_engine
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
    report = check_engine(load_engine(our_engine.__file__), "autograd/engine.py")
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
        from autograd.grader import check_engine, load_engine
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
