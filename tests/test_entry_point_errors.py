"""The entry points a notebook user calls, given wrong types and sizes: a TypeError or
ValueError whose message names the function's argument (never an AttributeError from inside)."""

import random

import pytest

from autograd import Value, draw, play, save_graph, trace
from nn import MLP, SGD, fit
from nn.checkpoint import load, save

X, Y = [[0.0, 1.0], [1.0, 0.0]], [1, -1]


def _f():
    return Value(2.0, "w") * Value(3.0, "x")


def _model():
    return MLP(2, [2, 1], rng=random.Random(0))


CASES = [
    ("draw", lambda: draw("f"), TypeError, "draw: root must be a Value or a Snapshot, got str"),
    ("draw", lambda: draw(3.0), TypeError, "draw: root must be a Value or a Snapshot, got float"),
    ("draw", lambda: draw(_f(), max_nodes="a"), ValueError, "draw: max_nodes"),
    ("draw", lambda: draw(_f(), max_nodes=0), ValueError, "draw: max_nodes"),
    ("draw", lambda: draw(_f(), rankdir="up"), ValueError, "draw: rankdir"),
    ("draw", lambda: draw(_f(), number_format=".4q"), ValueError, "draw: bad number_format"),
    ("save_graph", lambda: save_graph(draw(_f()), 3), TypeError, "path must be a str or os.PathLike"),
    ("save_graph", lambda: save_graph(draw(_f()), "graph"), ValueError, "save_graph: 'graph' has no suffix"),
    ("play", lambda: play("f"), TypeError, "play: root must be a Value, a Snapshot or a Trace, got str"),
    ("play", lambda: play(None), TypeError, "a Snapshot or a Trace, got NoneType"),
    ("play", lambda: play(Value(1.0) * 2.0, title=3), TypeError, "title must be a string, got int"),
    (
        "play",
        lambda: play(Value(1.0) * 2.0, max_nodes="a"),
        ValueError,
        "play: max_nodes: expected a positive integer or None, got 'a'",
    ),
    (
        "play",
        lambda: play(Value(1.0) * 2.0, max_nodes=0),
        ValueError,
        "max_nodes: expected a positive integer",
    ),
    ("trace", lambda: trace([1.0]), TypeError, "trace: root must be a Value or a Snapshot, got list"),
    ("trace", lambda: trace(_f(), seed="1"), TypeError, "trace: seed must be a finite real number"),
    ("trace", lambda: trace(_f(), seed=float("inf")), TypeError, "trace: seed must be a finite real number"),
    ("fit", lambda: fit("model", X, Y), TypeError, "fit: model must be callable"),
    ("fit", lambda: fit(_model(), "ab", Y), TypeError, "fit: X must be a sequence"),
    ("fit", lambda: fit(_model(), X, 3), TypeError, "fit: y must be a sequence"),
    ("fit", lambda: fit(_model(), X, [1]), ValueError, "2 inputs, 1 labels"),
    ("fit", lambda: fit(_model(), [], []), ValueError, "at least one"),
    ("fit", lambda: fit(_model(), X, Y, loss="hinge"), TypeError, "fit: loss must be a function"),
    ("fit", lambda: fit(_model(), X, Y, optimizer="sgd"), TypeError, "fit: optimizer must be"),
    (
        "fit",
        lambda: fit(_model(), X, Y, epochs="3"),
        ValueError,
        "fit: epochs must be a non-negative integer",
    ),
    ("fit", lambda: fit(_model(), X, Y, epochs=-1), ValueError, "fit: epochs"),
    ("fit", lambda: fit(_model(), X, Y, l2="a"), ValueError, "fit: l2 must be a finite number"),
    ("fit", lambda: fit(_model(), X, Y, l2=float("nan")), ValueError, "fit: l2"),
    ("fit", lambda: fit(_model(), X, Y, seed="a"), TypeError, "fit: seed must be an integer"),
    ("fit", lambda: fit(_model(), X, Y, validation=3), TypeError, "fit: validation must be a pair"),
    ("fit", lambda: fit(_model(), X, Y, callback=3), TypeError, "fit: callback must be callable"),
    ("fit", lambda: fit(_model(), X, Y, progress="yes"), TypeError, "fit: progress must be"),
    ("fit", lambda: fit(_model(), X, Y, max_loss_growth=0.5), ValueError, "fit: max_loss_growth"),
    ("fit", lambda: fit(_model(), X, Y, batch_size=0, progress=False), ValueError, "batch_size"),
    ("fit", lambda: fit(_model(), X, [2, 3], progress=False), ValueError, "hinge expects labels ±1"),
    (
        "fit",
        lambda: fit(_model(), [[1.0, 2.0, 3.0]], [1], progress=False),
        ValueError,
        "2 weights but 3 inputs",
    ),
    ("save", lambda: save("model", "m.json"), TypeError, "can only save an nn.MLP, got str"),
    ("save", lambda: save(_model(), 3), TypeError, "save: path must be a str or os.PathLike, got int"),
    ("save", lambda: save(_model(), "m.json", metadata={"k": [1]}), ValueError, "metadata['k']"),
    ("load", lambda: load(0), TypeError, "load: path must be a str or os.PathLike, got int"),  # not stdin
    ("load", lambda: load(None), TypeError, "load: path must be a str or os.PathLike, got NoneType"),
    ("load", lambda: load(""), ValueError, "load: path is empty"),
]


@pytest.mark.parametrize(
    ("function", "call", "error", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_wrong_arguments_raise_an_error_naming_them(tmp_path, monkeypatch, function, call, error, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_every_notebook_entry_point_is_covered():
    assert {c[0] for c in CASES} >= {"draw", "play", "trace", "fit", "save", "load"}


def test_fit_refuses_before_any_step(tmp_path):
    model = _model()
    before = [p.data for p in model.parameters()]
    with pytest.raises(TypeError):
        fit(model, X, Y, optimizer=SGD(model), callback="print")
    assert [p.data for p in model.parameters()] == before
