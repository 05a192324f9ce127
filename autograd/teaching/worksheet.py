"""Seeded backprop exercises on paper, with an answer key (what `stepgrad worksheet` writes).

`worksheet_files(count, seed, level)` makes, in memory, the files

    worksheet.md, worksheet.tex   the exercises: expression, values, the nodes, the graph,
                                  blanks for f and each input's gradient (one box each in LaTeX)
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

from pathlib import Path

from autograd.engine.value import Value
from autograd.extras import DOT_INSTALL
from autograd.files import write_atomic
from autograd.notation.numbers import format_number
from autograd.recording.practice import SIGNIFICANT_DIGITS, questions
from autograd.recording.trace import Trace
from autograd.strict_json import dumps
from autograd.teaching.exercises import Exercise, generate
from autograd.validation import check_positive_int
from autograd.views.render import DotNotFoundError, draw

__all__ = ["JSON_SCHEMA", "MAX_EXERCISES", "worksheet_files", "write_worksheet"]

JSON_SCHEMA = "stepgrad.worksheet/1"
MAX_EXERCISES = 100
_DPI = "150"
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
    "the gradient of f with respect to each variable. Each variable is one node (used twice, it is "
    "the same node); numbers are constants. Unnamed intermediate nodes are called v and their place "
    "in the forward pass (v2, v5, ...), as listed. "
    f"{SIGNIFICANT_DIGITS} significant digits are enough."
)


def worksheet_files(count: int, seed: int, level: int) -> tuple[dict[str, str | bytes], list[str]]:
    """The files of `count` exercises of `level` drawn with `seed`, {file name: contents},
    made in memory; and notes for the user (graphs left out without `dot`)."""
    check_positive_int(count, "worksheet: count", maximum=MAX_EXERCISES)
    exercises = generate(count, seed, level)
    traces = [exercise.trace() for exercise in exercises]
    images = _graph_images(traces)
    graphs = images is not None
    title = f"level {level} ({_LEVEL_NAMES[level]}), seed {seed}"
    files: dict[str, str | bytes] = dict(images or {})
    files |= {
        "worksheet.md": _markdown_sheet(title, exercises, traces, graphs),
        "answers.md": _markdown_key(title, exercises, traces, graphs),
        "worksheet.tex": _latex_sheet(title, exercises, traces, graphs, level),
        "answers.tex": _latex_key(title, exercises, traces, graphs),
        "worksheet.json": _json(seed, level, exercises),
    }
    return files, [] if graphs else [_NO_DOT]


def write_worksheet(out: Path, count: int, seed: int, level: int) -> tuple[list[Path], list[str]]:
    """Make the worksheet's files (`worksheet_files`), then write each atomically into `out`.

    Returns the paths written and the notes.
    """
    files, notes = worksheet_files(count, seed, level)
    return [write_atomic(out / name, data) for name, data in files.items()], notes


def _graph_images(traces: list[Trace]) -> dict[str, bytes] | None:
    """exercise-NN.png (values of the inputs only, '?' elsewhere) and answer-NN.png (every
    value and gradient, local derivatives on the edges); None if `dot` is missing."""
    images = {}
    for i, t in enumerate(traces, 1):
        inputs = {node: node.data for node in t.order if node.is_leaf}
        blank = draw(t.snapshot, data=inputs, grads={})
        key = draw(t.snapshot, data={node: node.data for node in t.order}, grads=t.grads, edge_labels=True)
        for graph, name in ((blank, f"exercise-{i:02}.png"), (key, f"answer-{i:02}.png")):
            graph.graph_attr["dpi"] = _DPI
            try:
                images[name] = graph.pipe(format="png")
            except DotNotFoundError:
                return None
    return images


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


def _leaf_gradients(t: Trace) -> list[tuple[str, float]]:
    return [(t.names[node], t.grads[node]) for node in t.order if node.is_leaf]


def _code(text: str) -> str:
    return f"`{text}`"


def _markdown_exercise(exercise: Exercise) -> str:
    return f"f = {_code(exercise.expression)} with {_inputs_text(exercise)}"


def _markdown_sheet(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool) -> str:
    lines = [f"# Backprop worksheet: {title}", "", _INSTRUCTIONS, ""]
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
        blanks = ["f = ______"] + [f"∂f/∂{name} = ______" for name, _ in _leaf_gradients(t)]
        lines += ["  \n".join(blanks), ""]
    return "\n".join(lines)


def _markdown_key(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool) -> str:
    lines = [f"# Answers: {title}", ""]
    if not graphs:
        lines += [f"*{_NO_DOT}*", ""]
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        answers = [f"f = {format_number(t.root.data)}"]
        answers += [f"∂f/∂{name} = {format_number(grad)}" for name, grad in _leaf_gradients(t)]
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


_BOX_WIDTH = r"\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax"


def _tex_head(heading: str, graphs: bool) -> list[str]:
    """The preamble, the heading, and the note when the graphs are left out."""
    note = [] if graphs else [rf"\emph{{{_tex(_NO_DOT)}}}", ""]
    return [_PREAMBLE, rf"\section*{{{_tex(heading)}}}", "", *note]


def _tex_graph(png: str, height: str) -> list[str]:
    """A graph image, centred, as wide as the text and at most `height` high."""
    return [
        r"\begin{center}",
        rf"\includegraphics[width=\linewidth,height={height},keepaspectratio]{{{png}}}",
        r"\end{center}",
    ]


def _tex_name(name: str) -> str:
    return r"\mathrm{" + _tex(name) + "}"


def _latex_sheet(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool, level: int) -> str:
    box_height, graph_height = (r"0.9\textheight", "10cm") if level == 3 else (r"0.4\textheight", "4.5cm")
    parts = [*_tex_head(f"Backprop worksheet: {title}", graphs), _tex(_INSTRUCTIONS), ""]
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        blanks = [r"\mbox{$f = $\rule{2.5cm}{0.4pt}}"] + [
            rf"\mbox{{$\frac{{\partial f}}{{\partial {_tex_name(name)}}} = $\rule{{2.5cm}}{{0.4pt}}}}"
            for name, _ in _leaf_gradients(t)
        ]
        statement = f"{_tt(exercise.expression)} with {_tt(_inputs_text(exercise))}"
        body = [
            rf"\textbf{{Exercise {i}.}} $f = $ {statement}",
            "",
            r"\smallskip{\small Nodes: " + "; ".join(rf"\mbox{{{_tt(node)}}}" for node in _nodes(t)) + "}",
        ]
        if graphs:
            body += _tex_graph(f"exercise-{i:02}.png", graph_height)
        body += [r"\vfill", r"\quad ".join(blanks), "", r"\medskip"]
        parts += [
            r"\noindent\fbox{\begin{minipage}[t]["
            + box_height
            + r"][t]{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}",
            *body,
            r"\end{minipage}}",
            r"\par\bigskip",
            "",
        ]
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _latex_key(title: str, exercises: list[Exercise], traces: list[Trace], graphs: bool) -> str:
    parts = _tex_head(f"Answers: {title}", graphs)
    for i, (exercise, t) in enumerate(zip(exercises, traces), 1):
        answers = [rf"f = {format_number(t.root.data)}"] + [
            rf"\frac{{\partial f}}{{\partial {_tex_name(name)}}} = {format_number(grad)}"
            for name, grad in _leaf_gradients(t)
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
            parts += _tex_graph(f"answer-{i:02}.png", "9cm")
        parts.append(r"\clearpage" if i < len(exercises) else "")
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


def _key_order(t: Trace) -> list[Value]:
    """The root (the seed), then every node in the order backward() finalizes its gradient."""
    return [t.root, *(q.node for q in questions(t))]
