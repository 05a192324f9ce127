"""Backprop, one step at a time: `trace(root)` records what `root.backward()` does.

`backward()` walks the topological order in reverse. At each node j with
parents it applies the chain rule along every edge i → j:

    grad_i += grad_j · ∂v_j/∂v_i

When node j is reached its own gradient is final: every child of j came later in
the topological order, so it has already pushed its contribution. `trace`
replays exactly this walk (same order, same float operations, so the same
numbers bit for bit) and keeps, for every step, the node, its final gradient and,
for each parent edge, the local derivative, the contribution and the parent's
running sum. It never touches `.grad` on the graph; `Trace.apply()` writes the
gradients in, as `zero_grad()` followed by `backward()` would.

A `Trace` prints as a text table (`.table()`), spells out the derivation of any
node's gradient in text, Markdown or LaTeX (`.derivation(node)`), turns into
graph frames (`frames(trace)`) and into a player (`autograd.player`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

from autograd.graph import topological_order
from autograd.notation import format_number, is_compound, node_names, written
from autograd.render import Graph, draw

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = ["trace", "Trace", "BackwardStep", "Contribution", "Frame", "frames"]


@dataclass(frozen=True)
class Contribution:
    """One edge of the chain rule: grad_parent += grad_node · ∂node/∂parent."""

    parent: Value
    slot: int  # the edge: node.parents[slot] is parent
    local: float  # ∂node/∂parent, stored in the forward pass
    contribution: float  # grad_node · local
    running: float  # the parent's gradient after adding this contribution


@dataclass(frozen=True)
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

    root: Value
    seed: float
    order: tuple[Value, ...]  # topological order: the forward pass
    names: dict[Value, str]  # display names (labels, or v{i})
    steps: tuple[BackwardStep, ...]
    grads: dict[Value, float]  # ∂root/∂node for every node
    final_after: dict[Value, int] = field(repr=False)  # step index after which a gradient is final

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

    def partial(self, of: Value, wrt: Value) -> str:
        """One partial derivative in the stepper's notation: '∂f/∂w', '∂L/∂(y−t)'."""
        return _TextMath(self.names).partial(of, wrt)

    def step_formula(self, step: BackwardStep) -> str:
        """The chain rule at this step, one line per parent edge, with numbers."""
        text = _TextMath(self.names)
        d_node = text.partial(self.root, step.node)
        head = f"step {step.index}/{len(self.steps)}: {d_node} = {format_number(step.grad)} is final"
        lines = [f"{head}; push it to {text.atom(step.node)}'s parents:"]
        for c in step.contributions:
            d_parent = text.partial(self.root, c.parent)
            lines.append(
                f"  {d_parent} += {d_node} · {text.partial(step.node, c.parent)}"
                f" = {text.product(text.operand(step.grad), text.operand(c.local))}"
                f" = {format_number(c.contribution)}   (so far {format_number(c.running)})"
            )
        return "\n".join(lines)

    def seed_formula(self) -> str:
        """The first line of every backward pass: the root's gradient is the seed."""
        return f"seed: {self.partial(self.root, self.root)} = {format_number(self.seed)}"

    def gradients_summary(self) -> str:
        """One line per node: ∂root/∂node = value, in topological order."""
        return "\n".join(
            f"{self.partial(self.root, node)} = {format_number(self.grads[node])}" for node in self.order
        )

    # ---- derivations ---------------------------------------------------------------------
    def derivation(self, node: Value, style: str = "text") -> str:
        """∂root/∂node spelled out as the sum over node's children of the chain rule.

        ∂L/∂w = ∂L/∂z · ∂z/∂w + ∂L/∂R · ∂R/∂w = 0.1 · 3.0 + 0.2 · 2.0 = 0.3 + 0.4 = 0.7
        (terms in the order backward() adds them). `style` is "text", "markdown" or "latex".
        """
        if node not in self.grads:
            raise ValueError("derivation: that node is not part of the traced graph")
        render = {"text": _TextMath, "markdown": _MarkdownMath, "latex": _LatexMath}.get(style)
        if render is None:
            raise ValueError(f"derivation: style must be 'text', 'markdown' or 'latex', got {style!r}")
        math_ = render(self.names)
        lhs = math_.partial(self.root, node)
        if node is self.root:
            return math_.wrap(f"{lhs} = {math_.number(self.seed)}", "the seed")
        terms = [(step, c) for step in self.steps for c in step.contributions if c.parent is node]
        symbols = [
            math_.product(math_.partial(self.root, s.node), math_.partial(s.node, node)) for s, _ in terms
        ]
        numbers = [math_.product(math_.operand(s.grad), math_.operand(c.local)) for s, c in terms]
        parts = [lhs, " + ".join(symbols), " + ".join(numbers)]
        if len(terms) > 1:
            first, *rest = (c.contribution for _, c in terms)
            parts.append(" + ".join([math_.number(first), *map(math_.operand, rest)]))
        parts.append(math_.number(self.grads[node]))
        return math_.wrap(" = ".join(parts), "")

    # ---- text ----------------------------------------------------------------------------
    def table(self) -> str:
        """The forward pass and every backward step as a plain-text table for the terminal."""
        lines = ["Forward pass (topological order):"]
        lines += [f"  {self.forward_formula(node)}" for node in self.order]
        lines.append("")
        lines.append("Backward pass (reverse topological order): grad_i += grad_j · ∂v_j/∂v_i")
        lines.append(f"  {self.seed_formula()}")
        for step in self.steps:
            lines += [f"  {line}" for line in self.step_formula(step).splitlines()]
        lines.append("")
        lines.append("Gradients:")
        lines += [f"  {self.derivation(node)}" for node in self.order]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The trace as JSON-ready data (schema in the README: "See backprop happen")."""
        index = {node: i for i, node in enumerate(self.order)}
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


def trace(root: Value, seed: float = 1.0) -> Trace:
    """Record `root.backward(seed)` step by step, without changing any `.grad`.

    The gradients are those of one backward pass starting from zero (what
    `backward()` gives on a fresh graph, or after `zero_grad()`), equal to them
    exactly: same order, same additions. One difference in the steps, kept for
    teaching: `backward()` skips a node whose gradient is 0.0 (it would push only
    zeros, e.g. through a ReLU that is off), while the trace shows that step. Either
    way a zero gradient contributes 0.0 along every edge, even where the local
    derivative is infinite (0 · ∞ is taken as 0, never NaN).
    """
    from autograd.engine import Value

    if not isinstance(root, Value):
        raise TypeError(f"trace: root must be a Value, got {type(root).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, Real) or not math.isfinite(seed):
        raise TypeError(f"trace: seed must be a finite real number, got {seed!r}")
    order = topological_order(root)
    grads: dict[Value, float] = {root: 0.0 + float(seed)}
    final_after: dict[Value, int] = {root: 0}
    steps = []
    for node in reversed(order):
        if node.is_leaf:
            continue
        g = grads[node]
        contributions = []
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            contribution = g * local if g != 0.0 else 0.0
            grads[parent] = grads.get(parent, 0.0) + contribution
            contributions.append(Contribution(parent, k, local, contribution, grads[parent]))
            final_after[parent] = len(steps) + 1
        steps.append(BackwardStep(len(steps) + 1, node, g, tuple(contributions)))
    return Trace(root, float(seed), tuple(order), node_names(order), tuple(steps), grads, final_after)


# ---- frames ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One picture of the walkthrough: a title, the formula of the moment, and the graph."""

    title: str
    formula: str
    graph: Graph


