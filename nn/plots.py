"""Plots with matplotlib (imported lazily): training curves and 2-D decision boundaries.

Functions return a `matplotlib.figure.Figure` built without pyplot (no display or
backend needed). Jupyter shows it inline through its `_repr_png_`, with or without
`%matplotlib inline`. `save_png` writes it with `write_atomic`. Without matplotlib (the
`train` extra) each function raises `autograd.extras.MissingExtraError` before any work.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.engine.value import Value, no_grad
from autograd.extras import require
from autograd.files import write_atomic
from nn.losses import argmax
from nn.train import History

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["inline_figure", "plot_history", "plot_decision_boundary", "png_bytes", "save_png"]


def inline_figure(width: float, height: float) -> Figure:
    """An empty matplotlib Figure (inches, constrained layout) that Jupyter shows inline as PNG."""
    require("train", ["matplotlib"], feature="nn.plots")
    from matplotlib.figure import Figure

    class InlineFigure(Figure):
        """A Figure that Jupyter displays as PNG even when pyplot's inline backend is off."""

        def _repr_png_(self) -> bytes:
            return png_bytes(self)

    return InlineFigure(figsize=(width, height), layout="constrained")


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """The figure rendered as PNG, in memory."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def plot_history(history: History) -> Figure:
    """Loss (left) and accuracy (right, when recorded) per epoch, validation dashed."""
    if not isinstance(history, History):
        raise TypeError(
            f"plot_history: history must be an nn.History (from fit), got {type(history).__name__}"
        )
    has_accuracy = any(a is not None for a in history.accuracy)
    fig = inline_figure(9.0 if has_accuracy else 5.0, 3.5)
    axes = fig.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
    epochs = range(1, history.epochs + 1)
    axes[0].plot(epochs, history.loss, label="training")
    if history.val_loss:
        axes[0].plot(epochs, history.val_loss, "--", label="validation")
    axes[0].set(xlabel="epoch", ylabel="loss", title="loss")
    if has_accuracy:
        axes[1].plot(epochs, history.accuracy, label="training")
        if history.val_accuracy:
            axes[1].plot(epochs, history.val_accuracy, "--", label="validation")
        axes[1].set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0.0, 1.05))
    for ax in axes:
        ax.legend()
    return fig


def _score(output: Value | Sequence[Value]) -> float:
    """One number per grid point: the score of a single-output model, the argmax class otherwise."""
    return output.data if isinstance(output, Value) else float(argmax(output))


def plot_decision_boundary(
    model: Callable,
    X: Sequence[Sequence[float]],
    y: Sequence,
    *,
    resolution: int = 80,
    margin: float = 0.5,
    ax: Axes | None = None,
) -> Figure:
    """The model's decision regions over the data's bounding box, with the data on top.

    Single-output models are split at score 0 (the line is drawn); several outputs
    are split by argmax. The grid (resolution × resolution points) is evaluated
    under `no_grad()`, so no graph is built. With `ax`, draws into that Axes (e.g. one
    panel of a grid of snapshots) and returns its figure.
    """
    require("train", ["matplotlib"], feature="nn.plots")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 1000:
        raise ValueError(f"resolution must be between 2 and 1000, got {resolution!r}")
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x_lo, x_hi, y_lo, y_hi = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    gx = [x_lo + (x_hi - x_lo) * i / (resolution - 1) for i in range(resolution)]
    gy = [y_lo + (y_hi - y_lo) * j / (resolution - 1) for j in range(resolution)]
    with no_grad():
        outputs = [[model([a, b]) for a in gx] for b in gy]
    single = isinstance(outputs[0][0], Value)
    grid = [[_score(o) for o in row] for row in outputs]
    if ax is None:
        ax = inline_figure(5.0, 4.5).subplots()
    if single:
        ax.contourf(
            gx,
            gy,
            [[1.0 if s > 0.0 else 0.0 for s in row] for row in grid],
            levels=[-0.5, 0.5, 1.5],
            cmap="coolwarm",
            alpha=0.35,
        )
        ax.contour(gx, gy, grid, levels=[0.0], colors="k", linewidths=1.0)
    else:
        classes = int(max(max(row) for row in grid)) + 1
        ax.contourf(gx, gy, grid, levels=[c - 0.5 for c in range(classes + 1)], cmap="viridis", alpha=0.35)
    ax.scatter(xs, ys, c=list(y), cmap="coolwarm" if single else "viridis", edgecolors="k", s=20)
    ax.set(xlim=(x_lo, x_hi), ylim=(y_lo, y_hi), title="decision boundary", xlabel="x₁", ylabel="x₂")
    return ax.figure


def save_png(fig: Figure, path: str | os.PathLike[str], dpi: int = 100) -> Path:
    """Render the figure to PNG bytes in memory, then write them atomically."""
    return write_atomic(path, png_bytes(fig, dpi))
