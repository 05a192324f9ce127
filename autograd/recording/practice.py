"""Checking a learner's gradients: is an answer right, and which mistake is it?

Everything here reads a recorded backward pass (`autograd.recording.trace.Trace`) and does
no input or output, so the terminal quiz (`stepgrad quiz`) and a notebook ask the
same questions and give the same feedback:

    t = trace(root)
    session = Practice(t)                   # the questions, two tries each
    while not session.done:
        q = session.question                # q.prompt is 'w̅' (∂f/∂w), q.node the Value
        reply = session.answer(parse_answer(text_typed))
        reply.feedback                      # what to show; reply.reveal after the last try

Tolerance. An answer a to a question whose exact gradient is e is right when

    |a − e| ≤ ½ · 10^(⌊log₁₀|e|⌋ − 2)

— within half a unit in the third significant digit of e, so e rounded to 3 (or
more) significant digits is always right (0.999963 accepts 1, 1.00 and 0.99996;
-1.49994 accepts -1.5). When |e| < ZERO (1e-12, the round-off of a gradient that is
mathematically 0) e counts as 0 and the answer must be 0 too (|a| < ZERO).

Recognised mistakes (`Mistake`), tried in this order:
    FAN_OUT     the node is used several times and the answer is the term of one use
                (or the sum of some, not all): the fan-out sum was forgotten;
    LOCAL_ONLY  the answer is a local derivative ∂vⱼ/∂node (or their sum) without the
                upstream gradient v̅ⱼ it must be multiplied by;
    SIGN        the answer is −e;
    VALUE       the answer is the node's value (forward pass), not its gradient.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import TYPE_CHECKING

from autograd.notation.numbers import format_number, parse_number
from autograd.validation import check_positive_int

if TYPE_CHECKING:
    from autograd.engine.value import Value
    from autograd.recording.trace import Contribution, Trace

__all__ = [
    "SIGNIFICANT_DIGITS",
    "ZERO",
    "TRIES",
    "NotANumber",
    "parse_answer",
    "is_right",
    "Mistake",
    "Question",
    "Verdict",
    "questions",
    "diagnose",
    "check",
    "Reply",
    "Record",
    "Practice",
]

SIGNIFICANT_DIGITS = 3
ZERO = 1e-12  # |e| below this counts as an exact 0
TRIES = 2  # answers per question before the derivation is shown
_MAX_SUBSET_TERMS = 6  # FAN_OUT looks at partial sums of up to this many uses


class NotANumber(ValueError):
    """The text typed as an answer is not a number (it does not count as an answer)."""


_FRACTION = re.compile(r"^\s*([-+]?[0-9.eE+-]+)\s*/\s*([-+]?[0-9.eE+-]+)\s*$")


def parse_answer(text: str) -> float:
    """A finite number from what a learner typed: '3', '-0.5', '1e-3', '3/4', '-1/2'.

    Raises NotANumber with a message saying what is accepted.
    """
    stripped = text.strip()
    hint = "type a number such as 3, -0.5, 1e-3 or 3/4"
    if not stripped:
        raise NotANumber(f"no answer: {hint}")
    fraction = _FRACTION.match(stripped)
    try:
        parts = [parse_number(part) for part in (fraction.groups() if fraction else (stripped,))]
    except ValueError as exc:
        raise NotANumber(f"{exc}: {hint}") from None
    if len(parts) == 1:
        return parts[0]
    numerator, denominator = parts
    if denominator == 0.0:
        raise NotANumber(f"{stripped!r} divides by zero: {hint}")
    value = numerator / denominator
    if not math.isfinite(value):
        raise NotANumber(f"{stripped!r} is not a finite number: {hint}")
    return value


def is_right(answer: float, expected: float) -> bool:
    """Does `answer` agree with `expected` to SIGNIFICANT_DIGITS significant digits?

    |answer − expected| ≤ ½·10^(⌊log₁₀|expected|⌋ − 2); an expected value below ZERO in
    magnitude is 0 and needs |answer| < ZERO; an infinite one needs the same infinity.
    """
    if abs(expected) < ZERO:
        return abs(answer) < ZERO
    if not math.isfinite(expected):  # overflowed: only the same infinity agrees
        return answer == expected
    half_unit = 0.5 * 10.0 ** (math.floor(math.log10(abs(expected))) - (SIGNIFICANT_DIGITS - 1))
    return abs(answer - expected) <= half_unit * (1.0 + 1e-9)  # (1e-9: the float of the boundary)


class Mistake(StrEnum):
    """A recognisable wrong answer (the value is the name used in JSON)."""

    FAN_OUT = "fan-out"
    LOCAL_ONLY = "local-only"
    SIGN = "sign"
    VALUE = "value"


@dataclass(frozen=True)
class Question:
    """'w̅ = ?' (the gradient ∂root/∂w): the node, how to write the question, and the exact answer."""

    node: Value
    name: str  # the node's display name in the trace
    prompt: str  # 'w̅', the gradient in the stepper's notation
    expected: float


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer: right or not, the mistake if recognised, what to say."""

    correct: bool
    expected: float
    mistake: Mistake | None
    feedback: str


