"""explore() in Jupyter Notebook 7 and in marimo, driven in headless Chromium (JupyterLab:
tests/test_explore_browser.py).

Each host's server is started by the test on a free port of 127.0.0.1 with a token (once for
the module) and stopped at the end. The same f = w·x + b cell runs in both: step to the end
(w̄ = 3), set w to 5 (x̄ = 5), and answer practice questions; every number is read
from the page, and the edits and answers go through the widget's custom messages to the kernel.
"""

from __future__ import annotations

import secrets
import sys
import textwrap

import pytest

from tests.browser import (
    PRACTICE_CELL,
    WXB_CELL,
    answer_in_page,
    boxes_of,
    chromium,
    explorer,
    free_port,
    jupyter_server,
    kernel_ready,
    panel,
    run_cell,
    serve,
    server_env,
    severe_errors,
    step_to_end_and_edit,
    wait_for,
    write_notebook,
)
from tests.notation import bar


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile"), width=1400, height=1000) as driver:
        yield driver


def check_practice(browser, widget) -> None:
    """The first questions of explore(f, practice=True) on f = w·x + b, answered in the page."""
    title = widget.find_element("css selector", ".sg-title")
    assert title.text == f"Question 1/4: {bar('v2')} = ?"
    assert boxes_of(browser, widget)["v2"] == "data 6 | grad ?"
    assert answer_in_page(browser, widget, "abc").startswith("'abc' is not a number")
    assert title.text == f"Question 1/4: {bar('v2')} = ?"  # asked again, not counted
    # answered with the button: the kernel's reply, then the focus back in the answer field
    field = widget.find_element("css selector", ".sg-answer")
    field.clear()
    field.send_keys("1")
    before = widget.get_attribute("data-replies")
    widget.find_element("css selector", ".sg-ask button").click()
    wait_for(lambda: widget.get_attribute("data-replies") != before, what="the reply to '1'")
    assert widget.find_element("css selector", ".sg-feedback").text == f"Right: {bar('v2')} = 1.0."
    assert title.text == "Question 2/4: b\u0305 = ?"
    assert boxes_of(browser, widget)["v2"] == "data 6 | grad 1"
    focused = browser.execute_script(
        "return arguments[0].getRootNode().activeElement === arguments[1]", widget, field
    )
    assert focused, "the answer field lost the focus"
    assert answer_in_page(browser, widget, "1") == "Right: b\u0305 = 1.0."
    assert boxes_of(browser, widget)["b"] == "data 1 | grad 1"


# Notebook 7 ---------------------------------------------------------------------------------------


def notebook_errors(browser) -> list[dict]:
    """The page's severe console entries, less Notebook 7.6's own error on loading any notebook (its
    keyboard-shortcuts settings read a plugin's schema before it is loaded: 'reading 'schema'' in
    notebook_core.js, before any cell runs)."""
    return [
        entry
        for entry in severe_errors(browser)
        if not ("/static/notebook/notebook_core." in entry["message"] and "'schema'" in entry["message"])
    ]


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    """A Jupyter Notebook 7 server of our own: (base URL, token, its root directory)."""
    root, home = tmp_path_factory.mktemp("nb7-root"), tmp_path_factory.mktemp("nb7-home")
    with jupyter_server("notebook", root, home) as server:
        yield server


def test_explore_in_notebook7(notebook7, browser, tmp_path):
    url, token, root = notebook7
    write_notebook(root, "explore.ipynb", [WXB_CELL, PRACTICE_CELL])
    browser.get(f"{url}/notebooks/explore.ipynb?token={token}")
    wait_for(
        lambda: panel(browser).find_elements("css selector", ".jp-Cell") and kernel_ready(browser),
        timeout=60,
        what="the notebook, its kernel connected and idle",
    )
    assert notebook_errors(browser) == []

    run_cell(browser, 0)
    widget = explorer(browser, 0)
    step_to_end_and_edit(browser, widget)
    browser.save_screenshot(str(tmp_path / "notebook7.png"))

    run_cell(browser, 1)
    check_practice(browser, explorer(browser, 1))
    browser.save_screenshot(str(tmp_path / "notebook7-practice.png"))
    assert notebook_errors(browser) == []


# marimo -------------------------------------------------------------------------------------------

# A marimo notebook: explore(f) as a cell's last expression shows the widget, as in Jupyter.
# Names starting with _ are local to their cell (marimo allows one definition of a name).
MARIMO_NOTEBOOK = f"""\
import marimo

app = marimo.App()


@app.cell
def _():
{textwrap.indent(WXB_CELL, "    ")}
    return Value, explore


@app.cell
def _(Value, explore):
    _w, _x, _b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    _f = _w * _x + _b
    _f.label = "f"
    explore(_f, practice=True)
    return


if __name__ == "__main__":
    app.run()
"""


@pytest.fixture(scope="module")
def marimo(tmp_path_factory):
    """`marimo edit` of our own on MARIMO_NOTEBOOK: the URL that opens it, with the token."""
    home = tmp_path_factory.mktemp("marimo-home")
    notebook = home / "explore.py"
    notebook.write_text(MARIMO_NOTEBOOK)
    port, token = free_port(), secrets.token_hex(16)
    command = [
        *(sys.executable, "-m", "marimo", "edit", str(notebook), "--headless", "--host", "127.0.0.1"),
        *("--port", str(port), "--token-password", token, "--skip-update-check", "--no-sandbox"),
    ]
    url = f"http://127.0.0.1:{port}"
    with serve(command, server_env(home), home / "marimo.log", f"{url}/health", "marimo"):
        yield f"{url}/?access_token={token}"


def marimo_explorers(browser, count: int) -> list:
    """The explorers on the page once `count` have drawn their graphs (each in its output's shadow DOM)."""

    def rendered():
        hosts = browser.find_elements("css selector", "marimo-anywidget")
        boxes = [box for h in hosts for box in h.shadow_root.find_elements("css selector", ".sg-explorer")]
        drawn = all(box.get_attribute("data-rendered") == "true" for box in boxes)
        return len(boxes) == count and drawn and boxes

    return wait_for(rendered, timeout=60, what="the explorers' graphs")


def test_explore_in_marimo(marimo, browser, tmp_path):
    browser.get(marimo)

    def run_all():  # enabled once the page is connected to its kernel
        button = browser.find_element(
            "css selector", '[data-testid="chrome-controls-bottom-right"] [data-testid="run-button"]'
        )
        return "disabled" not in button.get_attribute("class").split() and button

    # marimo edit runs no cell by itself: run them all, as a user does
    wait_for(run_all, timeout=60, what="marimo's editor, connected").click()
    widget, practice = marimo_explorers(browser, 2)
    borders = browser.execute_script(  # marimo's style reset reaches the widget: its own borders stay
        "return Array.from(arguments[0].querySelectorAll('.sg-leaf input, .sg-controls button'))"
        ".map(function (e) { return getComputedStyle(e).borderTopWidth; })",
        widget,
    )
    assert len(borders) == 10 and set(borders) == {"1px"}
    step_to_end_and_edit(browser, widget)
    browser.save_screenshot(str(tmp_path / "marimo.png"))
    browser.execute_script("arguments[0].scrollIntoView();", practice)
    check_practice(browser, practice)
    browser.save_screenshot(str(tmp_path / "marimo-practice.png"))
    assert severe_errors(browser) == []
