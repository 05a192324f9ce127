"""nn.data: seeded generators, label conversions, batching modes, splits."""

import math
import random

import pytest

from nn.data import (
    DATASETS,
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_spam,
    make_xor,
    one_hot,
    signed,
    split,
)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_generators_are_seeded_shaped_and_leave_global_state_alone(name):
    make = DATASETS[name]
    random.seed(0)
    before = random.random()
    random.seed(0)
    X, y = make(40, seed=3)
    assert random.random() == before
    assert (X, y) == make(40, seed=3)
    assert (X, y) != make(40, seed=4)
    assert len(X) == len(y) == 40
    assert all(len(p) == 2 and all(math.isfinite(v) for v in p) for p in X)
    assert set(y) <= set(range(max(y) + 1)) and len(set(y)) >= 2


def test_moons_pinned_values():  # the same points on any machine for a given seed
    X, y = make_moons(3, seed=1)
    assert y == [0, 1, 1]
    assert X[0] == pytest.approx([1.1288184753155464, 0.1449445608699771], abs=1e-12)
    assert X[2] == pytest.approx([1.8907826784895858, 0.5031334516831716], abs=1e-12)
    X, _ = make_moons(4, noise=0.0, seed=0)
    corners = sorted((round(a, 12) + 0.0, round(b, 12) + 0.0) for a, b in X)
    assert corners == [(-1.0, 0.0), (0.0, 0.5), (1.0, 0.0), (2.0, 0.5)]


def test_geometry_of_noise_free_sets():
    X, y = make_circles(20, noise=0.0, factor=0.5)
    assert all(math.hypot(*p) == pytest.approx(1.0 if c == 0 else 0.5) for p, c in zip(X, y))
    X, y = make_xor(50)
    assert all(c == int((p[0] > 0) != (p[1] > 0)) for p, c in zip(X, y))
    X, y = make_blobs(30, centers=[[10.0, 0.0], [-10.0, 0.0]], std=0.5)
    assert all((p[0] > 0) == (c == 0) for p, c in zip(X, y))
    X, y = make_spam(200, noise=0.0)
    assert all(c == int(1.5 - p[0] - 2.5 * p[1] > 0) for p, c in zip(X, y))
    assert {p[1] for p in X} == {0.0, 1.0}


def test_label_conversions():
    assert signed([0, 1, 1]) == [-1.0, 1.0, 1.0]
    assert one_hot([0, 2], 3) == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    with pytest.raises(ValueError):
        signed([0, 2])
    with pytest.raises(ValueError):
        one_hot([3], 3)


def test_batching_modes():
    assert list(batches(5)) == [[0, 1, 2, 3, 4]]  # full batch
    stochastic = list(batches(5, 1, random.Random(0)))
    assert all(len(b) == 1 for b in stochastic) and sorted(i for b in stochastic for i in b) == list(range(5))
    mini = list(batches(7, 3, random.Random(0)))
    assert [len(b) for b in mini] == [3, 3, 1] and sorted(i for b in mini for i in b) == list(range(7))
    assert mini == list(batches(7, 3, random.Random(0)))
    assert list(batches(4, 2)) == [[0, 1], [2, 3]]  # no rng: in order
    with pytest.raises(ValueError, match="batch_size"):
        list(batches(4, 0))


def test_split_is_seeded_disjoint_and_complete():
    X = [[float(i), 0.0] for i in range(10)]
    y = list(range(10))
    X_train, y_train, X_val, y_val = split(X, y, 0.3, seed=1)
    assert len(y_val) == 3 and sorted(y_train + y_val) == y
    assert all(p[0] == c for p, c in zip(X_train + X_val, y_train + y_val))
    assert split(X, y, 0.3, seed=1) == (X_train, y_train, X_val, y_val)
    with pytest.raises(ValueError, match="fraction"):
        split(X, y, 1.0)