def questions(t: Trace) -> tuple[Question, ...]:
    """One question per node except the root (its gradient is the seed), in the order
    `backward()` finalizes the nodes: a node is final after the step of its last child,
    and nodes final after the same step come in the order that step reaches them."""
    asked: list[Question] = []
    seen = {t.root}
    for step in t.steps:
        for c in step.contributions:
            node = c.parent
            if node not in seen and t.final_after[node] == step.index:
                seen.add(node)
                asked.append(Question(node, t.names[node], _lhs(t, node), t.grads[node]))
    return tuple(asked)


def _lhs(t: Trace, node: Value) -> str:
    """'w̅': the question's left-hand side, the node's gradient."""
    return t.total(node)


def _terms(t: Trace, node: Value) -> list[tuple[Value, Contribution]]:
    """(child, edge) for every use of `node`, in the order backward() adds them."""
    return [(step.node, c) for step, c in t.terms(node)]


def diagnose(t: Trace, node: Value, answer: float) -> tuple[Mistake, str] | None:
    """The recognisable mistake behind a wrong `answer` for node's gradient, with an explanation;
    None if the answer is right or no mistake explains it."""
    expected = t.grads[node]
    if is_right(answer, expected):
        return None
    lhs, name = _lhs(t, node), t.names[node]
    terms = _terms(t, node)
    if len(terms) > 1:
        uses = f"{name} is used {len(terms)} times (by {_and(_child_names(t, terms))})"
        for size in range(1, min(len(terms), _MAX_SUBSET_TERMS + 1)):
            for subset in combinations(terms, size):
                partial_sum = math.fsum(c.contribution for _, c in subset)
                if is_right(answer, partial_sum):
                    kept = " + ".join(_term_text(t, child, node) for child, _ in subset)
                    return Mistake.FAN_OUT, (
                        f"That is only {kept} = {format_number(partial_sum)}. {uses}, so {lhs} sums "
                        f"one term per use: {_chain(t, node)}."
                    )
    for child, c in terms:
        upstream = t.grads[child]
        if not is_right(c.local, expected) and is_right(answer, c.local):
            return Mistake.LOCAL_ONLY, (
                f"That is the local derivative {t.partial(child, node)} = {format_number(c.local)} alone. "
                f"The chain rule multiplies it by the upstream gradient {_lhs(t, child)} = "
                f"{format_number(upstream)}."
            )
    if len(terms) > 1:
        total_local = math.fsum(c.local for _, c in terms)
        if not is_right(total_local, expected) and is_right(answer, total_local):
            return Mistake.LOCAL_ONLY, (
                f"That is the sum of the local derivatives alone. Each one is multiplied by its "
                f"upstream gradient: {_chain(t, node)}."
            )
    if abs(expected) >= ZERO and is_right(answer, -expected):
        return Mistake.SIGN, f"Right size, wrong sign: check the sign of each factor in {lhs}."
    if is_right(answer, node.data) and not is_right(node.data, expected):
        return Mistake.VALUE, (
            f"That is the value of {name} from the forward pass ({format_number(node.data)}), "
            f"not its gradient {lhs}."
        )
    return None


