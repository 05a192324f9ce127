"""explore() in JupyterLab 4 itself, driven in headless Chromium: run a cell, step, edit a leaf.

The test starts JupyterLab on a free port on 127.0.0.1 with a token (once for the module)
and stops it at the end. Each notebook is written by the test into JupyterLab's root.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from tests.browser import (
    PRACTICE_CELL,
    STEP_SCRIPT,
    WXB_CELL,
    answer_in_page,
    boxes_of,
    chromium,
    edit_leaf,
    explorer,
    jupyter_server,
    panel,
    record_timing,
    run_cell,
    severe_errors,
    step_to_end_and_edit,
    wait_for,
    write_notebook,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NO_DOT_CELL = """\
import os, shutil, sys
os.environ["PATH"] = os.path.dirname(sys.executable)  # graphviz's dot is gone for this kernel
assert shutil.which("dot") is None"""
MLP_CELL = """\
from tests.browser import mlp_loss
loss, mlp = mlp_loss()
explore(loss, model=mlp)"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server of our own: (base URL, token, its root directory)."""
    root, home = tmp_path_factory.mktemp("lab-root"), tmp_path_factory.mktemp("lab-home")
    with jupyter_server("lab", root, home) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile"), width=1400, height=1000) as driver:
        yield driver


def open_notebook(browser, lab, name: str) -> None:
    url, token, _ = lab
    browser.get(f"{url}/lab/tree/{name}?reset&token={token}")  # reset: only this notebook open
    wait_for(
        lambda: panel(browser) and panel(browser).find_elements("css selector", ".jp-Cell"),
        timeout=60,
        what="the notebook",
    )
    wait_for(
        lambda: (
            "| Idle" in browser.find_element("css selector", ".jp-StatusBar-Widget").text
            or "| Idle" in browser.find_element("id", "jp-main-statusbar").text
        ),
        timeout=60,
        what="the kernel to be idle",
    )


def test_explore_in_jupyterlab_with_and_without_dot(lab, browser, tmp_path):
    _, _, root = lab
    write_notebook(root, "explore.ipynb", [WXB_CELL, "from autograd import play\nplay(f)"])
    write_notebook(
        root, "explore_no_dot.ipynb", [NO_DOT_CELL, WXB_CELL, "from autograd import draw\ndraw(f)"]
    )

    open_notebook(browser, lab, "explore.ipynb")
    run_cell(browser, 0)
    widget = explorer(browser, 0)
    step_to_end_and_edit(browser, widget)
    browser.save_screenshot(str(tmp_path / "explore.png"))

    # the player inline: an iframe as tall as its content, no inner scrollbar clipping the graph
    run_cell(browser, 1)
    frame = wait_for(lambda: panel(browser).find_element("css selector", ".jp-OutputArea-output iframe"))
    wait_for(lambda: frame.size["height"] != 480, what="the player to size its iframe")
    height = frame.size["height"]
    browser.switch_to.frame(frame)
    try:
        wait_for(lambda: browser.find_element("tag name", "body").get_attribute("data-rendered") == "true")
        content = browser.execute_script("return Math.ceil(document.body.getBoundingClientRect().bottom)")
        inner_scroll = browser.execute_script(
            "var e = document.documentElement;"
            " return [e.scrollHeight - e.clientHeight, e.scrollWidth - e.clientWidth]"
        )
    finally:
        browser.switch_to.default_content()
    assert content < height <= content + 20 and inner_scroll == [0, 0]
    assert severe_errors(browser) == []

    open_notebook(browser, lab, "explore_no_dot.ipynb")
    run_cell(browser, 0)
    run_cell(browser, 1)
    widget = explorer(browser, 0)
    step_to_end_and_edit(browser, widget)
    browser.save_screenshot(str(tmp_path / "explore-no-dot.png"))

    # draw() without dot: HTML that lays the graph out in the page, no formatter traceback
    run_cell(browser, 2)
    graph = wait_for(
        lambda: panel(browser).find_element("css selector", ".stepgrad-graph svg"), what="draw()"
    )
    texts = [t.text for t in graph.find_elements("css selector", "text")]
    assert {"w", "x", "b", "f", "data 5", "data -2", "data 13"} <= set(texts)  # the replayed values
    assert not panel(browser).find_elements(
        "css selector", "[data-mime-type='application/vnd.jupyter.stderr']"
    )
    assert severe_errors(browser) == []


