"""`explore(root)`: backprop live in the notebook, as a widget (anywidget).

The graph is laid out once in the browser by the vendored Graphviz-wasm (no `dot`
program needed) and restyled at every step, like the player: step through the forward
pass and every backward step (buttons, slider, arrow keys), with the current node and the
edges it pushes along in red, gradients filled in as they become final, and the step's
chain rule beside the graph. Clicking a node shows its derivation, Σ over its children
(`Trace.derivation`). The chain-rule formulas are the stepper's LaTeX, typeset in the page by
the vendored KaTeX (its fonts inlined in the widget's style sheet; the plain text one click
away). Every leaf has a number field: an edit replays the graph in the
kernel with the new value (`autograd.engine.replay`), traces backprop again and sends the new
numbers; the layout stays as it is.

`explore(root, practice=True)` asks instead of showing: every gradient but the root's is
"?" until the student types it, in `backward()`'s order, the asked node in red. The kernel
checks each answer with `autograd.recording.practice.Practice` (the quiz's checker: two tries, the
mistake named, the derivation after the second miss; text that is not a number is asked
again) and only then sends that gradient: the synced state never holds an unanswered
gradient, nor a formula or derivation that would give it away. Editing a leaf replays the
graph and starts the practice again on the new numbers.

anywidget runs in JupyterLab, Notebook 7, VS Code, Colab and marimo; it is optional
(`pip install 'stepgrad[widget]'`): this module imports it, and `autograd` imports this
module on the first use of `explore`; without it the import names the command that installs it.
"""

from __future__ import annotations

import base64
import contextlib
import math
import shutil
from collections.abc import Collection
from numbers import Real
from typing import TYPE_CHECKING, Any

try:
    import anywidget  # optional: `pip install 'stepgrad[widget]'`
    import traitlets
except ImportError:
    from autograd.extras import require

    require("widget", feature="explore()")  # raises, naming the command that installs it
    raise

from autograd.engine.replay import replay
from autograd.graph.snapshot import Snapshot, as_snapshot
from autograd.recording.practice import NotANumber, Practice, Reply, parse_answer
from autograd.recording.trace import trace
from autograd.views.graphview import asset, katex_css, katex_script, view_model, viz_script
from autograd.views.player import DEFAULT_PLAYER_MAX_NODES
from autograd.views.render import PNG_MAX_NODES, check_draw_options, collapsed_calls, draw

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = ["explore", "Explorer"]


def explore(
    root: Value | Snapshot,
    *,
    model: Any = None,
    parameters: Any = (),
    number_format: str = ".4g",
    rankdir: str = "LR",
    edge_labels: bool = False,
    max_nodes: int | None = DEFAULT_PLAYER_MAX_NODES,
    practice: bool = False,
    collapse: bool | Collection[str] = False,
) -> Any:
    """A widget to step through backprop on `root` (a Value, or a `Snapshot` of its graph) and
    edit its leaves live.

    Args:
        model: an object with `named_parameters()` (e.g. an `nn.MLP`): its parameters are
            coloured as parameters and named in short form (`L0.n3.w1`).
        parameters: more leaves to colour as parameters.
        number_format, rankdir, edge_labels: as for `autograd.views.render.draw`.
        max_nodes: larger graphs are refused (`None`: no bound), as for `play`.
        practice: hide each gradient until the student types it (the quiz's checker and
            feedback, `autograd.recording.practice`); `widget.answer("3")` answers from Python.
        collapse: start with neurons folded into one box each (needs `model`; True for all,
            or names such as 'L0.n3'), as `draw(..., collapse=...)`. The widget's buttons,
            `widget.collapse(...)` and `widget.expand(...)` fold and unfold them later.

    In a notebook the widget shows itself; where widgets cannot run (an untrusted or
    static notebook) its output shows a PNG of the graph instead, when `dot` is installed
    and the graph has at most `autograd.views.render.PNG_MAX_NODES` (100) value boxes (a folded
    neuron is one box, so `collapse=True` gives an MLP's loss its picture).
    `widget.edit(leaf, value)` edits from Python, as the number fields do.
    """
    if not isinstance(practice, bool):
        raise TypeError(f"explore: practice must be True or False, got {practice!r}")
    check_draw_options(rankdir, number_format, max_nodes, "explore")  # before any work
    shot = as_snapshot(root, model, "explore")  # the graph's one sort, kept for the widget's life
    if max_nodes is not None and len(shot.order) > max_nodes:
        raise ValueError(
            f"explore: the graph has {len(shot.order)} nodes, more than max_nodes={max_nodes}; "
            "pass max_nodes=None to show it anyway"
        )
    options = {"number_format": number_format, "rankdir": rankdir, "edge_labels": edge_labels}
    calls = collapsed_calls(shot, collapse)  # checked before any widget exists
    return Explorer(shot, tuple(parameters), options, practice, {call.name for call in calls})