def frames(t: Trace, **draw_options: Any) -> list[Frame]:
    """The walkthrough as graph frames: the forward pass node by node, the seed, every
    backward step (current node and its edges in red, gradients filled in as they become
    final), and a last frame showing every gradient.

    `draw_options` go to `autograd.render.draw` (rankdir, edge_labels, parameters, ...).
    """
    result = []
    order = t.order
    known: dict[Value, float] = {node: node.data for node in order if node.is_leaf}
    result.append(
        Frame(
            "forward: inputs",
            "\n".join(t.forward_formula(n) for n in order if n.is_leaf),
            draw(t.root, data=known, grads={}, **draw_options),
        )
    )
    computed = [node for node in order if not node.is_leaf]
    for i, node in enumerate(computed, 1):
        known[node] = node.data
        incoming = [(p, node, k) for k, p in enumerate(node.parents)]
        graph = draw(
            t.root,
            data=dict(known),
            grads={},
            highlight_nodes=[node],
            highlight_edges=incoming,
            **draw_options,
        )
        result.append(Frame(f"forward {i}/{len(computed)}", t.forward_formula(node), graph))
    result.append(
        Frame(
            "backward: seed",
            t.seed_formula(),
            draw(t.root, grads={t.root: t.grads[t.root]}, highlight_nodes=[t.root], **draw_options),
        )
    )
    for step in t.steps:
        final = {n: t.grads[n] for n in order if t.final_after[n] <= step.index}
        edges = [(c.parent, step.node, c.slot) for c in step.contributions]
        graph = draw(t.root, grads=final, highlight_nodes=[step.node], highlight_edges=edges, **draw_options)
        result.append(Frame(f"backward {step.index}/{len(t.steps)}", t.step_formula(step), graph))
    result.append(
        Frame("done: every gradient", t.gradients_summary(), draw(t.root, grads=t.grads, **draw_options))
    )
    return result


