"""A self-contained HTML player for a recorded backward pass, and its animated image.

`play(f)` builds one HTML document: the graph of `autograd.views.render.draw` laid out once
(by `dot` when it is installed, else in the browser by the vendored Graphviz-wasm), the
data of every frame of `autograd.views.frames.frames` (numbers, formulas, what is current),
and the scripts that restyle the graph frame by frame: previous / next / play buttons,
a slider, the arrow keys (Home / End jump, space plays), zoom and pan. Nothing is loaded
from the network, so the file works offline and can be mailed around. In Jupyter a
`Player` displays itself inline (in an iframe sized to its content); `Player.save(path)`
writes the HTML file, or with a .gif (.png: APNG) suffix an animated image of the frames
for places that run no JavaScript (needs `dot` and Pillow).
"""

from __future__ import annotations

import html
import io
import os
import shutil
from pathlib import Path
from typing import Any

from autograd.engine.value import Value
from autograd.extras import require
from autograd.files import write_atomic
from autograd.graph.snapshot import Snapshot, as_snapshot
from autograd.recording.trace import Trace, trace
from autograd.validation import check_positive_int
from autograd.views.frames import frames
from autograd.views.graphview import asset, json_for_script, view_model, viz_script
from autograd.views.render import DotNotFoundError, LayoutError, draw

__all__ = ["play", "Player", "player_html", "PlayerTooLargeError", "DEFAULT_PLAYER_MAX_NODES", "RENDERERS"]

# The browser lays out about 2,000 graphviz nodes (values and ops) in a few seconds; more is
# not a picture a person can step through.
DEFAULT_PLAYER_MAX_NODES = 1000


class PlayerTooLargeError(ValueError):
    """The graph has more value nodes than `play`'s `max_nodes`."""


