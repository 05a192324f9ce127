"""Backprop as pictures: `frames(trace)` turns a recorded backward pass into graph frames.

The forward pass node by node, the seed, every backward step (the current node and
its edges in red, gradients filled in as they become final), and a last frame with
every gradient. Each frame is a title, the formula of the moment (from the trace)
and the graph drawn by `autograd.views.render.draw`; the HTML player shows them in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.views.render import Graph, draw

if TYPE_CHECKING:
    from autograd.engine.value import Value
    from autograd.recording.trace import Trace

__all__ = ["Frame", "frames"]


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

    `draw_options` go to `autograd.views.render.draw` (rankdir, edge_labels, parameters, ...).
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
