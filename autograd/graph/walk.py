"""Reading the computation graph: topological order, nodes, edges, sizes.

`topological_order` is the engine's own (the order `Value.backward()` uses), so
the renderer and the stepper see the graph in exactly the same order. Everything
here is iterative: a chain a million nodes deep needs no recursion, and reads the
graph through the public `Value.parents`. An edge `(parent, child, k)` says that
`parent` is `child.parents[k]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd.engine.value import topological_order

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["topological_order", "edges", "uses_of", "leaves", "GraphStats", "graph_stats"]


def edges(root: Value) -> list[tuple[Value, Value, int]]:
    """All edges (parent, child, k) of the graph, children in topological order.

    A parent used twice by one child (`a * a`) gives two edges, k = 0 and k = 1.
    """
    return [(p, node, k) for node in topological_order(root) for k, p in enumerate(node.parents)]


def uses_of(order: Sequence[Value]) -> dict[Value, tuple[tuple[Value, int], ...]]:
    """node -> ((child, k), ...) for every node of `order`: each use of it, child.parents[k] is
    node, children in the order of `order` (`a * a` gives its node two uses; the root has none)."""
    found: dict[Value, list[tuple[Value, int]]] = {node: [] for node in order}
    for child in order:
        for k, parent in enumerate(child.parents):
            found[parent].append((child, k))
    return {node: tuple(uses) for node, uses in found.items()}


def leaves(root: Value) -> list[Value]:
    """The nodes with no parents (inputs, parameters, constants), in topological order."""
    return [node for node in topological_order(root) if not node.parents]


@dataclass(frozen=True)
class GraphStats:
    """Size of a graph: node, edge and leaf counts, and depth (longest path, in edges)."""

    nodes: int
    edges: int
    leaves: int
    depth: int


def graph_stats(root: Value) -> GraphStats:
    """Count the nodes, edges and leaves under `root` and measure its depth."""
    order = topological_order(root)
    depth: dict[Value, int] = {}
    n_edges = 0
    for node in order:
        n_edges += len(node.parents)
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
    return GraphStats(
        nodes=len(order),
        edges=n_edges,
        leaves=sum(1 for node in order if not node.parents),
        depth=depth[root],
    )
