"""nn.losses: every loss against closed forms and central differences."""

import json
import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value
from autograd.engine.check import central_difference
from nn import (
    MLP,
    accuracy,
    bce_with_logits,
    fit,
    half_squared_error,
    hinge,
    l2,
    losses,
    make_moons,
    mse,
    predict,
    signed,
    softmax_cross_entropy,
    sse,
)
from nn.losses import argmax, command_line_losses, record_of
from stepgrad.cli import main

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
    assume(pairs)
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


def test_every_loss_has_exactly_one_record():
    functions = [record.function for record in losses.LOSSES]
    not_losses = {"l2", "argmax", "LossRecord", "LOSSES", "record_of", "command_line_losses"}
    assert sorted(f.__name__ for f in functions) == sorted(set(losses.__all__) - not_losses)
    assert len(set(functions)) == len(functions)
    assert list(command_line_losses()) == ["hinge", "bce", "mse", "softmax"]
    assert all(record_of(f) is r for f, r in zip(functions, losses.LOSSES))


def test_the_records_hold_each_losss_labels_and_predictions():
    score, logits = Value(0.3), [Value(0.2), Value(1.5), Value(1.5)]
    assert record_of(hinge).predict(score) == 1 and record_of(hinge).predict(-score) == -1
    assert record_of(bce_with_logits).predict(score) == 1 and record_of(bce_with_logits).predict(-score) == 0
    assert record_of(softmax_cross_entropy).predict(logits) == 1  # the first of a tie
    assert record_of(mse).predict(score) == 0.3 and record_of(sse).predict(logits) == [0.2, 1.5, 1.5]
    assert [record_of(f).classify is None for f in (mse, sse, half_squared_error)] == [True] * 3
    with pytest.raises(ValueError, match=r"^bce_with_logits expects labels 0 or 1, got -1$"):
        record_of(bce_with_logits).check_labels([0, 1, -1])
    with pytest.raises(ValueError, match=r"^softmax_cross_entropy expects labels class ids 0..k−1, got 1.5$"):
        record_of(softmax_cross_entropy).check_labels([0, 1.5])
    record_of(mse).check_labels([0.25, -7.0])  # a regression loss takes any numbers
    assert record_of(hinge).from_classes([0, 1]) == [-1.0, 1.0] and record_of(bce_with_logits).from_classes(
        (0, 1)
    ) == [0, 1]
    assert [r.per_class for r in command_line_losses().values()] == [False, False, False, True]


def test_a_loss_of_ones_own_gets_a_plain_record():
    def absolute_error(outputs, targets):
        return Value.sum((o - t).relu() + (t - o).relu() for o, t in zip(outputs, targets))

    record = record_of(absolute_error)
    assert (record.name, record.cli_name, record.classify, record.per_class) == (
        "absolute_error",
        None,
        None,
        False,
    )
    record.check_labels(["anything"])


@pytest.mark.parametrize(
    "logits", [[0.0], [3.0, -1.0], [-1.0, 2.0, 2.0, 0.5], [1.0, 1.0, 1.0], [-5.0, -4.0, -6.0]]
)
def test_argmax_is_the_first_largest(logits):
    assert argmax([Value(z) for z in logits]) == logits.index(max(logits))
    assert argmax([Value(z) for z in logits]) == min(i for i, z in enumerate(logits) if z == max(logits))


def test_a_new_loss_is_its_function_and_its_record(monkeypatch, tmp_path, capsys):
    """Adding a record to `LOSSES` is all fit, accuracy, predict and `stepgrad train` need."""

    def squared_hinge(scores, labels):
        """mean of max(0, 1 − y·s)²."""
        terms = [(1.0 - s * y).relu() ** 2 for s, y in zip(scores, labels)]
        return Value.sum(terms) * (1.0 / len(terms))

    new = losses.LossRecord(
        squared_hinge,
        cli_name="squared-hinge",
        labels="±1",
        accepts=lambda t: t in (-1, 1),
        classify=lambda s: 1 if s.data > 0.0 else -1,
        from_classes=signed,
    )
    monkeypatch.setattr(losses, "LOSSES", (*losses.LOSSES, new))
    assert record_of(squared_hinge) is new and "squared-hinge" in command_line_losses()
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], rng=random.Random(0))
    with pytest.raises(ValueError, match="squared_hinge expects labels ±1, got 0"):
        fit(model, X, y, loss=squared_hinge, epochs=1, progress=False)
    history = fit(model, X, signed(y), loss=squared_hinge, epochs=3, progress=False)
    assert all(a is not None for a in history.accuracy)  # a classifier's record: accuracy is kept
    scores = [model(x).data for x in X]
    expected = sum((s > 0.0) == (t > 0.0) for s, t in zip(scores, signed(y))) / len(X)
    assert accuracy([model(x) for x in X], signed(y), squared_hinge) == expected
    assert set(predict(model, X, squared_hinge)) <= {-1, 1}
    argv = ["train", "moons", "--loss", "squared-hinge", "--samples", "20", "--epochs", "2", "--quiet"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "squared-hinge loss" in out and "accuracy" in out
    assert json.loads((tmp_path / "model.json").read_text())["metadata"]["loss"] == "squared-hinge"
