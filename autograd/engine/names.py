"""Names for the nodes of a graph: a node's label, or v{i} after its topological index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["node_names", "is_compound"]


def node_names(order: Sequence[Value]) -> dict[Value, str]:
    """A short display name for each node: its label, or v{i} (its topological index).

    A label used by several nodes gets its index appended (`x_3`) so names stay unique.
    """
    counts: dict[str, int] = {}
    for node in order:
        counts[node.label] = counts.get(node.label, 0) + 1
    names = {}
    for i, node in enumerate(order):
        if not node.label:
            names[node] = f"v{i}"
        elif counts[node.label] > 1:
            names[node] = f"{node.label}_{i}"
        else:
            names[node] = node.label
    return names


def is_compound(name: str) -> bool:
    """True for a name with an operator outside parentheses (y−t, a+b; not (y−t)² or L_reg)."""
    depth = 0
    for c in name:
        depth += (c == "(") - (c == ")")
        if depth == 0 and c in "+-−*/·^ ":
            return True
    return False
