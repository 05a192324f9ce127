"""The engine: values and local derivatives of every op, backward semantics, errors."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from autograd import DomainError, Value, no_grad
from autograd.graph.walk import graph_stats, topological_order


def grads(*vs: Value) -> tuple[float, ...]:
    return tuple(v.grad for v in vs)


# ---- forward values and local derivatives ------------------------------------------------
@pytest.mark.parametrize(
    ("make", "value", "local", "parents"),
    [
        (lambda x, y: x + y, 5.0, (1.0, 1.0), "xy"),
        (lambda x, y: x - y, -1.0, (1.0, -1.0), "xy"),
        (lambda x, y: x * y, 6.0, (3.0, 2.0), "xy"),
        (lambda x, y: x / y, 2.0 / 3.0, (1.0 / 3.0, -2.0 / 9.0), "xy"),
        (lambda x, y: x**y, 8.0, (3.0 * 4.0, 8.0 * math.log(2.0)), "xy"),
        (lambda x, y: y / x, 1.5, (0.5, -0.75), "yx"),
        (lambda x, y: x * x, 4.0, (2.0, 2.0), "xx"),
        (lambda x, y: x + 4, 6.0, (1.0,), "x"),
        (lambda x, y: 4 + x, 6.0, (1.0,), "x"),
        (lambda x, y: x - 4, -2.0, (1.0,), "x"),
        (lambda x, y: 4 - x, 2.0, (-1.0,), "x"),
        (lambda x, y: x * 4, 8.0, (4.0,), "x"),
        (lambda x, y: 4 * x, 8.0, (4.0,), "x"),
        (lambda x, y: x / 4, 0.5, (0.25,), "x"),
        (lambda x, y: 4 / x, 2.0, (-1.0,), "x"),
        (lambda x, y: x**3, 8.0, (12.0,), "x"),
        (lambda x, y: x**0, 1.0, (0.0,), "x"),
        (lambda x, y: x**-1, 0.5, (-0.25,), "x"),
        (lambda x, y: 3**x, 9.0, (9.0 * math.log(3.0),), "x"),
        (lambda x, y: -x, -2.0, (-1.0,), "x"),
        (lambda x, y: x.exp(), math.exp(2.0), (math.exp(2.0),), "x"),
        (lambda x, y: x.log(), math.log(2.0), (0.5,), "x"),
        (lambda x, y: x.tanh(), math.tanh(2.0), (1.0 - math.tanh(2.0) ** 2,), "x"),
        (lambda x, y: x.relu(), 2.0, (1.0,), "x"),
    ],
)
def test_forward_value_and_local_derivatives(make, value, local, parents):
    x, y = Value(2.0, "x"), Value(3.0, "y")
    out = make(x, y)
    assert out.data == pytest.approx(value, rel=1e-15)
    assert out.local_grads == pytest.approx(local, rel=1e-15)
    assert out.parents == tuple({"x": x, "y": y}[name] for name in parents)  # in operand order


def test_sigmoid_value_derivative_and_stability():
    # the oracle: σ and σ' = σ(1 − σ) of the exact x in sympy, to 50 correct digits (strict: sympy
    # raises rather than return fewer; maxn lets it work through the cancellation in 1 − σ at x = 800)
    for x in (-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0):
        s = Value(x).sigmoid()
        exact = 1 / (1 + sympy.exp(-sympy.Rational(x)))
        slope = exact * (1 - exact)
        assert s.data == pytest.approx(float(exact.evalf(50, strict=True)), rel=1e-15, abs=0.0)
        assert s.local_grads[0] == pytest.approx(
            float(slope.evalf(50, strict=True, maxn=2000)), rel=1e-15, abs=0.0
        )
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-800.0).sigmoid().data == 0.0


def test_relu_subgradient_at_zero_is_zero():
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)
    z = Value(-1.0)
    z.relu().backward()
    assert z.grad == 0.0


def test_gradients_are_floats_and_start_at_zero():
    x = Value(3)
    assert type(x.data) is float and x.data == 3.0
    assert type(x.grad) is float and x.grad == 0.0
    (x * 2).backward()
    assert type(x.grad) is float


def test_accepts_real_numbers():
    assert Value(True).data == 1.0
    assert Value(Fraction(1, 4)).data == 0.25


# ---- the graph -----------------------------------------------------------------------
def test_parents_keep_order_and_duplicates():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    sq = a * a
    assert sq.parents == (a, a)
    assert sq.local_grads == (2.0, 2.0)
    assert (b - a).parents == (b, a)
    assert sq.op == "*" and a.op == "" and a.is_leaf and not sq.is_leaf


def test_micrograd_style_prev_and_backward_step():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    assert c._prev == {a, b}
    assert c._op == "*"
    c.grad = 1.0
    c._backward()  # one application of the chain rule, as in the lecture
    assert grads(a, b) == (-3.0, 2.0)


def test_topological_order_puts_parents_first():
    a, b = Value(1.0), Value(2.0)
    c = a + b
    d = c * a
    e = d + c
    order = topological_order(e)
    assert order[-1] is e
    pos = {node: i for i, node in enumerate(order)}
    for node in order:
        for p in node.parents:
            assert pos[p] < pos[node]
    assert len(order) == 5
    assert order == topological_order(e)  # deterministic


def test_graph_stats():
    a = Value(1.0)
    b = a * a
    c = b + a
    stats = graph_stats(c)
    assert (stats.nodes, stats.edges, stats.leaves, stats.depth) == (3, 4, 1, 2)


# ---- backward semantics ------------------------------------------------------------------
def test_f_equals_wx_plus_b():
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = w * x + b
    f.backward()
    assert f.data == 7.0
    assert grads(w, x, b, f) == (3.0, 2.0, 1.0, 1.0)


def test_reused_node_accumulates():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0


def test_square_and_difference_with_itself():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    a.grad = 0.0
    (a - a).backward()
    assert a.grad == 0.0
    a.grad = 0.0
    (a / a).backward()
    assert a.grad == 0.0


def test_second_backward_doubles_leaf_gradients_exactly():
    a, b = Value(-4.0), Value(2.0)
    x = (a * b + b**3).tanh() * a + (b - a).relu()
    x.backward()
    first = grads(a, b)
    inner = [n.grad for n in topological_order(x)]
    x.backward()
    assert grads(a, b) == (2 * first[0], 2 * first[1])
    # intermediate gradients are recomputed, not accumulated
    assert [n.grad for n in topological_order(x) if not n.is_leaf] == [
        g for n, g in zip(topological_order(x), inner) if not n.is_leaf
    ]


def test_explicit_seed():
    x = Value(2.0)
    y = x * x
    y.backward(seed=0.5)
    assert y.grad == 0.5 and x.grad == 2.0


def test_backward_on_a_leaf():
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0


def test_micrograd_readme_example():
    """micrograd's README example, unchanged, gives micrograd's printed numbers."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"
    first = grads(a, b)
    g.backward()  # micrograd gives a.grad = 1852.27 here; the right answer is twice 138.83
    assert grads(a, b) == (2 * first[0], 2 * first[1])


