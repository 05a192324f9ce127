"""The stepper's LaTeX, typeset by the vendored KaTeX in headless Chromium with the network off:
every formula of random graphs compiles (strict: LaTeX-compatible input), and the fonts come
from the widget's style sheet, not from any file or server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, trace
from autograd.teaching.walkthrough import regularized_neuron
from autograd.views.graphview import katex_css, katex_script
from tests.browser import chromium, go_offline, mlp_loss, severe_errors
from tests.strategies import extreme_programs, programs, run
from tests.test_stepper import latex_formulas

# KaTeX's parse errors for a list of formulas: [formula, message] for each that fails.
COMPILE = """
var katex = globalThis.StepgradKatex(), errors = [];
arguments[0].forEach(function (tex) {
  try { katex.renderToString(tex, { displayMode: true, throwOnError: true, strict: "error" }); }
  catch (e) { errors.push([tex, String(e)]); }
});
return errors;
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A blank page, offline, with the KaTeX of the widget loaded as the widget loads it."""
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        go_offline(driver)  # no network at all: the page must need nothing from outside
        driver.get("data:text/html,<!doctype html><title>KaTeX</title>")  # KaTeX needs standards mode
        driver.execute_script(katex_script())
        assert driver.execute_script("return typeof globalThis.katex") == "undefined"  # no global set
        yield driver


@given(st.one_of(programs(), extreme_programs()))
def test_every_latex_formula_of_random_graphs_compiles(page, program):
    _, root = run(program, "value")
    assert page.execute_script(COMPILE, latex_formulas(trace(root))) == []


def test_named_graphs_compile(page):
    """Names with LaTeX's special characters, Unicode names, a model's dotted names, 1e-09."""
    loss, mlp = mlp_loss()
    awkward = Value(2.0, "a_b^c~d\\e{f}&%$#") * Value(-1e-9, "y−t")
    awkward.label = "(y−t)²"
    traces = [trace(regularized_neuron()), trace(loss, model=mlp), trace(awkward)]
    formulas = [tex for t in traces for tex in latex_formulas(t)]
    assert len(formulas) > 500 and page.execute_script(COMPILE, formulas) == []


def test_the_fonts_come_from_the_style_sheet(page):
    fonts = page.execute_async_script(
        """
        var css = arguments[0], tex = arguments[1], done = arguments[arguments.length - 1];
        var style = document.createElement("style");
        style.textContent = css;
        document.head.appendChild(style);
        var box = document.createElement("div");
        document.body.appendChild(box);
        globalThis.StepgradKatex().render(tex, box, { displayMode: true, throwOnError: true });
        document.fonts.ready.then(function () {
          var status = {};
          document.fonts.forEach(function (face) {
            status[face.family + " " + face.style + " " + face.weight] = face.status;
          });
          done({ status: status, fetched: performance.getEntriesByType("resource").length });
        });
        """,
        katex_css(),
        trace(regularized_neuron()).gradients_summary("latex"),
    )
    assert fonts["fetched"] == 0  # nothing was requested: every font is a data: URL
    used = {face: status for face, status in fonts["status"].items() if status != "unloaded"}
    assert used and set(used.values()) == {"loaded"}, fonts["status"]
    assert "KaTeX_Main normal 400" in used and "KaTeX_Math italic 400" in used
    assert severe_errors(page) == []
