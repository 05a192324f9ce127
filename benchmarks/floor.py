"""The floor: the benchmarks' computations with their derivatives written out by hand.

No graph, no node objects: floats in lists and loops, the forward pass keeping what
the backward pass needs, and the chain rule applied by hand. Any pure-Python scalar
engine does at least this arithmetic, plus the cost of recording a graph and walking
it, so its time is the floor such an engine can approach.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = ["neuron", "chain", "Layer", "FloorMLP"]


def neuron(w: float, x: float, b: float, t: float, lam: float) -> tuple[float, list[float]]:
    """L = ½(σ(wx + b) − t)² + (λ/2)w² and [∂L/∂w, ∂L/∂x, ∂L/∂b] (the lecture's closed forms)."""
    z = w * x + b
    s = 1.0 / (1.0 + math.exp(-z))
    loss = 0.5 * (s - t) ** 2 + 0.5 * lam * w**2
    dz = (s - t) * s * (1.0 - s)  # ∂L/∂z = (σ(z) − t)·σ'(z)
    return loss, [dz * x + lam * w, dz * w, dz]


def chain(x0: float, a: float, c: float, n_ops: int) -> tuple[float, list[float]]:
    """v ← v·a + c repeated n_ops / 2 times from v = x0; the result and [∂v/∂x0, ∂v/∂a, ∂v/∂c]."""
    values = []
    v = x0
    for _ in range(n_ops // 2):
        values.append(v)
        v = v * a + c
    g, ga, gc = 1.0, 0.0, 0.0  # g = ∂result/∂v for the v of the current step, walking back
    for v_before in reversed(values):
        ga += g * v_before
        gc += g
        g *= a
    return v, [g, ga, gc]


#: one layer: weights[j] are neuron j's weights, biases[j] its bias, relu=False for linear
Layer = tuple[list[list[float]], list[float], bool]


class FloorMLP:
    """micrograd's demo step by hand: MLP forward, hinge loss + α·Σp², backward, SGD.

    Layout and arithmetic follow the engines: z = b + w₀a₀ + w₁a₁ + ..., ReLU with
    derivative 1 where z > 0, loss = mean(max(0, 1 − y·s)) + α·Σp² (parameters in
    `parameters()` order), so the loss is bit-for-bit the engines' and the gradients
    agree up to the order of summation.
    """

    def __init__(
        self,
        layers: Sequence[Layer],
        X: Sequence[Sequence[float]],
        labels: Sequence[float],
        alpha: float,
        schedule: Callable[[int], float],
    ) -> None:
        self.weights = [[list(row) for row in W] for W, _, _ in layers]
        self.biases = [list(B) for _, B, _ in layers]
        self.relu = [r for _, _, r in layers]
        self.X, self.labels, self.alpha, self.schedule = X, labels, alpha, schedule
        self.steps = 0
        self.grad_w: list[list[list[float]]] = []
        self.grad_b: list[list[float]] = []

    def parameters(self) -> list[float]:
        """The parameters in micrograd's order: each neuron's weights, then its bias."""
        return [p for W, B in zip(self.weights, self.biases) for row, b in zip(W, B) for p in (*row, b)]

    def gradients(self) -> list[float]:
        """∂loss/∂p of the last `loss_and_gradients`, in `parameters()` order."""
        return [g for W, B in zip(self.grad_w, self.grad_b) for row, b in zip(W, B) for g in (*row, b)]

    def loss_and_gradients(self) -> float:
        """Forward and backward over the whole batch; returns the loss, fills `grad_w`, `grad_b`."""
        weights, biases, relu = self.weights, self.biases, self.relu
        grad_w = [[[0.0] * len(row) for row in W] for W in weights]
        grad_b = [[0.0] * len(B) for B in biases]
        inv_n = 1.0 / len(self.X)
        data_loss = 0.0
        for x, label in zip(self.X, self.labels):
            # forward: acts[l] is the input of layer l, acts[-1] the output
            acts = [x]
            for W, B, is_relu in zip(weights, biases, relu):
                a = acts[-1]
                out = []
                for row, b in zip(W, B):
                    z = b
                    for w_i, a_i in zip(row, a):
                        z += w_i * a_i
                    out.append((z if z > 0.0 else 0.0) if is_relu else z)
                acts.append(out)
            margin = 1.0 - acts[-1][0] * label
            # backward: delta[j] = ∂loss/∂z_j for the neurons of the current layer. An example
            # whose hinge term max(0, margin) is 0 still goes through it (with zeros), as in a
            # graph engine, so the floor's work does not shrink as training fits the data.
            if margin > 0.0:
                data_loss += margin
                delta = [inv_n * -label]
            else:
                data_loss += 0.0
                delta = [0.0]
            for layer in reversed(range(len(weights))):
                a, W, gW, gB = acts[layer], weights[layer], grad_w[layer], grad_b[layer]
                grad_a = [0.0] * len(a)
                for j, d in enumerate(delta):
                    gB[j] += d
                    g_row = gW[j]
                    for i, a_i in enumerate(a):
                        g_row[i] += d * a_i
                    if layer > 0:  # the inputs of the first layer are constants: no gradient needed
                        for i, w_i in enumerate(W[j]):
                            grad_a[i] += d * w_i
                if layer > 0:  # through the ReLU of the layer below: a = max(0, z), a > 0 iff z > 0
                    delta = [g if a_i > 0.0 else 0.0 for g, a_i in zip(grad_a, a)]
        reg = 0.0
        for p in self.parameters():
            reg += p * p
        two_alpha = 2.0 * self.alpha
        for W, B, gW, gB in zip(weights, biases, grad_w, grad_b):
            for row, g_row in zip(W, gW):
                for i, w in enumerate(row):
                    g_row[i] += two_alpha * w
            for j, b in enumerate(B):
                gB[j] += two_alpha * b
        self.grad_w, self.grad_b = grad_w, grad_b
        return data_loss * inv_n + self.alpha * reg

    def step(self) -> float:
        """One training step (forward, backward, SGD update); returns the loss before the update."""
        loss = self.loss_and_gradients()
        lr = self.schedule(self.steps)
        for W, B, gW, gB in zip(self.weights, self.biases, self.grad_w, self.grad_b):
            for row, g_row in zip(W, gW):
                for i, g in enumerate(g_row):
                    row[i] -= lr * g
            for j, g in enumerate(gB):
                B[j] -= lr * g
        self.steps += 1
        return loss
