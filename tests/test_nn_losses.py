"""nn.losses: every loss against closed forms and central differences."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.check import central_difference
from nn import MLP, bce_with_logits, half_squared_error, hinge, l2, mse, softmax_cross_entropy, sse

finite = st.floats(-5.0, 5.0)


def _check_gradients(loss_of_values, xs, tol=1e-6):
    """Gradients of loss_of_values(Values) equal central differences of the float function."""
    values = [Value(x) for x in xs]
    out = loss_of_values(values)
    out.backward()

    def f(*floats):
        return loss_of_values([Value(x) for x in floats]).data

    for i, v in enumerate(values):
        assert v.grad == pytest.approx(central_difference(f, xs, i), abs=tol, rel=1e-5)
    return out


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=5))
def test_squared_error_losses(pairs):
    outputs, targets = [a for a, _ in pairs], [t for _, t in pairs]
    squares = [(a - t) ** 2 for a, t in pairs]
    out = _check_gradients(lambda vs: sse(vs, targets), outputs)
    assert out.data == pytest.approx(sum(squares))
    assert mse([Value(a) for a in outputs], targets).data == pytest.approx(sum(squares) / len(pairs))
    assert half_squared_error([Value(a) for a in outputs], targets).data == pytest.approx(sum(squares) / 2)
    _check_gradients(lambda vs: mse(vs, targets), outputs)
    values = [Value(a) for a in outputs]
    half_squared_error(values, targets).backward()
    assert [v.grad for v in values] == pytest.approx([a - t for a, t in pairs])  # ∂½(y − t)²/∂y = y − t


def test_squared_errors_accept_a_single_value_and_multi_output_rows():
    assert half_squared_error(Value(3.0), 1.0).data == 2.0
    rows = [[Value(1.0), Value(2.0)], [Value(0.0), Value(-1.0)]]
    assert sse(rows, [[0.0, 0.0], [1.0, 1.0]]).data == 1 + 4 + 1 + 4
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        sse([Value(1.0), Value(2.0)], [1.0])


@given(st.lists(st.tuples(st.floats(-30.0, 30.0), st.sampled_from([0, 1])), min_size=1, max_size=5))
def test_bce_with_logits_closed_form_and_gradient(pairs):
    logits, labels = [z for z, _ in pairs], [y for _, y in pairs]
    out = _check_gradients(lambda vs: bce_with_logits(vs, labels), logits, tol=1e-5)

    def exact(z, y):  # −[y ln σ(z) + (1 − y) ln(1 − σ(z))], via log1p for accuracy
        return math.log1p(math.exp(-z)) if y == 1 else math.log1p(math.exp(z))

    assert out.data == pytest.approx(sum(exact(z, y) for z, y in pairs) / len(pairs), rel=1e-12, abs=1e-12)
    values = [Value(z) for z in logits]
    bce_with_logits(values, labels).backward()
    sigmoid = [1.0 / (1.0 + math.exp(-z)) for z in logits]
    assert [v.grad for v in values] == pytest.approx([(s - y) / len(pairs) for s, y in zip(sigmoid, labels)])


def test_bce_with_logits_is_stable_for_huge_logits():
    assert bce_with_logits(Value(800.0), 1).data == 0.0
    assert bce_with_logits(Value(-800.0), 1).data == pytest.approx(800.0)
    z = Value(-800.0)
    bce_with_logits(z, 1).backward()
    assert z.grad == pytest.approx(-1.0)


@given(st.lists(st.tuples(finite, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=6))
def test_hinge_is_micrograds_max_margin_loss(pairs):
    pairs = [(s, y) for s, y in pairs if abs(1 - s * y) > 1e-3]  # away from the kink
    if not pairs:
        return
    scores, labels = [s for s, _ in pairs], [y for _, y in pairs]
    out = _check_gradients(lambda vs: hinge(vs, labels), scores)
    assert out.data == pytest.approx(sum(max(0.0, 1.0 - y * s) for s, y in pairs) / len(pairs))


@given(st.lists(finite, min_size=2, max_size=5), st.data())
def test_softmax_cross_entropy_closed_form_and_gradient(logits, data):
    c = data.draw(st.integers(0, len(logits) - 1))
    out = _check_gradients(lambda vs: softmax_cross_entropy(vs, c), logits)
    total = sum(math.exp(z) for z in logits)
    assert out.data == pytest.approx(-math.log(math.exp(logits[c]) / total))
    values = [Value(z) for z in logits]
    softmax_cross_entropy(values, c).backward()  # ∂/∂zⱼ = softmax(z)ⱼ − [j = c]
    assert [v.grad for v in values] == pytest.approx(
        [math.exp(z) / total - (j == c) for j, z in enumerate(logits)], abs=1e-12
    )


def test_softmax_cross_entropy_batches_and_large_logits():
    batch = [[Value(1000.0), Value(0.0)], [Value(0.0), Value(1000.0)]]
    assert softmax_cross_entropy(batch, [0, 1]).data == 0.0
    assert softmax_cross_entropy(batch, [1, 1]).data == pytest.approx(500.0)
    with pytest.raises(ValueError, match="class id 2"):
        softmax_cross_entropy([Value(0.0), Value(1.0)], 2)


@given(st.lists(finite, min_size=1, max_size=6), st.floats(0.0, 2.0))
def test_l2_closed_form_and_gradient(ws, lam):
    out = _check_gradients(lambda vs: l2(vs, lam), ws)
    assert out.data == pytest.approx(lam / 2 * sum(w * w for w in ws))


def test_l2_can_exclude_biases():
    model = MLP(2, [2, 1])
    for p in model.parameters():
        p.data = 1.0
    assert l2(model, 2.0).data == 9.0  # 9 parameters, (2/2)·Σ1
    assert l2(model, 2.0, biases=False).data == 6.0
    l2(model, 2.0, biases=False).backward()
    assert [p.grad for n, p in model.named_parameters() if n.endswith(".b")] == [0.0, 0.0, 0.0]
    with pytest.raises(TypeError, match="needs a Module"):
        l2(model.parameters(), 1.0, biases=False)