def _hidden_view(view: dict[str, Any], shown: set[int], done: bool) -> dict[str, Any]:
    """`view` without what would give away a gradient not yet answered: the gradient and the
    derivation of every node not in `shown`, the chain-rule line of every step, and the summary
    until the practice is done (in text and in LaTeX)."""
    nodes = [
        node if j in shown else {**node, "grad": None, "derivation": "", "derivationTex": ""}
        for j, node in enumerate(view["nodes"])
    ]
    steps = [{**step, "formula": "", "formulaTex": ""} for step in view["steps"]]
    summary = {key: view[key] if done else "" for key in ("summary", "summaryTex")}
    return {**view, "nodes": nodes, "steps": steps, **summary}


class Explorer(anywidget.AnyWidget):
    """The explorer widget; `explore(root)` makes one."""

    _esm = traitlets.Unicode(
        "\n".join([viz_script(), katex_script(), asset("graphview.js"), asset("widget.js")])
    ).tag(sync=True)
    _css = traitlets.Unicode("\n".join([katex_css(), asset("graphview.css")])).tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    practice = traitlets.Dict().tag(sync=True)  # the question and feedback; {} when exploring
    neurons = traitlets.List().tag(sync=True)  # each neuron call: name, nodes, folded or not
    folded = traitlets.Dict().tag(sync=True)  # node not drawn -> its folded neuron's box

    def __init__(
        self,
        shot: Snapshot,
        parameters: tuple[Value, ...],
        options: dict[str, Any],
        practice: bool = False,
        collapsed: set[str] | None = None,
    ):
        super().__init__()
        self.snapshot = shot  # the graph's order, names, uses and neurons, for the widget's life
        self.root = shot.root
        self._parameters = list(parameters)  # besides the model's (draw and view_model add those)
        self._options = options
        self.session: Practice | None = None
        self._practicing = practice
        self._feedback = ""
        self._replies = 0  # answers sent, numbers or not, and restarts (each is news for the page)
        self._retrace()
        self._calls = shot.calls
        self._collapsed = set(collapsed or ())
        self._redraw()
        self.on_msg(self._on_message)

    def _graph(self) -> Any:
        return draw(
            self.snapshot,
            grads=self._shown_grads(),
            parameters=self._parameters,
            max_nodes=None,
            collapse=sorted(self._collapsed),
            **self._options,
        )

    def _redraw(self) -> None:
        """Send the graph with the neurons folded as `_collapsed` says (the page lays it out)."""
        index = self.snapshot.index
        with self.hold_sync():
            self.neurons = [
                {
                    "name": call.name,
                    "title": call.title,
                    "output": index[call.output],
                    "nodes": [index[node] for node in call.nodes],
                    "parameters": [index[p] for p in call.parameters],
                    "collapsed": call.name in self._collapsed,
                }
                for call in self._calls
            ]
            graph = self._graph()
            self.folded = {str(index[node]): index[box] for node, box in graph.folded.items()}
            self.dot = graph.source

    def collapse(self, *names: str) -> None:
        """Fold the neurons `names` ('L0.n3'; none given: every neuron) into one box each."""
        self._collapsed |= self._neuron_names(names)
        self._redraw()

    def expand(self, *names: str) -> None:
        """Unfold the neurons `names` (none given: every neuron)."""
        self._collapsed -= self._neuron_names(names)
        self._redraw()

    def _neuron_names(self, names: tuple[str, ...]) -> set[str]:
        """The neurons `names` (all of them when none is given), checked as `draw` checks them."""
        if not self._calls:
            raise ValueError("explore: this graph has no neurons to fold (give model=...)")
        calls = collapsed_calls(self.snapshot, list(names) or True)
        return {call.name for call in calls}

    def _retrace(self) -> None:
        self.trace = trace(self.snapshot)  # no sorting, no naming: the snapshot has both
        if self._practicing:
            self.session = Practice(self.trace)
        self._publish()

    def _shown_grads(self) -> dict[Value, float]:
        """The gradients the page may show: all of them, or in practice those answered."""
        if self.session is None:
            return self.trace.grads
        settled = self.session.records if self.session.done else self.session.records[:-1]
        shown = [self.root, *(record.question.node for record in settled)]
        return {node: self.trace.grads[node] for node in shown}

    def _publish(self) -> None:
        """Send the view model (and in practice the question), hiding what is not answered."""
        view = view_model(self.trace, self._options["number_format"], self._parameters, latex=True)
        if self.session is None:
            self.view = view
            return
        index = self.snapshot.index
        shown = {index[node] for node in self._shown_grads()}
        session, question = self.session, self.session.question
        state: dict[str, Any] = {
            "number": len(session.records),
            "total": session.total,
            "score": session.score,
            "done": session.done,
            "feedback": self._feedback,
            "replies": self._replies,
            "node": None,
            "prompt": "",
            "tries": 0,
            "edges": [],
        }
        if question is not None:
            node = question.node
            state.update(
                node=index[node],
                prompt=question.prompt,
                tries=session.tries - len(session.records[-1].answers),
                edges=[  # the uses of the node: its gradient sums one term per edge
                    f"e{index[child]}_{k}" for child, k in self.snapshot.uses[node]
                ],
            )
        with self.hold_sync():  # one message: the page never sees a half-updated question
            self.view = _hidden_view(view, shown, session.done)
            self.practice = state

    def answer(self, text: str) -> Reply:
        """Answer the current practice question with `text` as typed ('3', '-1/2').

        Text that is not a number raises NotANumber (its message shows in the widget); it
        is not counted and the question stays.
        """
        if self.session is None:
            raise ValueError("explore: answer() needs explore(root, practice=True)")
        if self.session.done:
            raise ValueError("explore: every question has been answered")
        self._replies += 1
        try:
            reply = self.session.answer(parse_answer(text))
        except NotANumber as exc:
            self._feedback = str(exc)
            self._publish()
            raise
        self._feedback = reply.feedback
        if self.session.done:
            self._feedback += f"\nScore: {self.session.score}/{self.session.total}"
        self._publish()
        return reply

    def restart(self) -> None:
        """Start the practice again from its first question (the "start over" button)."""
        if self.session is None:
            raise ValueError("explore: restart() needs explore(root, practice=True)")
        self._feedback = "Practice starts again."
        self._replies += 1  # news for the page, even at the first question
        self._retrace()

    def edit(self, leaf: Value | str, value: float) -> None:
        """Set a leaf (the Value, or its name as shown) to `value`, replay and re-trace.

        A bad value or a domain error (log of a negative number, ...) changes nothing;
        its message shows in the widget and is raised here.
        """
        try:
            node = self._leaf(leaf)
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
                name = self.trace.names[node]
                raise ValueError(f"explore: {name} must be a finite number, got {value!r}")
            replay(self.root, {node: float(value)}, order=self.snapshot.order)  # data and local derivatives
        except (ArithmeticError, ValueError) as exc:
            self.error = str(exc)
            raise
        self.error = ""
        if self._practicing:
            name = self.trace.names[node]
            self._feedback = f"{name} = {format(float(value), 'g')}: practice starts again"
        self._retrace()

    def _leaf(self, leaf: Value | str) -> Value:
        names = {name: node for node, name in self.trace.names.items()}
        node = names.get(leaf) if isinstance(leaf, str) else leaf
        if node is None or node not in self.trace.grads or not node.is_leaf:
            raise ValueError(f"explore: {leaf!r} is not a leaf of this graph (leaves: {self._leaf_list()})")
        return node

    def _leaf_list(self) -> str:
        return ", ".join(self.trace.names[n] for n in self.trace.order if n.is_leaf)

    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "answer" and self.session is not None and not self.session.done:
            text = content.get("text")
            with contextlib.suppress(NotANumber):  # answer() put the message in the feedback
                self.answer(text if isinstance(text, str) else "")
            return
        if content.get("type") == "restart" and self.session is not None:
            self.restart()
            return
        if content.get("type") in ("collapse", "expand"):
            names = content.get("names")
            if isinstance(names, list) and all(isinstance(name, str) for name in names):
                try:
                    getattr(self, content["type"])(*names)
                except ValueError as exc:
                    self.error = str(exc)
            return
        if content.get("type") != "edit":
            return
        index, value = content.get("node"), content.get("value")
        if not isinstance(index, int) or not 0 <= index < len(self.trace.order):
            self.error = f"explore: no node {index!r}"
            return
        with contextlib.suppress(ArithmeticError, ValueError):  # edit() put the message in .error
            self.edit(self.trace.order[index], value)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # (data, metadata)
        graph = self._graph()  # with its neurons folded as the widget shows them
        if graph.value_nodes <= PNG_MAX_NODES and shutil.which("dot") is not None and bundle is not None:
            png = graph.png()  # what a notebook without widgets shows
            bundle[0]["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        return f"Explorer({self.trace.names[self.root]!r}, {len(self.trace.order)} nodes)"
