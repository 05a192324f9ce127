"""Every JSON stepgrad writes is strict JSON: NaN and ±inf appear as the strings "NaN",
"Infinity" and "-Infinity" (autograd.strict_json), never as bare tokens a strict parser refuses."""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from autograd import Value
from autograd.recording.practice import Practice
from autograd.recording.trace import trace
from autograd.strict_json import dumps, encoded
from autograd.teaching.quiz import transcript
from autograd.views.graphview import json_for_script, view_model
from nn import MLP
from nn.checkpoint import save

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def _refuse(name: str) -> None:
    raise ValueError(f"bare {name} is not JSON")


def strict_loads(text: str):
    """json.loads as a strict parser reads: a bare NaN, Infinity or -Infinity is an error."""
    return json.loads(text, parse_constant=_refuse)


def stepgrad(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("stepgrad")
    return subprocess.run([str(script), *args], capture_output=True, text=True, check=False)


def test_encoded_replaces_only_non_finite_numbers():
    data = {"a": [1.0, math.inf, -math.inf, math.nan], "b": (2, "NaN", None, True), "c": {"d": -0.0}}
    assert encoded(data) == {
        "a": [1.0, "Infinity", "-Infinity", "NaN"],
        "b": [2, "NaN", None, True],
        "c": {"d": -0.0},
    }
    assert strict_loads(dumps(data))["a"][1:3] == ["Infinity", "-Infinity"]
    assert [float(s) for s in strict_loads(dumps([math.inf, -math.inf]))] == [math.inf, -math.inf]


@pytest.mark.parametrize(
    "args",
    [("wxb", "--w", "1e308", "--x", "10"), ("grad", "x*1e308*10*y", "x=1", "y=0")],
    ids=["wxb-overflow", "grad-inf-times-0"],
)
def test_cli_json_and_player_are_strict_json_when_arithmetic_overflows(args, tmp_path):
    done = stepgrad(*args, "--format", "json", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    document = strict_loads(done.stdout)
    jsonschema.validate(document, json.loads((SCHEMAS / "backprop-1.schema.json").read_text()))
    numbers = [node["data"] for node in document["nodes"]] + [node["grad"] for node in document["nodes"]]
    assert {"Infinity", "NaN"} & set(numbers)  # the overflow is there, as a string
    page = (tmp_path / "player.html").read_text(encoding="utf-8")
    embedded = re.search(r'<script type="application/json" id="stepgrad-model">(.*?)</script>', page, re.S)
    strict_loads(embedded[1])


def test_view_model_and_script_json_are_strict():
    x = Value(1e308, "x")
    f = x * 10.0 * 0.0
    model = view_model(trace(f))
    assert [n["value"] for n in model["nodes"]][:2] == [1e308, "Infinity"]
    strict_loads(json_for_script(model))
    strict_loads(json_for_script({"x": math.nan}))


def test_quiz_transcript_is_strict_json_and_the_cli_refuses_an_overflowing_quiz():
    x = Value(1e308, "x")
    f = x * 10.0
    f.label = "f"
    session = Practice(trace(f))
    session.answer(10.0)  # ∂f/∂x = 10, the one question
    document = strict_loads(dumps(transcript("x*10", session)))
    assert document["questions"][0]["expected"] == 10.0 and document["score"] == 1
    v = x * 10.0
    with_inf = Practice(trace(v * v))  # ∂f/∂v = 2v = inf
    with_inf.answer(1.0)
    assert strict_loads(dumps(transcript("(x*10)**2", with_inf)))["questions"][0]["expected"] == "Infinity"
    done = stepgrad("quiz", "x*1e308*10*y", "x=1", "y=2", "--format", "json")
    assert done.returncode == 2 and done.stdout == ""
    assert "∂f/∂x is inf (the arithmetic overflows)" in done.stderr


def test_checkpoint_with_a_diverged_weight_is_refused_naming_it(tmp_path):
    model = MLP(2, [2, 1])
    model.layers[1].neurons[0].w[1].data = math.inf
    path = tmp_path / "model.json"
    with pytest.raises(
        ValueError, match=r"model\.json: layers\[1\]\.weights\[0\]\[1\] is inf.*nothing was written"
    ):
        save(model, path)
    assert not path.exists()