def test_builtin_sum_and_fused_sum():
    xs = [Value(float(i)) for i in range(1, 5)]
    s = sum(xs)
    s.backward()
    assert s.data == 10.0 and all(x.grad == 1.0 for x in xs)
    t = Value.sum([xs[0], xs[0], 2.5, xs[1]])
    assert t.data == 6.5 and t.parents == (xs[0], xs[0], xs[1]) and t.local_grads == (1.0, 1.0, 1.0)


def test_dot_is_one_node_with_local_derivatives():
    w = [Value(2.0), Value(-1.0)]
    x = [3.0, Value(4.0)]
    b = Value(0.5)
    out = Value.dot(w, x, b)
    assert out.data == 2.0 * 3.0 - 4.0 + 0.5
    assert out.parents == (w[0], w[1], x[1], b)
    assert out.local_grads == (3.0, 4.0, -1.0, 1.0)
    out.backward()
    assert grads(w[0], w[1], x[1], b) == (3.0, 4.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="dot: 2 weights but 1 inputs"):
        Value.dot(w, [1.0])


def test_dot_with_every_operand_a_value_has_2n_plus_1_edges_and_refuses_bad_operands():
    w, x, b = [Value(0.5), Value(-2.0)], [Value(4.0), Value(1.5)], Value(0.25)
    out = Value.dot(w, x, b)
    assert out.op == "dot" and out.data == 0.25 + 0.5 * 4.0 - 2.0 * 1.5
    assert out.parents == (*w, *x, b) and out.local_grads == (4.0, 1.5, 0.5, -2.0, 1.0)
    assert Value.dot([2.0], [3.0]).parents == ()  # all constants: a constant result
    with pytest.raises(TypeError, match="dot: expected a real number, got str"):
        Value.dot(w, [Value(1.0), "2"])
    with pytest.raises(ValueError, match="finite"):
        Value.dot(w, x, float("nan"))


