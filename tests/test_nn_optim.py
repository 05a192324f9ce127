"""nn.optim: each update rule and schedule against hand-computed values."""

import math

import pytest

from autograd import Value
from nn import SGD, Adam, Constant, LinearDecay, StepDecay


def _param(data, grad):
    p = Value(data)
    p.grad = grad
    return p


def test_plain_sgd_step():
    p = _param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5)


def test_sgd_momentum_and_weight_decay_by_hand():
    p = _param(2.0, 1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step()  # g = 1 + 0.01·2 = 1.02; v = 1.02; w = 2 − 0.102 = 1.898
    assert p.data == pytest.approx(1.898)
    p.grad = 1.0
    opt.step()  # g = 1 + 0.01·1.898 = 1.01898; v = 0.9·1.02 + 1.01898 = 1.93698; w = 1.898 − 0.193698
    assert p.data == pytest.approx(1.898 - 0.193698)
    assert opt.steps == 2


def test_adam_first_two_steps_by_hand():
    p = _param(1.0, 2.0)
    opt = Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    opt.step()  # m̂ = g, v̂ = g²: the first step is lr·sign(g) (up to ε)
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8))
    first = p.data
    p.grad = -1.0
    opt.step()
    m = 0.9 * 0.2 + 0.1 * -1.0
    v = 0.999 * 0.004 + 0.001 * 1.0
    expected = first - 0.1 * (m / (1 - 0.81)) / (math.sqrt(v / (1 - 0.999**2)) + 1e-8)
    assert p.data == pytest.approx(expected, rel=1e-12)


def test_zero_grad_and_module_parameters():
    from nn import MLP

    model = MLP(2, [2, 1])
    model([1.0, 1.0]).backward()
    opt = SGD(model)
    assert opt.params == model.parameters()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_schedules():
    micrograd = LinearDecay(1.0, 0.1, 100)
    assert [micrograd(k) for k in (0, 50, 99)] == pytest.approx([1.0 - 0.9 * k / 100 for k in (0, 50, 99)])
    assert micrograd(100) == micrograd(1000) == pytest.approx(0.1)
    assert Constant(0.3)(12) == 0.3
    halve = StepDecay(1.0, 0.5, 10)
    assert [halve(k) for k in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]


def test_optimizer_follows_its_schedule():
    p = _param(0.0, 1.0)
    opt = SGD([p], lr=StepDecay(1.0, 0.5, 1))
    lrs = []
    for _ in range(3):
        lrs.append(opt.lr)
        opt.step()
    assert lrs == [1.0, 0.5, 0.25]
    assert p.data == -1.75


def test_bad_optimizer_arguments():
    with pytest.raises(ValueError, match="no parameters"):
        SGD([])
    with pytest.raises(TypeError, match="needs Values"):
        SGD([1.0])
    with pytest.raises(ValueError, match="betas"):
        Adam([Value(1.0)], betas=(1.0, 0.9))
