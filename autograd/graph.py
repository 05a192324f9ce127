"""Reading the computation graph: topological order, nodes, edges, sizes.

One set of utilities shared by `Value.backward()`, the renderer and the
stepper, so all three see the graph in exactly the same order. Everything here
is iterative: a chain a million nodes deep needs no recursion.

A node is anything with a `_parents` tuple (a `Value`); an edge `(parent,
child, k)` says that `parent` is the k-th input of `child`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = ["topological_order", "edges", "leaves", "GraphStats", "graph_stats"]


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents; `root` is last.

    Depth-first post-order with an explicit stack instead of recursion: the path
    of nodes being visited, and beside it an iterator over each one's parents. A
    node is emitted once its iterator is exhausted, i.e. after all its parents.
    Parents are visited in their stored order, so the order is the same on every run.
    """
    order: list[Value] = []
    visited = {root}
    path = [root]
    parents_left = [iter(root._parents)]
    while parents_left:
        for parent in parents_left[-1]:
            if parent not in visited:
                visited.add(parent)
                if parent._parents:  # descend; come back to this node afterwards
                    path.append(parent)
                    parents_left.append(iter(parent._parents))
                    break
                order.append(parent)  # a leaf has nothing to wait for
        else:
            parents_left.pop()
            order.append(path.pop())
    return order


def edges(root: Value) -> list[tuple[Value, Value, int]]:
    """All edges (parent, child, k) of the graph, children in topological order.

    A parent used twice by one child (`a * a`) gives two edges, k = 0 and k = 1.
    """
    return [(p, node, k) for node in topological_order(root) for k, p in enumerate(node._parents)]


def leaves(root: Value) -> list[Value]:
    """The nodes with no parents (inputs, parameters, constants), in topological order."""
    return [node for node in topological_order(root) if not node._parents]


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
        n_edges += len(node._parents)
        depth[node] = 1 + max((depth[p] for p in node._parents), default=-1)
    return GraphStats(
        nodes=len(order),
        edges=n_edges,
        leaves=sum(1 for node in order if not node._parents),
        depth=depth[root],
    )
