"""`stepgrad train` end to end at small sizes, and the PNG plots."""

import math
import random

import pytest

from autograd import is_grad_enabled
from nn import MLP, fit, make_blobs, make_moons, signed
from nn.checkpoint import load
from nn.plots import plot_decision_boundary, plot_history, save_png
from stepgrad.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def test_train_writes_model_curve_and_boundary(tmp_path, capsys):
    out = tmp_path / "moons"
    status = main(["train", "moons", "--samples", "30", "--hidden", "4", "--epochs", "5", "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "final training loss" in printed and "accuracy" in printed
    for name in ("model.json", "loss.png", "boundary.png"):
        assert f"wrote {out / name}" in printed
    assert (out / "loss.png").read_bytes().startswith(PNG)
    assert (out / "boundary.png").read_bytes().startswith(PNG)
    model = load(out / "model.json")
    assert model.nouts == [4, 1] and model.activations == ["relu", "linear"]


def test_train_default_output_directory_and_multiclass(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["train", "blobs", "--samples", "30", "--hidden", "4", "--epochs", "3", "--optimizer", "adam"]
    assert main([*argv, "--validation", "0.2", "--quiet", "--batch-size", "8"]) == 0
    assert "softmax loss" in capsys.readouterr().out
    assert load(tmp_path / "out" / "blobs" / "model.json").nouts == [4, 3]


def test_train_is_reproducible(tmp_path):
    argv = ["train", "xor", "--samples", "20", "--hidden", "3", "--epochs", "3", "--loss", "bce", "--quiet"]
    main([*argv, "--out", str(tmp_path / "a")])
    main([*argv, "--out", str(tmp_path / "b")])
    assert (tmp_path / "a" / "model.json").read_bytes() == (tmp_path / "b" / "model.json").read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "nosuchset"], "invalid choice"),
        (["train", "moons", "--hidden", "a,b"], "layer sizes"),
        (["train", "moons", "--hidden", "0"], "layer sizes"),
        (["train", "moons", "--lr", "-1"], "positive"),
        (["train", "moons", "--lr", "nan"], "finite"),
        (["train", "moons", "--epochs", "zero"], "whole number"),
        (["train", "moons", "--epochs", "0"], "positive integer"),
        (["train", "moons", "--validation", "1.5"], "fraction"),
        (["train", "moons", "--loss", "cosine"], "invalid choice"),
    ],
)
def test_bad_options_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_a_loss_that_does_not_fit_the_data_exits_2(tmp_path, capsys):
    assert main(["train", "blobs", "--loss", "hinge", "--out", str(tmp_path)]) == 2
    assert "--loss hinge needs two classes" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_divergence_exits_1_naming_the_epoch(tmp_path, capsys):
    argv = ["train", "moons", "--samples", "20", "--loss", "mse", "--lr", "1e6", "--schedule", "constant"]
    assert main([*argv, "--epochs", "50", "--quiet", "--out", str(tmp_path)]) == 1
    assert "diverged in epoch" in capsys.readouterr().err


def test_plots_return_figures_and_save_png(tmp_path):
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], rng=random.Random(0))
    history = fit(model, X, signed(y), epochs=3, progress=False, validation=(X, signed(y)))
    figure = plot_history(history)
    assert len(figure.axes) == 2 and len(figure.axes[0].lines) == 2
    assert save_png(figure, tmp_path / "h.png").read_bytes().startswith(PNG)
    boundary = plot_decision_boundary(model, X, signed(y), resolution=10)
    assert save_png(boundary, tmp_path / "b.png").read_bytes().startswith(PNG)


def test_decision_boundary_builds_no_graph_and_handles_several_classes():
    X, y = make_blobs(20, centers=3, seed=0)
    model = MLP(2, [4, 3], rng=random.Random(0))
    grad_modes = []

    def recording_model(x):
        grad_modes.append(is_grad_enabled())
        return model(x)

    figure = plot_decision_boundary(recording_model, X, y, resolution=8)
    assert figure.axes[0].get_title() == "decision boundary"
    assert len(grad_modes) == 64 and not any(grad_modes)
    assert model([0.0, 0.0])[0].parents  # grad mode is back on afterwards
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(model, X, y, resolution=1)


def test_figures_display_in_jupyter_without_pyplot_and_boundaries_fill_given_axes():
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], rng=random.Random(0))
    history = fit(model, X, signed(y), epochs=2, progress=False)
    assert plot_history(history)._repr_png_().startswith(PNG)  # what IPython shows inline
    grid = plot_history(history)  # any figure with two Axes
    _, right = grid.axes
    assert plot_decision_boundary(model, X, signed(y), resolution=6, ax=right) is grid
    assert right.get_title() == "decision boundary" and len(grid.axes) == 2


def _pairs():
    """Every (loss, data set) that `stepgrad train` accepts (the two-class losses skip blobs)."""
    from nn.data import DATASETS
    from nn.losses import command_line_losses

    return [
        (loss, dataset)
        for loss, record in command_line_losses().items()
        for dataset in sorted(DATASETS)
        if record.per_class or dataset != "blobs"
    ]


@pytest.mark.parametrize(("loss", "dataset"), _pairs())
def test_every_loss_trains_with_the_defaults_on_every_data_set(loss, dataset):
    """`stepgrad train moons --loss mse` diverged by epoch 3 at the default lr of 1.0 (1.275 to
    6.5e+12). A run with every other option at its default, for its first 8 epochs (every
    divergence seen came by epoch 5) at exactly the default run's learning rates: `fit`'s own
    divergence check, the one that stops the CLI, lets it through. (The whole 100 epochs, timed
    out of the suite: with --loss mse moons ends 93% right, circles 100%, xor 97%, spirals 95%,
    spam 96%, whose loss first jumps, as with hinge, then falls.)"""
    from nn.losses import command_line_losses
    from stepgrad.cli import build_parser
    from stepgrad.train import setup

    args = build_parser().parse_args(["train", dataset, "--loss", loss])
    s = setup(args)
    loss_function = command_line_losses()[loss].function
    history = fit(s.model, s.X, s.labels, loss=loss_function, optimizer=s.optimizer, epochs=8,
                  l2=args.l2, seed=args.seed, progress=False)  # fmt: skip
    assert all(math.isfinite(x) for x in history.loss)
    assert len(history.loss) == 8
