"""Higher-order gradients: grad(create_graph=True) against sympy, closed forms and central differences."""

import itertools
import math

import pytest
from hypothesis import given, settings

from autograd import Value, draw, grad, hessian, hvp, trace
from autograd.engine.check import central_difference
from nn import MLP
from tests.strategies import programs, run, sympy_derivative

# Small graphs: sympy differentiates each up to three times.
small_programs = programs(max_leaves=2, max_steps=6)


def close(a: float, b: float) -> bool:
    # Only float rounding separates engine and sympy; values stay within ±1e3 (tests.strategies.LIMIT),
    # so a few hundred roundings of terms that size stay far below 1e-8 absolute.
    return math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-8)


@settings(max_examples=60)
@given(small_programs)
def test_second_derivatives_match_sympy(program):
    leaves, root = run(program, "value")
    first = grad(root, leaves, create_graph=True)
    for i, j in itertools.product(range(len(leaves)), repeat=2):
        second = grad(first[i], [leaves[j]])[0].data
        exact = sympy_derivative(program, [i, j])
        assert close(second, exact), (i, j, second, exact)


@settings(max_examples=30)
@given(small_programs)
def test_third_derivatives_match_sympy(program):
    leaves, root = run(program, "value")
    first = grad(root, leaves, create_graph=True)
    second = grad(first[0], leaves, create_graph=True)
    for j, k in itertools.product(range(len(leaves)), repeat=2):
        third = grad(second[j], [leaves[k]])[0].data
        exact = sympy_derivative(program, [0, j, k])
        assert close(third, exact), (j, k, third, exact)


@given(programs())
def test_first_derivatives_equal_backward_exactly(program):
    leaves, root = run(program, "value")
    constants = grad(root, leaves)
    graphed = grad(root, leaves, create_graph=True)
    assert all(x.grad == 0.0 for x in leaves), "grad() never touches .grad"
    root.backward()
    assert [c.data for c in constants] == [x.grad for x in leaves]
    assert all(c.is_leaf for c in constants)
    for g, x in zip(graphed, leaves):
        assert math.isclose(g.data, x.grad, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("x", [-1.3, -0.2, 0.0, 0.5, 2.0])
def test_tanh_derivatives_up_to_the_fourth_match_their_closed_forms(x):
    t = math.tanh(x)
    s = 1 - t * t  # tanh' = 1 − t²
    closed = [s, -2 * t * s, -2 * s * (1 - 3 * t * t), 8 * t * s * (2 - 3 * t * t)]
    v = Value(x, "x")
    derivative = v.tanh()
    for expected in closed:
        derivative = grad(derivative, [v], create_graph=True)[0]
        assert derivative.data == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_relu_has_second_derivative_zero_and_unreached_inputs_get_zero():
    x, unused = Value(1.5, "x"), Value(2.0, "unused")
    first = grad((x * x).relu(), [x, unused], create_graph=True)
    assert [g.data for g in first] == [3.0, 0.0]
    assert grad((x * 3.0).relu(), [x], create_graph=True)[0].is_leaf  # 3 · relu' is a constant
    assert grad(grad(x.relu(), [x], create_graph=True)[0], [x])[0].data == 0.0


def test_hessian_of_a_small_mlp_loss_against_central_differences_of_grad():
    import random

    random.seed(3)
    model = MLP(2, [3, 1])
    w0 = [p.data for p in model.parameters()]

    def loss_of(params):
        """The model's squared error on one point, with its parameters replaced by `params`."""
        it = iter(params)
        layer_out = [Value(0.4), Value(-1.1)]
        for layer in model.layers:
            outs = []
            for neuron in layer.neurons:
                w = [next(it) for _ in neuron.w]
                b = next(it)
                z = sum((wi * xi for wi, xi in zip(w, layer_out)), b)
                outs.append(neuron.activate(z))
            layer_out = outs
        return (layer_out[0] - 0.3) ** 2

    H = hessian(lambda *p: loss_of(p), w0)
    n = len(w0)
    assert len(H) == n and all(len(row) == n for row in H)
    for i in range(n):
        for j in range(n):
            assert H[i][j] == pytest.approx(H[j][i], rel=1e-9, abs=1e-12)  # symmetric

    def gradient_j(j):
        def f(*xs):
            leaves = [Value(x) for x in xs]
            return grad(loss_of(leaves), leaves)[j].data

        return f

    for j in range(n):
        for i in range(n):
            fd = central_difference(gradient_j(j), w0, i, h=1e-5)
            assert H[i][j] == pytest.approx(fd, rel=1e-4, abs=1e-6), (i, j)
    v = [0.3 * k - 1.0 for k in range(n)]
    product = hvp(lambda *p: loss_of(p), w0, v)
    assert product == pytest.approx(
        [sum(H[i][j] * v[j] for j in range(n)) for i in range(n)], rel=1e-9, abs=1e-12
    )


def test_the_gradient_graph_is_labelled_and_draws_deterministically():
    def build():
        w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
        f = (w * x + b).tanh()
        f.label = "f"
        return f, grad(f, [w], create_graph=True)[0]

    f, dfdw = build()
    assert dfdw.label == "∂f/∂w"
    d2 = grad(dfdw, [f.parents[0].parents[0].parents[0]], create_graph=True)[0]
    assert d2.label == "∂(∂f/∂w)/∂w"
    assert draw(dfdw).source == draw(build()[1]).source
    labels = {n.label for n in trace(dfdw).order}
    assert {"w", "x", "b", "f"} <= labels and any(label.startswith("∂") for label in labels - {"∂f/∂w"})


def test_bad_arguments_are_refused_by_name():
    x = Value(1.0)
    with pytest.raises(TypeError, match="grad: output must be a Value"):
        grad(1.0, [x])
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value"):
        grad(x * 2.0, [x, 3.0])
    with pytest.raises(TypeError, match="hessian: f must return a Value"):
        hessian(lambda a: 1.0, [1.0])
    with pytest.raises(ValueError, match="hvp: the vector has 1 entries for 2 variables"):
        hvp(lambda a, b: a * b, [1.0, 2.0], [1.0])
