"""Replay: re-evaluate a recorded graph with new leaf values, without the code that built it.

Every node records its op (a row of the op table) and its operands, constants
included, so the forward pass can run again from the leaves:

    for node in topological order:  data = op.value(*operands),  ∂ = op.local(*operands, data)

with exactly the float operations of building the graph afresh, so the numbers
are identical bit for bit. Gradients are not touched: run `backward()` (or
`trace`) again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograd.engine.value import Value, _as_float, _set_result, topological_order

__all__ = ["replay"]


def replay(
    root: Value, values: Mapping[Value, float] | None = None, *, order: Sequence[Value] | None = None
) -> Value:
    """Set the given leaves' data, recompute every node under `root`, and return `root`.

    `values` maps leaves of `root`'s graph to their new data (finite numbers). A
    domain error (`log` of a negative number, a division by zero, ...) is raised as
    building the graph would raise it, and leaves the whole graph as it was. `order`,
    `topological_order(root)` when the caller already has it (a `Snapshot`'s), is not
    sorted again.
    """
    if not isinstance(root, Value):
        raise TypeError(f"replay: root must be a Value, got {type(root).__name__}")
    values = dict(values or {})
    if order is None:
        order = topological_order(root)
    elif not order or order[-1] is not root:
        raise ValueError("replay: order must be root's topological order, ending at root")
    in_graph = set(order)
    new_data: dict[Value, float] = {}
    for leaf, number in values.items():
        if not isinstance(leaf, Value):
            raise TypeError(f"replay: keys must be Values, got {type(leaf).__name__} {leaf!r}")
        if leaf not in in_graph:
            raise ValueError(f"replay: {leaf!r} is not a node of this graph")
        if not leaf.is_leaf:
            raise ValueError(
                f"replay: {leaf!r} is computed by '{leaf.op}', not a leaf; set the leaves it depends on"
            )
        new_data[leaf] = _as_float(number, f"replay value for {leaf.label or repr(leaf)}")

    def data(operand: Value | float) -> float:
        return operand if isinstance(operand, float) else new_data.get(operand, operand.data)

    results = []  # computed in full before anything is stored, so an error changes nothing
    for node in order:
        if node.is_leaf:
            continue
        op, numbers = node.operator, [data(o) for o in node.operands]
        out = op.value(*numbers)
        new_data[node] = out
        results.append((node, out, op.local(*numbers, out)))
    for leaf in values:
        leaf.data = new_data[leaf]
    for node, out, local_grads in results:
        _set_result(node, out, local_grads)
    return root
