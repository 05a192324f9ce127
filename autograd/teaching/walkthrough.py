"""The lecture's walkthrough graphs, the ones `stepgrad wxb` steps through.

`wxb()` builds f = w·x + b (lecture 000: g = w·x, f = g + b, so w̄ = ḡ · ∂g/∂w = x).
`regularized_neuron()` builds the lecture's neuron (lecture 002):

    z = w·x + b,   y = σ(z),   L = ½(y − t)²,   R = ½w²,   L_reg = L + λR

In both, w and b are the weight and bias a network learns, x the input:
`parameters(root)` picks them out, so `stepgrad wxb` and notebook 01 colour them alike.
"""

from __future__ import annotations

from autograd.engine.value import Value
from autograd.graph.walk import leaves

__all__ = ["wxb", "regularized_neuron", "parameters", "PARAMETER_NAMES"]

PARAMETER_NAMES = ("w", "b")  # the weight and the bias: learned, drawn as parameters


def wxb(w: float = 2.0, x: float = 3.0, b: float = 1.0) -> Value:
    """f = w·x + b as the lecture draws it: g = w·x, f = g + b (nodes labelled w, x, b, g, f)."""
    w_, x_, b_ = Value(w, "w"), Value(x, "x"), Value(b, "b")
    g = w_ * x_
    g.label = "g"
    f = g + b_
    f.label = "f"
    return f


def regularized_neuron(
    w: float = 2.0, x: float = 3.0, b: float = 1.0, t: float = 0.5, lam: float = 0.1
) -> Value:
    """L_reg = ½(σ(w·x + b) − t)² + λ·½w², every intermediate node labelled.

    t (the target) and λ (the L2 weight) are constants, not nodes.
    w̄ = (y − t)·σ'(z)·x + λw and b̄ = (y − t)·σ'(z)   (v̄ = ∂L_reg/∂v).
    """
    w_, x_, b_ = Value(w, "w"), Value(x, "x"), Value(b, "b")
    z = _named(_named(w_ * x_, "wx") + b_, "z")
    y = _named(z.sigmoid(), "y")
    loss = _named(0.5 * _named(_named(y - t, "y−t") ** 2, "(y−t)²"), "L")
    penalty = _named(0.5 * _named(w_**2, "w²"), "R")
    return _named(loss + _named(lam * penalty, "λR"), "L_reg")


def parameters(root: Value) -> list[Value]:
    """The leaves of `root`'s graph labelled w or b (PARAMETER_NAMES), in graph order: what
    `draw`, `play` and `explore` take as `parameters=` to colour the weight and bias as
    parameters and the input x as an input."""
    return [node for node in leaves(root) if node.label in PARAMETER_NAMES]


def _named(node: Value, label: str) -> Value:
    node.label = label
    return node