RENDERERS = ("auto", "dot", "browser")
FRAME_MILLISECONDS = 1200  # how long each frame shows when playing, in the page and in the GIF
# An animated image takes one `dot` run per frame (0.1 s for the neuron, seconds for hundreds of
# nodes), and past a few minutes of animation nobody watches it.
ANIMATION_MAX_FRAMES = 150

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 12px; color: #222; }}
h1 {{ font-size: 1.3em; margin: 0 0 .3em 0; }}
{css}
</style>
</head>
<body>
<h1>{title}</h1>
<div class="sg-controls">
<button id="first" title="first frame (Home)">first</button>
<button id="prev" title="previous frame (left arrow)">previous</button>
<button id="play" title="play / pause (space)">play</button>
<button id="next" title="next frame (right arrow)">next</button>
<button id="last" title="last frame (End)">last</button>
<input type="range" id="slider" min="0" max="{last}" value="0" aria-label="frame">
<span id="counter">1 / {count}</span>
<button id="zoom-out" title="zoom out (or ctrl + wheel)">−</button>
<button id="zoom-in" title="zoom in (or ctrl + wheel)">+</button>
<button id="zoom-fit" title="show the whole graph">fit</button>
</div>
<div class="sg-main">
<div class="sg-graph" id="graph">{waiting}</div>
<div class="sg-side"><h2 id="frame-title"></h2><pre id="formula"></pre></div>
</div>
<div id="legend"></div>
<p class="sg-hint">Arrow keys step, Home / End jump, space plays; drag the graph to pan, ctrl + wheel
zooms. Red: the node of this step and the edges it uses. A value or gradient shows "?" until it is
known; a gradient is known once it is final.</p>
{prerendered}
<script type="application/json" id="stepgrad-model">{model}</script>
{viz}
<script>{graphview}</script>
<script>{player}</script>
</body>
</html>
"""


class Player:
    """A backprop player: one offline HTML document. Displays itself inline in Jupyter."""

    def __init__(self, recorded: Trace, document: str, frame_count: int, draw_options: dict[str, Any]):
        self.trace = recorded
        self.html = document
        self.frame_count = frame_count
        self._draw_options = draw_options

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player to `path` (atomically): .html is the page (open it in any browser,
        offline); .gif or .png (APNG) is an animated image, one picture per frame."""
        suffix = Path(path).suffix.lower()
        if suffix in (".html", ".htm"):
            return write_atomic(path, self.html)
        if suffix in (".gif", ".png"):
            return write_atomic(path, self.animation(suffix[1:]))
        raise ValueError(f"Player.save: {str(path)!r}: use .html (the player), .gif or .png (animated)")

    def animation(self, image_format: str = "gif", max_frames: int | None = ANIMATION_MAX_FRAMES) -> bytes:
        """Every frame as one animated GIF or PNG (APNG), each frame with its title and formula.

        Each frame is rendered by `dot` (the value boxes have a fixed size, so every frame has
        the same layout); needs `dot` and Pillow, checked before any work. More than
        `max_frames` frames are refused (one `dot` run each); `max_frames=None` makes any.
        """
        if image_format not in ("gif", "png"):
            raise ValueError(f"animation: image_format must be 'gif' or 'png', got {image_format!r}")
        if max_frames is not None and self.frame_count > max_frames:
            raise ValueError(
                f"animation: {self.frame_count} frames, more than max_frames={max_frames} (one `dot` run "
                "each); use the HTML player, or pass max_frames=None to make it anyway"
            )
        if shutil.which("dot") is None:
            raise DotNotFoundError()
        require("gif", feature="an animated image of the player")
        from PIL import Image  # the `gif` extra

        pictures = [
            _captioned(Image.open(io.BytesIO(frame.graph.pipe(format="png"))), frame.title, frame.formula)
            for frame in frames(self.trace, max_nodes=None, **self._draw_options)
        ]
        width = max(p.width for p in pictures)
        height = max(p.height for p in pictures)
        canvas = [_padded(p, width, height) for p in pictures]
        out = io.BytesIO()
        canvas[0].save(
            out,
            format=image_format.upper(),
            save_all=True,
            append_images=canvas[1:],
            duration=FRAME_MILLISECONDS,
            loop=0,
        )
        return out.getvalue()

    def _repr_html_(self) -> str:
        # The iframe isolates the player from the notebook; the player posts its height.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            'style="width: 100%; height: 480px; border: 0; display: block;" scrolling="no" '
            'title="backprop player"></iframe>'
            "<script>(function () { var frame = document.currentScript.previousElementSibling;"
            " window.addEventListener('message', function (e) {"
            " if (e.source === frame.contentWindow && e.data && e.data.stepgradPlayerHeight) {"
            " frame.style.height = (e.data.stepgradPlayerHeight + 2) + 'px'; } }); })();</script>"
        )

    def __repr__(self) -> str:
        return f"Player({self.frame_count} frames)"


