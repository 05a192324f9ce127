"""Backprop, one step at a time: `trace(root)` records what `root.backward()` does.

`backward()` walks the topological order in reverse. At each node j with
parents it applies the chain rule along every edge i → j:

    v̅ᵢ += v̅ⱼ · ∂vⱼ/∂vᵢ

in the lecture's notation, which every formula here uses: v̅ is the gradient
∂root/∂v (the total, what `v.grad` holds at the end) and ∂vⱼ/∂vᵢ the local
derivative along one edge (`autograd.notation.formulas`).

When node j is reached its own gradient is final: every child of j came later in
the topological order, so it has already pushed its contribution. `trace`
replays exactly this walk (same order, same float operations — the step of
`autograd.engine.chain` — so the same numbers bit for bit) and keeps, for every
step, the node, its final gradient and, for each parent edge, the local
derivative, the contribution and the parent's running sum. It never touches
`.grad` on the graph; `Trace.apply()` writes the gradients in, as `zero_grad()`
followed by `backward()` would.

A `Trace` prints as a text table (`.table()`), spells out the derivation of any
node's gradient in text, Markdown or LaTeX (`.derivation(node)`), turns into
graph frames (`frames(trace)`) and into a player (`autograd.views.player`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

from autograd.engine.chain import contribution
from autograd.graph.snapshot import Snapshot, as_snapshot
from autograd.notation.formulas import LatexMath, MarkdownMath, TextMath, written
from autograd.notation.numbers import format_number
from autograd.validation import check_positive_int

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["trace", "Trace", "BackwardStep", "Contribution", "TABLE_MAX_NODES"]

TABLE_MAX_NODES = 10_000  # Trace.table()'s default bound: about 30,000 lines

# How a formula can be written: plain Unicode, Markdown, LaTeX math (autograd.notation.formulas).
_TYPESETTERS: dict[str, type[TextMath]] = {"text": TextMath, "markdown": MarkdownMath, "latex": LatexMath}
_STYLES = tuple(_TYPESETTERS)
_LINE_STYLES = ("text", "latex")  # for formulas of several lines (Markdown has no layout for them)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One edge of the chain rule: parent̅ += node̅ · ∂node/∂parent (v̅ = ∂root/∂v, the gradient)."""

    parent: Value
    slot: int  # the edge: node.parents[slot] is parent
    local: float  # ∂node/∂parent, stored in the forward pass
    contribution: float  # grad_node · local
    running: float  # the parent's gradient after adding this contribution


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """The chain rule applied at one node, whose gradient is final from here on."""

    index: int  # 1, 2, ...: the order backward() performs the steps
    node: Value
    grad: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True, repr=False)
