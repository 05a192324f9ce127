"""Seeded backprop exercises with numbers a learner can do by hand.

`generate(count, seed, level)` draws `count` distinct exercises, each an expression in
`stepgrad grad`'s language (`autograd.teaching.expr`) with a value for every variable. The
shapes of a level are drawn without replacement: each once, in a random order, before any
shape comes again.

    level 1   f = w·x + b-sized: 2–3 operations (+ − * /, a square), no fan-out;
    level 2   a neuron with an activation and a loss, with fan-out (a variable used twice):
              (act(w·x + b) − t)² + λw²,  ½(act(w1·x + w2·x + b) − t)²,  a loss over two points;
    level 3   a 2-2-1 network with a squared loss, or a regularized two-input neuron.

Hand-friendly numbers: inputs are small integers (constants are 0.5, 0.25, 1, 2, 3), a
ReLU's input is never 0 (no kink), and sigmoid and tanh are only met at 0, where
σ = 0.5, σ' = 0.25, tanh = 0, tanh' = 1. An exercise is kept only if every value,
local derivative and gradient has at most 4 decimal places and magnitude ≤ 1000,
and most inputs have a gradient that is not 0.
None of these operations has a domain error (divisions are by ±1, ±2 or ±4).

The draw uses `random.Random(seed)` only, so a seed gives the same exercises on
every run and machine.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from autograd.engine.value import Value
from autograd.recording.trace import Trace, trace
from autograd.teaching.expr import evaluate, parse
from autograd.validation import check_positive_int

__all__ = ["LEVELS", "Exercise", "generate", "hand_friendly"]

LEVELS = (1, 2, 3)
_DECIMALS = 4  # at most this many decimal places in any number of an exercise
_LIMIT = 1000.0  # and at most this magnitude
_ATTEMPTS_PER_EXERCISE = 200
_ATTEMPTS_PER_SHAPE = 50  # a shape that gives no new hand-friendly exercise in this many draws is skipped


@dataclass(frozen=True)
class Exercise:
    """An expression (in `autograd.teaching.expr`'s language) and a value for each of its variables."""

    expression: str
    inputs: dict[str, float]

    def build(self) -> Value:
        """The graph of the exercise; the root is labelled 'f' (no variable is called f)."""
        root = evaluate(self.expression, self.inputs)
        root.label = "f"
        return root

    def trace(self) -> Trace:
        """The recorded backward pass of the exercise."""
        return trace(self.build())

    def to_dict(self) -> dict[str, object]:
        """{expression, inputs, value, gradients}: worksheet.json's exercise entry."""
        t = self.trace()
        by_name = {t.names[node]: node for node in t.order}
        return {
            "expression": self.expression,
            "inputs": dict(self.inputs),
            "value": t.root.data,
            "gradients": {name: t.grads[by_name[name]] for name in self.inputs},
        }


def generate(count: int, seed: int, level: int) -> list[Exercise]:
    """`count` distinct hand-friendly exercises of `level`, the same for the same seed."""
    check_positive_int(count, "generate: count")
    if level not in LEVELS:
        raise ValueError(f"generate: level must be 1, 2 or 3, got {level!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"generate: seed must be an integer, got {seed!r}")
    rng = random.Random(seed)
    templates = _TEMPLATES[level]
    exercises: list[Exercise] = []
    seen: set[tuple[str, tuple[tuple[str, float], ...]]] = set()
    shapes: list[_Template] = []  # the shapes not yet used in this round, the next one last
    misses = 0  # draws of the next shape in a row that gave no new exercise
    for _ in range(count * _ATTEMPTS_PER_EXERCISE):
        if not shapes:  # a new round: every shape once, in a random order
            shapes = rng.sample(templates, len(templates))
        expression, drawn = shapes[-1](rng)
        inputs = {name: drawn[name] for name in parse(expression).variables}  # in order of first use
        key = (expression, tuple(inputs.items()))
        candidate = Exercise(expression, inputs)
        if key not in seen and hand_friendly(candidate.trace()):
            exercises.append(candidate)
            if len(exercises) == count:
                return exercises
        elif misses < _ATTEMPTS_PER_SHAPE:
            misses += 1
            seen.add(key)
            continue
        seen.add(key)
        shapes.pop()  # used, or out of new exercises: on to the next shape
        misses = 0
    raise ValueError(
        f"generate: found only {len(exercises)} distinct level-{level} exercises for seed {seed} "
        f"in {count * _ATTEMPTS_PER_EXERCISE} draws; ask for fewer"
    )


def hand_friendly(t: Trace) -> bool:
    """Every value, local derivative and gradient has ≤ 4 decimal places and |x| ≤ 1000,
    no ReLU is at its kink (input 0), and at most half of the inputs' gradients are 0."""
    if any(node.op == "relu" and node.parents[0].data == 0.0 for node in t.order):
        return False
    gradients = [t.grads[node] for node in t.order if node.is_leaf]
    if 2 * gradients.count(0.0) > len(gradients):
        return False  # little to find (dead ReLUs, or a loss already at 0)
    numbers = [node.data for node in t.order] + list(t.grads.values())
    numbers += [local for node in t.order for local in node.local_grads]
    return all(_short(x) for x in numbers)


def _short(x: float) -> bool:
    scaled = x * 10**_DECIMALS
    return abs(x) <= _LIMIT and math.isclose(scaled, round(scaled), rel_tol=0.0, abs_tol=1e-6)


# ---- drawing numbers ------------------------------------------------------------------------
def _small(rng: random.Random, limit: int = 3, zero: bool = True) -> float:
    """An integer in [−limit, limit] as a float (0 excluded unless `zero`)."""
    choices = [n for n in range(-limit, limit + 1) if zero or n != 0]
    return float(rng.choice(choices))


def _constant(value: float) -> str:
    """A constant as written in an expression: 2, 0.5, 0.25."""
    return str(int(value)) if value == int(value) else repr(value)


# ---- level 1: f = w·x + b-sized -----------------------------------------------------------------
def _affine(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "w*x + b", {"w": _small(rng, zero=False), "x": _small(rng), "b": _small(rng)}


def _product_minus(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "a*b - c", {"a": _small(rng, zero=False), "b": _small(rng, zero=False), "c": _small(rng)}


def _sum_times(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "(x + y)*z", {"x": _small(rng), "y": _small(rng), "z": _small(rng, zero=False)}


def _difference_times(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "(x - y)*z", {"x": _small(rng), "y": _small(rng), "z": _small(rng, zero=False)}


def _triple_product(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "x*y*z", {name: _small(rng, zero=False) for name in ("x", "y", "z")}


def _quotient(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "(x + y)/z", {"x": _small(rng), "y": _small(rng), "z": rng.choice((-4.0, -2.0, 2.0, 4.0))}


def _square(rng: random.Random) -> tuple[str, dict[str, float]]:
    return "(w*x - y)**2", {"w": _small(rng, zero=False), "x": _small(rng), "y": _small(rng)}


# ---- level 2: a neuron, an activation, a loss, fan-out ----------------------------------------
def _neuron_z(rng: random.Random, *weights_inputs: tuple[float, float]) -> tuple[float, str]:
    """A bias and an activation for z = Σ w·x + b: sigmoid or tanh with b = −Σ w·x (z = 0),
    or relu with z a small integer, mostly positive (a unit that is on)."""
    wx = sum(w * x for w, x in weights_inputs)
    if rng.random() < 0.5 and abs(wx) <= 4:
        return -wx + 0.0, rng.choice(("sigmoid", "tanh"))
    return rng.choice((1.0, 2.0, 3.0, 1.0, 2.0, -1.0)) - wx + 0.0, "relu"


def _times(c: int, name: str) -> str:
    """c·name as written: w, -w, 2*w."""
    return {1: name, -1: f"-{name}"}.get(c, f"{c}*{name}")


def _regularized_neuron(rng: random.Random) -> tuple[str, dict[str, float]]:
    w, x = _small(rng, 2, zero=False), _small(rng, 2, zero=False)
    b, act = _neuron_z(rng, (w, x))
    t = _constant(rng.choice((0.5, 1.0, 2.0)))
    lam = _constant(rng.choice((0.5, 0.25)))
    return f"({act}(w*x + b) - {t})**2 + {lam}*w**2", {"w": w, "x": x, "b": b}


def _shared_input(rng: random.Random) -> tuple[str, dict[str, float]]:
    w1, w2, x = _small(rng, 2, zero=False), _small(rng, 2, zero=False), _small(rng, 2, zero=False)
    b, act = _neuron_z(rng, (w1, x), (w2, x))
    t = _constant(rng.choice((0.5, 1.0, 2.0)))
    return f"0.5*({act}(w1*x + w2*x + b) - {t})**2", {"w1": w1, "x": x, "w2": w2, "b": b}


def _two_points(rng: random.Random) -> tuple[str, dict[str, float]]:
    x1, x2 = rng.sample((-2, -1, 1, 2, 3), 2)
    t1, t2 = (_constant(rng.choice((1.0, 2.0, 3.0))) for _ in range(2))
    text = f"(relu({_times(x1, 'w')} + b) - {t1})**2 + (relu({_times(x2, 'w')} + b) - {t2})**2"
    return text, {"w": _small(rng, 2, zero=False), "b": _small(rng, 2)}


# ---- level 3: a 2-2-1 network, a regularized loss ------------------------------------------------
def _network(rng: random.Random) -> tuple[str, dict[str, float]]:
    x1, x2 = _small(rng, 2), _small(rng, 2)
    values = {"x1": x1, "x2": x2}
    units = []
    for j, (wa, wb) in enumerate((("w1", "w2"), ("w3", "w4")), 1):
        values[wa], values[wb] = _small(rng, 2, zero=False), _small(rng, 2, zero=False)
        values[f"b{j}"], act = _neuron_z(rng, (values[wa], x1), (values[wb], x2))
        units.append(f"v{j}*{act}({wa}*x1 + {wb}*x2 + b{j})")
    for name in ("v1", "v2"):
        values[name] = _small(rng, 2, zero=False)
    values["c"] = _small(rng, 2)
    t = _constant(rng.choice((0.5, 1.0, 2.0)))
    return f"0.5*({units[0]} + {units[1]} + c - {t})**2", values


def _regularized_two_inputs(rng: random.Random) -> tuple[str, dict[str, float]]:
    w1, w2 = _small(rng, 2, zero=False), _small(rng, 2, zero=False)
    x1, x2 = _small(rng, 2), _small(rng, 2)
    b, act = _neuron_z(rng, (w1, x1), (w2, x2))
    t = _constant(rng.choice((0.5, 1.0, 2.0)))
    lam = _constant(rng.choice((0.5, 0.25)))
    text = f"0.5*({act}(w1*x1 + w2*x2 + b) - {t})**2 + {lam}*(w1**2 + w2**2)"
    return text, {"w1": w1, "x1": x1, "w2": w2, "x2": x2, "b": b}


_Template = Callable[[random.Random], tuple[str, dict[str, float]]]
_TEMPLATES: dict[int, tuple[_Template, ...]] = {
    1: (_affine, _product_minus, _sum_times, _difference_times, _triple_product, _quotient, _square),
    2: (_regularized_neuron, _shared_input, _two_points),
    3: (_network, _regularized_two_inputs),
}