def test_affine_is_one_dot_node_per_row_identical_to_dot():
    rows = [[Value(0.5), Value(-1.0), 2.0], [Value(1.5), Value(0.25), Value(-0.75)]]
    biases = [Value(0.1), 0.3]
    for inputs in ([Value(1.0), Value(2.0), Value(-3.0)], [1.0, 2.0, -3.0], [Value(1.0), 2.0, Value(-3.0)]):
        outs = Value.affine(rows, inputs, biases)
        dots = [Value.dot(w, inputs, b) for w, b in zip(rows, biases)]
        assert [(o.op, o.data, o.parents, o.local_grads) for o in outs] == [
            (d.op, d.data, d.parents, d.local_grads) for d in dots
        ]
    with pytest.raises(ValueError, match="affine: 2 weight rows but 1 biases"):
        Value.affine(rows, inputs, biases[:1])
    with pytest.raises(ValueError, match="dot: 3 weights but 2 inputs"):
        Value.affine(rows, inputs[:2], biases)


def test_chain_of_a_million_ops_has_no_recursion_error():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert y.data == 1_000_001.0
    assert x.grad == 1.0
    del y  # freeing the chain node by node must not recurse a million deep either


def test_compiled_nodes_are_not_tracked_by_the_cyclic_collector():
    """Compiled, no node is tracked (a graph has no cycles: reference counting frees it); run as
    Python, every node is, as any Python object."""
    import gc

    import autograd

    x = Value(2.0)
    nodes = [x, x * x, x + 1.0, 2.0 - x, x.tanh(), Value.sum([x, x]), Value.dot([x], [x])]
    with no_grad():
        nodes.append(x * 3.0)
    assert [gc.is_tracked(n) for n in nodes] == [not autograd.COMPILED] * len(nodes)
    fused = Value.dot([x, x], [1.0, Value(4.0)], x)  # a fused node's tuples too (a constant among them)
    held = [fused.parents, fused.local_grads, fused.operands, nodes[5].parents]
    assert not autograd.COMPILED or not any(map(gc.is_tracked, held))


def test_wide_shared_graph_depth():
    x = Value(0.5)
    y = x
    for _ in range(200_000):
        y = y * 1.0 + x * 0.0  # every node depends on x twice: deep and shared
    y.backward()
    assert x.grad == 1.0


# ---- no_grad -------------------------------------------------------------------------------
def test_no_grad_records_no_graph_and_restores():
    w = Value(2.0)
    with no_grad():
        y = (w * 3.0).tanh()
        assert y.is_leaf and y.parents == ()
    assert not (w * 3.0).is_leaf
    y.backward()
    assert w.grad == 0.0


def test_no_grad_restores_after_exception():
    w = Value(2.0)
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("boom")
    assert (w * 2).parents == (w,)


# ---- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, [1.0], object()])
def test_non_numbers_raise_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", [12345, None, b"x", ("a",)])
def test_a_label_that_is_not_a_string_is_refused_at_once(bad):
    with pytest.raises(TypeError, match=f"Value: label must be a str, got {type(bad).__name__}"):
        Value(1.0, bad)
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=bad)
    node = Value(1.0, "a") * 2.0  # set afterwards, as the lecture labels its nodes: the same check
    with pytest.raises(TypeError, match=f"Value: label must be a str, got {type(bad).__name__}"):
        node.label = bad
    assert node.label == ""
    node.label = "e"
    assert node.label == "e" and repr(node) == "Value(data=2.0, grad=0.0, label='e')"


def test_numpy_bools_are_taken_as_bools_are():
    np = pytest.importorskip("numpy", reason="numpy is an optional extra")
    assert (
        [Value(np.True_).data, Value(np.False_).data] == [Value(True).data, Value(False).data] == [1.0, 0.0]
    )
    assert (Value(2.0) * np.True_).data == 2.0


@pytest.mark.parametrize("bad", ["x", None, 1j])
def test_ops_with_non_numbers_raise_type_error(bad):
    x = Value(1.0)
    for op in (lambda: x + bad, lambda: x * bad, lambda: x - bad, lambda: x / bad, lambda: x**bad):
        with pytest.raises(TypeError, match=type(bad).__name__):
            op()


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_inputs_are_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) * bad


def test_ints_too_large_for_a_float_are_refused_by_name():
    with pytest.raises(ValueError, match=r"Value: 1000000\d+ is too large for a float"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"\*: 1000000\d+ is too large for a float"):
        Value(1.0) * 10**400


