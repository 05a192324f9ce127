"""Drawing the computation graph with graphviz: `draw(root)`.

Every value node is a box showing its name, `data` and `grad`; every operation
is a small ellipse between its inputs and its result:

    w ──┐
        (*) ──> g ──┐
    x ──┘           (+) ──> f
              b ────┘

One edge is drawn per parent slot, so `a * a` shows two edges from `a`, and a
fused node (`Value.dot`, `Value.sum`) is one op with many incoming edges. Nodes
are named n0, n1, ... in topological order (never by `id()`), so the DOT source
is the same on every run.

`draw` returns a `Graph` (a `graphviz.Digraph`): it displays itself in Jupyter,
`.source` is the DOT text, and `save_graph(g, "graph.svg")` writes a file. If
graphviz's `dot` program is missing, rendering raises `DotNotFoundError`, whose
message says how to install it; the DOT source can still be saved.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import graphviz

from autograd.files import as_path, write_atomic
from autograd.graph import graph_stats, topological_order
from autograd.notation import node_names, op_text

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = [
    "draw",
    "Graph",
    "save_graph",
    "DotNotFoundError",
    "GraphTooLargeWarning",
    "DEFAULT_MAX_NODES",
]

DEFAULT_MAX_NODES = 300  # more value nodes than this are unreadable in one picture

DOT_INSTALL_HELP = (
    "graphviz's `dot` program was not found on PATH, so the graph cannot be rendered.\n"
    "Install it with one of:\n"
    "    sudo apt-get install graphviz          (Debian, Ubuntu)\n"
    "    brew install graphviz                  (macOS)\n"
    "    conda install -c conda-forge graphviz  (conda)\n"
    "The DOT source does not need `dot`: read `graph.source`, or save it with\n"
    "`save_graph(graph, 'graph.dot')` and render it elsewhere."
)

# Looks, as graphviz attributes. Parameters, inputs and the output are told apart by colour.
_STYLE = {
    "output": {"shape": "box", "style": "filled,bold", "fillcolor": "#c8e6c9"},
    "parameter": {"shape": "box", "style": "filled", "fillcolor": "#ffe0b2"},
    "input": {"shape": "box", "style": "filled", "fillcolor": "#bbdefb"},
    "intermediate": {"shape": "box", "style": "filled", "fillcolor": "#ffffff"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "fontsize": "11"},
}
_HIGHLIGHT = {"color": "#d32f2f", "penwidth": "2.5"}
_HIGHLIGHT_FILL = "#ffcdd2"


class DotNotFoundError(RuntimeError):
    """graphviz's `dot` binary is missing; the message says how to install it."""

    def __init__(self) -> None:
        super().__init__(DOT_INSTALL_HELP)


