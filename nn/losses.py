"""Loss functions and L2 regularization on `Value`s.

Each loss takes the model's outputs and the targets and returns one `Value` to
call `backward()` on. Outputs are a `Value` or a list of Values (one per example,
for single-output models, as `model(x)` returns them); softmax cross-entropy takes
one list of logits per example. Label conventions:

    hinge                   labels ±1           predict sign(score)
    bce_with_logits         labels 0 / 1        predict 1 when z > 0
    softmax_cross_entropy   class ids 0..k−1    predict argmax
    mse, sse, half_squared_error   any real targets
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd.engine import Value

__all__ = ["mse", "sse", "half_squared_error", "bce_with_logits", "hinge", "softmax_cross_entropy", "l2"]

Outputs = Value | Sequence[Value] | Sequence[Sequence[Value]]
Targets = float | Sequence[float] | Sequence[Sequence[float]]


def _pairs(outputs: Outputs, targets: Targets) -> list[tuple[Value, float]]:
    """Flatten outputs and targets (scalar, list, or list of lists) into matching pairs."""
    if isinstance(outputs, Value):
        outputs, targets = [outputs], [targets]  # type: ignore[list-item]
    outputs, targets = list(outputs), list(targets)  # type: ignore[arg-type]
    if len(outputs) != len(targets):
        raise ValueError(f"{len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError("a loss needs at least one output")
    pairs: list[tuple[Value, float]] = []
    for out, target in zip(outputs, targets):
        if isinstance(out, Value):
            pairs.append((out, target))  # type: ignore[arg-type]
        else:
            pairs.extend(_pairs(out, target))  # type: ignore[arg-type]
    return pairs


def _squared_errors(outputs: Outputs, targets: Targets) -> list[Value]:
    return [(a - y) ** 2 for a, y in _pairs(outputs, targets)]


def sse(outputs: Outputs, targets: Targets) -> Value:
    """Sum of squared errors E = Σᵢ (aᵢ − yᵢ)²."""
    return Value.sum(_squared_errors(outputs, targets))


def mse(outputs: Outputs, targets: Targets) -> Value:
    """Mean squared error (1/n) Σᵢ (aᵢ − yᵢ)² over all n output/target pairs."""
    errors = _squared_errors(outputs, targets)
    return Value.sum(errors) * (1.0 / len(errors))


def half_squared_error(outputs: Outputs, targets: Targets) -> Value:
    """½ Σᵢ (yᵢ − tᵢ)², the lecture's L = ½(y − t)² (∂L/∂y = y − t)."""
    return Value.sum(_squared_errors(outputs, targets)) * 0.5


def _mean(terms: list[Value]) -> Value:
    return Value.sum(terms) * (1.0 / len(terms))


def bce_with_logits(logits: Value | Sequence[Value], labels: float | Sequence[float]) -> Value:
    """Binary cross-entropy of σ(z) against y ∈ {0, 1}, averaged over examples.

    −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = max(z, 0) − z·y + ln(1 + e^−|z|): stable for
    any z (e^−|z| ≤ 1 never overflows). ∂/∂z = σ(z) − y.
    """
    terms = []
    for z, y in _pairs(logits, labels):  # type: ignore[arg-type]
        if z.data >= 0.0:  # max(z, 0) = z, |z| = z
            terms.append(z - z * y + ((-z).exp() + 1.0).log())
        else:  # max(z, 0) = 0, |z| = −z
            terms.append((z.exp() + 1.0).log() - z * y)
    return _mean(terms)


def hinge(scores: Value | Sequence[Value], labels: float | Sequence[float]) -> Value:
    """Max-margin loss of micrograd's demo: mean of max(0, 1 − yᵢ·sᵢ) with yᵢ = ±1."""
    return _mean([(1.0 - s * y).relu() for s, y in _pairs(scores, labels)])  # type: ignore[arg-type]


def softmax_cross_entropy(
    logits: Sequence[Value] | Sequence[Sequence[Value]], classes: int | Sequence[int]
) -> Value:
    """−ln softmax(z)_c = ln Σⱼ e^(zⱼ − m) − (z_c − m), averaged over examples.

    One list of logits and a class id, or a list of them and a list of ids. The
    maximum m = maxⱼ zⱼ is a constant (it cancels), so no exponential overflows.
    """
    if logits and isinstance(logits[0], Value):
        logits, classes = [logits], [classes]  # type: ignore[list-item]
    if isinstance(classes, int):
        raise TypeError("softmax_cross_entropy: give one class id per example")
    if len(logits) != len(classes) or not logits:
        raise ValueError(f"{len(logits)} examples of logits but {len(classes)} class ids")
    terms = []
    for z, c in zip(logits, classes):
        z = list(z)  # type: ignore[arg-type]
        if not isinstance(c, int) or isinstance(c, bool) or not 0 <= c < len(z):
            raise ValueError(f"softmax_cross_entropy: class id {c!r} is not in 0..{len(z) - 1}")
        m = max(zj.data for zj in z)
        terms.append(Value.sum((zj - m).exp() for zj in z).log() - (z[c] - m))
    return _mean(terms)


def l2(parameters: Iterable[Value] | object, lam: float, *, biases: bool = True) -> Value:
    """(λ/2) Σ w² over the parameters; ∂/∂w = λw.

    `parameters` is a Module or an iterable of Values. `biases=False` leaves out
    the biases (parameters whose dotted name ends in 'b'), which needs a Module.
    micrograd's demo regularizer α·Σp² (biases included) is `l2(model, 2 * α)`.
    """
    named = getattr(parameters, "named_parameters", None)
    if named is not None and biases:
        params = parameters.parameters()  # type: ignore[attr-defined]
    elif named is not None:
        params = [p for name, p in named() if name.rsplit(".", 1)[-1] != "b"]
    elif not biases:
        raise TypeError("l2(biases=False) needs a Module (its parameter names tell weights from biases)")
    else:
        params = list(parameters)  # type: ignore[call-overload]
    return Value.dot(params, params) * (0.5 * lam)
