"""A self-contained HTML player for a recorded backward pass.

`play(f)` builds one HTML document holding every frame of `autograd.frames.frames`
as inline SVG with its formula, plus a few lines of JavaScript: previous / next /
play buttons, a slider, and the arrow keys (Home / End jump, space plays). Nothing
is loaded from the network, so the file works offline and can be mailed around.
In Jupyter a `Player` displays itself inline (in an iframe, isolated from the
notebook's styles and scripts); `Player.save(path)` writes the file.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.files import write_atomic
from autograd.frames import frames
from autograd.stepper import Trace, trace

if TYPE_CHECKING:
    from autograd.engine import Value

__all__ = ["play", "Player", "player_html", "DEFAULT_PLAYER_MAX_NODES"]

DEFAULT_PLAYER_MAX_NODES = 100  # about two frames per node, one `dot` run per frame

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }
.controls { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; margin: .5em 0; }
.controls input[type=range] { flex: 1; min-width: 10em; }
button { font-size: 1em; padding: .2em .8em; }
.frame h2 { font-size: 1.1em; margin: .3em 0; }
.frame pre { background: #f5f5f5; padding: .6em; white-space: pre-wrap; font-size: .95em; }
.frame svg { width: 100%; height: auto; max-height: 75vh; }
.hint { color: #777; font-size: .85em; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var current = 0, timer = null;
  function show(i) {
    current = Math.max(0, Math.min(frames.length - 1, i));
    for (var k = 0; k < frames.length; k++) { frames[k].hidden = (k !== current); }
    slider.value = current;
    counter.textContent = (current + 1) + " / " + frames.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } playButton.textContent = "play"; }
  function play() {
    if (timer) { stop(); return; }
    if (current === frames.length - 1) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () {
      if (current >= frames.length - 1) { stop(); } else { show(current + 1); }
    }, 1200);
  }
  document.getElementById("first").onclick = function () { stop(); show(0); };
  document.getElementById("prev").onclick = function () { stop(); show(current - 1); };
  document.getElementById("next").onclick = function () { stop(); show(current + 1); };
  document.getElementById("last").onclick = function () { stop(); show(frames.length - 1); };
  playButton.onclick = play;
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) { return; }
    if (e.key === "ArrowRight") { stop(); show(current + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(current - 1); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(frames.length - 1); }
    else if (e.key === " ") { play(); }
    else { return; }
    e.preventDefault();
  });
  show(0);
})();
"""


class Player:
    """A backprop player: one offline HTML document. Displays itself inline in Jupyter."""

    def __init__(self, document: str, frame_count: int, height: int) -> None:
        self.html = document
        self.frame_count = frame_count
        self.height = height  # pixels for the inline view

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the player to `path` (atomically); open it in any browser, offline."""
        return write_atomic(path, self.html)

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd;"></iframe>'
        )

    def __repr__(self) -> str:
        return f"Player({self.frame_count} frames)"


def play(
    graph: Value | Trace,
    *,
    title: str = "Backpropagation, step by step",
    max_nodes: int | None = DEFAULT_PLAYER_MAX_NODES,
    **draw_options: Any,
) -> Player:
    """Record backprop on `graph` (a root Value, or a `Trace`) and build its player.

    `draw_options` go to `autograd.render.draw` (rankdir, edge_labels, parameters, ...).
    Needs graphviz's `dot`. Graphs over `max_nodes` nodes are refused (the player would
    have hundreds of frames); `max_nodes=None` builds it anyway.
    """
    recorded = graph if isinstance(graph, Trace) else trace(graph)
    if max_nodes is not None and len(recorded.order) > max_nodes:
        raise ValueError(
            f"play: the graph has {len(recorded.order)} nodes, more than max_nodes={max_nodes}; "
            "the player would have about two frames per node. Pass max_nodes=None to build it anyway."
        )
    document, count, height = _document(recorded, title, draw_options)
    return Player(document, count, height)


def player_html(graph: Value | Trace, **options: Any) -> str:
    """The player's HTML document as a string (see `play` for the options)."""
    return play(graph, **options).html


def _document(t: Trace, title: str, draw_options: dict[str, Any]) -> tuple[str, int, int]:
    """The HTML document, its frame count, and a height in pixels that fits the tallest frame."""
    figures = []
    tallest = 0.0
    all_frames = frames(t, max_nodes=None, **draw_options)
    for i, frame in enumerate(all_frames):
        svg = _inline_svg(frame.graph.svg())
        tallest = max(tallest, _height_pt(svg))
        figures.append(
            f'<figure class="frame" id="frame-{i}" hidden>'
            f"<h2>{html.escape(frame.title)}</h2>"
            f'<pre class="formula">{html.escape(frame.formula)}</pre>'
            f'<div class="graph">{svg}</div></figure>'
        )
    last = len(all_frames) - 1
    document = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="first" title="first frame (Home)">first</button>
<button id="prev" title="previous frame (left arrow)">previous</button>
<button id="play" title="play / pause (space)">play</button>
<button id="next" title="next frame (right arrow)">next</button>
<button id="last" title="last frame (End)">last</button>
<input type="range" id="slider" min="0" max="{last}" value="0" aria-label="frame">
<span id="counter">1 / {last + 1}</span>
</div>
<p class="hint">Arrow keys step, Home / End jump, space plays. Red: the node whose gradient is
final and the edges it pushes its gradient along. A gradient shows "?" until it is final.</p>
{"".join(figures)}
<script>{_SCRIPT}</script>
</body>
</html>
"""
    height = min(900, int(tallest * 4 / 3) + 320)
    return document, len(all_frames), height


def _inline_svg(svg: str) -> str:
    """graphviz's SVG document reduced to its <svg> element (no XML prolog, no DOCTYPE URL)."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("graphviz returned no <svg> element")
    return svg[start:].strip()


def _height_pt(svg: str) -> float:
    match = re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', svg)
    return float(match.group(1)) if match else 0.0