class Trace:
    """A recorded backward pass: the forward order, the steps, and every final gradient.

    `print(trace)` prints the table; in Jupyter the repr is one short line.
    """

    snapshot: Snapshot  # the graph's order, names and uses, read once
    seed: float
    steps: tuple[BackwardStep, ...]
    grads: dict[Value, float]  # the gradient ∂root/∂node of every node
    final_after: dict[Value, int] = field(repr=False)  # step index after which a gradient is final
    # node -> [i, k, i', k', ...]: its uses as step indices and slots, in the order backward()
    # adds them (plain ints: no object per edge for the garbage collector to walk; see `terms`)
    term_index: dict[Value, list[int]] = field(repr=False)
    _typesetters: dict[str, TextMath] = field(default_factory=dict, init=False, repr=False, compare=False)

    def terms(self, node: Value) -> list[tuple[BackwardStep, Contribution]]:
        """(step, contribution) for each use of `node`, in the order backward() adds them: the
        terms of ∂root/∂node = Σ ∂root/∂child · ∂child/∂node (read from an index, not a scan)."""
        flat, steps = self.term_index[node], self.steps
        return [(steps[i - 1], steps[i - 1].contributions[k]) for i, k in zip(flat[::2], flat[1::2])]

    @property
    def root(self) -> Value:
        """The node whose gradients are recorded."""
        return self.snapshot.root

    @property
    def order(self) -> tuple[Value, ...]:
        """Topological order: the forward pass."""
        return self.snapshot.order

    @property
    def names(self) -> Mapping[Value, str]:
        """The names nodes are shown by (the snapshot's: labels, v{i}, a model's `L0.n3.w1`)."""
        return self.snapshot.names

    def __repr__(self) -> str:
        return (
            f"Trace(root={self.names[self.root]!r}, {len(self.order)} nodes, "
            f"{len(self.steps)} backward steps)"
        )

    def __str__(self) -> str:
        return self.table()

    # ---- applying ------------------------------------------------------------------------
    def apply(self) -> None:
        """Write the recorded gradients into `.grad` of every node.

        The same as clearing every gradient and calling `root.backward(seed)`.
        """
        for node in self.order:
            node.grad = self.grads[node]

    # ---- formulas ------------------------------------------------------------------------
    def forward_formula(self, node: Value) -> str:
        """How `node` was computed, with numbers: 'g = w * x = 2.0 * 3.0 = 6.0'.

        Constants are not nodes: they appear as numbers on both sides ('x * 0.5').
        """
        name = self.names[node]
        value = format_number(node.data)
        if node.is_leaf:
            return f"{name} = {value}"
        operands = node.operands
        names = [format_number(o) if isinstance(o, float) else self.names[o] for o in operands]
        numbers = [format_number(o if isinstance(o, float) else o.data) for o in operands]
        return f"{name} = {written(node, names)} = {written(node, numbers, numbers=True)} = {value}"

    def total(self, node: Value) -> str:
        """The gradient ∂root/∂node in the stepper's notation, the node's name with a bar: 'w̅'."""
        return self._typesetter("text", "total").total(node)

    def partial(self, of: Value, wrt: Value) -> str:
        """The local derivative of a child with respect to its parent: '∂g/∂w', '∂(y−t)/∂y'."""
        return self._typesetter("text", "partial").partial(of, wrt)

    def notation(self, style: str = "text") -> str:
        """What the symbols mean: 'v̅ = ∂f/∂v is a gradient, v.grad; ∂vⱼ/∂vᵢ a local derivative,
        along one edge'. `style` is "text", "markdown" or "latex"."""
        return self._typesetter(style, "notation").notation(self.root)

    def step_formula(self, step: BackwardStep, style: str = "text") -> str:
        """The chain rule at this step, one line per parent edge i, with numbers:

            step 2/2: g̅ = 1.0 is final; push it to g's parents:
              w̅ += g̅ · ∂g/∂w = 1.0 · 3.0 = 3.0   (so far 3.0)

        i̅ += node̅ · ∂node/∂i, and i's running sum. `style` is "text" or "latex"
        (narrower: each edge's chain goes on in a second row; see `LatexMath`).
        """
        math_ = self._typesetter(style, "step_formula", _LINE_STYLES)
        d_node = math_.total(step.node)
        head = [
            math_.words(f"step {step.index}/{len(self.steps)}: "),
            f"{d_node} = {math_.number(step.grad)}",
            math_.words(" is final;"),
            math_.line_break(),
            math_.words("push it to "),
            math_.atom(step.node),
            math_.words("'s parents:"),
        ]
        rows = [
            math_.wrap(
                math_.add_to(
                    math_.total(c.parent),
                    math_.product(d_node, math_.partial(step.node, c.parent)),
                )
                + math_.continued(
                    f"{math_.product(math_.operand(step.grad), math_.operand(c.local))}"
                    f" = {math_.number(c.contribution)}"
                ),
                f"so far {format_number(c.running)}",
            )
            for c in step.contributions
        ]
        return math_.under("".join(head), rows)

    def seed_formula(self, style: str = "text") -> str:
        """The first line of every backward pass: the root's gradient is the seed, 'seed: f̅ = 1.0',
        and under it what the symbols mean (`notation`). `style` is "text" or "latex"."""
        math_ = self._typesetter(style, "seed_formula", _LINE_STYLES)
        seed = f"{math_.words('seed: ')}{math_.total(self.root)} = {math_.number(self.seed)}"
        return math_.under(seed, [math_.notation(self.root)])

    def gradients_summary(self, style: str = "text") -> str:
        """One line per node: its gradient, w̅ = 3.0, in topological order. `style` is "text" or
        "latex" (rows aligned at the =)."""
        math_ = self._typesetter(style, "gradients_summary", _LINE_STYLES)
        return math_.rows(
            [math_.equation(math_.total(node), math_.number(self.grads[node])) for node in self.order]
        )

    def _typesetter(self, style: str, caller: str, styles: tuple[str, ...] = _STYLES) -> TextMath:
        """The typesetter of `style` for this trace's names; ValueError naming `caller` otherwise."""
        if style not in styles:
            allowed = " or ".join([", ".join(map(repr, styles[:-1])), repr(styles[-1])])
            raise ValueError(f"{caller}: style must be {allowed}, got {style!r}")
        if style not in self._typesetters:  # one per style: it remembers how each name is written
            self._typesetters[style] = _TYPESETTERS[style](self.names)
        return self._typesetters[style]

    # ---- derivations ---------------------------------------------------------------------
    def derivation(self, node: Value, style: str = "text") -> str:
        """The node's gradient spelled out as the sum over its children of the chain rule:

        w̅ = z̅ · ∂z/∂w + R̅ · ∂R/∂w = 0.1 · 3.0 + 0.2 · 2.0 = 0.3 + 0.4 = 0.7

        (terms in the order backward() adds them). `style` is "text", "markdown" or "latex".
        """
        if node not in self.grads:
            raise ValueError("derivation: that node is not part of the traced graph")
        math_ = self._typesetter(style, "derivation")
        lhs = math_.total(node)
        if node is self.root:
            return math_.wrap(f"{lhs} = {math_.number(self.seed)}", "the seed")
        terms = self.terms(node)
        symbols = [math_.product(math_.total(s.node), math_.partial(s.node, node)) for s, _ in terms]
        numbers = [math_.product(math_.operand(s.grad), math_.operand(c.local)) for s, c in terms]
        parts = [lhs, " + ".join(symbols), " + ".join(numbers)]
        if len(terms) > 1:
            first, *rest = (c.contribution for _, c in terms)
            parts.append(" + ".join([math_.number(first), *map(math_.operand, rest)]))
        parts.append(math_.number(self.grads[node]))
        return math_.wrap(" = ".join(parts), "")

    # ---- text ----------------------------------------------------------------------------
    def table(self, max_nodes: int | None = TABLE_MAX_NODES) -> str:
        """The forward pass and every backward step as a plain-text table for the terminal.

        A graph of more than `max_nodes` nodes is refused before any line is written (a table of
        10⁶ nodes takes minutes, and nobody reads it); `max_nodes=None` writes any size.
        """
        check_positive_int(max_nodes, "table: max_nodes", or_none=True)
        if max_nodes is not None and len(self.order) > max_nodes:
            raise ValueError(
                f"table: the graph has {len(self.order)} nodes, more than max_nodes={max_nodes} (about "
                f"{3 * len(self.order)} lines); look at parts of it with derivation(node) and "
                "step_formula(step), or pass max_nodes=None to write it anyway"
            )
        lines = ["Forward pass (topological order):"]
        lines += [f"  {self.forward_formula(node)}" for node in self.order]
        lines.append("")
        lines.append("Backward pass (reverse topological order): v̅ᵢ += v̅ⱼ · ∂vⱼ/∂vᵢ along each edge vᵢ → vⱼ")
        lines += [f"  {line}" for line in self.seed_formula().splitlines()]
        for step in self.steps:
            lines += [f"  {line}" for line in self.step_formula(step).splitlines()]
        lines.append("")
        lines.append("Gradients:")
        lines += [f"  {self.derivation(node)}" for node in self.order]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The trace as JSON-ready data (schema in the README: "See backprop happen")."""
        index = self.snapshot.index
        return {
            "root": index[self.root],
            "seed": self.seed,
            "nodes": [
                {
                    "id": i,
                    "name": self.names[node],
                    "op": node.op,
                    "parents": [index[p] for p in node.parents],
                    "local_grads": list(node.local_grads),
                    "data": node.data,
                    "grad": self.grads[node],
                    "formula": self.forward_formula(node),
                }
                for i, node in enumerate(self.order)
            ],
            "backward": [
                {
                    "step": step.index,
                    "node": index[step.node],
                    "grad": step.grad,
                    "contributions": [
                        {
                            "parent": index[c.parent],
                            "slot": c.slot,
                            "local": c.local,
                            "contribution": c.contribution,
                            "running": c.running,
                        }
                        for c in step.contributions
                    ],
                    "formula": self.step_formula(step),
                }
                for step in self.steps
            ],
            "gradients": {self.names[node]: self.grads[node] for node in self.order if node.is_leaf},
        }


def trace(root: Value | Snapshot, seed: float = 1.0, *, model: Any = None) -> Trace:
    """Record `root.backward(seed)` step by step, without changing any `.grad`.

    `root` is a Value, or a `Snapshot` of its graph (`autograd.graph.snapshot`: sorted and
    named once, for callers that trace the same graph again). With a `model` (an
    `nn.Module`) nodes are named after it, as `draw(root, model=model)` names them.

    The gradients are those of one backward pass starting from zero (what
    `backward()` gives on a fresh graph, or after `zero_grad()`), equal to them
    exactly: same order, same additions. One difference in the steps, kept for
    teaching: `backward()` skips a node whose gradient is 0.0 (it would push only
    zeros, e.g. through a ReLU that is off), while the trace shows that step. Either
    way a zero gradient contributes 0.0 along every edge, even where the local
    derivative is infinite (0 · ∞ is taken as 0, never NaN).
    """
    graph = as_snapshot(root, model, "trace")
    if isinstance(seed, bool) or not isinstance(seed, Real) or not math.isfinite(seed):
        raise TypeError(f"trace: seed must be a finite real number, got {seed!r}")
    root = graph.root
    grads: dict[Value, float] = {root: float(seed)}
    final_after: dict[Value, int] = {root: 0}
    term_index: dict[Value, list[int]] = {node: [] for node in graph.order}  # node -> [step, slot, ...]
    steps = []
    for node in reversed(graph.order):
        if node.is_leaf:
            continue
        g = grads[node]
        index = len(steps) + 1
        contributions = []
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            added = contribution(g, local)  # the chain rule's step (autograd.engine.chain)
            grads[parent] = grads.get(parent, 0.0) + added
            contributions.append(Contribution(parent, k, local, added, grads[parent]))
            final_after[parent] = index
            term_index[parent] += index, k
        steps.append(BackwardStep(index, node, g, tuple(contributions)))
    return Trace(graph, float(seed), tuple(steps), grads, final_after, term_index)
