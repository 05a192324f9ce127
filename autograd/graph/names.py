"""The names a graph's nodes are shown by, aware of a model: `L0.n3.w1` for a parameter,
`L0.n3` and `L0.n3.z` for a neuron's output and weighted sum, else a label or v{i}."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from autograd.engine.names import node_names
from autograd.graph.neurons import NeuronCall

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["display_names", "parameter_names", "short_parameter_name"]


_SHORT_PARTS = {"layers": "L", "neurons": "n"}


def short_parameter_name(dotted: str) -> str:
    """A dotted parameter name made short: 'layers.0.neurons.3.w.1' -> 'L0.n3.w1'.

    Each word is joined to the index after it; 'layers' and 'neurons' become L and n.
    """
    parts: list[str] = []
    for part in dotted.split("."):
        if part.isdigit() and parts and not parts[-1][-1:].isdigit():
            parts[-1] += part
        else:
            parts.append(_SHORT_PARTS.get(part, part))
    return ".".join(parts)


def parameter_names(model: Any) -> dict[Value, str]:
    """{parameter: short name} from `model.named_parameters()` (any object that has it)."""
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"model must have a named_parameters() method (an nn.Module), got {type(model).__name__}"
        )
    return {p: short_parameter_name(name) for name, p in named()}


def display_names(
    order: Sequence[Value], parameters: Mapping[Value, str] | None = None, calls: Sequence[NeuronCall] = ()
) -> dict[Value, str]:
    """The names nodes are shown by (`autograd.graph.snapshot` reads them once per graph).

    Without a model's `parameters` (`parameter_names(model)`): as `autograd.engine.names.node_names`
    (labels, or v{i}). With them: each parameter's name (`L0.n3.w1`) and, for the neuron
    `calls` found among them, each unlabelled neuron output a (`L0.n3`) and weighted sum z
    (`L0.n3.z`; a model that is one neuron: `a`, `z`), numbered `L0.n3_0`, `L0.n3_1`, ... when
    the graph calls the neuron more than once (once per sample). A name already taken gets
    `_{i}` added."""
    names = node_names(order)
    if not parameters:
        return names
    given = dict(parameters)
    given |= {node: name for node, name in _neuron_names(calls, parameters).items() if not node.label}
    taken = set(given.values())
    return {
        node: given.get(node) or (f"{names[node]}_{i}" if names[node] in taken else names[node])
        for i, node in enumerate(order)
    }


def _neuron_names(calls: Sequence[NeuronCall], parameters: Mapping[Value, str]) -> dict[Value, str]:
    """{a: 'L0.n3', z: 'L0.n3.z'} for each neuron call (see `display_names`)."""
    count = Counter(call.name for call in calls)
    seen = dict.fromkeys(count, 0)
    found = {}
    for call in calls:
        suffix = f"_{seen[call.name]}" if count[call.name] > 1 else ""
        seen[call.name] += 1
        alone = all("." not in parameters[p] for p in call.parameters)  # the model is one neuron
        found[call.output] = ("a" if alone else call.name) + suffix
        if call.activation != "linear":
            found[call.nodes[-2]] = ("z" if alone else f"{call.name}.z") + suffix
    return found