@given(st.floats(min_value=-1e150, max_value=1e150))
def test_square_is_the_general_power_rule_at_n_2(x):
    """x ** 2 skips the general power rule (x**2.0, 2x); it must agree with xⁿ, n·xⁿ⁻¹ at n = 2."""
    for n in (2, 2.0):
        y = Value(x) ** n
        assert (y.op, y.data, y.local_grads) == ("**2", x**2.0, (2.0 * x**1.0,))


def test_square_overflow_names_the_op_and_value():
    with pytest.raises(OverflowError, match=r"\*\*: overflow computing 1e\+200 \*\* 2\.0"):
        Value(1e200) ** 2


@pytest.mark.parametrize(
    ("compute", "error", "message"),
    [
        (lambda: Value(0.0).log(), DomainError, r"log: undefined at x = 0\.0"),
        (lambda: Value(-2.0).log(), DomainError, r"log: undefined at x = -2\.0"),
        (lambda: Value(3.0) / Value(0.0), ZeroDivisionError, r"/: division by zero \(3\.0 / 0\.0\)"),
        (lambda: Value(3.0) / 0, ZeroDivisionError, r"/: division by zero \(3\.0 / 0\.0\)"),
        (lambda: 3 / Value(0.0), ZeroDivisionError, r"/: division by zero \(3\.0 / 0\.0\)"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"\*\*: 0\.0 \*\* -1\.0"),
        (lambda: Value(-8.0) ** (1 / 3), DomainError, r"negative base -8\.0 to the non-integer power"),
        (lambda: Value(0.0) ** 0.5, DomainError, r"derivative of x \*\* 0\.5 at x = 0\.0 is infinite"),
        (lambda: Value(-2.0) ** Value(2.0), DomainError, r"base -2\.0 \*\* Value exponent 2\.0"),
        (lambda: (-2) ** Value(2.0), DomainError, r"negative base -2\.0"),
        (lambda: 0 ** Value(-1.0), ZeroDivisionError, r"0\.0 \*\* -1\.0"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp: overflow at x = 1000\.0"),
        (lambda: Value(10.0) ** 400, OverflowError, r"\*\*: overflow computing 10\.0 \*\* 400\.0"),
    ],
)
def test_domain_errors_name_the_op_and_value(compute, error, message):
    with pytest.raises(error, match=message):
        compute()


def test_domain_error_is_a_value_error():
    assert issubclass(DomainError, ValueError)


def test_negative_base_integer_power_is_fine():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)
    assert isinstance(y.data, float)


def test_zero_to_a_positive_value_power():
    x = Value(2.0)
    y = 0**x
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)


def test_repr():
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(2.0, "w")) == "Value(data=2.0, grad=0.0, label='w')"


def test_division_by_a_tiny_number_follows_ieee_instead_of_a_bare_error():
    # y·y underflows to 0.0 for |y| < 1e-162: the derivative is computed as −out/y instead
    q = Value(1.0) / Value(1e-200)
    assert q.data == 1e200 and q.local_grads == (1e200, -math.inf)
    r = 1.0 / Value(1e-200)
    assert r.data == 1e200 and r.local_grads == (-math.inf,)
    s = Value(3.0) / Value(-2.0)
    assert s.local_grads == (-0.5, -0.75)  # 1/y and −x/y² = −3/4


# ---- the op record: which row of the op table made a node, and its operands --------------------
def test_every_node_records_its_op_and_operands_with_constants_in_place():
    x, y = Value(2.0, "x"), Value(3.0, "y")
    cases = {
        x * y: ("mul", (x, y), "*"),
        x * 3.0: ("mul", (x, 3.0), "*"),
        3.0 * x: ("mul", (x, 3.0), "*"),  # commutative: the constant is stored second
        2.0 - x: ("sub", (2.0, x), "-"),
        x - 2.0: ("sub", (x, 2.0), "-"),
        1.0 / x: ("div", (1.0, x), "/"),
        x**y: ("pow", (x, y), "**"),
        x**3: ("power", (x, 3.0), "**3"),
        x**-0.5: ("power", (x, -0.5), "**-0.5"),
        2**x: ("exponential", (2.0, x), "2**"),
        0**x: ("exponential", (0.0, x), "0**"),
        -x: ("neg", (x,), "neg"),
        x.tanh(): ("tanh", (x,), "tanh"),
        Value.sum([x, 2.5]): ("sum", (x, 2.5), "sum"),
        Value.dot([x], [3.0], 1.0): ("dot", (x, 3.0, 1.0), "dot"),
        Value.dot([x, y], [y, x], x): ("dot", (x, y, y, x, x), "dot"),
    }
    for node, (name, operands, op) in cases.items():
        assert (node.operator.name, node.operands, node.op, node._op) == (name, operands, op, op)
        assert node.parents == tuple(o for o in operands if isinstance(o, Value))  # in order, with repeats
        assert len(node.local_grads) == len(node.parents)
    assert (x.operator.name, x.operands, x.op, x.parents, x.local_grads) == ("leaf", (), "", (), ())