# ---- how a derivation is typeset ------------------------------------------------------------
class _TextMath:
    """Plain Unicode: ∂L/∂w · 3.0."""

    def __init__(self, names: dict[Value, str]) -> None:
        self.names = names

    def name(self, node: Value) -> str:
        return self.names[node]

    def partial(self, of: Value, wrt: Value) -> str:
        return f"∂{self.atom(of)}/∂{self.atom(wrt)}"

    def atom(self, node: Value) -> str:
        """The name, parenthesised if it is compound: ∂L/∂(y−t), not ∂L/∂y−t."""
        return self.parenthesised(self.name(node)) if is_compound(self.names[node]) else self.name(node)

    def product(self, a: str, b: str) -> str:
        return f"{a} · {b}"

    def number(self, x: float) -> str:
        return format_number(x)

    def operand(self, x: float) -> str:
        """A number as a factor or a later term: (-0.5) · 2.0, 0.3 + (-0.1)."""
        return self.parenthesised(self.number(x)) if x < 0.0 else self.number(x)

    def parenthesised(self, text: str) -> str:
        return f"({text})"

    def wrap(self, formula: str, note: str) -> str:
        return f"{formula}   ({note})" if note else formula


class _MarkdownMath(_TextMath):
    """Unicode, with Markdown's special characters escaped (a name like L_reg stays literal)."""

    _SPECIAL = "\\`*_[]<>#|~"

    def name(self, node: Value) -> str:
        return "".join("\\" + c if c in self._SPECIAL else c for c in self.names[node])

    def wrap(self, formula: str, note: str) -> str:
        return f"{formula} *({note})*" if note else formula


class _LatexMath(_TextMath):
    """LaTeX math: \\frac{\\partial L}{\\partial w} \\cdot 3.0."""

    _SPECIAL = {c: "\\" + c for c in "_&%$#{}"} | {"\\": r"\backslash{}", "^": r"\^{}", "~": r"\~{}"}

    def name(self, node: Value) -> str:
        return r"\mathrm{" + "".join(self._SPECIAL.get(c, c) for c in self.names[node]) + "}"

    def parenthesised(self, text: str) -> str:
        return rf"\left({text}\right)"

    def partial(self, of: Value, wrt: Value) -> str:
        return rf"\frac{{\partial {self.atom(of)}}}{{\partial {self.atom(wrt)}}}"

    def product(self, a: str, b: str) -> str:
        return rf"{a} \cdot {b}"

    def number(self, x: float) -> str:
        text = format_number(x)
        if "e" in text:
            mantissa, exponent = text.split("e")
            return rf"{mantissa} \times 10^{{{int(exponent)}}}"
        return text

    def wrap(self, formula: str, note: str) -> str:
        return rf"{formula} \quad \text{{({note})}}" if note else formula
