"""Seeded, dependency-free toy data sets, batching and train/validation splits.

Every generator owns a `random.Random(seed)`, never the global `random` state,
so the same seed gives the same points on any machine. Each returns (X, y): X a
list of [x₁, x₂] float pairs, y a list of class ids 0..k−1 (as scikit-learn).
Convert with `signed(y)` (0/1 → −1/+1, for `hinge`) or `one_hot(y, k)`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence

from autograd.validation import check_positive_int

__all__ = [
    "DATASETS",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spirals",
    "make_blobs",
    "make_spam",
    "signed",
    "one_hot",
    "batches",
    "split",
]

Points = list[list[float]]


def _shuffled(X: Points, y: list[int], rng: random.Random) -> tuple[Points, list[int]]:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _noisy(rng: random.Random, x1: float, x2: float, noise: float) -> list[float]:
    return [x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)] if noise else [x1, x2]


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Points, list[int]]:
    """Two interleaving half circles: (cos t, sin t) is class 0, (1 − cos t, ½ − sin t) class 1."""
    check_positive_int(n, "n")
    rng = random.Random(seed)
    n_outer = n // 2
    X: Points = []
    y: list[int] = []
    for i in range(n):
        label = 0 if i < n_outer else 1
        count = n_outer if label == 0 else n - n_outer
        t = math.pi * (i if label == 0 else i - n_outer) / max(count - 1, 1)
        x1, x2 = (math.cos(t), math.sin(t)) if label == 0 else (1.0 - math.cos(t), 0.5 - math.sin(t))
        X.append(_noisy(rng, x1, x2, noise))
        y.append(label)
    return _shuffled(X, y, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[Points, list[int]]:
    """A circle of radius 1 (class 0) around one of radius `factor` (class 1)."""
    check_positive_int(n, "n")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor must lie in (0, 1), got {factor!r}")
    rng = random.Random(seed)
    n_outer = n // 2
    X: Points = []
    y: list[int] = []
    for i in range(n):
        label, k, count = (0, i, n_outer) if i < n_outer else (1, i - n_outer, n - n_outer)
        t = 2.0 * math.pi * k / count
        r = 1.0 if label == 0 else factor
        X.append(_noisy(rng, r * math.cos(t), r * math.sin(t), noise))
        y.append(label)
    return _shuffled(X, y, rng)


def make_xor(n: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[Points, list[int]]:
    """Points uniform in [−1, 1]²; class 1 where x₁ and x₂ have opposite signs (XOR)."""
    check_positive_int(n, "n")
    rng = random.Random(seed)
    X: Points = []
    y: list[int] = []
    for _ in range(n):
        x1, x2 = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        y.append(int((x1 > 0.0) != (x2 > 0.0)))
        X.append(_noisy(rng, x1, x2, noise))
    return X, y


def make_spirals(
    n: int = 100, classes: int = 2, noise: float = 0.2, seed: int = 0
) -> tuple[Points, list[int]]:
    """`classes` interleaved spiral arms (cs231n): radius r ∈ [0, 1], angle 4r + 2πc/k + noise."""
    check_positive_int(n, "n")
    if not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes must be an integer ≥ 2, got {classes!r}")
    rng = random.Random(seed)
    X: Points = []
    y: list[int] = []
    for i in range(n):
        c, k = i % classes, i // classes
        count = (n - c + classes - 1) // classes
        r = k / max(count - 1, 1)
        angle = 4.0 * r + 2.0 * math.pi * c / classes + rng.gauss(0.0, noise)
        X.append([r * math.sin(angle), r * math.cos(angle)])
        y.append(c)
    return _shuffled(X, y, rng)


def make_blobs(
    n: int = 100, centers: int | Sequence[Sequence[float]] = 3, std: float = 0.5, seed: int = 0
) -> tuple[Points, list[int]]:
    """Gaussian blobs, one class per center; `centers` = k puts k centers on a circle of radius 2."""
    check_positive_int(n, "n")
    if isinstance(centers, int):
        check_positive_int(centers, "centers")
        points = [
            [2.0 * math.cos(2 * math.pi * c / centers), 2.0 * math.sin(2 * math.pi * c / centers)]
            for c in range(centers)
        ]
    else:
        points = [[float(a), float(b)] for a, b in centers]
    rng = random.Random(seed)
    X: Points = []
    y: list[int] = []
    for i in range(n):
        c = i % len(points)
        X.append([points[c][0] + rng.gauss(0.0, std), points[c][1] + rng.gauss(0.0, std)])
        y.append(c)
    return _shuffled(X, y, rng)


def make_spam(n: int = 100, noise: float = 0.5, seed: int = 0) -> tuple[Points, list[int]]:
    """Lecture 001's toy: x₁ = email length (hundreds of words, 0–3), x₂ = 1 if the sender
    is trusted else 0; y = 1 (spam) when 1.5 − x₁ − 2.5·x₂ + noise > 0 — short mail from
    unknown senders is spam."""
    check_positive_int(n, "n")
    rng = random.Random(seed)
    X: Points = []
    y: list[int] = []
    for _ in range(n):
        length, trusted = rng.uniform(0.0, 3.0), float(rng.random() < 0.5)
        y.append(int(1.5 - length - 2.5 * trusted + rng.gauss(0.0, noise) > 0.0))
        X.append([length, trusted])
    return X, y


#: name → generator, for `stepgrad train DATASET`
DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "spirals": make_spirals,
    "blobs": make_blobs,
    "spam": make_spam,
}


def signed(y: Sequence[int]) -> list[float]:
    """Class ids 0/1 → labels −1.0/+1.0 (hinge loss, micrograd's demo)."""
    if any(c not in (0, 1) for c in y):
        raise ValueError("signed() needs class ids 0 and 1")
    return [2.0 * c - 1.0 for c in y]


def one_hot(y: Sequence[int], classes: int) -> list[list[float]]:
    """Class ids → one-hot rows, e.g. 0 → [1.0, 0.0] (lecture 001's targets)."""
    if any(not 0 <= c < classes for c in y):
        raise ValueError(f"one_hot() needs class ids in 0..{classes - 1}")
    return [[1.0 if j == c else 0.0 for j in range(classes)] for c in y]


def batches(n: int, batch_size: int | None = None, rng: random.Random | None = None) -> Iterator[list[int]]:
    """Index lists covering range(n) once (one epoch).

    batch_size None (or ≥ n): full-batch gradient descent, one batch in order.
    batch_size 1: stochastic / incremental, one example at a time.
    Otherwise mini-batches (the last may be smaller). With `rng` the order is shuffled.
    """
    check_positive_int(batch_size, "batch_size", or_none=True)
    order = list(range(n))
    if batch_size is None or batch_size >= n:
        yield order
        return
    if rng is not None:
        rng.shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def split(
    X: Sequence[Sequence[float]], y: Sequence, validation: float = 0.2, seed: int = 0
) -> tuple[Points, list, Points, list]:
    """Shuffle (seeded), then split into X_train, y_train, X_val, y_val.

    `validation` is the fraction held out.
    """
    if len(X) != len(y):
        raise ValueError(f"{len(X)} inputs but {len(y)} labels")
    if not 0.0 < validation < 1.0:
        raise ValueError(f"validation must be a fraction in (0, 1), got {validation!r}")
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    n_val = max(1, round(validation * len(X)))
    if n_val >= len(X):
        raise ValueError(f"too few examples ({len(X)}) to hold out a validation set")
    val, train = order[:n_val], order[n_val:]
    return [list(X[i]) for i in train], [y[i] for i in train], [list(X[i]) for i in val], [y[i] for i in val]
