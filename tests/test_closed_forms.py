"""Closed forms from the lecture notes (002): the regularized sigmoid neuron.

z = w·x + b,  y = σ(z),  L = ½(y − t)²,  R = ½w²,  L_reg = L + λR
∂L_reg/∂w = (σ(z) − t)·σ'(z)·x + λw,    ∂L_reg/∂b = (σ(z) − t)·σ'(z)
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value

reals = st.floats(-5.0, 5.0, allow_nan=False)


def sigma(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(z / 2.0))


def sigma_prime(z: float) -> float:
    """σ'(z) = σ(z)(1 − σ(z)) = 1 / (4 cosh²(z/2)), free of cancellation for large |z|."""
    return 1.0 / (4.0 * math.cosh(z / 2.0) ** 2)


@given(w=reals, x=reals, b=reals, t=st.floats(0.0, 1.0), lam=st.floats(0.0, 2.0))
def test_regularized_sigmoid_neuron(w, x, b, t, lam):
    W, X, B = Value(w, "w"), Value(x, "x"), Value(b, "b")
    z = W * X + B
    y = z.sigmoid()
    L = 0.5 * (y - t) ** 2
    R = 0.5 * W**2
    L_reg = L + lam * R
    L_reg.backward()

    s = sigma(w * x + b)
    ds = sigma_prime(w * x + b)
    assert math.isclose(L_reg.data, 0.5 * (s - t) ** 2 + lam * 0.5 * w * w, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(W.grad, (s - t) * ds * x + lam * w, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(B.grad, (s - t) * ds, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(X.grad, (s - t) * ds * w, rel_tol=1e-9, abs_tol=1e-12)


@given(w=reals, x=reals, b=reals)
def test_wx_plus_b(w, x, b):
    """f = w·x + b: ∂f/∂w = x, ∂f/∂x = w, ∂f/∂b = 1 (lecture 000)."""
    W, X, B = Value(w), Value(x), Value(b)
    (W * X + B).backward()
    assert (W.grad, X.grad, B.grad) == (x, w, 1.0)


@given(x=st.floats(-20.0, 20.0))
def test_tanh_and_sigmoid_derivatives(x):
    """d tanh = 1 − tanh², dσ = σ(1 − σ) (lecture 004)."""
    X = Value(x)
    X.tanh().backward()
    assert math.isclose(X.grad, 1.0 - math.tanh(x) ** 2, rel_tol=1e-12, abs_tol=1e-300)
    X.grad = 0.0
    X.sigmoid().backward()
    assert math.isclose(X.grad, sigma_prime(x), rel_tol=1e-12, abs_tol=1e-300)