def play(
    graph: Value | Snapshot | Trace,
    *,
    title: str = "Backpropagation, step by step",
    max_nodes: int | None = DEFAULT_PLAYER_MAX_NODES,
    renderer: str = "auto",
    **draw_options: Any,
) -> Player:
    """Record backprop on `graph` (a root Value, a `Snapshot` of its graph, or a `Trace`) and
    build its player.

    `draw_options` go to `autograd.views.render.draw` (rankdir, edge_labels, parameters, model,
    number_format, collapse: a step inside a folded neuron lights its box). `renderer`:
    "dot" lays the graph out now with graphviz's `dot` (a small
    file), "browser" leaves it to the vendored Graphviz-wasm in the page (no `dot` needed;
    the file holds the 1.3 MB renderer), "auto" is "dot" where `dot` is on PATH. Graphs over
    `max_nodes` value nodes are refused (the browser's layout gets slow, and the steps too
    many to follow); `max_nodes=None` builds it anyway.
    """
    if renderer not in RENDERERS:
        raise ValueError(f"play: renderer must be one of {', '.join(RENDERERS)}; got {renderer!r}")
    if not isinstance(title, str):
        raise TypeError(f"play: title must be a string, got {type(title).__name__} {title!r}")
    check_positive_int(max_nodes, "play: max_nodes", or_none=True)
    model = draw_options.get("model")
    if isinstance(graph, Trace):
        recorded = graph if model is None or model is graph.snapshot.model else None
        seed, graph = graph.seed, graph.snapshot if recorded is not None else graph.root
    elif isinstance(graph, (Value, Snapshot)):
        recorded, seed = None, 1.0
    else:
        raise TypeError(f"play: root must be a Value, a Snapshot or a Trace, got {type(graph).__name__}")
    graph = as_snapshot(graph, model, "play")  # sorted and named once, and sized before recording
    size = len(graph.order)
    if max_nodes is not None and size > max_nodes:
        raise PlayerTooLargeError(
            f"play: the graph has {size} nodes, more than max_nodes={max_nodes}; "
            "the player would have about two frames per node. Pass max_nodes=None to build it anyway."
        )
    if renderer == "dot" and shutil.which("dot") is None:
        raise DotNotFoundError()
    if recorded is None:
        recorded = trace(graph, seed)
    layout = draw(recorded.snapshot, grads=recorded.grads, max_nodes=None, **draw_options)
    data = view_model(recorded, draw_options.get("number_format", ".4g"), draw_options.get("parameters", ()))
    data["dot"] = layout.source
    data["frameMilliseconds"] = FRAME_MILLISECONDS
    index = recorded.snapshot.index
    data["folded"] = {index[node]: index[box] for node, box in layout.folded.items()}
    svg = None
    if renderer == "dot" or (renderer == "auto" and shutil.which("dot") is not None):
        try:
            svg = layout.svg()
        except LayoutError:
            if renderer == "dot":
                raise
    use_dot = svg is not None  # else "auto" leaves a graph `dot` could not lay out to the browser
    prerendered = f'<div id="stepgrad-svg" hidden>{_inline_svg(svg)}</div>' if use_dot else ""
    count = len(data["frames"])
    document = _PAGE.format(
        title=html.escape(title),
        css=asset("graphview.css"),
        last=count - 1,
        count=count,
        waiting="" if use_dot else "laying out the graph…",
        prerendered=prerendered,
        model=json_for_script(data),
        viz="" if use_dot else f"<script>{viz_script()}</script>",
        graphview=asset("graphview.js"),
        player=asset("player.js"),
    )
    return Player(recorded, document, count, draw_options)


def player_html(graph: Value | Trace, **options: Any) -> str:
    """The player's HTML document as a string (see `play` for the options)."""
    return play(graph, **options).html


def _inline_svg(svg: str) -> str:
    """graphviz's SVG document reduced to its <svg> element (no XML prolog, no DOCTYPE URL)."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("graphviz returned no <svg> element")
    return svg[start:].strip()


def _captioned(picture: Any, title: str, formula: str) -> Any:
    """The graph with its frame's title and formula written below it."""
    from PIL import Image, ImageDraw

    font = _caption_font()
    lines = [title, *formula.splitlines()]
    line_height = 22
    pen = ImageDraw.Draw(picture)
    width = max(picture.width, *(int(pen.textlength(line, font=font)) + 24 for line in lines))
    canvas = Image.new("RGB", (width, picture.height + 16 + line_height * len(lines)), "white")
    canvas.paste(picture.convert("RGB"), (0, 0))
    pen = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        pen.text((12, picture.height + 8 + i * line_height), line, fill="#222222", font=font)
    return canvas


def _caption_font() -> Any:
    """DejaVu Sans Mono (it has ∂, ², ·; Debian installs it with graphviz), else Pillow's own."""
    from PIL import ImageFont

    for name in ("DejaVuSansMono.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, 16)
        except OSError:
            continue
    return ImageFont.load_default(size=16)


def _padded(picture: Any, width: int, height: int) -> Any:
    from PIL import Image

    if picture.size == (width, height):
        return picture
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(picture, (0, 0))
    return canvas
