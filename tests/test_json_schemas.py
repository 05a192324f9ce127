"""The JSON Schemas on the site's "JSON formats" page describe what stepgrad really writes.

Each schema is itself valid draft 2020-12, real output validates against it, and output with a
field removed, added or of the wrong type does not (so the schema constrains something).
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import micrograd.engine
import pytest

from autograd.teaching.exercises import LEVELS
from autograd.teaching.grader import check_engine_file
from nn import MLP
from nn.checkpoint import save
from nn.module import ACTIVATIONS

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def schema(name: str) -> dict:
    document = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def stepgrad(*args: str, stdin: str = "", status: int = 0) -> str:
    """What the installed `stepgrad` prints on stdout, checking its exit status."""
    script = Path(sys.executable).with_name("stepgrad")
    done = subprocess.run([str(script), *args], input=stdin, capture_output=True, text=True, check=False)
    assert done.returncode == status, done.stderr
    return done.stdout


def stepgrad_json(tmp_path: Path, *args: str) -> dict:
    return json.loads(stepgrad(*args, "--format", "json", "--out", str(tmp_path / "out")))


def assert_rejected(documents: list[dict], against: dict) -> None:
    for broken in documents:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, against)


@pytest.mark.parametrize(
    "args",
    [("wxb",), ("wxb", "--neuron"), ("grad", "tanh(w*x + b) * x + x", "w=2", "x=3", "b=-5")],
    ids=["wxb", "neuron", "grad"],
)
def test_backprop_output_matches_its_schema(args, tmp_path):
    backprop = schema("backprop-1.schema.json")
    document = stepgrad_json(tmp_path, *args)
    jsonschema.validate(document, backprop)
    for broken in (
        {k: v for k, v in document.items() if k != "gradients"},
        {**document, "extra": 1},
        {**document, "root": "f"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, backprop)
    bad_node = copy.deepcopy(document)
    bad_node["nodes"][0]["parents"] = ["w"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_node, backprop)


def test_checkpoint_matches_its_schema(tmp_path):
    checkpoint = schema("mlp-checkpoint-1.schema.json")
    assert sorted(checkpoint["properties"]["layers"]["items"]["properties"]["activation"]["enum"]) == sorted(
        ACTIVATIONS
    )
    path = tmp_path / "model.json"
    save(MLP(3, [4, 2], activation="tanh"), path, metadata={"dataset": "blobs", "epochs": 3, "note": True})
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, checkpoint)
    for broken in (
        {**document, "version": 2},
        {**document, "format": "pickle"},
        {**document, "metadata": {"x": None}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, checkpoint)


@pytest.mark.parametrize(
    "args, answers, status",
    [
        (("x*y + x", "x=2", "y=3"), "1\n3\n4\n2\n", 0),  # a fan-out miss, then right
        (("x*y + x", "x=2", "y=3"), "1\nabc\n3\n-4\n", 1),  # not a number, two misses, end of input
        (("--seed", "3", "--level", "2"), "", 1),  # no answer at all
    ],
    ids=["answered", "ended", "empty"],
)
def test_quiz_transcript_matches_its_schema(args, answers, status):
    quiz = schema("quiz-1.schema.json")
    document = json.loads(stepgrad("quiz", *args, "--format", "json", stdin=answers, status=status))
    jsonschema.validate(document, quiz)
    assert document["questions"] and document["total"] >= len(document["questions"])
    question = copy.deepcopy(document)
    question["questions"][0]["answers"] = ["1"]
    assert_rejected(
        [{k: v for k, v in document.items() if k != "score"}, {**document, "extra": 1}, question], quiz
    )


@pytest.mark.parametrize("level", LEVELS)
def test_worksheet_json_matches_its_schema(level, tmp_path):
    worksheet = schema("worksheet-1.schema.json")
    assert worksheet["properties"]["level"]["enum"] == list(LEVELS)
    stepgrad("worksheet", "--count", "3", "--seed", "11", "--level", str(level), "--out", str(tmp_path))
    document = json.loads((tmp_path / "worksheet.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, worksheet)
    exercise = copy.deepcopy(document)
    exercise["exercises"][0]["gradients"] = {"x": "3"}
    assert_rejected([{**document, "level": 4}, {**document, "exercises": []}, exercise], worksheet)


def test_check_engine_reports_match_their_schema(tmp_path):
    report_schema = schema("check-engine-2.schema.json")
    source = Path(micrograd.engine.__file__).read_text(encoding="utf-8")
    buggy = tmp_path / "buggy.py"
    buggy.write_text(
        source.replace("other.grad += self.data * out.grad", "other.grad += other.data * out.grad"),
        encoding="utf-8",
    )
    (tmp_path / "broken.py").write_text("class Value:\n    def f(self\n", encoding="utf-8")
    passing = json.loads(stepgrad("check-engine", micrograd.engine.__file__, "--format", "json"))
    reports = json.loads(
        stepgrad("check-engine", str(buggy), str(tmp_path / "broken.py"), "--format", "json", status=1)
    )
    assert passing[0]["passed"] and not any(r["passed"] for r in reports)
    failing, broken = reports
    assert failing["wrong_local_derivatives"][0] == "x * y (mul)"  # (micrograd divides with *)
    assert broken["error"] and broken["checks"] == []
    looping = tmp_path / "looping.py"
    backward, loop = "for v in reversed(topo):\n            v._backward()", "while True:\n            pass"
    looping.write_text(source.replace(backward, loop), encoding="utf-8")
    stopped = check_engine_file(looping, timeout=1).to_dict()  # backward() never ends
    assert stopped["stopped"] and stopped["not_run"] and not stopped["passed"]
    jsonschema.validate([*passing, *reports, stopped], report_schema)
    check = copy.deepcopy(failing)
    check["checks"][0]["status"] = "ok"
    assert_rejected(
        [
            [{k: v for k, v in failing.items() if k != "notes"}],
            [{**failing, "passed": "no"}],
            [check],
            failing,
        ],
        report_schema,
    )
