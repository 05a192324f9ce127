"""Seeded backprop exercises on paper, with an answer key (what `stepgrad worksheet` writes).

`worksheet_files(count, seed, level)` makes, in memory, the files

    worksheet.md, worksheet.tex   the exercises: expression, values, the nodes, the graph,
                                  blanks for f and each input's gradient (one box each in LaTeX;
                                  a graph whose node names would print under 7 pt in it has
                                  the next page to itself, in the key too)
    answers.md, answers.tex       the key: the forward pass, every gradient's derivation as
                                  the stepper writes it (in backward()'s order), the graph
                                  with every gradient on it
    worksheet.json                schema stepgrad.worksheet/1 (README: Practice)
    exercise-NN.png, answer-NN.png  the graphs, where graphviz's `dot` is installed

Without `dot` the graphs are left out and each file says so; everything else is the same.
The .tex files need only LaTeX's base packages (amsmath, graphicx, geometry). The same seed
gives byte-identical files (the PNGs too: `dot` writes no timestamp into a PNG).
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import NamedTuple

from autograd.engine.value import Value
from autograd.extras import DOT_INSTALL
from autograd.files import write_atomic
from autograd.notation.formulas import LatexMath, MarkdownMath
from autograd.notation.numbers import format_number
from autograd.recording.practice import SIGNIFICANT_DIGITS, questions
from autograd.recording.trace import Trace
from autograd.strict_json import dumps
from autograd.teaching.exercises import Exercise, generate
from autograd.validation import check_positive_int
from autograd.views.render import DotNotFoundError, Graph, draw, fit_to, layout_size

__all__ = ["JSON_SCHEMA", "MAX_EXERCISES", "worksheet_files", "write_worksheet"]

JSON_SCHEMA = "stepgrad.worksheet/1"
MAX_EXERCISES = 100
_DPI = "150"
# The page (the LaTeX preamble's a4paper, margin=2cm): what a graph may fill, in points. A graph
# is drawn left to right or top to bottom, whichever shows its labels larger there (a level-2
# chain left to right, shrunk to the text width, printed its 14 pt labels 1 mm tall).
# A graph drawn top to bottom stands in a column beside the blanks. A graph whose node names
# would print smaller than _READABLE in its box gets the next page to itself, under a caption.
_PT_PER_CM = 72 / 2.54
_TEXT_WIDTH = (21.0 - 2 * 2) * _PT_PER_CM
_TEXT_HEIGHT = (29.7 - 2 * 2) * _PT_PER_CM
_BOX_WIDTH = _TEXT_WIDTH - 0.3 * _PT_PER_CM  # the text width, less a box's frame
_GRAPH_COLUMN = 0.58  # of a box's width, for a graph drawn top to bottom
_SHEET_BOXES = {
    "LR": (_BOX_WIDTH, 9.0 * _PT_PER_CM),
    "TB": (_GRAPH_COLUMN * _BOX_WIDTH, 17.0 * _PT_PER_CM),
}
_KEY_BOXES = {"LR": _SHEET_BOXES["LR"], "TB": (_BOX_WIDTH, 18.0 * _PT_PER_CM)}
_CAPTION = 1.0 * _PT_PER_CM  # a graph's caption, above it on its own page
_PAGE_BOXES = {rankdir: (_TEXT_WIDTH, _TEXT_HEIGHT - _CAPTION) for rankdir in ("LR", "TB")}
_READABLE = 7.0  # points: the smallest a node's name may print
_BOX_HEAD = 3.0 * _PT_PER_CM  # a box's statement and nodes, above a graph beside the blanks
_ROOM_TO_WRITE = 6.0 * _PT_PER_CM  # a box's blanks and room to write, below a wide graph
# Paper is tighter than a screen: so that a 2-2-1 network (six inputs side by side, 21 ranks) prints
# its node names at _READABLE on a page of its own, the answer key's too.
_RANKSEP = "0.25"  # inches between ranks (draw's 0.35)
_NODESEP = "0.15"  # inches between the nodes of a rank (draw's 0.2)
_OP_SIZE = {"height": "0.3", "width": "0.5", "margin": "0.02"}  # an op's ellipse, just around its symbol
_VALUE_BOX_HEIGHT = "0.6"  # inches: a value box's three lines of 12 pt text, without draw's margin
_NO_DOT = "Graphs are left out: graphviz's dot program was not found. Install it with {}.".format(
    ", or ".join(f"{command} ({where})" for where, command in DOT_INSTALL)
)
_LEVEL_NAMES = {
    1: "f = w·x + b-sized expressions",
    2: "a neuron with an activation and a loss, with fan-out",
    3: "a 2-2-1 network or a regularized loss",
}
_INSTRUCTIONS = (
    "For each exercise compute f from the values given (the forward pass), then, by backprop, "
    "the gradient of f with respect to each variable x, written {x_bar} = {df_dx} (the lecture's "
    "notation: a bar for a gradient, {dv_dv} for the local derivative along one edge). Each variable "
    "is one node (used twice, it is the same node); numbers are constants. Unnamed intermediate "
    "nodes are called v and their place in the forward pass (v2, v5, ...), as listed. "
    f"{SIGNIFICANT_DIGITS} significant digits are enough."
)
# The symbols of the instructions, in Markdown and in LaTeX (the sheets' own typesetting).
_INSTRUCTION_SYMBOLS = {
    "markdown": {"x_bar": "x\u0305", "df_dx": "∂f/∂x", "dv_dv": "∂vⱼ/∂vᵢ"},
    "latex": {
        "x_bar": r"$\overline{x}$",
        "df_dx": r"$\partial f/\partial x$",
        "dv_dv": r"$\partial v_j/\partial v_i$",
    },
}


def worksheet_files(count: int, seed: int, level: int) -> tuple[dict[str, str | bytes], list[str]]:
    """The files of `count` exercises of `level` drawn with `seed`, {file name: contents},
    made in memory; and notes for the user (graphs left out without `dot`)."""
    check_positive_int(count, "worksheet: count", maximum=MAX_EXERCISES)
    exercises = generate(count, seed, level)
    traces = [exercise.trace() for exercise in exercises]
    drawn = _graph_images(traces)
    graphs = drawn is not None
    images, placed = drawn if drawn is not None else ({}, {})
    title = f"level {level} ({_LEVEL_NAMES[level]}), seed {seed}"
    files: dict[str, str | bytes] = dict(images)
    files |= {
        "worksheet.md": _markdown_sheet(title, exercises, traces, graphs),
        "answers.md": _markdown_key(title, exercises, traces, graphs),
        "worksheet.tex": _latex_sheet(title, exercises, traces, placed),
        "answers.tex": _latex_key(title, exercises, traces, placed),
        "worksheet.json": _json(seed, level, exercises),
    }
    return files, [] if graphs else [_NO_DOT]


def write_worksheet(out: Path, count: int, seed: int, level: int) -> tuple[list[Path], list[str]]:
    """Make the worksheet's files (`worksheet_files`), then write each atomically into `out`.

    Returns the paths written and the notes.
    """
    files, notes = worksheet_files(count, seed, level)
    return [write_atomic(out / name, data) for name, data in files.items()], notes


class _Placed(NamedTuple):
    """A graph as printed: its width and height on the page in points, and whether it has a
    page of its own (after its exercise's box, or after its answers) or stands in its box."""

    width: float
    height: float
    own_page: bool


def _graph_images(traces: list[Trace]) -> tuple[dict[str, bytes], dict[str, _Placed]] | None:
    """exercise-NN.png (values of the inputs only, '?' elsewhere) and answer-NN.png (every
    value and gradient, local derivatives on the edges), each with where it prints (`_place`);
    None if `dot` is missing. The sheet's graph is drawn in the orientation that prints its
    labels largest in its box (`fit_to`), or on a page if no orientation is readable in the box;
    the key's is drawn as the sheet's."""
    images, placed = {}, {}
    try:
        for i, t in enumerate(traces, 1):
            draw_blank = functools.partial(_blank_graph, t)
            blank, scale = fit_to(draw_blank, _SHEET_BOXES)
            if not _readable(blank, scale):
                blank, _ = fit_to(draw_blank, _PAGE_BOXES)
            rankdir = blank.graph_attr["rankdir"]
            key = _compact(
                draw(
                    t.snapshot,
                    data={node: node.data for node in t.order},
                    grads=t.grads,
                    edge_labels=True,
                    rankdir=rankdir,  # the key as the sheet: the same layout
                ),
                t,
            )
            for graph, name, boxes in (
                (blank, f"exercise-{i:02}.png", _SHEET_BOXES),
                (key, f"answer-{i:02}.png", _KEY_BOXES),
            ):
                placed[name] = _place(graph, boxes[rankdir])
                graph.graph_attr["dpi"] = _DPI
                images[name] = graph.pipe(format="png")
    except DotNotFoundError:
        return None
    return images, placed


def _place(graph: Graph, box: tuple[float, float]) -> _Placed:
    """Where `graph` prints: shrunk to fit `box` (width, height in points) if its node names
    print at least _READABLE there, else on a page of its own."""
    size = layout_size(graph)
    scale = _scale(size, box)
    own_page = not _readable(graph, scale)
    if own_page:
        scale = _scale(size, _PAGE_BOXES[graph.graph_attr["rankdir"]])
    return _Placed(size[0] * scale, size[1] * scale, own_page)


def _scale(size: tuple[float, float], box: tuple[float, float]) -> float:
    """How much a drawing of `size` shrinks to fit `box` (never enlarged): min(1, W/w, H/h)."""
    return min(1.0, box[0] / size[0], box[1] / size[1])


def _readable(graph: Graph, scale: float) -> bool:
    """Do the node names of `graph` (draw's font size, in points at 100 %) print at least
    _READABLE when the drawing is shrunk by `scale`?"""
    return scale * float(graph.node_attr["fontsize"]) >= _READABLE


def _blank_graph(t: Trace, rankdir: str) -> Graph:
    """The exercise's graph: the inputs' values, '?' for every other value and every gradient."""
    inputs = {node: node.data for node in t.order if node.is_leaf}
    return _compact(draw(t.snapshot, data=inputs, grads={}, rankdir=rankdir), t)


def _compact(graph: Graph, t: Trace) -> Graph:
    """`graph`, drawn from `t`, laid out tighter for paper: ranks and nodes closer (_RANKSEP,
    _NODESEP), each op's ellipse just around its symbol (_OP_SIZE: the default size, which only
    ops take), each value box as tall as its text (draw names them n0, n1, ... in t.order)."""
    graph.graph_attr.update(ranksep=_RANKSEP, nodesep=_NODESEP)
    graph.node_attr.update(_OP_SIZE)
    for i in range(len(t.order)):
        graph.node(f"n{i}", height=_VALUE_BOX_HEIGHT)
    return graph


def _json(seed: int, level: int, exercises: list[Exercise]) -> str:
    document = {
        "schema": JSON_SCHEMA,
        "seed": seed,
        "level": level,
        "exercises": [exercise.to_dict() for exercise in exercises],
    }
    return dumps(document, indent=2, ensure_ascii=False) + "\n"


# ---- what the pages show ------------------------------------------------------------------
def _inputs_text(exercise: Exercise) -> str:
    return ", ".join(f"{name} = {format_number(value)}" for name, value in exercise.inputs.items())


def _nodes(t: Trace) -> list[str]:
    """'v2 = w * x' for each computed node: the symbolic part of the stepper's forward formula
    (its first two sides; names and numbers never contain ' = ')."""
    return [" = ".join(t.forward_formula(node).split(" = ")[:2]) for node in t.order if not node.is_leaf]


def _leaf_gradients(t: Trace, style: str) -> list[tuple[str, float]]:
    """(the gradient's symbol, its value) for each input, the symbol in `style`'s notation: w̅."""
    typesetter = {"markdown": MarkdownMath, "latex": LatexMath}[style](t.names)
    return [(typesetter.total(node), t.grads[node]) for node in t.order if node.is_leaf]


def _code(text: str) -> str:
    return f"`{text}`"


def _markdown_exercise(exercise: Exercise) -> str:
    return f"f = {_code(exercise.expression)} with {_inputs_text(exercise)}"


def _markdown_sheet(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool) -> str:
    instructions = _INSTRUCTIONS.format(**_INSTRUCTION_SYMBOLS["markdown"])
    lines = [f"# Backprop worksheet: {title}", "", instructions, ""]
    if not graphs:
        lines += [f"*{_NO_DOT}*", ""]
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        lines += [
            f"## Exercise {i}",
            "",
            f"f = {_code(exercise.expression)} with {_inputs_text(exercise)}",
            "",
        ]
        lines += ["Nodes: " + ", ".join(_code(node) for node in _nodes(t)), ""]
        if graphs:
            lines += [f"![the graph of exercise {i}](exercise-{i:02}.png)", ""]
        blanks = ["f = ______"] + [f"{total} = ______" for total, _ in _leaf_gradients(t, "markdown")]
        lines += ["  \n".join(blanks), ""]
    return "\n".join(lines)


def _markdown_key(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool) -> str:
    lines = [f"# Answers: {title}", ""]
    if not graphs:
        lines += [f"*{_NO_DOT}*", ""]
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        answers = [f"f = {format_number(t.root.data)}"]
        answers += [f"{total} = {format_number(grad)}" for total, grad in _leaf_gradients(t, "markdown")]
        lines += [
            f"## Exercise {i}",
            "",
            f"f = {_code(exercise.expression)} with {_inputs_text(exercise)}",
            "",
        ]
        lines += ["**" + "; ".join(answers) + "**", "", "Forward pass:", ""]
        lines += [f"- {_code(t.forward_formula(node))}" for node in t.order]
        lines += ["", "Backward pass, in the order backward() finalizes the gradients:", ""]
        lines += [f"- {t.derivation(node, 'markdown')}" for node in _key_order(t)]
        lines.append("")
        if graphs:
            lines += [f"![exercise {i} with every gradient](answer-{i:02}.png)", ""]
    return "\n".join(lines)


_TEX_ESCAPES = {c: "\\" + c for c in "_&%$#{}"} | {
    "\\": r"\textbackslash{}",
    "^": r"\^{}",
    "~": r"\~{}",
    "·": r"$\cdot$",
}


def _tex(text: str) -> str:
    """Plain text made safe for LaTeX, in ASCII (a stock LaTeX has no Unicode glyphs for ·)."""
    return "".join(_TEX_ESCAPES.get(c, c) for c in text)


def _tt(text: str) -> str:
    return r"\texttt{" + _tex(text) + "}"


# Latin Modern: every glyph is a Type 1 font that texlive-latex-base ships; with Computer Modern,
# pdflatex makes some symbols' bitmaps with METAFONT on first use and prints its log.
_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage{lmodern}
\usepackage{amsmath}
\usepackage{graphicx}
\usepackage{multicol}
\usepackage[margin=2cm]{geometry}
\setlength{\parindent}{0pt}
\pagestyle{plain}
\begin{document}
\raggedright
"""


def _tex_head(heading: str, graphs: bool) -> list[str]:
    """The preamble, the heading, and the note when the graphs are left out."""
    note = [] if graphs else [rf"\emph{{{_tex(_NO_DOT)}}}", ""]
    return [_PREAMBLE, rf"\section*{{{_tex(heading)}}}", "", *note]


def _include(png: str, graph: _Placed) -> str:
    """The graph image `png` at its printed size."""
    return rf"\includegraphics[width={graph.width:.1f}pt,height={graph.height:.1f}pt]{{{png}}}"


def _tex_graph(png: str, graph: _Placed, caption: str) -> list[str]:
    """A graph image (`_place`): centred where it stands, or on the next page, alone under
    `caption`."""
    if graph.own_page:
        return [
            r"\clearpage",
            rf"{{\centering\textbf{{{caption}}}\par\medskip",
            _include(png, graph) + r"\par}",
            r"\clearpage",
        ]
    return [r"\begin{center}", _include(png, graph), r"\end{center}"]


def _box_height(graph: _Placed | None) -> str:
    """An exercise's box: its graph and room to write, at least 0.4 and at most 0.8 of a page
    (the first box shares its page with the instructions); the most when its graph has a page
    of its own (room to work out every node)."""
    if graph is None:
        needed = 0.0
    elif graph.own_page:
        needed = _TEXT_HEIGHT
    elif _beside(graph):
        needed = _BOX_HEAD + graph.height
    else:
        needed = _BOX_HEAD + graph.height + _ROOM_TO_WRITE
    return f"{min(0.8 * _TEXT_HEIGHT, max(0.4 * _TEXT_HEIGHT, needed)):.1f}pt"


def _beside(graph: _Placed) -> bool:
    """Does the graph stand in a column beside the blanks (drawn top to bottom, narrow)?"""
    return not graph.own_page and graph.width <= _GRAPH_COLUMN * _BOX_WIDTH and graph.height > graph.width


def _latex_sheet(
    title: str, exercises: list[Exercise], traces: list[Trace], placed: dict[str, _Placed]
) -> str:
    graphs = bool(placed)
    instructions = "".join(
        _tex(text) + (_INSTRUCTION_SYMBOLS["latex"][field] if field else "")
        for text, field, _, _ in string.Formatter().parse(_INSTRUCTIONS)
    )
    parts = [*_tex_head(f"Backprop worksheet: {title}", graphs), instructions, ""]
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        blanks = [r"\mbox{$f = $\rule{2.5cm}{0.4pt}}"] + [
            rf"\mbox{{${total} = $\rule{{2.5cm}}{{0.4pt}}}}" for total, _ in _leaf_gradients(t, "latex")
        ]
        statement = f"{_tt(exercise.expression)} with {_tt(_inputs_text(exercise))}"
        body = [
            rf"\textbf{{Exercise {i}.}} $f = $ {statement}",
            "",
            r"\smallskip{\small Nodes: " + "; ".join(rf"\mbox{{{_tt(node)}}}" for node in _nodes(t)) + "}",
        ]
        png = f"exercise-{i:02}.png"
        graph = placed.get(png)
        after = []  # a graph with a page of its own, after the box
        if graph and _beside(graph):  # the graph in a column, the blanks one under another beside it
            body += [
                "",
                r"\medskip",
                rf"\begin{{minipage}}[t]{{{_GRAPH_COLUMN}\linewidth}}\vspace{{0pt}}\centering",
                _include(png, graph),
                r"\end{minipage}\hfill",
                rf"\begin{{minipage}}[t]{{{0.95 - _GRAPH_COLUMN:.2f}\linewidth}}\vspace{{0pt}}",
                r" \\[1.5cm] ".join(blanks),
                r"\end{minipage}",
            ]
        else:
            if graph:
                drawn = _tex_graph(png, graph, f"Exercise {i}: the graph of f")
                if graph.own_page:
                    body += ["", r"\medskip Its graph is on the next page."]
                    after = drawn
                else:
                    body += drawn
            body += [r"\vfill", r"\quad ".join(blanks), "", r"\medskip"]
        parts += [
            r"\noindent\fbox{\begin{minipage}[t]["
            + _box_height(graph)
            + r"][t]{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}",
            *body,
            r"\end{minipage}}",
            r"\par\bigskip",
            *after,
            "",
        ]
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _latex_key(title: str, exercises: list[Exercise], traces: list[Trace], placed: dict[str, _Placed]) -> str:
    graphs = bool(placed)
    parts = _tex_head(f"Answers: {title}", graphs)
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        answers = [rf"f = {format_number(t.root.data)}"] + [
            rf"{total} = {format_number(grad)}" for total, grad in _leaf_gradients(t, "latex")
        ]
        parts += [
            rf"\subsection*{{Exercise {i}: $f = $ {_tt(exercise.expression)}}}",
            f"With {_tt(_inputs_text(exercise))}.",
            "",
            r"\textbf{Answers:} " + ", \\quad ".join(rf"\mbox{{${a}$}}" for a in answers),
            "",
            r"\medskip\textbf{Forward pass:}",
            r"\begin{multicols}{2}\begin{itemize}\setlength{\itemsep}{0pt}",
            *(rf"\item {_tt(t.forward_formula(node))}" for node in t.order),
            r"\end{itemize}\end{multicols}",
            r"\textbf{Backward pass,} in the order backward() finalizes the gradients:",
            r"\begin{itemize}\setlength{\itemsep}{1pt}",
            *(rf"\item $\displaystyle {t.derivation(node, 'latex')}$" for node in _key_order(t)),
            r"\end{itemize}",
        ]
        if graphs:
            png = f"answer-{i:02}.png"
            parts += _tex_graph(png, placed[png], f"Exercise {i}: the graph with every gradient")
        parts.append(r"\clearpage" if i < len(exercises) else "")
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _key_order(t: Trace) -> list[Value]:
    """The root (the seed), then every node in the order backward() finalizes its gradient."""
    return [t.root, *(q.node for q in questions(t))]
