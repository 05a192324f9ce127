"""The graph as the browser shows it: one layout, restyled at every step.

The player, the explorer widget and `draw()` without `dot` all show the DOT of
`autograd.views.render.draw`, laid out once — by graphviz's `dot` where it is installed, or in
the browser by Graphviz compiled to WebAssembly (the vendored `@viz-js/viz`, package data
in autograd/views/assets/viz/, nothing fetched at run time). A step never lays the graph out
again: `assets/graphview.js` rewrites the numbers, fills and edge colours of the same SVG,
so every frame keeps every position (the value boxes have a fixed size).

What a step shows comes from `view_model(trace)`: per node its name, role, formatted data
and gradient, the step after which that gradient is final, its forward formula and its
derivation; per backward step the node, the edges it pushes along and the chain-rule line.
The explorer typesets the chain-rule formulas, which it also gets in LaTeX, with the vendored
KaTeX (autograd/views/assets/katex/: `katex_script()`, and `katex_css()` with the fonts inlined).
"""

from __future__ import annotations

import base64
import functools
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.strict_json import dumps, encoded
from autograd.views.frames import frame_sequence
from autograd.views.render import _HIGHLIGHT, _HIGHLIGHT_FILL, _STYLE, LEGEND, SVG_CLASSES, role, svg_class

if TYPE_CHECKING:
    from autograd.recording.trace import Trace

__all__ = [
    "view_model",
    "asset",
    "viz_script",
    "katex_script",
    "katex_css",
    "graph_html",
    "json_for_script",
]

ASSETS = Path(__file__).with_name("assets")


@functools.cache
def asset(name: str) -> str:
    """The text of one file in autograd/views/assets/ (the vendored renderer, the view's scripts)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def _umd_script(function: str, bundle: str) -> str:
    """JavaScript that defines `globalThis.<function>()`, returning the module of the vendored
    UMD bundle `bundle` (a path in autograd/views/assets/), evaluated on the first call.

    A UMD bundle given `exports` and `module` objects fills those instead of looking for a
    module loader or setting a global, so it works the same in a page, an iframe and an ES module.
    """
    return (
        "(function (root) {\n"
        f"  if (root.{function}) {{ return; }}\n"
        "  var cached = null;\n"
        f"  root.{function} = function () {{\n"
        "    if (cached) { return cached; }\n"
        "    var exports = {}, module = { exports: exports }, define;\n"
        f"{asset(bundle)}\n"
        "    cached = module.exports;\n"
        "    return cached;\n"
        "  };\n"
        '})(typeof globalThis !== "undefined" ? globalThis : window);\n'
    )


def viz_script() -> str:
    """JavaScript that defines `globalThis.StepgradViz()`, returning the @viz-js/viz module."""
    return _umd_script("StepgradViz", "viz/viz-global.js")


def katex_script() -> str:
    """JavaScript that defines `globalThis.StepgradKatex()`, returning KaTeX (`.render(tex, element,
    options)`); a page's own `katex`, if any, is left alone."""
    return _umd_script("StepgradKatex", "katex/katex.min.js")


# One @font-face's sources: fonts/NAME.woff2, then the .woff and .ttf of the same font.
_FONT_FACE_SOURCE = re.compile(r"src:url\(fonts/(KaTeX_[\w-]+)\.woff2\) format\(\"woff2\"\)[^;}]*")


@functools.cache
def katex_css() -> str:
    """KaTeX's style sheet with its fonts inside: every @font-face reads its .woff2 from a
    `data:` URL (the vendored sheet points at `fonts/…` files, which a notebook page cannot
    fetch; the .woff and .ttf fallbacks are dropped: every browser that runs the widget reads woff2)."""

    def inlined(match: re.Match[str]) -> str:
        font = (ASSETS / "katex" / "fonts" / f"{match[1]}.woff2").read_bytes()
        return f'src:url(data:font/woff2;base64,{base64.b64encode(font).decode("ascii")}) format("woff2")'

    return _FONT_FACE_SOURCE.sub(inlined, asset("katex/katex.min.css"))


