"""The one positive-integer check (autograd.validation, re-exported as nn.checks): its message
form, and every place that counts uses it: nn, autograd's drawing and practice tools, the
command line and the benchmarks."""

import json
import random

import pytest

import autograd.validation
import nn.checks
from autograd import Value, draw, play
from autograd.recording.practice import Practice
from autograd.recording.trace import trace
from autograd.teaching.exercises import generate
from autograd.teaching.worksheet import worksheet_files
from benchmarks.__main__ import main as benchmarks_main
from nn import MLP, Layer, Neuron, batches, make_blobs, make_moons
from nn.checkpoint import from_dict, load, to_dict
from nn.checks import check_positive_int
from stepgrad.cli import main


@pytest.mark.parametrize("n", [1, 7, 4096])
def test_positive_integers_pass_through(n):
    assert check_positive_int(n, "n", maximum=4096) == n


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_positive_int(0, "nin"), "nin: expected a positive integer, got 0"),
        (lambda: check_positive_int(-3, "nin"), "nin: expected a positive integer, got -3"),
        (lambda: check_positive_int(True, "nin"), "nin: expected a positive integer, got True"),
        (lambda: check_positive_int(2.0, "nin"), "nin: expected a positive integer, got 2.0"),
        (lambda: check_positive_int("3", "nin"), "nin: expected a positive integer, got '3'"),
        (lambda: check_positive_int(None, "nin"), "nin: expected a positive integer, got None"),
        (lambda: check_positive_int(5, maximum=4), "expected a positive integer up to 4, got 5"),
        (
            lambda: check_positive_int(0, "batch_size", or_none=True),
            "batch_size: expected a positive integer or None, got 0",
        ),
    ],
)
def test_anything_else_is_refused_in_one_message_form(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_nn_checks_re_exports_the_one_in_autograd():
    assert nn.checks.check_positive_int is autograd.validation.check_positive_int
    assert nn.checks.__all__ == ["check_positive_int"]


_OR_NONE = "expected a positive integer or None"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: draw(Value(1.0), max_nodes=0), f"draw: max_nodes: {_OR_NONE}, got 0"),
        (lambda: play(Value(1.0), max_nodes=2.5), f"play: max_nodes: {_OR_NONE}, got 2.5"),
        (
            lambda: Practice(trace(Value(1.0) * 2.0), tries=True),
            "Practice: tries: expected a positive integer, got True",
        ),
        (lambda: generate(0, 1, 1), "generate: count: expected a positive integer, got 0"),
        (
            lambda: worksheet_files(101, 1, 1),
            "worksheet: count: expected a positive integer up to 100, got 101",
        ),
    ],
)
def test_autograd_counts_use_the_check(make, message):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value) == message


def test_the_benchmarks_repeat_uses_the_check(capsys):
    with pytest.raises(SystemExit) as exit_:
        benchmarks_main(["--quick", "--repeat", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "python -m benchmarks: error: argument --repeat: expected a positive integer up to 1000000, got 0"
    )


def test_none_passes_only_when_allowed():
    assert check_positive_int(None, "batch_size", or_none=True) is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Neuron(0), "nin: expected a positive integer, got 0"),
        (lambda: Layer(2, True), "nout: expected a positive integer, got True"),
        (lambda: MLP(2, [3, 0]), "each layer size: expected a positive integer, got 0"),
        (lambda: make_moons(0), "n: expected a positive integer, got 0"),
        (lambda: make_blobs(10, centers=0), "centers: expected a positive integer, got 0"),
        (lambda: list(batches(4, 0)), "batch_size: expected a positive integer or None, got 0"),
    ],
)
def test_nn_counts_use_the_check(make, message):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("version", 0, "version: expected a positive integer, got 0"),
        ("nin", 10**6, "nin: expected a positive integer up to 4096, got 1000000"),
    ],
)
def test_checkpoints_use_the_check(tmp_path, key, value, message):
    document = to_dict(MLP(2, [1], rng=random.Random(0)))
    document[key] = value
    with pytest.raises(ValueError) as error:
        from_dict(document)
    assert str(error.value) == message
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as error:
        load(path)
    assert str(error.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "0"], "--epochs: expected a positive integer up to 1000000, got 0"),
        (
            ["--samples", "2000000"],
            "--samples: expected a positive integer up to 1000000, got 2000000",
        ),
        (["--batch-size", "-1"], "--batch-size: expected a positive integer up to 1000000, got -1"),
        (
            ["--hidden", "8,0"],
            "--hidden: layer sizes: expected a positive integer up to 1024, got 0",
        ),
    ],
)
def test_command_line_counts_use_the_check(argv, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "moons", *argv, "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"stepgrad train: error: argument {message}"
    assert not list(tmp_path.iterdir())
