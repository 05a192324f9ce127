"""The code people write themselves: a one-layer transformer in plain Value arithmetic.

The shape of a microgpt training step (embedding 16, 4 heads, context 16, a
vocabulary of 27 characters, about 4,200 parameters), written the way the lecture
and microgpt teach it — `sum(w * x for ...)`, softmax from `exp` and `/`, RMS norm
with `** -0.5` — with no fused op, so it measures the engine on plain arithmetic.
One step: forward over one name, the mean negative log-likelihood of its next
characters, backward, and an Adam update of the parameters (plain floats).

Its baseline, `MinimalValue`, is the smallest Value one writes in that style: a
tuple of children and a tuple of local derivatives per node, `__slots__`, and a
recursive topological sort. Both engines start from the same parameters and the
same seeded, names-like data set made here.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MinimalValue", "TransformerShape", "names_dataset", "Transformer"]


class MinimalValue:
    """A scalar autodiff node in the microgpt style: children and local derivatives as tuples."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, n: float) -> MinimalValue:
        return MinimalValue(self.data**n, (self,), (n * self.data ** (n - 1),))

    def log(self) -> MinimalValue:
        return MinimalValue(math.log(self.data), (self,), (1.0 / self.data,))

    def exp(self) -> MinimalValue:
        e = math.exp(self.data)
        return MinimalValue(e, (self,), (e,))

    def relu(self) -> MinimalValue:
        return MinimalValue(max(0.0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> MinimalValue:
        return self * -1.0

    def __radd__(self, other: Any) -> MinimalValue:
        return self + other

    def __sub__(self, other: Any) -> MinimalValue:
        return self + (-other)

    def __rsub__(self, other: Any) -> MinimalValue:
        return other + (-self)

    def __rmul__(self, other: Any) -> MinimalValue:
        return self * other

    def __truediv__(self, other: Any) -> MinimalValue:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> MinimalValue:
        return other * self**-1

    def backward(self) -> None:
        order: list[MinimalValue] = []
        visited: set[MinimalValue] = set()

        def visit(v: MinimalValue) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    visit(child)
                order.append(v)

        visit(self)  # recursive, as in the style it follows: this graph is about 260 nodes deep
        self.grad = 1.0
        for v in reversed(order):
            for child, local in zip(v._children, v._local_grads):
                child.grad += local * v.grad


@dataclass(frozen=True)
class TransformerShape:
    vocab: int = 27  # 26 letters and the boundary token
    embed: int = 16
    heads: int = 4
    context: int = 16
    names: int = 64  # names in the data set; one name per step


_SYLLABLES = ("an", "el", "ma", "ri", "jo", "ka", "li", "on", "sa", "ta", "ne", "ve", "ro", "mi", "da", "ly")


def names_dataset(count: int, seed: int = 7) -> list[str]:
    """`count` names-like words (2–4 syllables), the same for a seed on every run."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def _matrix(rng: random.Random, rows: int, cols: int, std: float = 0.08) -> list[list[float]]:
    return [[rng.gauss(0.0, std) for _ in range(cols)] for _ in range(rows)]


def _initial_parameters(shape: TransformerShape, seed: int = 42) -> dict[str, list[list[float]]]:
    rng = random.Random(seed)
    e = shape.embed
    return {
        "wte": _matrix(rng, shape.vocab, e),
        "wpe": _matrix(rng, shape.context, e),
        "wq": _matrix(rng, e, e),
        "wk": _matrix(rng, e, e),
        "wv": _matrix(rng, e, e),
        "wo": _matrix(rng, e, e),
        "fc1": _matrix(rng, 4 * e, e),
        "fc2": _matrix(rng, e, 4 * e),
        "head": _matrix(rng, shape.vocab, e),
    }


# ---- the model, written as a user would, for any Value class ----------------------------------------
def linear(x: Sequence[Any], w: Sequence[Sequence[Any]]) -> list[Any]:
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits: Sequence[Any]) -> list[Any]:
    top = max(v.data for v in logits)
    exps = [(v - top).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x: Sequence[Any]) -> list[Any]:
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]


class Transformer:
    """One attention layer and one MLP block over characters, for the Value class `value`."""

    def __init__(self, value: Callable[[float], Any], shape: TransformerShape = TransformerShape()) -> None:
        self.shape = shape
        self.p = {k: [[value(x) for x in row] for row in m] for k, m in _initial_parameters(shape).items()}
        self.parameters = [v for m in self.p.values() for row in m for v in row]
        self.docs = names_dataset(shape.names)
        self.step_count = 0
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def _token_logits(self, token: int, pos: int, keys: list, values: list) -> list[Any]:
        p, heads = self.p, self.shape.heads
        size = self.shape.embed // heads
        x = rmsnorm([t + q for t, q in zip(p["wte"][token], p["wpe"][pos])])
        residual = x
        x = rmsnorm(x)
        q, k, v = linear(x, p["wq"]), linear(x, p["wk"]), linear(x, p["wv"])
        keys.append(k)
        values.append(v)
        attended = []
        for h in range(heads):
            s = slice(h * size, (h + 1) * size)
            qh = q[s]
            scores = [sum(a * b for a, b in zip(qh, kt[s])) / size**0.5 for kt in keys]
            weights = softmax(scores)
            attended += [sum(weights[t] * values[t][s][j] for t in range(len(keys))) for j in range(size)]
        x = [a + b for a, b in zip(linear(attended, p["wo"]), residual)]
        residual = x
        hidden = [h.relu() for h in linear(rmsnorm(x), p["fc1"])]
        x = [a + b for a, b in zip(linear(hidden, p["fc2"]), residual)]
        return linear(x, p["head"])

    def loss(self) -> Any:
        """The mean negative log-likelihood of the next characters of this step's name."""
        doc = self.docs[self.step_count % len(self.docs)]
        tokens = [0, *(ord(c) - ord("a") + 1 for c in doc), 0]
        n = min(self.shape.context, len(tokens) - 1)
        keys: list = []
        values: list = []
        losses = []
        for pos in range(n):
            probs = softmax(self._token_logits(tokens[pos], pos, keys, values))
            losses.append(-probs[tokens[pos + 1]].log())
        return (1 / n) * sum(losses)

    def step(self, lr: float = 0.01, beta1: float = 0.85, beta2: float = 0.99) -> float:
        """Forward, backward and an Adam update; returns the loss."""
        loss = self.loss()
        loss.backward()
        self.step_count += 1
        t = self.step_count
        for i, p in enumerate(self.parameters):
            self.m[i] = beta1 * self.m[i] + (1 - beta1) * p.grad
            self.v[i] = beta2 * self.v[i] + (1 - beta2) * p.grad**2
            m_hat, v_hat = self.m[i] / (1 - beta1**t), self.v[i] / (1 - beta2**t)
            p.data -= lr * m_hat / (v_hat**0.5 + 1e-8)
            p.grad = 0.0
        return loss.data

    def gradients(self) -> tuple[float, list[float]]:
        """The loss of the first name and its gradients, without updating anything."""
        loss = self.loss()
        loss.backward()
        return loss.data, [p.grad for p in self.parameters]