class GraphTooLargeWarning(UserWarning):
    """The graph has more nodes than `max_nodes`; a summary was drawn instead."""


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` whose rendering explains how to install `dot` when it is missing.

    Displays itself in Jupyter (as SVG). `.source` is the DOT text. Its repr names
    the size of the computation graph, the same on every run (no memory address).
    """

    value_nodes = 0  # how many value nodes the drawn computation graph has

    def __repr__(self) -> str:
        return f"Graph({self.value_nodes} value nodes)"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as exc:
            raise DotNotFoundError() from exc

    def svg(self) -> str:
        """The rendered graph as an SVG document (needs `dot`)."""
        return self.pipe(format="svg", encoding="utf-8")


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    edge_labels: bool = False,
    highlight_nodes: Collection[Value] = (),
    highlight_edges: Collection[tuple[Value, Value, int]] = (),
    parameters: Collection[Value] = (),
    number_format: str = ".4g",
    data: Mapping[Value, float] | None = None,
    grads: Mapping[Value, float] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Graph:
    """Draw the graph that `root` depends on.

    Args:
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        edge_labels: print each local derivative ∂child/∂parent on its edge.
        highlight_nodes: value nodes drawn in red.
        highlight_edges: edges (parent, child, k) drawn in red — k is the parent slot,
            as in `autograd.graph.edges`.
        parameters: leaves to draw as parameters (orange); other leaves are inputs (blue);
            the root is the output (green).
        number_format: format spec for numbers, e.g. ".4g" or ".2f".
        data, grads: values to show instead of `node.data` / `node.grad`; a node missing
            from the mapping shows "?" (the stepper uses this for frames).
        max_nodes: above this many value nodes, warn and draw a one-box summary instead;
            `max_nodes=None` draws any size.
    """
    from autograd.engine import Value

    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, got {type(root).__name__}")
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"draw: max_nodes must be a positive integer or None, got {max_nodes!r}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"draw: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    try:
        format(1.0, number_format)
    except (ValueError, TypeError):
        raise ValueError(f"draw: bad number_format {number_format!r} (try '.4g')") from None
    order = topological_order(root)
    graph = Graph(
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    graph.value_nodes = len(order)
    if max_nodes is not None and len(order) > max_nodes:
        _draw_summary(graph, root, max_nodes)
        return graph

    def number(x: float | None) -> str:
        return "?" if x is None else format(x, number_format)

    names = node_names(order)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    parameter_set, hot_nodes, hot_edges = set(parameters), set(highlight_nodes), set(highlight_edges)
    for node in order:
        shown_data = node.data if data is None else data.get(node)
        shown_grad = node.grad if grads is None else grads.get(node)
        label = (
            f"<<b>{_escape(names[node])}</b><br/>data {_escape(number(shown_data))}"
            f"<br/>grad {_escape(number(shown_grad))}>"
        )
        attrs = dict(_STYLE[_role(node, root, parameter_set)])
        if node in hot_nodes:
            attrs.update(_HIGHLIGHT, fillcolor=_HIGHLIGHT_FILL)
        graph.node(ids[node], label=label, **attrs)
        if node.is_leaf:
            continue
        op_id = f"{ids[node]}_op"
        graph.node(op_id, label=f"<{_escape(op_text(node))}>", **_STYLE["op"])
        graph.edge(op_id, ids[node], **(_HIGHLIGHT if node in hot_nodes else {}))
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            attrs = {"label": f"<{_escape(number(local))}>"} if edge_labels else {}
            if (parent, node, k) in hot_edges:
                attrs.update(_HIGHLIGHT)
            graph.edge(ids[parent], op_id, **attrs)
    return graph


def _role(node: Value, root: Value, parameters: set[Value]) -> str:
    if node is root:
        return "output"
    if not node.is_leaf:
        return "intermediate"
    return "parameter" if node in parameters else "input"


def _escape(text: str) -> str:
    """Text made safe inside a graphviz HTML-like label (`< > & " '` become entities)."""
    return html.escape(text, quote=True)


def _draw_summary(graph: Graph, root: Value, max_nodes: int) -> None:
    stats = graph_stats(root)
    message = (
        f"graph too large to draw: {stats.nodes} nodes, {stats.edges} edges, depth {stats.depth} "
        f"(max_nodes={max_nodes}); draw(root, max_nodes=None) draws it anyway"
    )
    warnings.warn(message, GraphTooLargeWarning, stacklevel=3)
    graph.node("summary", label=f"<{_escape(message)}>", shape="note")


def save_graph(graph: graphviz.Digraph, path: str | os.PathLike[str]) -> Path:
    """Write `graph` to `path`: DOT source for .dot/.gv (no `dot` needed), else rendered.

    The format is the file's suffix: .svg, .png, .pdf, ... Written atomically.
    """
    target = as_path(path, "save_graph")
    suffix = target.suffix.lower().lstrip(".")
    if suffix in ("dot", "gv"):
        return write_atomic(target, graph.source)
    if not suffix:
        raise ValueError(f"save_graph: {str(path)!r} has no suffix; use .svg, .png, .pdf or .dot")
    try:
        rendered = graph.pipe(format=suffix)
    except graphviz.ExecutableNotFound as exc:
        raise DotNotFoundError() from exc
    return write_atomic(target, rendered)
