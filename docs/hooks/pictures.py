"""MkDocs hook: the site's pictures, drawn by stepgrad itself at build time.

Each picture in PICTURES is made by the code next to it (the graphs by `draw`, the animation by
`play`, the worksheet's graphs by `worksheet_files`) and added to the site as `pictures/NAME`, so
a page shows it with `![...](pictures/NAME)` (relative to the page) and a picture is never out of
date or hand-made. Everything is a local file: the site shows them offline. Drawing needs
graphviz's `dot`; without it the build stops and says how to install it.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.structure.files import File

from autograd import Value, draw, play, trace
from autograd.extras import DOT_INSTALL
from autograd.teaching.walkthrough import parameters, regularized_neuron, wxb
from autograd.teaching.worksheet import worksheet_files
from autograd.views.render import DotNotFoundError, Graph, fit_to

FOLDER = "pictures"
# The page's content column, in points (688 px), and as high as a screen may scroll: a graph is
# drawn left to right or top to bottom, whichever shows its labels larger there.
COLUMN = {"LR": (516.0, 900.0), "TB": (516.0, 900.0)}


def _fitted(draw_in: Callable[[str], Graph]) -> bytes:
    """The SVG of `draw_in(rankdir)` in the orientation that fits the column best."""
    graph, _ = fit_to(draw_in, COLUMN)
    return graph.pipe(format="svg")


def _wxb_graph() -> bytes:
    """f = w·x + b after backward(): every data and gradient, w and b as parameters."""
    f = wxb()
    f.backward()
    return draw(f, parameters=parameters(f)).pipe(format="svg")


def _tanh_neuron_graph() -> bytes:
    """The graphs guide's example, tanh(w·x + b), with each local derivative on its edge."""
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = (w * x + b).tanh()
    f.backward()
    return _fitted(lambda rankdir: draw(f, edge_labels=True, rankdir=rankdir))


def _wxb_animation() -> bytes:
    """The player's frames of f = w·x + b as one animated PNG (what `play(f).save('x.png')` writes)."""
    f = wxb()
    return play(f, parameters=parameters(f)).animation("png")


def _neuron_graph() -> bytes:
    """The lecture's regularized neuron after backward(), local derivatives on the edges (top to
    bottom: its chain of 13 values, left to right, is too wide to read on a page)."""
    loss = regularized_neuron()
    trace(loss).apply()
    return _fitted(lambda rankdir: draw(loss, parameters=parameters(loss), edge_labels=True, rankdir=rankdir))


def _folded_mlp() -> bytes:
    """An MLP(2, [4, 4, 1])'s squared loss with each neuron folded into one box."""
    import random

    from nn import MLP

    mlp = MLP(2, [4, 4, 1], rng=random.Random(0))
    loss = (mlp([0.5, -1.5]) - 1.0) ** 2
    loss.backward()
    return _fitted(lambda rankdir: draw(loss, model=mlp, collapse=True, rankdir=rankdir))


def _worksheet_picture(name: str) -> Callable[[], bytes]:
    """One graph of `stepgrad worksheet --count 1 --seed 2024 --level 2`."""

    def picture() -> bytes:
        files, _ = worksheet_files(1, 2024, 2)
        return files[name]

    return picture


PICTURES: dict[str, Callable[[], bytes]] = {
    "wxb-graph.svg": _wxb_graph,
    "tanh-neuron-graph.svg": _tanh_neuron_graph,
    "wxb-backprop.png": _wxb_animation,
    "regularized-neuron.svg": _neuron_graph,
    "mlp-folded.svg": _folded_mlp,
    "worksheet-exercise.png": _worksheet_picture("exercise-01.png"),
    "worksheet-answer.png": _worksheet_picture("answer-01.png"),
}


def on_files(files, config):
    """Add every picture to the site's files, drawn now."""
    for name, make in PICTURES.items():
        try:
            content = make()
        except DotNotFoundError:
            how = ", or ".join(f"{command} ({where})" for where, command in DOT_INSTALL)
            raise SystemExit(
                f"docs: the picture {FOLDER}/{name} needs graphviz's dot; install it with {how}"
            ) from None
        files.append(File.generated(config, f"{FOLDER}/{name}", content=content))
    return files
