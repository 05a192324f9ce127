"""autograd.engine.check: the central-difference oracle and gradcheck, which must be able to fail."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.engine.check import GradientMismatch, central_difference, gradcheck
from autograd.engine.ops import Op
from autograd.engine.value import _unary


@given(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0))
def test_central_difference_of_known_functions(x, y):
    # f = x²y: ∂f/∂x = 2xy, ∂f/∂y = x²; the O(h²) error of a cubic is h²·|∂³f| / 6, far below 1e-6
    def f(a, b):
        return a * a * b

    assert central_difference(f, [x, y], 0) == pytest.approx(2 * x * y, abs=1e-6)
    assert central_difference(f, [x, y], 1) == pytest.approx(x * x, abs=1e-6)


def test_gradcheck_returns_the_backward_gradients():
    w, x, b = 0.7, -1.3, 0.2
    grads = gradcheck(lambda w, x, b: (w * x + b).tanh(), [w, x, b])
    t = math.tanh(w * x + b)
    assert grads == pytest.approx([(1 - t * t) * x, (1 - t * t) * w, 1 - t * t], rel=1e-12)


def test_gradcheck_catches_a_wrong_local_derivative():
    bad_square = Op("bad", "bad", "call", 1, lambda x: x**2, lambda x, out: (1.0,))  # d x² = 1, not 2x

    def wrong_square(x):
        return _unary(bad_square, x)

    with pytest.raises(GradientMismatch, match=r"argument 0 \(x = 3.0\): backward\(\) gives 1.0"):
        gradcheck(wrong_square, [3.0])


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="index 2 out of range"):
        central_difference(lambda a, b: a + b, [1.0, 2.0], 2)
    with pytest.raises(ValueError, match="h must be positive"):
        central_difference(lambda a: a, [1.0], 0, h=0.0)
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])
    with pytest.raises(TypeError, match="gradcheck"):
        gradcheck(lambda x: x, ["1.0"])
