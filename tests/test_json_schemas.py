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
import pytest

from nn import MLP
from nn.checkpoint import save
from nn.module import ACTIVATIONS

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def schema(name: str) -> dict:
    document = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def stepgrad_json(tmp_path: Path, *args: str) -> dict:
    script = Path(sys.executable).with_name("stepgrad")
    done = subprocess.run(
        [str(script), *args, "--format", "json", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


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
