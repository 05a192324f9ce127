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
that op: `ej_k`, the op's edge to j: `oj`; `SVG_CLASSES`, sent to the page with the data) that
the browser views restyle step by step.
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
import itertools
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import graphviz

from autograd.extras import DOT_INSTALL
from autograd.files import as_path, write_atomic
from autograd.graph.neurons import NeuronCall
from autograd.graph.snapshot import Snapshot, as_snapshot
from autograd.graph.walk import graph_stats
from autograd.notation.formulas import op_text
from autograd.validation import check_positive_int

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = [
    "draw",
    "Graph",
    "role",
    "collapsed_calls",
    "check_draw_options",
    "SVG_CLASSES",
    "svg_class",
    "LEGEND",
    "save_graph",
    "layout_size",
    "fit_to",
    "DotNotFoundError",
    "LayoutError",
    "DOT_TIMEOUT",
    "DOT_MAX_NODES",
    "GraphTooLargeWarning",
    "DEFAULT_MAX_NODES",
    "PNG_MAX_NODES",
]

DEFAULT_MAX_NODES = 300  # more value nodes than this are unreadable in one picture
# Bounds on one `dot` run. Its time grows much faster than the graph (a sum of 110 products x*y,
# 221 value nodes, takes 36 s; 60 take 3 s), and thousands of nodes can crash it or exhaust memory.
DOT_TIMEOUT = 30.0  # seconds; past it `dot` is ended and LayoutError raised
DOT_MAX_NODES = 3000  # graphviz nodes (value boxes, ops, constants); more are refused before starting
# Jupyter gets a PNG beside the SVG (what an untrusted notebook shows) up to this many value
# nodes; a larger one takes seconds to make and megabytes to store.
PNG_MAX_NODES = 100

DOT_INSTALL_HELP = (
    "graphviz's `dot` program was not found on PATH, so the graph cannot be rendered.\n"
    "Install it with one of:\n"
    + "".join(f"    {command:38} ({where})\n" for where, command in DOT_INSTALL)
    + "The DOT source does not need `dot`: read `graph.source`, or save it with\n"
    "`save_graph(graph, 'graph.dot')` and render it elsewhere."
)

#: The SVG classes `draw` gives what the browser views restyle, for the node at position j of
#: the topological order: its value box, its op, the edge from its parent slot k into the op,
#: the op's edge to the box. The one definition: the view model sends it to the page.
SVG_CLASSES = {"value": "v{j}", "op": "p{j}", "edge": "e{j}_{k}", "output": "o{j}"}


def svg_class(kind: str, j: int, k: int = 0) -> str:
    """The SVG class of a part of node j's drawing (`SVG_CLASSES`): svg_class("edge", 3, 1) -> 'e3_1'."""
    return SVG_CLASSES[kind].format(j=j, k=k)


