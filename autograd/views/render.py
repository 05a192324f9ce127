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

Every value box has the same fixed size, wide enough for its name and for any number in
`number_format`, so frames that show "?" or other numbers keep the same layout. Nodes and
edges carry SVG classes (value node j: `vj`, its op: `pj`, the edge from parent slot k into
that op: `ej_k`, the op's edge to j: `oj`) that the browser views restyle step by step.
Given a `model` (anything with `named_parameters()`), parameters are named in short form.

`draw` returns a `Graph` (a `graphviz.Digraph`): `.source` is the DOT text and
`save_graph(g, "graph.svg")` writes a file. In Jupyter it shows as SVG with a PNG beside
it (the PNG is what an untrusted notebook shows); without graphviz's `dot` program it
shows as HTML that lays the graph out in the browser with the vendored Graphviz-wasm
(`autograd.views.graphview`). Rendering to a file without `dot` raises `DotNotFoundError`,
whose message says how to install it; the DOT source can still be saved.
"""

from __future__ import annotations

import base64
import html
import io
import os
import shutil
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import graphviz

from autograd.files import as_path, write_atomic
from autograd.graph.names import display_names, parameter_names
from autograd.graph.neurons import NeuronCall, neuron_calls
from autograd.graph.walk import children, graph_stats, topological_order
from autograd.notation.formulas import op_text
from autograd.validation import check_positive_int

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = [
    "draw",
    "Graph",
    "role",
    "collapsed_calls",
    "LEGEND",
    "save_graph",
    "DotNotFoundError",
    "GraphTooLargeWarning",
    "DEFAULT_MAX_NODES",
    "PNG_MAX_NODES",
]

DEFAULT_MAX_NODES = 300  # more value nodes than this are unreadable in one picture
# Jupyter gets a PNG beside the SVG (what an untrusted notebook shows) up to this many value
# nodes; a larger one takes seconds to make and megabytes to store.
PNG_MAX_NODES = 100

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
    "neuron": {"shape": "box", "style": "filled,rounded", "fillcolor": "#e1bee7"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee", "fontsize": "11"},
    "constant": {
        "shape": "plaintext",
        "fontsize": "10",
        "fontcolor": "#555555",
        "height": "0.2",
        "width": "0.3",
    },
}
_HIGHLIGHT = {"color": "#d32f2f", "penwidth": "2.5"}
_HIGHLIGHT_FILL = "#ffcdd2"
# What each colour means, for the legends of the player and the explorer.
LEGEND = (
    ("input", _STYLE["input"]["fillcolor"], "input (a leaf)"),
    ("parameter", _STYLE["parameter"]["fillcolor"], "parameter (a leaf to train)"),
    ("intermediate", _STYLE["intermediate"]["fillcolor"], "computed value"),
    ("output", _STYLE["output"]["fillcolor"], "output"),
    ("neuron", _STYLE["neuron"]["fillcolor"], "neuron, collapsed: a = g(Σ wᵢxᵢ + b) in one box"),
    ("op", _STYLE["op"]["fillcolor"], "operation (dashed: a constant operand)"),
    ("current", _HIGHLIGHT_FILL, "current step, and the edges it uses"),
)
_FONT_SIZE = 12  # points, value boxes
_CHAR_WIDTH = 0.58 * _FONT_SIZE / 72  # inches per character of Helvetica (digits are 0.556 em)
_BOX_PADDING = 0.3  # inches, left and right together
_BOX_HEIGHT = 0.78  # inches: three lines of 12 pt text with a margin
# Numbers as wide as a number can get in a given format: the value boxes fit these.
_WIDEST_NUMBERS = (-1.23456789e-10, -123456789.0, -0.000123456789, float("-inf"))


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

    value_nodes = 0  # how many value boxes the drawn computation graph has
    folded: Mapping[Value, Value] = MappingProxyType({})  # a node not drawn -> its neuron's box

    def __repr__(self) -> str:
        return f"Graph({self.value_nodes} value nodes)"

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **_: Any
    ) -> dict[str, str]:
        """SVG and PNG where `dot` is on PATH; else HTML laid out in the browser (no `dot`)."""
        if shutil.which("dot") is None:
            from autograd.views.graphview import (
                graph_html,  # imported when needed: it reads the 1.3 MB renderer
            )

            hint = "graphviz's `dot` is not installed: the graph is drawn by JavaScript in the notebook"
            return {"text/html": graph_html(self.source), "text/plain": f"{self!r} ({hint})"}
        bundle = {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        if self.value_nodes <= PNG_MAX_NODES:
            bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as exc:
            raise DotNotFoundError() from exc

    def svg(self) -> str:
        """The rendered graph as an SVG document (needs `dot`)."""
        return self.pipe(format="svg", encoding="utf-8")

    def png(self) -> bytes:
        """The rendered graph as PNG (needs `dot`), reduced to 64 colours when Pillow is
        installed: a quarter of the bytes, so notebooks that store it stay small."""
        rendered = self.pipe(format="png")
        try:
            from PIL import Image  # optional
        except ImportError:
            return rendered
        with Image.open(io.BytesIO(rendered)) as picture:
            out = io.BytesIO()
            picture.convert("RGB").quantize(colors=64).save(out, format="PNG", optimize=True)
        return out.getvalue()


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
    model: Any = None,
    collapse: bool | Collection[str] = False,
) -> Graph:
    """Draw the graph that `root` depends on.

    Args:
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        edge_labels: print each local derivative ∂child/∂parent on its edge.
        highlight_nodes: value nodes drawn in red.
        highlight_edges: edges (parent, child, k) drawn in red — k is the parent slot,
            as in `autograd.graph.walk.edges`.
        parameters: leaves to draw as parameters (orange); other leaves are inputs (blue);
            the root is the output (green).
        number_format: format spec for numbers, e.g. ".4g" or ".2f".
        data, grads: values to show instead of `node.data` / `node.grad`; a node missing
            from the mapping shows "?" (the stepper uses this for frames).
        max_nodes: above this many value boxes (a folded neuron is one), warn and draw a
            one-box summary instead;
            `max_nodes=None` draws any size.
        model: an object with `named_parameters()` (e.g. an `nn.MLP`): its parameters are
            drawn as parameters, named in short form (`L0.n3.w1`).
        collapse: fold each call of a neuron into one box showing its output a = g(z)
            (`autograd.graph.neurons`; needs `model`): True for every neuron, or the names of
            some ('L0.n3'). The box keeps the class of a's node (`vj`), with `neuron` added;
            its parameters and the nodes of z are not drawn, and edges into z's nodes point
            at the box.
    """
    from autograd.engine.value import Value

    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, got {type(root).__name__}")
    check_positive_int(max_nodes, "draw: max_nodes", or_none=True)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"draw: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    try:
        format(1.0, number_format)
    except (ValueError, TypeError):
        raise ValueError(f"draw: bad number_format {number_format!r} (try '.4g')") from None
    order = topological_order(root)
    calls = collapsed_calls(order, model, collapse)
    drawn_in = {node: call for call in calls for node in call.nodes}  # node -> its collapsed call
    uses = children(order)
    hidden = {node for node in drawn_in if node is not drawn_in[node].output}
    hidden |= {p for call in calls for p in call.parameters if all(c in drawn_in for c in uses[p])}
    graph = Graph(
        graph_attr={"rankdir": rankdir, "nodesep": "0.2", "ranksep": "0.35"},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    graph.value_nodes = len(order) - len(hidden)  # a folded neuron is one box
    graph.folded = {n: call.output for call in calls for n in (*call.nodes, *call.parameters) if n in hidden}
    if max_nodes is not None and graph.value_nodes > max_nodes:
        _draw_summary(graph, root, max_nodes)
        return graph

    def number(x: float | None) -> str:
        return "?" if x is None else format(x, number_format)

    names = display_names(order, model)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    parameter_set = set(parameters) | (set(parameter_names(model)) if model is not None else set())
    hot_nodes, hot_edges = set(highlight_nodes), set(highlight_edges)
    box = _box_size([*names.values(), *(call.title for call in calls)], number_format)
    for i, node in enumerate(order):
        call = drawn_in.get(node)
        if node not in hidden:  # a value box, or a collapsed call's box (at its output)
            shown_data = node.data if data is None else data.get(node)
            shown_grad = node.grad if grads is None else grads.get(node)
            label = (
                f"<<b>{_escape(names[node] if call is None else call.title)}</b>"
                f"<br/>data {_escape(number(shown_data))}<br/>grad {_escape(number(shown_grad))}>"
            )
            kind, classes = ("neuron", f"v{i} neuron") if call else (role(node, root, parameter_set), f"v{i}")
            attrs = dict(_STYLE[kind], **box, **{"class": classes})
            if node in hot_nodes or (call is not None and not hot_nodes.isdisjoint(call.nodes)):
                attrs.update(_HIGHLIGHT, fillcolor=_HIGHLIGHT_FILL)
            graph.node(ids[node], label=label, **attrs)
        if node.is_leaf:
            continue
        if call is None:
            target = f"{ids[node]}_op"
            graph.node(target, label=f"<{_escape(op_text(node))}>", **_STYLE["op"], **{"class": f"p{i}"})
            graph.edge(target, ids[node], **(_HIGHLIGHT if node in hot_nodes else {}), **{"class": f"o{i}"})
        else:  # a node of a collapsed call: only edges from outside, into the call's box
            target = ids[call.output]
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            if parent in hidden or (call is not None and drawn_in.get(parent) is call):
                continue  # inside the box
            attrs = {"label": f"<{_escape(number(local))}>"} if edge_labels else {}
            if (parent, node, k) in hot_edges:
                attrs.update(_HIGHLIGHT)
            source = ids[drawn_in[parent].output] if parent in drawn_in else ids[parent]
            graph.edge(source, target, **attrs, **{"class": f"e{i}_{k}"})
        if call is None and node.operator.form == "call":  # infix ops write constants in the label
            _draw_constants(graph, target, node.operands, number)
    for call in calls:  # a collapsed call's plain-number inputs point at its box
        _draw_constants(graph, ids[call.output], [c for n in call.nodes for c in n.operands], number)
    return graph


def collapsed_calls(order: Sequence[Value], model: Any, collapse: bool | Collection[str]) -> list[NeuronCall]:
    """The neuron calls that `collapse` asks to fold (see `draw`), checked against `model`."""
    if not isinstance(collapse, bool) and (isinstance(collapse, str) or not isinstance(collapse, Collection)):
        raise TypeError(f"collapse must be True, False or a list of neuron names, got {collapse!r}")
    if not collapse:
        return []
    if model is None:
        raise ValueError("collapse needs model=...: the parameters' names say which neuron each belongs to")
    calls = neuron_calls(order, parameter_names(model))
    if collapse is True:
        return calls
    known = {call.name for call in calls}
    unknown = [name for name in collapse if name not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise ValueError(f"collapse: no neuron named {unknown[0]!r} in this graph (neurons: {listed})")
    return [call for call in calls if call.name in set(collapse)]


def _draw_constants(graph: Graph, target_id: str, operands: Iterable[Any], number: Any) -> None:
    """The plain-number operands (`Value.dot(w, [0.5, -1.5])`: constant inputs) as small numbers
    with dashed edges into the op or box `target_id`."""
    constants = [c for c in operands if isinstance(c, float)]
    for m, constant in enumerate(constants):
        constant_id = f"{target_id}_c{m}"
        graph.node(constant_id, label=f"<{_escape(number(constant))}>", **_STYLE["constant"])
        graph.edge(constant_id, target_id, style="dashed", color="#757575", arrowsize="0.6")


def _box_size(names: Iterable[str], number_format: str) -> dict[str, str]:
    """Fixed width and height (inches) of the value boxes: the longest name or 'grad <number>'."""
    widest = max(len(format(x, number_format)) for x in _WIDEST_NUMBERS) + len("grad ")
    chars = max([widest, *(len(name) for name in names)])
    width = chars * _CHAR_WIDTH + _BOX_PADDING
    return {"width": f"{width:.2f}", "height": f"{_BOX_HEIGHT:.2f}", "fixedsize": "true"}


def role(node: Value, root: Value, parameters: Collection[Value]) -> str:
    """How a node is coloured: 'output', 'intermediate', 'parameter' or 'input'."""
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
