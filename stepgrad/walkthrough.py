"""`stepgrad wxb` and `stepgrad grad`: backprop on a graph, printed step by step and drawn.

Both print the forward pass and every backward step with its formula (or, with
`--format json`, the same as JSON), and write into `--out`: graph.svg (the graph
with every gradient), graph.dot (its source) and player.html (the step-by-step
player, one offline file).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from autograd.engine.value import Value
from autograd.extras import DOT_INSTALL
from autograd.files import write_atomic
from autograd.recording.trace import Trace, trace
from autograd.strict_json import dumps
from autograd.teaching.walkthrough import parameters, regularized_neuron, wxb
from autograd.views.player import PlayerTooLargeError, play
from autograd.views.render import (
    DEFAULT_MAX_NODES,
    DotNotFoundError,
    GraphTooLargeWarning,
    LayoutError,
    draw,
)
from stepgrad.expression import expression_graph
from stepgrad.options import finite_number, output_directory, writable_directory
from stepgrad.verb import FAILED, OK, UsageError, Verb

__all__ = ["VERBS", "JSON_SCHEMA"]

JSON_SCHEMA = "stepgrad.backprop/1"


def _wxb_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--w", type=finite_number, default=2.0, help="weight w (default 2)")
    parser.add_argument("--x", type=finite_number, default=3.0, help="input x (default 3)")
    parser.add_argument("--b", type=finite_number, default=1.0, help="bias b (default 1)")
    parser.add_argument("--neuron", action="store_true", help="the regularized sigmoid neuron")
    parser.add_argument("--t", type=finite_number, help="target t (default 0.5; implies --neuron)")
    parser.add_argument("--lam", type=finite_number, help="L2 weight λ (default 0.1; implies --neuron)")
    _add_output_options(parser, "out/wxb")


def _grad_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", help="the expression, quoted")
    parser.add_argument("assignments", nargs="*", metavar="name=value", help="a value per variable")
    _add_output_options(parser, "out/grad")


def _add_output_options(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument(
        "--out",
        type=output_directory,
        default=Path(default_out),
        help=f"output directory (default {default_out})",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _run_wxb(args: argparse.Namespace) -> int:
    out = writable_directory(args.out)
    inputs = {"w": args.w, "x": args.x, "b": args.b}
    neuron = args.neuron or args.t is not None or args.lam is not None
    if neuron:
        inputs["t"] = 0.5 if args.t is None else args.t
        inputs["λ"] = 0.1 if args.lam is None else args.lam
    try:
        root = regularized_neuron(*inputs.values()) if neuron else wxb(*inputs.values())
    except (ArithmeticError, ValueError) as exc:
        raise UsageError(f"cannot evaluate: {exc}") from None
    title = "L_reg = ½(σ(w·x + b) − t)² + λ·½w²" if neuron else "f = w·x + b"
    return _report(args, out, root, title, inputs, parameters(root))


def _run_grad(args: argparse.Namespace) -> int:
    out = writable_directory(args.out)
    root, values = expression_graph(args.expression, args.assignments)
    return _report(args, out, root, args.expression.strip(), values, [])


def _report(
    args: argparse.Namespace,
    out: Path,
    root: Value,
    title: str,
    inputs: dict[str, float],
    parameters: list[Value],
) -> int:
    """Print the trace (text or JSON), then make graph.dot, graph.svg and player.html and write them.

    Every file is made in memory before the first is written, so an interrupted run writes nothing.
    """
    recorded = trace(root)
    if args.format == "text":
        print(f"{title}   with {', '.join(f'{k} = {v!r}' for k, v in inputs.items())}\n")
        print(recorded.table(), flush=True)
    contents, problems, notes = _make_files(recorded, out, parameters, title)
    files = {kind: str(write_atomic(path, data)) for kind, (path, data) in contents.items()}
    if args.format == "json":
        document: dict[str, Any] = {"schema": JSON_SCHEMA, "title": title, "inputs": inputs}
        document |= recorded.to_dict()
        document["files"] = files
        print(dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\nWrote:")
        for kind, path in files.items():
            print(f"  {kind:6} {path}")
    for message in [*notes, *problems]:
        print(f"stepgrad {args.command}: {message}", file=sys.stderr)
    return FAILED if problems else OK


def _make_files(
    t: Trace, out: Path, parameters: list[Value], title: str
) -> tuple[dict[str, tuple[Path, str | bytes]], list[str], list[str]]:
    """The outputs that can be made, {kind: (path, contents)}, what could not be made, and notes
    on what was (a graph too large for one picture is drawn as a summary).

    The player needs no `dot`: without it, the page lays the graph out itself.
    """
    with warnings.catch_warnings():  # said below in the command's words, not as a Python warning
        warnings.simplefilter("ignore", GraphTooLargeWarning)
        graph = draw(t.root, grads=t.grads, parameters=parameters)
    dot_path, svg_path = out / "graph.dot", out / "graph.svg"
    contents: dict[str, tuple[Path, str | bytes]] = {"dot": (dot_path, graph.source)}
    problems, notes = [], []
    if graph.value_nodes > DEFAULT_MAX_NODES:
        notes.append(
            f"note: graph.svg and graph.dot show a summary: the graph has {graph.value_nodes} value nodes, "
            f"more than the {DEFAULT_MAX_NODES} that fit one picture (player.html has them all)"
        )
    try:
        contents["svg"] = (svg_path, graph.svg())
    except DotNotFoundError:
        problems.append(_no_dot_message(dot_path, svg_path))
    except LayoutError as error:
        what = str(error).split("; ")[0]  # what happened, without the ways out of the Python API
        problems.append(
            f"no graph.svg: {what}. The DOT source is in {dot_path}; render it without a time limit "
            f"with: dot -Tsvg {dot_path} -o {svg_path} (player.html lays the graph out in the browser)"
        )
    renderer = "dot" if "svg" in contents else "browser"
    try:
        player = play(t, title=f"Backprop, step by step: {title}", parameters=parameters, renderer=renderer)
    except PlayerTooLargeError as error:
        problems.append(f"no player.html: {error}; graph.dot holds the whole graph")
        return contents, problems, notes
    contents["player"] = (out / "player.html", player.html)
    return contents, problems, notes


def _no_dot_message(dot_path: Path, svg_path: Path) -> str:
    install = "\n".join(f"    {command:40} ({where})" for where, command in DOT_INSTALL)
    return (
        f"graphviz's `dot` program was not found, so graph.svg was not made (player.html lays the\n"
        f"graph out in the browser instead). The graph's DOT source is in {dot_path}.\n"
        f"Install dot with one of:\n"
        f"{install}\n"
        f"then run this command again, or render the source: dot -Tsvg {dot_path} -o {svg_path}\n"
        "(`stepgrad doctor` shows what is installed.)"
    )


VERBS = (
    Verb(
        "wxb",
        help="backprop on f = w·x + b (or the regularized sigmoid neuron), step by step",
        description="Backprop on f = w·x + b, or with --neuron on the lecture's regularized sigmoid "
        "neuron L = ½(σ(wx + b) − t)² + (λ/2)w²: prints the forward pass and every backward step, "
        "writes graph.svg, graph.dot and player.html.",
        add_arguments=_wxb_arguments,
        run=_run_wxb,
    ),
    Verb(
        "grad",
        help="backprop on any expression, step by step",
        description="Backprop on an expression, e.g. stepgrad grad 'tanh(w1*x1 + w2*x2 + b)' "
        "w1=-3 x1=2 w2=1 x2=0 b=6.8814. The language: numbers, variables, + - * / **, unary minus, "
        "parentheses, exp log tanh sigmoid relu. An expression starting with '-' goes after '--'.",
        add_arguments=_grad_arguments,
        run=_run_grad,
    ),
)
