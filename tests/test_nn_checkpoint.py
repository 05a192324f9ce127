"""nn.checkpoint: round trips, the documented format, and refusal of bad files."""

import json
import random

import pytest

from nn import MLP
from nn.checkpoint import FORMAT, VERSION, from_dict, load, save, to_dict


@pytest.fixture
def model():
    return MLP(2, [3, 2, 1], activation=["tanh", "relu", "sigmoid"], rng=random.Random(0))


def test_round_trip_keeps_architecture_parameters_and_outputs(model, tmp_path):
    path = save(model, tmp_path / "m" / "model.json", {"dataset": "moons", "epochs": 3})
    loaded = load(path)
    assert loaded.nouts == [3, 2, 1] and loaded.activations == ["tanh", "relu", "sigmoid"]
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    assert loaded([0.3, -0.7]).data == model([0.3, -0.7]).data
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT and document["version"] == VERSION == 1
    assert document["metadata"] == {"dataset": "moons", "epochs": 3}
    assert document["layers"][1]["weights"][0] == [w.data for w in model.layers[1].neurons[0].w]
    assert not list(path.parent.glob("*.tmp"))  # written atomically: no temporary file left behind


def _variants():
    """(description, mutation of a valid document, expected message)."""

    def set_(path, value):
        def mutate(d):
            target = d
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        return mutate

    return [
        ("wrong format", set_(["format"], "pickle"), "format"),
        ("newer version", set_(["version"], 2), "newer stepgrad"),
        ("bool version", set_(["version"], True), "version"),
        ("nin string", set_(["nin"], "2"), "nin"),
        ("no layers", set_(["layers"], []), "layers"),
        ("bad activation", set_(["layers", 0, "activation"], "__import__"), "activation"),
        (
            "short row",
            set_(["layers", 0, "weights", 0], [0.5]),
            r"layers\[0\].weights\[0\] must be a list of 2",
        ),
        ("mismatched width", set_(["layers", 1, "weights", 0], [1.0, 2.0]), r"layers\[1\].weights\[0\]"),
        ("missing bias", set_(["layers", 2, "biases"], []), "biases"),
        ("string number", set_(["layers", 0, "biases", 0], "0"), "finite number"),
        ("bool number", set_(["layers", 0, "biases", 0], False), "finite number"),
        ("huge number", set_(["layers", 0, "biases", 0], 1e400), "finite number"),
        (
            "400-digit weight",
            set_(["layers", 0, "weights", 1, 0], 10**400),
            r"weights\[1\]\[0\] must be a finite",
        ),
        ("400-digit metadata", set_(["metadata"], {"epochs": -(10**400)}), r"metadata\['epochs'\]"),
        (
            "list activation",
            set_(["layers", 1, "activation"], ["relu"]),
            r"layers\[1\]\.activation \['relu'\]",
        ),
        ("object activation", set_(["layers", 0, "activation"], {"a": 1}), r"layers\[0\]\.activation"),
        ("extra key", set_(["code"], "print(1)"), "unknown"),
        ("bad metadata", set_(["metadata"], {"x": [1]}), "metadata"),
        ("too wide", set_(["nin"], 10**6), "nin"),
    ]


@pytest.mark.parametrize(("what", "mutate", "message"), _variants(), ids=[v[0] for v in _variants()])
def test_hostile_or_mismatched_documents_are_refused(model, tmp_path, what, mutate, message):
    document = to_dict(model)
    mutate(document)
    with pytest.raises(ValueError, match=message):
        from_dict(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=message):
        load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b'{"format": "stepgrad-mlp", "version": 1, "nin": 2, "lay', "not valid JSON"),
        (b'{"format": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b"[" * 200_000, "nested too deeply|not valid JSON"),
        (b"\xff\xfe", "UTF-8"),
        (b"[1, 2]", "expected a JSON object"),
    ],
)
def test_truncated_and_malformed_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_truncating_a_real_file_anywhere_is_refused(model, tmp_path):
    text = (save(model, tmp_path / "m.json")).read_bytes()
    for cut in range(0, len(text) - 2, max(1, len(text) // 40)):
        (tmp_path / "cut.json").write_bytes(text[:cut])
        with pytest.raises(ValueError):
            load(tmp_path / "cut.json")


def test_oversized_file_is_refused_before_parsing(tmp_path, monkeypatch):
    import nn.checkpoint

    monkeypatch.setattr(nn.checkpoint, "MAX_BYTES", 10)
    path = tmp_path / "big.json"
    path.write_text(" " * 11)
    with pytest.raises(ValueError, match="larger than"):
        load(path)


def test_only_mlps_are_saved(tmp_path):
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        save(object(), tmp_path / "x.json")