def check(t: Trace, node: Value, answer: float) -> Verdict:
    """Judge `answer` as node's gradient ∂root/∂node: right (within the tolerance) or wrong, and why."""
    if node not in t.grads:
        raise ValueError("check: that node is not part of the traced graph")
    expected = t.grads[node]
    lhs = _lhs(t, node)
    if is_right(answer, expected):
        return Verdict(True, expected, None, f"Right: {lhs} = {format_number(expected)}.")
    found = diagnose(t, node, answer)
    if found is not None:
        mistake, why = found
        return Verdict(False, expected, mistake, f"Not quite. {why}")
    if node is t.root:
        return Verdict(False, expected, None, f"Not quite: {lhs} is the seed of the backward pass.")
    chain = _chain(t, node)
    return Verdict(False, expected, None, f"Not quite. By the chain rule, {lhs} = {chain}.")


def _term_text(t: Trace, child: Value, node: Value) -> str:
    """'g̅ · ∂g/∂w': the chain-rule term of `node` through `child`, as the derivation writes it."""
    return f"{_lhs(t, child)} · {t.partial(child, node)}"


def _chain(t: Trace, node: Value) -> str:
    """'g̅ · ∂g/∂w + R̅ · ∂R/∂w': node's gradient as a sum of terms, without numbers."""
    return " + ".join(_term_text(t, child, node) for child, _ in _terms(t, node))


def _child_names(t: Trace, terms: list[tuple[Value, Contribution]]) -> list[str]:
    names: list[str] = []
    for child, _ in terms:
        names.append(t.names[child] + (" again" if t.names[child] in names else ""))
    return names


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---- a practice session: the questions of one trace, TRIES answers each --------------------
@dataclass(frozen=True)
class Reply:
    """What an answer gets: the verdict, and whether the session moved to the next question
    (right, or the last try missed; then `reveal` is the stepper's derivation)."""

    verdict: Verdict
    moved_on: bool
    reveal: str | None

    @property
    def feedback(self) -> str:
        """The verdict's feedback, then the derivation if the answer is revealed."""
        if self.reveal is None:
            return self.verdict.feedback
        return f"{self.verdict.feedback}\nThe answer: {self.reveal}"


@dataclass
class Record:
    """One question as it went: the answers given, the feedback on each, right or not."""

    question: Question
    answers: list[float] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    correct: bool = False


class Practice:
    """The questions of a trace asked one at a time, `tries` answers each.

    A right answer scores and moves on; after `tries` wrong ones the correct gradient is
    revealed with its derivation (`Reply.reveal`) and the session moves on. `records`
    holds every question asked so far (the current one included).
    """

    def __init__(self, t: Trace, tries: int = TRIES) -> None:
        check_positive_int(tries, "Practice: tries")
        self.trace = t
        self.tries = tries
        self.questions = questions(t)
        self.records: list[Record] = []
        self._next = 0
        self._advance()

    def _advance(self) -> None:
        if self._next < len(self.questions):
            self.records.append(Record(self.questions[self._next]))
        self._next += 1

    @property
    def done(self) -> bool:
        """True once every question has been answered right or revealed."""
        return self._next > len(self.questions)

    @property
    def question(self) -> Question | None:
        """The question waiting for an answer (None when done)."""
        return None if self.done else self.records[-1].question

    @property
    def score(self) -> int:
        """Questions answered right (on any try)."""
        return sum(record.correct for record in self.records)

    @property
    def total(self) -> int:
        """Questions in the session."""
        return len(self.questions)

    def answer(self, answer: float) -> Reply:
        """Judge `answer` for the current question and move on if it is settled."""
        if self.done:
            raise ValueError("Practice.answer: every question has been answered")
        if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
            raise TypeError(f"Practice.answer: expected a finite number, got {answer!r}")
        record = self.records[-1]
        verdict = check(self.trace, record.question.node, float(answer))
        record.answers.append(float(answer))
        record.correct = verdict.correct
        settled = verdict.correct or len(record.answers) >= self.tries
        reveal = self.trace.derivation(record.question.node) if settled and not verdict.correct else None
        reply = Reply(verdict, settled, reveal)
        record.feedback.append(reply.feedback)
        if settled:
            self._advance()
        return reply
