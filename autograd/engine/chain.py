"""The chain rule, defined once: what one backward pass does, step by step.

    grad_root = seed
    for each node j in reverse topological order, for each parent edge k (parent i = j.parents[k]):
        grad_i += grad_j · ∂v_j/∂v_i

A node whose gradient is 0 passes 0.0 along every edge, even where a local derivative is
infinite: 0 · ∞ is taken as 0, never NaN (`contribution`). `gradients` is this definition
run on floats. `Value.backward()` is the same loop written over the engine's slots (it skips
such a node, which adds the same 0.0; it is the fast path, compiled where a C compiler is
found); `trace` records it step by step with `contribution`; `grad` returns `gradients`, and
with `create_graph=True` runs the same sweep on Values. Each is tested bit for bit against
`gradients` on random graphs (tests/test_chain_rule.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["contribution", "gradients"]


def contribution(upstream: float, local: float) -> float:
    """What one edge adds to its parent's gradient: grad_j · ∂v_j/∂v_i, and 0.0 when grad_j is 0."""
    return upstream * local if upstream != 0.0 else 0.0


def gradients(order: Sequence[Value], seed: float = 1.0) -> dict[Value, float]:
    """∂root/∂v for every node v of `order` (a topological order ending at the root), as one
    backward pass from zero computes them: same order, same additions, same floats."""
    grads = dict.fromkeys(order, 0.0)
    grads[order[-1]] = seed
    for node in reversed(order):
        upstream = grads[node]
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += contribution(upstream, local)
    return grads
