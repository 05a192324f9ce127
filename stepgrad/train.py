"""`stepgrad train DATASET`: train an MLP on a built-in data set from the terminal."""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd.files import write_atomic_set
from nn.data import DATASETS
from nn.losses import command_line_losses
from nn.module import ACTIVATIONS
from stepgrad.options import (
    fraction,
    layer_sizes,
    noise_level,
    non_negative_float,
    output_directory,
    positive_float,
    positive_int,
    writable_directory,
)
from stepgrad.verb import FAILED, OK, UsageError, Verb

__all__ = ["VERBS", "Setup", "setup", "default_lr"]

TWO_CLASS_LOSS = "hinge"  # the default loss for two classes (micrograd's demo)
MANY_CLASS_LOSS = "softmax"  # and for more


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dataset", choices=sorted(DATASETS), help="the data set")
    parser.add_argument("--samples", type=positive_int, default=100, help="number of points (default 100)")
    parser.add_argument(
        "--noise", type=noise_level, help="noise level, 0 to 10 (default: the data set's own)"
    )
    parser.add_argument(
        "--hidden", type=layer_sizes, default=[16, 16], help="hidden layer sizes (default 16,16)"
    )
    parser.add_argument(
        "--activation", choices=sorted(ACTIVATIONS), default="relu", help="hidden activation (default relu)"
    )
    parser.add_argument(
        "--loss",
        choices=command_line_losses(),
        help=f"default: {TWO_CLASS_LOSS} for two classes, {MANY_CLASS_LOSS} for more (labels converted)",
    )
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd", help="default sgd")
    parser.add_argument(
        "--lr",
        type=positive_float,
        help="learning rate (default sgd: 1.0 decaying to 0.1, with --loss mse 0.02 to 0.002; adam: 0.05)",
    )
    parser.add_argument(
        "--schedule",
        choices=("linear", "constant", "step"),
        help="default: linear for sgd, constant for adam",
    )
    parser.add_argument(
        "--momentum", type=fraction, help="SGD momentum in [0, 1) (default 0; not with --optimizer adam)"
    )
    parser.add_argument("--l2", type=non_negative_float, default=2e-4, help="λ of (λ/2)Σw² (default 2e-4)")
    parser.add_argument("--epochs", type=positive_int, default=100, help="default 100")
    parser.add_argument("--batch-size", type=positive_int, help="default: the full batch; 1 = stochastic")
    parser.add_argument("--validation", type=fraction, default=0.0, help="held-out fraction (default 0)")
    parser.add_argument("--seed", type=int, default=1337, help="seeds the data, the weights and the batches")
    parser.add_argument("--out", type=output_directory, help="output directory (default out/DATASET)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def default_lr(optimizer: str, loss_name: str) -> float:
    """--lr's default. SGD: 1.0 (decaying to 0.1) for the classification losses, whose gradients
    are bounded; mse's gradient grows with the error: at 1.0 it diverges on every data set, and
    from 0.02 it trains on each (93-100% of the signs right). Adam: 0.05 (its steps are normalized)."""
    if optimizer != "sgd":
        return 0.05
    return 0.02 if loss_name == "mse" else 1.0


@dataclass
class Setup:
    """What `stepgrad train` trains, made from its options before any training."""

    X: list[list[float]]
    labels: list[Any]
    validation: tuple[list[list[float]], list[Any]] | None
    classes: int
    loss_name: str
    model: Any  # nn.MLP
    optimizer: Any  # nn.optim.SGD or Adam


def setup(args: argparse.Namespace) -> Setup:
    """The data, model and optimizer the options ask for (a UsageError if they do not fit)."""
    from nn import data, optim
    from nn.module import MLP

    if args.momentum is not None and args.optimizer != "sgd":
        raise UsageError(f"--momentum is for --optimizer sgd; {args.optimizer} has no momentum setting")
    options = {"noise": args.noise} if args.noise is not None else {}
    X, classes = DATASETS[args.dataset](args.samples, seed=args.seed, **options)
    k = max(max(classes) + 1, 2)
    loss_name = args.loss or (TWO_CLASS_LOSS if k == 2 else MANY_CLASS_LOSS)
    record = command_line_losses()[loss_name]
    if not record.per_class and k > 2:
        raise UsageError(
            f"--loss {loss_name} needs two classes; {args.dataset} has {k} (use --loss {MANY_CLASS_LOSS})"
        )
    labels = record.from_classes(classes)
    validation = None
    if args.validation:
        try:
            X, labels, X_val, y_val = data.split(X, labels, args.validation, seed=args.seed)
        except ValueError as error:
            raise UsageError(
                f"--validation {args.validation} with --samples {args.samples}: {error}"
            ) from None
        validation = (X_val, y_val)
    model = MLP(
        2,
        [*args.hidden, k if record.per_class else 1],
        activation=args.activation,
        rng=random.Random(args.seed),
    )
    steps = args.epochs * math.ceil(len(X) / (args.batch_size or len(X)))
    lr = args.lr if args.lr is not None else default_lr(args.optimizer, loss_name)
    schedule = args.schedule or ("linear" if args.optimizer == "sgd" else "constant")
    rate = {
        "linear": optim.LinearDecay(lr, lr / 10, steps),
        "constant": optim.Constant(lr),
        "step": optim.StepDecay(lr, 0.5, max(1, steps // 4)),
    }[schedule]
    optimizer = (
        optim.SGD(model, lr=rate, momentum=args.momentum or 0.0)
        if args.optimizer == "sgd"
        else optim.Adam(model, lr=rate)
    )
    return Setup(X, labels, validation, k, loss_name, model, optimizer)


def _run(args: argparse.Namespace) -> int:
    """Carry out `stepgrad train`; returns the exit status."""
    from nn.checkpoint import to_json
    from nn.plots import plot_decision_boundary, plot_history, png_bytes
    from nn.train import TrainingDiverged, evaluate, fit

    out = writable_directory(args.out if args.out is not None else Path("out") / args.dataset)
    s = setup(args)
    X, labels, model = s.X, s.labels, s.model
    loss = command_line_losses()[s.loss_name].function
    print(
        f"training {model} on {args.dataset} ({len(X)} points, {s.classes} classes), "
        f"{s.loss_name} loss, {args.optimizer}",
        flush=True,
    )
    try:
        history = fit(
            model,
            X,
            labels,
            loss=loss,
            optimizer=s.optimizer,
            epochs=args.epochs,
            batch_size=args.batch_size,
            l2=args.l2,
            seed=args.seed,
            validation=s.validation,
            progress=False if args.quiet else None,
        )
    except TrainingDiverged as error:
        print(f"stepgrad train: {error}; nothing was written", file=sys.stderr)
        return FAILED
    print(_scores("final training", *evaluate(model, X, labels, loss)))
    if s.validation is not None:
        print(_scores("validation", history.val_loss[-1], history.val_accuracy[-1]))
    metadata = {"dataset": args.dataset, "loss": s.loss_name, "epochs": args.epochs, "seed": args.seed}
    files = {  # made in memory, then written as one set: the old set stays whole until the new is
        out / "model.json": to_json(model, metadata),
        out / "loss.png": png_bytes(plot_history(history)),
        out / "boundary.png": png_bytes(plot_decision_boundary(model, X, labels)),
    }
    for path in write_atomic_set(files):
        print(f"wrote {path}")
    return OK


def _scores(what: str, loss: float, accuracy: float | None) -> str:
    """'final training loss 0.0002, accuracy 100.0%' (no accuracy for regression losses like mse)."""
    return f"{what} loss {loss:.4f}" + ("" if accuracy is None else f", accuracy {accuracy:.1%}")


VERBS = (
    Verb(
        "train",
        help="train an MLP on a built-in data set; writes the model, loss curve and decision boundary",
        description="Train an MLP on a built-in 2-D data set (micrograd's demo by default: "
        "MLP(2, [16, 16, 1]), hinge loss, full-batch SGD with lr 1.0 → 0.1). Writes model.json, "
        "loss.png and boundary.png to --out.",
        add_arguments=_arguments,
        run=_run,
        extras=("train",),
    ),
)