def json_for_script(data: Any) -> str:
    """`data` as JSON that is safe inside an HTML <script> element (no '</', no '<!--')."""
    text = dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def view_model(
    t: Trace, number_format: str = ".4g", parameters: Any = (), latex: bool = False
) -> dict[str, Any]:
    """What the browser needs to show every frame of the trace `t` (JSON-ready).

    Nodes are in topological order (node j is drawn with class `vj`); numbers come
    formatted, so the browser shows exactly what `draw()` would. `frames` is the walkthrough's
    frame sequence (`autograd.views.frames.frame_sequence`: per frame its title, the node in
    red, how many computed values are known in the forward pass, the backward step, whose
    `edges` are those in red), `svgClasses` the classes `draw` gives (`render.SVG_CLASSES`).
    `parameters`: leaves to colour as parameters besides those of the snapshot's model. With
    `latex`, the chain-rule formulas come in LaTeX too, for KaTeX (the explorer):
    `derivationTex` per node, `formulaTex` per step, `seedTex` and `summaryTex`.
    """
    if not isinstance(latex, bool):
        raise TypeError(f"view_model: latex must be True or False, got {latex!r}")
    index = t.snapshot.index
    parameter_set = {*parameters, *t.snapshot.parameters}
    nodes = [
        {
            "name": t.names[node],
            "role": role(node, t.root, parameter_set),
            "leaf": node.is_leaf,
            "value": encoded(node.data),
            "data": format(node.data, number_format),
            "grad": format(t.grads[node], number_format),
            "final": t.final_after[node],
            "parents": len(node.parents),
            "forward": t.forward_formula(node),
            "derivation": t.derivation(node),
        }
        for node in t.order
    ]
    steps = [
        {
            "node": index[step.node],
            "edges": [svg_class("edge", index[step.node], c.slot) for c in step.contributions],
            "formula": t.step_formula(step),
        }
        for step in t.steps
    ]
    tex: dict[str, Any] = {}
    if latex:
        for node, entry in zip(t.order, nodes):
            entry["derivationTex"] = t.derivation(node, "latex")
        for step, entry in zip(t.steps, steps):
            entry["formulaTex"] = t.step_formula(step, "latex")
        tex = {"seedTex": t.seed_formula("latex"), "summaryTex": t.gradients_summary("latex")}
    return {
        "root": index[t.root],
        "nodes": nodes,
        "steps": steps,
        "frames": [
            {
                "title": moment.title,
                "node": None if moment.node is None else index[moment.node],
                "computed": moment.computed,
                "step": moment.step,
            }
            for moment in frame_sequence(t)
        ],
        "svgClasses": SVG_CLASSES,
        "inputs": "\n".join(t.forward_formula(node) for node in t.order if node.is_leaf),
        "seed": t.seed_formula(),
        "summary": t.gradients_summary(),
        **tex,
        "style": {
            "fill": {name: attrs["fillcolor"] for name, attrs in _STYLE.items() if "fillcolor" in attrs},
            "highlight": _HIGHLIGHT,
            "highlightFill": _HIGHLIGHT_FILL,
        },
        "legend": [list(item) for item in LEGEND],
    }


_GRAPH_HTML = """<div class="stepgrad-graph" style="max-width: 100%; overflow-x: auto;">
<p class="stepgrad-fallback" style="color: #555;">{fallback}</p>
<script>{viz}</script>
<script>
(function () {{
  var script = document.currentScript, box = script.parentNode;
  var dot = {dot};
  globalThis.StepgradViz().instance().then(function (viz) {{
    var svg = viz.renderSVGElement(dot);
    svg.style.maxWidth = "100%";
    svg.style.height = "auto";
    box.querySelector(".stepgrad-fallback").remove();
    box.appendChild(svg);
  }});
}})();
</script>
</div>"""


def graph_html(dot: str) -> str:
    """HTML that lays out and shows the DOT `dot` in the browser, with no `dot` program.

    Where scripts do not run (an untrusted notebook) it shows one line saying why.
    """
    fallback = (
        "This graph is drawn by JavaScript. Trust the notebook to see it (JupyterLab: command "
        "palette, “Trust Notebook”), or install graphviz's dot (apt-get install graphviz) "
        "for a static image."
    )
    return _GRAPH_HTML.format(fallback=html.escape(fallback), viz=viz_script(), dot=json_for_script(dot))
