"""Loss functions, their conventions, and L2 regularization on `Value`s.

Each loss takes the model's outputs and the targets and returns one `Value` to
call `backward()` on. Outputs are a `Value` or a list of Values (one per example,
for single-output models, as `model(x)` returns them); softmax cross-entropy takes
one list of logits per example.

Each loss has one `LossRecord` in `LOSSES`, the only place its conventions live
(`fit`, `accuracy`, `predict`, the plots and `stepgrad train` read them from there):

    hinge                   labels ±1           predict sign(score)    --loss hinge
    bce_with_logits         labels 0 / 1        predict 1 when z > 0   --loss bce
    softmax_cross_entropy   class ids 0..k−1    predict argmax         --loss softmax
    mse                     any real targets    (regression)           --loss mse
    sse, half_squared_error any real targets    (regression)

A new loss is its function and its record here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from autograd.engine.value import Value
from nn.data import signed

__all__ = [
    "mse",
    "sse",
    "half_squared_error",
    "bce_with_logits",
    "hinge",
    "softmax_cross_entropy",
    "l2",
    "argmax",
    "LossRecord",
    "LOSSES",
    "record_of",
    "command_line_losses",
]

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


def argmax(outputs: Sequence[Value]) -> int:
    """The index of the largest output (the first one on a tie): the predicted class."""
    data = [v.data for v in outputs]
    return data.index(max(data))


@dataclass(frozen=True)
class LossRecord:
    """One loss and its conventions.

    function:      the loss, (outputs, targets) → Value.
    cli_name:      its name for `stepgrad train --loss` (None: not offered there).
    labels:        the labels it accepts, in words (None: any real numbers).
    accepts:       whether one label is one of those (None: every label is).
    classify:      one output → its predicted label (None: a regression loss, no accuracy).
    from_classes:  class ids 0..k−1 → this loss's targets (how `stepgrad train` converts labels).
    per_class:     the model has one output per class (else one output, two classes).
    """

    function: Callable[..., Value]
    cli_name: str | None = None
    labels: str | None = None
    accepts: Callable[[object], bool] | None = None
    classify: Callable[..., object] | None = None
    from_classes: Callable[[Sequence[int]], list] = list
    per_class: bool = False

    @property
    def name(self) -> str:
        """The loss function's name, as messages show it."""
        return self.function.__name__

    def check_labels(self, y: Sequence) -> None:
        """ValueError naming the first label this loss does not accept."""
        if self.accepts is not None:
            bad = [t for t in y if not self.accepts(t)]
            if bad:
                raise ValueError(f"{self.name} expects labels {self.labels}, got {bad[0]!r}")

    def predict(self, output: Value | Sequence[Value]) -> object:
        """The predicted label of one output; for a regression loss, the output's data."""
        if self.classify is not None:
            return self.classify(output)
        return output.data if isinstance(output, Value) else [v.data for v in output]


#: every loss's record; `stepgrad train --loss` offers them in this order
LOSSES: tuple[LossRecord, ...] = (
    LossRecord(
        hinge,
        cli_name="hinge",
        labels="±1 (use nn.data.signed(y))",
        accepts=lambda t: t in (-1, 1),
        classify=lambda score: 1 if score.data > 0.0 else -1,
        from_classes=signed,
    ),
    LossRecord(
        bce_with_logits,
        cli_name="bce",
        labels="0 or 1",
        accepts=lambda t: t in (0, 1),
        classify=lambda logit: int(logit.data > 0.0),
    ),
    LossRecord(mse, cli_name="mse", from_classes=signed),
    LossRecord(
        softmax_cross_entropy,
        cli_name="softmax",
        labels="class ids 0..k−1",
        accepts=lambda t: isinstance(t, int) and t >= 0,
        classify=argmax,
        per_class=True,
    ),
    LossRecord(sse),
    LossRecord(half_squared_error),
)


def record_of(loss: Callable[..., Value]) -> LossRecord:
    """The loss's record in `LOSSES`; a function of your own gets a plain one (any labels, no accuracy)."""
    for record in LOSSES:
        if record.function is loss:
            return record
    return LossRecord(loss)


def command_line_losses() -> dict[str, LossRecord]:
    """`stepgrad train --loss NAME` → the loss's record, in the order of `LOSSES`."""
    return {record.cli_name: record for record in LOSSES if record.cli_name is not None}