_LAYOUT_WAYS_OUT = (
    "draw a smaller graph, fold neurons into boxes with draw(..., model=..., collapse=True), or save "
    "the DOT source (save_graph(graph, 'graph.dot')) and lay it out elsewhere; raise the bounds with "
    "graph.layout_timeout / graph.layout_max_nodes (None: no bound)"
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


class LayoutError(RuntimeError):
    """graphviz's `dot` did not lay the graph out: too large to start, over its time limit, or it
    failed (crashed, ran out of memory). The message says what to do instead."""


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
    layout_timeout: float | None = DOT_TIMEOUT  # per `dot` run; None: no limit
    layout_max_nodes: int | None = DOT_MAX_NODES  # None: no limit
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

    def pipe(self, format: str | None = None, *, encoding: str | None = None) -> Any:
        """The graph rendered by `dot` (bytes, or text with `encoding`), within `layout_timeout`
        seconds and `layout_max_nodes` nodes; `dot` is ended if the caller is interrupted."""
        chosen = format or self.format
        if chosen not in graphviz.FORMATS:
            raise ValueError(f"unknown output format {chosen!r} (try svg, png or pdf)")
        dot = shutil.which("dot")
        if dot is None:
            raise DotNotFoundError()
        nodes = sum(1 for line in self.body if " -> " not in line)
        size = f"{nodes} nodes and {len(self.body) - nodes} edges"
        if self.layout_max_nodes is not None and nodes > self.layout_max_nodes:
            raise LayoutError(
                f"the graph has {size}, more than `dot` is given (layout_max_nodes="
                f"{self.layout_max_nodes}); {_LAYOUT_WAYS_OUT}"
            )
        process = subprocess.Popen(
            [dot, f"-T{chosen}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = process.communicate(self.source.encode("utf-8"), timeout=self.layout_timeout)
        except subprocess.TimeoutExpired:
            raise LayoutError(
                f"graphviz's dot did not lay out the graph ({size}) within {self.layout_timeout:g} s "
                f"(layout_timeout); {_LAYOUT_WAYS_OUT}"
            ) from None
        finally:  # a timeout, Ctrl-C or any error: no `dot` is left running
            if process.poll() is None:
                process.kill()
                process.communicate()
        if process.returncode != 0:
            how = (
                f"was killed by signal {-process.returncode} (a crash, or out of memory)"
                if process.returncode < 0
                else f"failed with exit status {process.returncode}"
            )
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise LayoutError(f"graphviz's dot {how} on the graph ({size}) {detail[0]}; {_LAYOUT_WAYS_OUT}")
        return out.decode(encoding) if encoding else out

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
    root: Value | Snapshot,
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
    """Draw the graph that `root` depends on (a Value, or a `Snapshot` of its graph).

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
            at the box. Each layer's boxes are stacked in the model's order, and what they feed
            (the loss) goes down columns beside the last layer, not along a row of its own.
    """
    check_draw_options(rankdir, number_format, max_nodes, "draw")
    shot = as_snapshot(root, model, "draw")
    root, order = shot.root, shot.order
    calls = collapsed_calls(shot, collapse)
    drawn_in = {node: call for call in calls for node in call.nodes}  # node -> its collapsed call
    hidden = {node for node in drawn_in if node is not drawn_in[node].output}
    folded_parameters = {p for call in calls for p in call.parameters}  # hidden if used only inside boxes
    hidden |= {p for p in folded_parameters if all(c in drawn_in for c, _ in shot.uses[p])}
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

    names = shot.names
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    parameter_set = set(parameters) | set(shot.parameters)
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
            kind = "neuron" if call else role(node, root, parameter_set)
            classes = f"{svg_class('value', i)} neuron" if call else svg_class("value", i)
            attrs = dict(_STYLE[kind], **box, **{"class": classes})
            if node in hot_nodes or (call is not None and not hot_nodes.isdisjoint(call.nodes)):
                attrs.update(_HIGHLIGHT, fillcolor=_HIGHLIGHT_FILL)
            graph.node(ids[node], label=label, **attrs)
        if node.is_leaf:
            continue
        if call is None:
            target = f"{ids[node]}_op"
            op_attrs = dict(_STYLE["op"], **{"class": svg_class("op", i)})
            graph.node(target, label=f"<{_escape(op_text(node))}>", **op_attrs)
            hot = _HIGHLIGHT if node in hot_nodes else {}
            graph.edge(target, ids[node], **hot, **{"class": svg_class("output", i)})
        else:  # a node of a collapsed call: only edges from outside, into the call's box
            target = ids[call.output]
        for k, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            if parent in hidden or (call is not None and drawn_in.get(parent) is call):
                continue  # inside the box
            attrs = {"label": f"<{_escape(number(local))}>"} if edge_labels else {}
            if (parent, node, k) in hot_edges:
                attrs.update(_HIGHLIGHT)
            source = ids[drawn_in[parent].output] if parent in drawn_in else ids[parent]
            graph.edge(source, target, **attrs, **{"class": svg_class("edge", i, k)})
        if call is None and node.operator.form == "call":  # infix ops write constants in the label
            _draw_constants(graph, target, node.operands, number)
    for call in calls:  # a collapsed call's plain-number inputs point at its box
        _draw_constants(graph, ids[call.output], [c for n in call.nodes for c in n.operands], number)
    if calls:
        _stack_in_model_order(graph, calls, ids, list(shot.parameters))
        _stack_the_loss(graph, shot, calls, ids)
    return graph


def _stack_in_model_order(
    graph: Graph, calls: Sequence[NeuronCall], ids: Mapping[Value, str], params: Sequence[Value]
) -> None:
    """Stack the boxes of a layer's folded neurons in the model's order (L0.n0, L0.n1, ...; per
    sample when the graph calls the network more than once): each layer's boxes in one rank, tied
    in that order by invisible edges (else graphviz stacks them as it finds them)."""
    position = {p: i for i, p in enumerate(params)}
    seen: dict[str, int] = {}
    layers: dict[tuple[str, int], list[NeuronCall]] = {}
    for call in calls:
        sample = seen.get(call.name, 0)
        seen[call.name] = sample + 1
        layers.setdefault((call.name.rpartition(".")[0], sample), []).append(call)
    for (layer, sample), members in layers.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda call: min(position[p] for p in call.parameters))
        with graph.subgraph(name=f"{layer or 'neurons'}_{sample}") as rank:
            rank.attr(rank="same")
            for above, below in itertools.pairwise(members):
                rank.edge(ids[above.output], ids[below.output], style="invis")


def _stack_the_loss(
    graph: Graph, shot: Snapshot, calls: Sequence[NeuronCall], ids: Mapping[Value, str]
) -> None:
    """Lay out what the folded neurons' boxes feed (the loss: y - t, **2, sum, ...) in columns, so
    that it does not stretch the drawing along a row of its own past the network: each node in its
    op's rank, a node that only transforms the one before it (its one operand, used nowhere else)
    below it, and a column that reads one box centred on that box (an invisible edge pulling hard)."""
    boxes = {call.output for call in calls}
    in_neurons = {node for call in shot.calls for node in call.nodes}
    column_of: dict[Value, list[Value]] = {}  # each node after the boxes -> its column, top to bottom
    columns: list[list[Value]] = []
    for node in shot.order:
        if node.is_leaf or node in in_neurons or not any(p in boxes or p in column_of for p in node.parents):
            continue
        first, *others = node.parents
        if not others and first in column_of and len(shot.uses[first]) == 1:
            column_of[node] = column_of[first]
        else:
            column_of[node] = []
            columns.append(column_of[node])
        column_of[node].append(node)
    for k, column in enumerate(columns):
        stacked = [name for node in column for name in (f"{ids[node]}_op", ids[node])]
        with graph.subgraph(name=f"loss column {k}") as rank:
            rank.attr(rank="same")
            for name in stacked:
                rank.node(name)
        if len(column[0].parents) == 1:
            graph.edge(ids[column[0].parents[0]], stacked[len(stacked) // 2], style="invis", weight="10")


def check_draw_options(rankdir: str, number_format: str, max_nodes: int | None, where: str) -> None:
    """Raise the error `draw` would raise for these options (`where` names the caller)."""
    check_positive_int(max_nodes, f"{where}: max_nodes", or_none=True)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"{where}: rankdir must be 'LR' or 'TB', got {rankdir!r}")
    try:
        format(1.0, number_format)
    except (ValueError, TypeError):
        raise ValueError(f"{where}: bad number_format {number_format!r} (try '.4g')") from None


def collapsed_calls(shot: Snapshot, collapse: bool | Collection[str]) -> list[NeuronCall]:
    """The neuron calls that `collapse` asks to fold (see `draw`), checked against the snapshot's model."""
    if not isinstance(collapse, bool) and (isinstance(collapse, str) or not isinstance(collapse, Collection)):
        raise TypeError(f"collapse must be True, False or a list of neuron names, got {collapse!r}")
    if not collapse:
        return []
    if shot.model is None:
        raise ValueError("collapse needs model=...: the parameters' names say which neuron each belongs to")
    calls = list(shot.calls)
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


def layout_size(graph: graphviz.Digraph) -> tuple[float, float]:
    """The width and height of `graph` as `dot` lays it out, in points (1/72 inch)."""
    head = graph.pipe(format="plain").decode("utf-8").split("\n", 1)[0].split()  # graph SCALE W H (inches)
    return float(head[2]) * 72.0, float(head[3]) * 72.0


def fit_to(draw_in: Callable[[str], Graph], boxes: Mapping[str, tuple[float, float]]) -> tuple[Graph, float]:
    """The drawing of a graph that shows its labels largest: `draw_in(rankdir)` draws it left to
    right ("LR") or top to bottom ("TB"), and `boxes[rankdir]` is the (width, height) in points
    that drawing would get (a page's width, or a column beside the text for a tall one).

    A long chain drawn left to right and shrunk to a page's width has unreadable labels; top to
    bottom it may not. Returns the drawing and its scale, min(1, width / w, height / h) for its
    laid-out size w × h: a label of s points shows s · scale points tall. Needs `dot`.
    """
    drawings = [draw_in(rankdir) for rankdir in boxes]
    scales = [
        min(1.0, width / w, height / h)
        for (width, height), (w, h) in zip(boxes.values(), map(layout_size, drawings))
    ]
    return max(zip(drawings, scales), key=lambda drawing: drawing[1])  # the first on a tie