def test_explore_a_300_node_graph_timed(lab, browser, tmp_path):
    _, _, root = lab
    write_notebook(root, "explore300.ipynb", ["from autograd import explore\n" + MLP_CELL])
    open_notebook(browser, lab, "explore300.ipynb")
    started = run_cell(browser, 0)
    widget = explorer(browser, 0)
    from_run = (time.monotonic() - started) * 1000
    in_widget = float(widget.get_attribute("data-render-ms"))
    shown = boxes_of(browser, widget)
    assert len(shown) == 300 and "L0.n0.w0" in shown and "L2.n0.b" in shown
    step = widget.find_element("css selector", ".sg-controls button:nth-child(3)")  # ▶
    steps = [browser.execute_async_script(STEP_SCRIPT, step) for _ in range(20)]
    edits = [edit_leaf(browser, widget, "L0.n0.w0", str(0.1 * k)) for k in range(1, 6)]
    assert boxes_of(browser, widget)["L0.n0.w0"].startswith("data 0.5 |")
    browser.save_screenshot(str(tmp_path / "explore300.png"))
    record_timing("explore, 300 nodes, first render in the widget (Graphviz-wasm layout)", in_widget, 2000)
    record_timing("explore, 300 nodes, run cell -> graph on screen (kernel, comm, layout)", from_run, 2000)
    record_timing("explore, 300 nodes, one step (median of 20, to the next paint)", sorted(steps)[10], 50)
    record_timing(
        "explore, 300 nodes, edit a leaf -> replayed numbers on screen (median of 5)", sorted(edits)[2], 300
    )
    assert in_widget < 10_000 and max(steps) < 1000 and max(edits) < 3000  # generous: a loaded machine
    assert severe_errors(browser) == []


@pytest.mark.parametrize("name", ["01_backprop_wx_plus_b.ipynb", "04_computation_graphs.ipynb"])
def test_committed_notebook_shows_its_graphs_untrusted(lab, browser, name, tmp_path):
    """Opened as a reader opens it from git (untrusted, not run): every graph is a picture."""
    _, _, root = lab
    (root / name).write_bytes((NOTEBOOKS / name).read_bytes())
    open_notebook(browser, lab, name)
    images = panel(browser).find_elements("css selector", ".jp-OutputArea-output img")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    pictures = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert pictures and len(images) >= len(pictures)
    browser.save_screenshot(str(tmp_path / f"{name}.png"))


def test_explore_practice_in_jupyterlab(lab, browser, tmp_path):
    _, _, root = lab
    write_notebook(root, "practice.ipynb", [PRACTICE_CELL])
    open_notebook(browser, lab, "practice.ipynb")
    run_cell(browser, 0)
    widget = explorer(browser, 0)
    title = widget.find_element("css selector", ".sg-title")
    assert title.text == "Question 1/4: ∂f/∂v2 = ?"
    shown = boxes_of(browser, widget)
    assert shown == {
        "w": "data 2 | grad ?",
        "x": "data 3 | grad ?",
        "v2": "data 6 | grad ?",
        "b": "data 1 | grad ?",
        "f": "data 7 | grad 1",
    }
    assert not widget.find_elements("css selector", "input[type=range]")  # no stepping to the answers
    assert [b.text for b in widget.find_elements("css selector", ".sg-controls button")] == ["−", "+", "fit"]
    hot = browser.execute_script(  # the asked node is drawn in red
        "var g = Array.from(arguments[0].querySelectorAll('.sg-graph g.node')).find(function (g) {"
        " return g.querySelector('text').textContent === 'v2'; });"
        " return g.querySelector('polygon, path').getAttribute('stroke');",
        widget,
    )
    assert hot not in ("black", None)

    assert answer_in_page(browser, widget, "1") == "Right: ∂f/∂v2 = 1.0."
    assert answer_in_page(browser, widget, "abc").startswith("'abc' is not a number")
    assert title.text == "Question 2/4: ∂f/∂b = ?"  # asked again, not counted
    assert answer_in_page(browser, widget, "1") == "Right: ∂f/∂b = 1.0."
    feedback = answer_in_page(browser, widget, "2")  # ∂f/∂w is 3: 2 is w's value
    assert feedback.startswith("Not quite. That is the value of w from the forward pass")
    assert boxes_of(browser, widget)["w"] == "data 2 | grad ?"
    browser.save_screenshot(str(tmp_path / "practice-wrong.png"))
    assert answer_in_page(browser, widget, "3") == "Right: ∂f/∂w = 3.0."
    assert boxes_of(browser, widget)["w"] == "data 2 | grad 3"
    assert answer_in_page(browser, widget, "2").splitlines() == ["Right: ∂f/∂x = 2.0.", "Score: 4/4"]
    assert title.text == "Practice done: score 4/4" and widget.get_attribute("data-done") == "true"
    assert boxes_of(browser, widget)["x"] == "data 3 | grad 2"
    outside = browser.execute_script(  # the questions never pushed part of the graph out of its box
        "var box = arguments[0].querySelector('.sg-graph').getBoundingClientRect();"
        " return Array.from(arguments[0].querySelectorAll('.sg-graph g.node')).filter(function (g) {"
        " var r = g.getBoundingClientRect(); return r.left < box.left || r.right > box.right"
        " || r.top < box.top || r.bottom > box.bottom; }).length;",
        widget,
    )
    assert outside == 0
    browser.save_screenshot(str(tmp_path / "practice-done.png"))
    assert severe_errors(browser) == []
