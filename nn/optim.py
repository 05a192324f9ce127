"""Optimizers (SGD, Adam) and learning-rate schedules.

An optimizer holds a list of parameters and a learning rate, which is a number or
a schedule: a function of the step count k = 0, 1, 2, ... (the number of updates
already made). `step()` updates every parameter from its `grad`; `zero_grad()`
clears the gradients (they accumulate across `backward()` calls otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from autograd.engine.value import Value

__all__ = ["Constant", "LinearDecay", "StepDecay", "Optimizer", "SGD", "Adam"]

Schedule = Callable[[int], float]


@dataclass(frozen=True)
class Constant:
    """lr(k) = lr."""

    lr: float

    def __call__(self, k: int) -> float:
        return self.lr


@dataclass(frozen=True)
class LinearDecay:
    """lr(k) = start − (start − end)·min(k, steps)/steps; micrograd's demo is LinearDecay(1.0, 0.1, 100)."""

    start: float
    end: float
    steps: int

    def __call__(self, k: int) -> float:
        return self.start - (self.start - self.end) * min(k, self.steps) / self.steps


@dataclass(frozen=True)
class StepDecay:
    """lr(k) = lr · factor^⌊k / every⌋ (e.g. halve every 50 steps)."""

    lr: float
    factor: float
    every: int

    def __call__(self, k: int) -> float:
        return self.lr * self.factor ** (k // self.every)


def _parameters(params: Iterable[Value] | object) -> list[Value]:
    get = getattr(params, "parameters", None)
    values = list(get() if get is not None else params)  # type: ignore[call-overload]
    if not values:
        raise ValueError("the optimizer got no parameters")
    for p in values:
        if not isinstance(p, Value):
            raise TypeError(f"the optimizer needs Values, got {type(p).__name__}")
    return values


class Optimizer:
    """Base class: parameters, a learning rate or schedule, and the step count."""

    def __init__(self, params: Iterable[Value] | object, lr: float | Schedule) -> None:
        self.params = _parameters(params)
        self.schedule: Schedule = lr if callable(lr) else Constant(float(lr))
        self.steps = 0

    @property
    def lr(self) -> float:
        """The learning rate the next `step()` will use."""
        return self.schedule(self.steps)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its gradient."""
        self._update(self.lr)
        self.steps += 1

    def _update(self, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay.

    g = ∂L/∂w + λ·w          (λ = weight_decay)
    v ← μ·v + g              (μ = momentum; v starts at 0)
    w ← w − lr·v             (plain SGD when μ = 0: w ← w − lr·g)
    """

    def __init__(
        self,
        params: Iterable[Value] | object,
        lr: float | Schedule = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.velocity = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        mu, decay, velocity = self.momentum, self.weight_decay, self.velocity
        for i, p in enumerate(self.params):
            g = p.grad + decay * p.data if decay else p.grad
            if mu:
                g = velocity[i] = mu * velocity[i] + g
            p.data -= lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba): per-parameter steps from running moments of the gradient.

    m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
    m̂ = m / (1 − β₁ᵗ),     v̂ = v / (1 − β₂ᵗ)        (t = steps including this one)
    w ← w − lr · m̂ / (√v̂ + ε)
    """

    def __init__(
        self,
        params: Iterable[Value] | object,
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2 = (float(b) for b in betas)
        if not (0.0 <= self.beta1 < 1.0 and 0.0 <= self.beta2 < 1.0):
            raise ValueError(f"Adam betas must lie in [0, 1), got {betas!r}")
        self.eps = float(eps)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _update(self, lr: float) -> None:
        b1, b2, m, v = self.beta1, self.beta2, self.m, self.v
        t = self.steps + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + self.eps)
