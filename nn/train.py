"""Training: `fit` runs epochs over batches and returns a `History`.

One optimization step on a batch B: outputs = [model(x) for x in B], L = loss(outputs,
targets) (+ `l2`(model, λ) when `l2` > 0), zero the gradients, `L.backward()`,
`optimizer.step()`. The batch order is drawn from `random.Random(seed)`, so the
same model, data and seed give the same history. Accuracy follows the loss's label
convention (see `nn.losses`); evaluation runs under `no_grad()`.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from numbers import Real

from autograd.engine.value import DomainError, Value, no_grad
from autograd.extras import missing, require
from nn import losses
from nn.data import batches
from nn.module import Module
from nn.optim import SGD, Optimizer

__all__ = ["History", "TrainingDiverged", "fit", "evaluate", "predict", "accuracy"]

Loss = Callable[..., Value]


#: `fit` stops when a batch loss exceeds this many times max(first batch loss, 1)
MAX_LOSS_GROWTH = 1e6


class TrainingDiverged(ArithmeticError):
    """The loss or a parameter became NaN or infinite, an op overflowed, or the loss grew
    past `max_loss_growth` times its first value during training."""

    def __init__(self, epoch: int, reason: str) -> None:
        super().__init__(
            f"training diverged in epoch {epoch}: {reason}; "
            "try a smaller learning rate or stronger regularization"
        )
        self.epoch = epoch


@dataclass
class History:
    """Per-epoch records: mean training loss and accuracy over the epoch's batches, the
    learning rate at the epoch's first step, and validation loss/accuracy if given."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs were run (less than asked when training stopped early)."""
        return len(self.loss)


def accuracy(outputs: Sequence, labels: Sequence, loss: Loss = losses.hinge) -> float | None:
    """Fraction of outputs predicted as their label under the loss's record (None for regression)."""
    record = losses.record_of(loss)
    if record.classify is None:
        return None
    return sum(record.classify(o) == t for o, t in zip(outputs, labels)) / len(labels)


def predict(model: Callable, X: Sequence[Sequence[float]], loss: Loss = losses.hinge) -> list:
    """Each input's predicted label under the loss's record in `nn.losses.LOSSES` (±1 for
    hinge, class ids for softmax, ...; the output's data for a regression loss), under `no_grad()`."""
    record = losses.record_of(loss)
    with no_grad():
        outputs = [model(x) for x in X]
    return [record.predict(o) for o in outputs]


def evaluate(
    model: Callable, X: Sequence[Sequence[float]], y: Sequence, loss: Loss = losses.hinge
) -> tuple[float, float | None]:
    """(loss, accuracy) of the model on (X, y), computed under `no_grad()` (no graph is kept)."""
    with no_grad():
        outputs = [model(x) for x in X]
        return loss(outputs, list(y)).data, accuracy(outputs, y, loss)


def _progress(epochs: int, progress: bool | None) -> object | None:
    """A tqdm bar, or None when no bar is shown (progress=None: on a terminal and in a notebook,
    if tqdm is there). On a terminal the bar goes to standard error, in a notebook to standard
    output: JupyterLab shows standard error on its error (pink) background."""
    notebook = _in_notebook()
    if progress is None:
        progress = (sys.stderr.isatty() or notebook) and not missing("train", ["tqdm"])
    if not progress:
        return None
    require("train", ["tqdm"], feature="fit(progress=True)")
    from tqdm import tqdm

    return tqdm(total=epochs, unit="epoch", file=sys.stdout if notebook else sys.stderr)


