"""One definition of the chain rule (autograd.engine.chain), and every backward pass against it
bit for bit: Value.backward(), trace, and grad with and without create_graph."""

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad, topological_order, trace
from autograd.engine.chain import contribution, gradients
from tests.strategies import extreme_programs, programs, run

seeds = st.sampled_from([1.0, -0.5, 2.5, 0.0, -0.0, 1e-300])
graphs = st.one_of(programs(), extreme_programs())


def bits(numbers):
    """Floats as their exact bit patterns: -0.0 differs from 0.0, NaN from everything but NaN."""
    return [float(x).hex() for x in numbers]


def test_a_zero_gradient_passes_zero_even_along_an_infinite_derivative():
    assert contribution(0.0, math.inf) == 0.0 and contribution(-0.0, -math.inf) == 0.0
    assert contribution(2.0, 3.0) == 6.0 and contribution(1e-300, math.inf) == math.inf
    x = Value(1e-200, "x")
    v = -2.0 / x  # ∂v/∂x = 2/x² overflows to ∞
    y = v * 0.0  # so ∂y/∂v = 0 meets ∂v/∂x = ∞
    assert v.local_grads == (math.inf,)
    assert gradients(topological_order(y))[x] == 0.0
    y.backward()
    assert x.grad == 0.0 and trace(y).grads[x] == 0.0


@given(graphs, seeds)
def test_backward_is_the_definition_bit_for_bit(program, seed):
    _, root = run(program, "value")
    order = topological_order(root)
    expected = gradients(order, seed)
    root.backward(seed)
    assert bits(node.grad for node in order) == bits(expected[node] for node in order)


@given(graphs, seeds)
def test_trace_records_the_definition_bit_for_bit(program, seed):
    _, root = run(program, "value")
    order = topological_order(root)
    expected = gradients(order, seed)
    recorded = trace(root, seed)
    assert bits(recorded.grads[node] for node in order) == bits(expected[node] for node in order)
    for step in recorded.steps:
        assert bits(c.contribution for c in step.contributions) == bits(
            contribution(step.grad, c.local) for c in step.contributions
        )


@given(programs())  # (an infinite gradient is no Value: grad refuses it)
def test_grad_is_the_definition_bit_for_bit(program):
    leaves, root = run(program, "value")
    expected = gradients(topological_order(root))
    as_constants = grad(root, leaves)
    assert bits(g.data for g in as_constants) == bits(expected.get(x, 0.0) for x in leaves)


# ops whose local derivatives are operands or constants, the same floats whether the op's rule
# runs on floats (the forward pass) or on Values (a gradient graph)
EXACT_LOCAL_OPS = (
    "add",
    "sub",
    "mul",
    "cadd",
    "radd",
    "csub",
    "rsub",
    "cmul",
    "rmul",
    "neg",
    "sum",
    "dot",
    "affine",
    "fma",
)


@given(programs(ops=EXACT_LOCAL_OPS))
def test_grad_with_create_graph_is_the_definition_bit_for_bit(program):
    leaves, root = run(program, "value")
    expected = gradients(topological_order(root))
    graphed = grad(root, leaves, create_graph=True)
    assert bits(g.data for g in graphed) == bits(expected.get(x, 0.0) for x in leaves)


@given(programs())
def test_grad_with_create_graph_agrees_to_rounding_on_any_op(program):
    """The same sweep, with local derivatives computed anew by each op's rule run on Values
    (σ' = σ(x)·σ(−x) as nodes): they may round differently from the forward pass's floats."""
    leaves, root = run(program, "value")
    expected = gradients(topological_order(root))
    graphed = grad(root, leaves, create_graph=True)
    for g, x in zip(graphed, leaves):
        assert math.isclose(g.data, expected.get(x, 0.0), rel_tol=1e-12, abs_tol=1e-12)
