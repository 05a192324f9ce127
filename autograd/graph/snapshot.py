"""One snapshot of a graph: every fact the views read about its structure, computed once.

    s = snapshot(loss, model=mlp)
    s.order       every node `loss` depends on, each after its parents (the order backward() uses)
    s.index       node -> its position j in `order` (the j of the SVG classes vj, ej_k, oj)
    s.uses        node -> ((child, k), ...): each use of the node, child.parents[k] is node,
                  children in topological order (`a * a` gives two uses)
    s.parameters  node -> the model's short name for it ('L0.n3.w1'); {} without a model
    s.calls       the neuron calls (`autograd.graph.neurons`), in the order of their outputs
    s.names       node -> the name it is shown by (`autograd.graph.names`): the one naming
                  system of trace, draw, the player, the explorer and practice

`trace`, `draw`, `frames`, `play` and `explore` take a snapshot where they take a root, so a
caller that shows one graph many ways sorts and names it once. A snapshot holds structure
only: the numbers (data, local derivatives) stay in the nodes, so replaying the graph with
new leaf values (`autograd.engine.replay`) leaves its snapshot valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.engine.value import topological_order
from autograd.graph.names import display_names, parameter_names
from autograd.graph.neurons import NeuronCall, neuron_calls
from autograd.graph.walk import uses_of

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["Snapshot", "snapshot", "as_snapshot"]


@dataclass(frozen=True, eq=False, repr=False)
class Snapshot:
    """The structure of the graph under `root`, read once (see the module's docstring)."""

    root: Value
    model: Any
    order: tuple[Value, ...]
    index: Mapping[Value, int]
    uses: Mapping[Value, tuple[tuple[Value, int], ...]]
    parameters: Mapping[Value, str]
    calls: tuple[NeuronCall, ...]
    names: Mapping[Value, str]

    def __repr__(self) -> str:
        return f"Snapshot(root={self.names[self.root]!r}, {len(self.order)} nodes)"

    def __contains__(self, node: object) -> bool:
        return node in self.index


def snapshot(root: Value, model: Any = None) -> Snapshot:
    """Sort the graph under `root` once and read its structure (see the module's docstring).

    `model`: anything with `named_parameters()` (an `nn.Module`): its parameters and neuron
    calls are found and named after it (`L0.n3.w1`, `L0.n3`, `L0.n3.z`).
    """
    from autograd.engine.value import Value

    if not isinstance(root, Value):
        raise TypeError(f"snapshot: root must be a Value, got {type(root).__name__}")
    order = tuple(topological_order(root))
    index = {node: j for j, node in enumerate(order)}
    uses = uses_of(order)
    parameters = parameter_names(model) if model is not None else {}
    calls = tuple(neuron_calls(order, parameters, uses=uses, index=index)) if parameters else ()
    names = display_names(order, parameters, calls)
    return Snapshot(root, model, order, index, uses, parameters, calls, names)


def as_snapshot(graph: Value | Snapshot, model: Any, where: str) -> Snapshot:
    """`graph` itself if it is a snapshot (of the same `model`, or given none), else its snapshot.

    `where` names the caller in the errors: a graph that is neither, or a second model.
    """
    if isinstance(graph, Snapshot):
        if model is not None and model is not graph.model:
            raise ValueError(f"{where}: the snapshot was taken with another model; pass model= to snapshot()")
        return graph
    from autograd.engine.value import Value

    if not isinstance(graph, Value):
        raise TypeError(f"{where}: root must be a Value or a Snapshot, got {type(graph).__name__}")
    return snapshot(graph, model)
