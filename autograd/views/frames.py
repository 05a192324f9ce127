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

__all__ = ["Frame", "Moment", "frame_sequence", "frame_edges", "frame_formula", "frames"]


@dataclass(frozen=True)
class Moment:
    """What one frame of the walkthrough shows, before anything is drawn.

    title:    'forward: inputs', 'forward 3/7', 'backward: seed', 'backward 2/5', 'done: every gradient'.
    node:     the node in red, with its op's edge to it (None in the first and the last frame).
    computed: in the forward pass, how many computed nodes (in topological order) have their
              data; None in the backward pass.
    step:     in the backward pass, 0 for the seed, 1 … s for the steps, s + 1 for the last
              frame; a gradient shows once `final_after[node] <= step`. None in the forward pass.

    The other edges in red follow (`frame_edges`): in the forward pass the node's incoming
    edges, at a backward step the edges it pushes its gradient along.
    """

    title: str
    node: Value | None
    computed: int | None
    step: int | None


def frame_sequence(t: Trace) -> list[Moment]:
    """The frames of a walkthrough of `t`, the one definition (the player's and the explorer's
    pages read it from their data): the inputs, each computed node in topological order, the
    seed, each backward step, and every gradient."""
    computed = [node for node in t.order if not node.is_leaf]
    moments = [Moment("forward: inputs", None, 0, None)]
    moments += [Moment(f"forward {i}/{len(computed)}", node, i, None) for i, node in enumerate(computed, 1)]
    moments.append(Moment("backward: seed", t.root, None, 0))
    moments += [Moment(f"backward {s.index}/{len(t.steps)}", s.node, None, s.index) for s in t.steps]
    moments.append(Moment("done: every gradient", None, None, len(t.steps) + 1))
    return moments


def frame_edges(t: Trace, moment: Moment) -> list[tuple[Value, Value, int]]:
    """The edges (parent, child, k) a frame draws in red besides its node's own: the node's
    incoming edges in the forward pass, the edges a backward step pushes along."""
    if moment.node is None:
        return []
    if moment.step is None:
        return [(p, moment.node, k) for k, p in enumerate(moment.node.parents)]
    if 1 <= moment.step <= len(t.steps):
        step = t.steps[moment.step - 1]
        return [(c.parent, step.node, c.slot) for c in step.contributions]
    return []


def frame_formula(t: Trace, moment: Moment) -> str:
    """The formula a frame shows beside the graph (from the trace)."""
    if moment.step is None:
        if moment.node is None:
            return "\n".join(t.forward_formula(n) for n in t.order if n.is_leaf)
        return t.forward_formula(moment.node)
    if moment.step == 0:
        return t.seed_formula()
    if moment.step <= len(t.steps):
        return t.step_formula(t.steps[moment.step - 1])
    return t.gradients_summary()


@dataclass(frozen=True)
class Frame:
    """One picture of the walkthrough: a title, the formula of the moment, and the graph."""

    title: str
    formula: str
    graph: Graph


def frames(t: Trace, **draw_options: Any) -> list[Frame]:
    """The walkthrough as graph frames (`frame_sequence`): the forward pass node by node, the
    seed, every backward step (current node and its edges in red, gradients filled in as they
    become final), and a last frame showing every gradient.

    `draw_options` go to `autograd.views.render.draw` (rankdir, edge_labels, parameters, ...).
    """
    computed = [node for node in t.order if not node.is_leaf]
    inputs = {node: node.data for node in t.order if node.is_leaf}
    result = []
    for moment in frame_sequence(t):
        if moment.step is None:  # forward: the data known so far, no gradient
            data = inputs | {node: node.data for node in computed[: moment.computed]}
            grads: dict[Value, float] = {}
        else:  # backward: every value, the gradients final so far
            data = None
            grads = {n: t.grads[n] for n in t.order if t.final_after[n] <= moment.step}
        graph = draw(
            t.snapshot,
            data=data,
            grads=grads,
            highlight_nodes=() if moment.node is None else [moment.node],
            highlight_edges=frame_edges(t, moment),
            **draw_options,
        )
        result.append(Frame(moment.title, frame_formula(t, moment), graph))
    return result