def _in_notebook() -> bool:
    """Is this code running in a Jupyter kernel (IPython with a kernel attached)?"""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _check_arguments(
    model: object, X: object, y: object, loss: object, optimizer: object, epochs: object, l2: object,
    seed: object, validation: object, callback: object, progress: object, max_loss_growth: object,
) -> None:  # fmt: skip
    """TypeError/ValueError naming the argument of `fit` that cannot work."""
    if not callable(model):
        raise TypeError(f"fit: model must be callable (an nn.Module), got {type(model).__name__}")
    for name, data in (("X", X), ("y", y)):
        if isinstance(data, str | bytes) or not isinstance(data, Sequence):
            raise TypeError(f"fit: {name} must be a sequence (a list), got {type(data).__name__}")
    if len(X) != len(y) or not X:  # type: ignore[arg-type]
        raise ValueError(
            f"fit needs as many labels as inputs (and at least one): {len(X)} inputs, {len(y)} labels"  # type: ignore[arg-type]
        )
    if not callable(loss):
        raise TypeError(f"fit: loss must be a function from nn.losses, got {type(loss).__name__}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be an nn.optim optimizer or None, got {type(optimizer).__name__}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    if isinstance(l2, bool) or not isinstance(l2, Real) or not 0.0 <= l2 < math.inf:
        raise ValueError(f"fit: l2 must be a finite number ≥ 0, got {l2!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"fit: seed must be an integer, got {type(seed).__name__}")
    if validation is not None and (not isinstance(validation, tuple | list) or len(validation) != 2):
        raise TypeError(f"fit: validation must be a pair (X_val, y_val) or None, got {validation!r:.60}")
    if callback is not None and not callable(callback):
        raise TypeError(f"fit: callback must be callable or None, got {type(callback).__name__}")
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"fit: progress must be True, False or None, got {progress!r}")
    if max_loss_growth is not None and (
        isinstance(max_loss_growth, bool) or not isinstance(max_loss_growth, Real) or not max_loss_growth > 1
    ):
        raise ValueError(f"fit: max_loss_growth must be a number > 1 or None, got {max_loss_growth!r}")


def fit(
    model: Callable,
    X: Sequence[Sequence[float]],
    y: Sequence,
    *,
    loss: Loss = losses.hinge,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: int = 0,
    validation: tuple[Sequence[Sequence[float]], Sequence] | None = None,
    callback: Callable[[int, History], object] | None = None,
    progress: bool | None = None,
    max_loss_growth: float | None = MAX_LOSS_GROWTH,
) -> History:
    """Train `model` on (X, y) and return its `History`.

    loss: a function of (outputs, targets) from `nn.losses`; labels must follow its
    convention. optimizer: default SGD(model, lr=0.1). batch_size: None = full batch,
    1 = stochastic, k = mini-batches of k, shuffled with `random.Random(seed)`.
    l2: adds `losses.l2(model, l2)` (biases included) to every batch loss.
    validation: (X_val, y_val), evaluated under no_grad after each epoch.
    callback(epoch, history) runs after each epoch (epochs count from 1).
    progress: a tqdm bar (the `train` extra); None shows it on a terminal (on stderr) and in a
        notebook (on stdout), not when the output is piped.
    Raises `TrainingDiverged` naming the epoch when the loss or a parameter stops being finite,
    or when a batch loss exceeds max_loss_growth × max(first batch loss, 1) (None: no bound).
    """
    _check_arguments(
        model, X, y, loss, optimizer, epochs, l2, seed, validation, callback, progress, max_loss_growth
    )
    record = losses.record_of(loss)
    record.check_labels(y)
    if validation is not None:
        record.check_labels(validation[1])
    optimizer = optimizer if optimizer is not None else SGD(model, lr=0.1)
    params = optimizer.params
    regularized = model.parameters() if l2 and isinstance(model, Module) else model  # walked once per fit
    rng = random.Random(seed)
    history = History()
    bar = _progress(epochs, progress)
    first_loss = None
    try:
        for epoch in range(1, epochs + 1):
            history.lr.append(optimizer.lr)
            total_loss, correct, seen = 0.0, 0.0, 0
            for batch in batches(len(X), batch_size, rng):
                targets = [y[i] for i in batch]
                try:
                    outputs = [model(X[i]) for i in batch]
                    objective = loss(outputs, targets)
                    if l2:
                        objective = objective + losses.l2(regularized, l2)
                except (OverflowError, ZeroDivisionError, DomainError) as error:
                    raise TrainingDiverged(epoch, str(error)) from error
                if not math.isfinite(objective.data):
                    raise TrainingDiverged(epoch, f"the loss is {objective.data}")
                if first_loss is None:
                    first_loss = objective.data
                elif max_loss_growth is not None and objective.data > max_loss_growth * max(first_loss, 1.0):
                    raise TrainingDiverged(
                        epoch,
                        f"the loss grew from {first_loss:.4g} to {objective.data:.4g} "
                        f"(the bound is max_loss_growth={max_loss_growth:g} times max(first loss, 1))",
                    )
                optimizer.zero_grad()
                objective.backward()
                optimizer.step()
                if not all(math.isfinite(p.data) for p in params):
                    raise TrainingDiverged(epoch, "a parameter is no longer finite")
                total_loss += objective.data * len(batch)
                batch_accuracy = accuracy(outputs, targets, loss)
                if batch_accuracy is not None:
                    correct += batch_accuracy * len(batch)
                seen += len(batch)
            history.loss.append(total_loss / seen)
            history.accuracy.append(correct / seen if record.classify is not None else None)
            if validation is not None:
                val_loss, val_accuracy = evaluate(model, validation[0], validation[1], loss)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_accuracy)
            if bar is not None:
                shown = {"loss": f"{history.loss[-1]:.4f}"}
                if history.accuracy[-1] is not None:
                    shown["acc"] = f"{history.accuracy[-1]:.0%}"
                bar.set_postfix(shown, refresh=False)
                bar.update()
            if callback is not None:
                callback(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history
