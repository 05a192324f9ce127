"""Which nodes of a graph make up each neuron: what `draw(..., collapse=...)` folds into one box.

A neuron computes a = g(z), z = Σᵢ wᵢxᵢ + b. Its parameters say which neuron they belong
to by name: `L0.n3.w1` and `L0.n3.b` are neuron `L0.n3`'s (the name without its last part).
One call of the neuron — one forward pass of one sample — is, in the graph:

- its sum z: the nodes with one of the neuron's parameters as a parent (one fused `dot`
  node, or micrograd's `wᵢ * xᵢ` and `b + ...` nodes), together with the `+` nodes that
  only add those up;
- its activation a = g(z), when z is used once, by tanh, relu or sigmoid.

A sum must read something besides the neuron's own parameters (an input xᵢ): a weight
penalty Σ w² is not a call of the neuron. Each call is a `NeuronCall`; calls of one neuron
share its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd.graph.walk import uses_of

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["ACTIVATIONS", "NeuronCall", "neuron_calls", "neuron_name"]

#: the ops that end a neuron: a = g(z)
ACTIVATIONS = ("tanh", "relu", "sigmoid")


@dataclass(frozen=True)
class NeuronCall:
    """One call of a neuron in a graph.

    name:       the neuron's name ('L0.n3').
    parameters: its parameters that the call reads (wᵢ and b), in topological order.
    nodes:      the computed nodes of z and a, in topological order; `output` is the last.
    """

    name: str
    parameters: tuple[Value, ...]
    nodes: tuple[Value, ...]

    @property
    def output(self) -> Value:
        """The neuron's output a (z itself for a linear neuron)."""
        return self.nodes[-1]

    @property
    def activation(self) -> str:
        """g's name: 'tanh', 'relu', 'sigmoid', or 'linear' (a = z)."""
        name = self.output.operator.name
        return name if name in ACTIVATIONS else "linear"

    @property
    def title(self) -> str:
        """How its box is headed: 'L0.n3: tanh'."""
        return f"{self.name}: {self.activation}"


def neuron_name(parameter_name: str) -> str:
    """The neuron a parameter belongs to: 'L0.n3.w1' -> 'L0.n3'; a top-level 'w1' -> 'neuron'."""
    owner = parameter_name.rpartition(".")[0]
    return owner or "neuron"


def neuron_calls(
    order: Sequence[Value],
    parameter_names: Mapping[Value, str],
    *,
    uses: Mapping[Value, Sequence[tuple[Value, int]]] | None = None,
    index: Mapping[Value, int] | None = None,
) -> list[NeuronCall]:
    """Every call of a neuron in the graph `order` (topological), in the order of their outputs.

    `parameter_names` maps parameters to names such as 'L0.n3.w1'
    (`autograd.graph.names.parameter_names(model)`). `uses` (`autograd.graph.walk.uses_of`)
    and `index` (node -> position in `order`), when the caller has them, save reading them again.
    """
    owner = {p: neuron_name(name) for p, name in parameter_names.items()}
    neuron: dict[Value, str] = {}  # a node of some call's sum -> the neuron's name
    first: dict[Value, Value] = {}  # union-find over sum nodes: node -> a node of its call (a root: itself)
    for node in order:
        if node.is_leaf:
            continue
        parents = node.parents
        names = {owner[p] for p in parents if p in owner}
        sums = [p for p in parents if p in neuron]
        if len(names) == 1:
            (name,) = names
        elif not names and node.operator.name == "add" and len(sums) == len(parents):
            name = neuron[sums[0]]  # a `+` of two partial sums: part of the call if one neuron's
        else:
            continue
        joined = [p for p in sums if neuron[p] == name]
        if not names and len(joined) < len(parents):
            continue
        neuron[node] = name
        first[node] = node
        for p in joined:
            first[_find(first, p)] = _find(first, node)
    calls: dict[Value, list[Value]] = {}
    for node in order:
        if node in neuron:
            calls.setdefault(_find(first, node), []).append(node)
    if uses is None:
        uses = uses_of(order)
    found = []
    for members in calls.values():
        name = neuron[members[0]]
        inside = set(members)
        read = [o for m in members for o in m.operands if isinstance(o, float) or o not in inside]
        if all(not isinstance(o, float) and owner.get(o) == name for o in read):
            continue  # reads only its own parameters: not a call (a penalty such as Σ w²)
        top = members[-1]
        used_by = uses[top]
        if len(used_by) == 1 and used_by[0][0].operator.name in ACTIVATIONS:
            members.append(used_by[0][0])
        parameters = tuple(dict.fromkeys(p for m in members for p in m.parents if owner.get(p) == name))
        found.append(NeuronCall(name, parameters, tuple(members)))
    if index is None:
        index = {node: i for i, node in enumerate(order)}
    return sorted(found, key=lambda call: index[call.output])


def _find(first: dict[Value, Value], node: Value) -> Value:
    """The representative of `node`'s call (union-find, with path halving)."""
    while first[node] is not node:
        first[node] = first[first[node]]
        node = first[node]
    return node