def test_no_grad_results_are_leaves():
    x = Value(2.0)
    with no_grad():
        y, z = x * 3.0, Value.sum([x, x])
    assert y.is_leaf and z.is_leaf and y.operands == () and (y.data, z.data) == (6.0, 4.0)


def test_a_binary_node_is_one_object_without_tuples():
    """A compact node keeps its parents and local derivatives in slots: one object (no tuple, and
    no dictionary until an attribute of the user's is set)."""
    import gc

    x, y = Value(2.0), Value(3.0)
    z = x * y
    assert not any(isinstance(r, (tuple, dict)) for r in gc.get_referents(z))


def test_copied_and_pickled_graphs_keep_their_ops_and_give_the_same_gradients():
    """`copy.deepcopy(model)` (keeping the best model while training) and pickle: a copied node
    has the table's own row, so leaves stay leaves and backward accumulates into them alike."""
    import copy
    import pickle

    from autograd.engine.ops import OPS

    w, x, b = Value(2.0, "w"), Value(-1.5, "x"), Value(0.5, "b")
    f = ((w * x + b).tanh() * w - 3.0) ** 2 + Value.dot([w, x], [x, 2.0], b)
    for copied in (copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        originals, copies = topological_order(f), topological_order(copied)
        assert [n.data for n in copies] == [n.data for n in originals]
        assert [n.operator for n in copies] == [n.operator for n in originals]
        assert all(n.operator is OPS[n.operator.name] for n in copies)
        assert [n.is_leaf for n in copies] == [n.is_leaf for n in originals]
        assert not any(c is o for c, o in zip(copies, originals))
        f.backward()
        copied.backward()
        assert [n.grad for n in copies] == [n.grad for n in originals]
        for leaf in (w, x, b):
            leaf.grad = 0.0


def test_a_pickled_node_of_an_op_not_defined_in_this_process_is_refused_by_name():
    from autograd.engine.ops import row_named

    with pytest.raises(ValueError, match=r"no op named 'not_an_op'.*define_op"):
        row_named("not_an_op")


def test_no_grad_as_a_decorator_records_no_graph_inside_only():
    """`@no_grad()`, as PyTorch users write it on an evaluation function."""
    from autograd import is_grad_enabled

    @no_grad()
    def evaluate(w: Value, x: float) -> tuple[Value, bool]:
        """Evaluate w·x."""
        return w * x, is_grad_enabled()

    w = Value(3.0)
    out, enabled = evaluate(w, 2.0)
    assert (out.data, out.is_leaf, enabled) == (6.0, True, False)
    assert is_grad_enabled() and not (w * 2.0).is_leaf
    assert (evaluate.__name__, evaluate.__doc__) == ("evaluate", "Evaluate w·x.")
    block = no_grad()
    with block, block:  # one object entered twice, left twice
        assert not is_grad_enabled()
    assert is_grad_enabled()


@pytest.mark.parametrize("number", [2, True, Fraction(1, 4), 2.5])
def test_data_set_to_any_real_number_is_kept_as_a_float_and_every_op_runs_on_it(number):
    """`w.data = 2` (an int, as a student types it): every op's rule runs on the float, on both
    engines (run as Python the int used to reach the rules, and tanh's said 'int' has no 'tanh')."""
    v = Value(1.0)
    v.data = number
    assert type(v.data) is float and v.data == float(number)
    x = float(number)
    assert [v.tanh().data, v.exp().data, v.sigmoid().data, v.relu().data, (v * v).data] == [
        math.tanh(x),
        math.exp(x),
        1.0 / (1.0 + math.exp(-x)),
        max(x, 0.0),
        x * x,
    ]


@pytest.mark.parametrize("bad", ["2.0", None, [1.0], 1 + 2j])
def test_data_set_to_a_non_number_is_refused_naming_it_and_keeps_the_old_value(bad):
    v = Value(3.0)
    with pytest.raises(TypeError, match=f"Value.data: expected a real number, got {type(bad).__name__}"):
        v.data = bad
    assert v.data == 3.0


def test_data_set_to_nan_or_infinity_is_kept_as_a_diverging_optimizer_leaves_it():
    v = Value(1.0)
    v.data = float("inf")
    assert v.data == float("inf")
    v.data -= float("inf")
    assert math.isnan(v.data)
