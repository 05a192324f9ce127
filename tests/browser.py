"""Headless Chromium for the browser tests (selenium + Debian's chromium and chromium-driver).

CI has them (the Makefile installs them); where they are missing a test fails with a
message saying how to install them. Timings measured in a browser test are collected
with `record_timing` and printed at the end of the pytest run (tests/conftest.py).

Also what the explorer's tests share across hosts (JupyterLab, Notebook 7, marimo): a
server of the test's own on a free port (`serve`, `jupyter_server`), the f = w·x + b cell,
and the checks of stepping and editing it, read from the page (`step_to_end_and_edit`).
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.notation import bar

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = (
    "the browser tests need Debian's chromium and chromium-driver at /usr/bin: "
    "run `make test` (it installs them) or `sudo apt-get install -y chromium chromium-driver`"
)
TIMINGS: list[tuple[str, float, float]] = []  # (what, milliseconds, the bound the issue sets)


def record_timing(what: str, milliseconds: float, target: float) -> None:
    TIMINGS.append((what, milliseconds, target))


@contextmanager
def chromium(
    profile: Path,
    width: int = 1300,
    height: int = 900,
    extra_args: tuple[str, ...] = (),
    logs: tuple[str, ...] = ("browser",),
) -> Iterator[Any]:
    """A headless Chromium (selenium driver) with a fresh profile in `profile`, quit at the end.

    `extra_args` are more command-line switches; `logs` the log types to record (browser,
    performance)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: pip install -e '.[dev]'")
    binary = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not binary or not CHROMEDRIVER.exists():
        pytest.fail(INSTALL_HINT)
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
        *extra_args,
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", dict.fromkeys(logs, "ALL"))
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def go_offline(driver: Any) -> None:
    """Cut the browser off the network: a page that needs anything from outside fails to get it."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, what: str = "the page") -> Any:
    """Poll `condition` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except Exception as exc:  # the element may not exist yet
            last_error = exc
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last error: {last_error})")


def severe_errors(driver: Any) -> list[dict[str, Any]]:
    """The page's severe console entries since the last call. Chromium's own notice that it blocked
    JupyterLab's "leave the page?" panel (a tab closed without a user gesture: an 'intervention', not
    an error of the page) is left out: it comes from whichever earlier test left a notebook open."""
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
        and not (entry.get("source") == "intervention" and "beforeunload" in entry["message"])
    ]


# How long one step takes on screen: click, then two animation frames (the paint after it).
STEP_SCRIPT = """
var done = arguments[arguments.length - 1], target = arguments[0];
var t0 = performance.now();
target.click();
requestAnimationFrame(function () { requestAnimationFrame(function () { done(performance.now() - t0); }); });
"""


def mlp_loss(fused: bool = False) -> tuple[Any, Any]:
    """A 2-8-8-1 MLP's squared-error loss on one sample: 300 value nodes unfused."""
    from nn.module import MLP

    model = MLP(2, [8, 8, 1], rng=random.Random(0), fused=fused)
    y = model([0.5, -1.5])
    loss = (y - 1.0) ** 2 * 0.5
    loss.label = "loss"
    return loss, model


def every_op_graph() -> Any:
    """A graph with a node of every op of the table, a `sum` of 14 operands and a `dot` with 21
    parents (the longest chain-rule formulas), and a name with LaTeX's underscore."""
    from autograd import Value

    x, y = Value(0.5, "x"), Value(2.0, "y_1")
    terms = [x + y, x - y, x * y, x / y, x**y, x**2, 2**x, -x, x.exp(), y.log(), x.tanh(), x.sigmoid()]
    total = Value.sum([*terms, x.relu(), 1.5])
    root = Value.dot([total, *terms[:9]], [y, *[x] * 9], x)
    root.label = "L_total"
    return root


REPO = Path(__file__).resolve().parent.parent
WXB_CELL = """\
from autograd import Value, explore
w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
f = w * x + b
f.label = "f"
explore(f)"""
PRACTICE_CELL = WXB_CELL.replace("explore(f)", "explore(f, practice=True)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(command: list[str], env: dict[str, str], log: Path, ready_url: str, what: str) -> Iterator[None]:
    """Run a server (`command`, its output in `log`) until the block ends, failing or not.

    Waits until `ready_url` answers 200. The server gets a process group of its own and the whole
    group is stopped at the end (SIGTERM, then SIGKILL after 20 s): marimo's kernels with it."""
    with log.open("w") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:

            def up():
                if server.poll() is not None:
                    pytest.fail(f"{what} exited: {log.read_text()[-2000:]}")
                with urllib.request.urlopen(ready_url, timeout=2) as response:
                    return response.status == 200

            wait_for(up, timeout=60, what=f"{what} to start")
            yield
        finally:
            with suppress(ProcessLookupError):  # the group may have exited already
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def server_env(home: Path) -> dict[str, str]:
    """The environment of a server: its config and state in `home`, this checkout's packages first."""
    return dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
        XDG_STATE_HOME=str(home / "xdg-state"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        PYTHONPATH=str(REPO),  # the kernel imports this checkout's autograd (and tests.browser)
    )


@contextmanager
def jupyter_server(app: str, root: Path, home: Path) -> Iterator[tuple[str, str, Path]]:
    """`jupyter lab` or `jupyter notebook` (Notebook 7) on a free port of 127.0.0.1 with a token,
    serving `root`, its settings in `home`: (base URL, token, root)."""
    port, token = free_port(), secrets.token_hex(16)
    config = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}[app]
    command = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--{config}.workspaces_dir={home / 'workspaces'}",
        f"--{config}.user_settings_dir={home / 'settings'}",
        f"--{config}.expose_app_in_browser=True",  # window.jupyterapp: the page's kernel, for kernel_ready
        "--ServerApp.port_retries=0",
    ]
    if app == "lab":
        command.append("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    if os.geteuid() == 0:
        command.append("--allow-root")
    settings = {  # no news toast; every cell in the page, not only those in view
        "apputils-extension/notification": '{"fetchNews": "false", "checkForUpdates": false}',
        "notebook-extension/tracker": '{"windowingMode": "none"}',
    }
    for plugin, text in settings.items():
        path = home / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    url = f"http://127.0.0.1:{port}"
    name = {"lab": "JupyterLab", "notebook": "Jupyter Notebook"}[app]
    with serve(command, server_env(home), home / f"{app}.log", f"{url}/api/status?token={token}", name):
        yield url, token, root


def kernel_ready(browser) -> bool:
    """Whether the notebook on screen has its kernel connected and idle. (Notebook 7's status icon says
    idle before the kernel has even started: a cell run then is lost.)"""
    return browser.execute_script(
        "var panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " var session = panel && panel.sessionContext && panel.sessionContext.session;"
        " var kernel = session && session.kernel;"
        " return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';"
    )


def write_notebook(root: Path, name: str, cells: list[str]) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / name)


def panel(browser):
    """The notebook on screen in JupyterLab or Notebook 7 (other tabs stay in the page, hidden)."""
    shown = [p for p in browser.find_elements("css selector", ".jp-NotebookPanel") if p.is_displayed()]
    return shown[0] if len(shown) == 1 else None


def run_cell(browser, index: int) -> float:
    """Run the index-th cell with Shift+Enter; return the time it was started (time.monotonic)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    cell = panel(browser).find_elements("css selector", ".jp-Cell")[index]
    cell.find_element("css selector", ".cm-content").click()
    started = time.monotonic()
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
    return started


def explorer(browser, index: int):
    """The explorer in the index-th explorer output, once its graph is on screen."""

    def rendered():  # in the notebook on screen (other tabs stay in the page, hidden)
        boxes = panel(browser).find_elements("css selector", ".sg-explorer")
        return len(boxes) > index and boxes[index].get_attribute("data-rendered") == "true" and boxes[index]

    return wait_for(rendered, timeout=60, what="the explorer's graph")


def boxes_of(browser, widget) -> dict[str, str]:
    """{value name: 'data … | grad …'} as the graph shows them."""
    return browser.execute_script(
        "var out = {}; arguments[0].querySelectorAll('.sg-graph g.node').forEach(function (g) {"
        " var t = Array.from(g.querySelectorAll('text')).map(function (e) { return e.textContent; });"
        " if (t.length === 3) { out[t[0]] = t[1] + ' | ' + t[2]; } }); return out;",
        widget,
    )


def edit_leaf(browser, widget, name: str, value: str) -> float:
    """Type a value into a leaf's field, Enter; wait until the graph shows the replay; its ms."""
    before = widget.get_attribute("data-version") or "0"
    field = widget.find_element("css selector", f'input[data-name="{name}"]')
    return browser.execute_async_script(
        """
        var field = arguments[0], box = arguments[1], before = arguments[2], value = arguments[3];
        var done = arguments[arguments.length - 1], t0 = performance.now();
        var seen = new MutationObserver(function () {
          if ((box.getAttribute('data-version') || '0') !== before) {
            seen.disconnect();
            requestAnimationFrame(function () { requestAnimationFrame(function () {
              done(performance.now() - t0); }); });
          }
        });
        seen.observe(box, { attributes: true });
        field.value = value;
        field.dispatchEvent(new Event('change', { bubbles: true }));
        """,
        field,
        widget,
        before,
        value,
    )


def wxb_trace():
    """The trace of WXB_CELL's graph, as the kernel records it (w at `w`)."""
    from autograd import Value, trace

    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = w * x + b
    f.label = "f"
    return trace(f)


def typeset(box) -> list[str]:
    """The LaTeX KaTeX typeset in a formula box, one per typeset block; fails if KaTeX reported an
    error, the box fell back to plain text, or a block is not KaTeX's output with its plain text."""
    assert box.get_attribute("data-math") == "katex"
    assert not box.find_elements("css selector", ".katex-error")
    blocks = box.find_elements("css selector", ".sg-tex")
    for block in blocks:
        assert block.find_element("css selector", ".katex-display .katex-html").get_attribute("textContent")
        assert block.get_attribute("aria-label") in plain_text(box)  # what a screen reader reads
    return [block.get_attribute("data-tex") for block in blocks]


def plain_text(box) -> str:
    """A formula box's plain text (the stepper's text form, whatever the box shows)."""
    return box.get_attribute("data-text")


def click_node(browser, widget, name: str) -> None:
    """Click the value box named `name` in the explorer's graph."""
    browser.execute_script(
        "var name = arguments[1];"
        " var g = Array.from(arguments[0].querySelectorAll('.sg-graph g.node')).find(function (g) {"
        " return g.querySelector('text').textContent === name; });"
        " g.dispatchEvent(new MouseEvent('click', { bubbles: true }));",
        widget,
        name,
    )


def step_to_end_and_edit(browser, widget):
    """On the explorer of WXB_CELL: step with the keys, read w̄ = 3 at the end (typeset, and as
    text), set w to 5 and read x̄ = 5 on the same layout, click a node, type a bad value and a
    good one."""
    from selenium.webdriver.common.keys import Keys

    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].focus();", widget)
    title = widget.find_element("css selector", ".sg-title")
    assert title.text == "forward: inputs"
    assert boxes_of(browser, widget)["w"] == "data 2 | grad ?"
    widget.send_keys(Keys.ARROW_RIGHT)
    assert title.text == "forward 1/2"
    formula = widget.find_element("css selector", ".sg-formula")
    assert formula.text == plain_text(formula) == "v2 = w * x = 2.0 * 3.0 = 6.0"  # forward: text
    assert formula.get_attribute("data-math") == "text"
    widget.send_keys(Keys.END)
    assert title.text == "done: every gradient"
    assert "w\u0305 = 3.0" in plain_text(formula).splitlines()
    t = wxb_trace()
    assert typeset(formula) == [t.gradients_summary("latex")]
    toggle = widget.find_element("css selector", ".sg-as-text")  # the plain text, one click away
    toggle.click()
    assert formula.text == t.gradients_summary() and formula.get_attribute("data-math") == "text"
    toggle.click()
    assert typeset(formula) == [t.gradients_summary("latex")]
    widget.send_keys(Keys.ARROW_LEFT)
    assert title.text == "backward 2/2"
    assert plain_text(formula) == t.step_formula(t.steps[1])
    assert typeset(formula) == [t.step_formula(t.steps[1], "latex")]
    widget.send_keys(Keys.END)
    shown = boxes_of(browser, widget)
    assert (
        shown["w"] == "data 2 | grad 3"
        and shown["x"] == "data 3 | grad 2"
        and shown["f"] == "data 7 | grad 1"
    )

    layout = browser.execute_script(
        "return arguments[0].querySelector('.sg-graph svg').outerHTML.length", widget
    )
    edit_leaf(browser, widget, "w", "5")
    shown = boxes_of(browser, widget)
    assert (
        shown["x"] == "data 3 | grad 5"
        and shown["w"] == "data 5 | grad 3"
        and shown["f"] == "data 16 | grad 1"
    )
    assert "x\u0305 = 5.0" in plain_text(formula).splitlines()
    assert r"\overline{\mathrm{x}} &= 5.0" in typeset(formula)[0]  # typeset anew
    assert title.text == "done: every gradient"  # still at the same step
    same = browser.execute_script(
        "return arguments[0].querySelector('.sg-graph svg').outerHTML.length", widget
    )
    assert abs(same - layout) < 20  # the same SVG restyled (only numbers changed), not a new layout

    click_node(browser, widget, "x")  # clicking a node shows its derivation
    derivation = widget.find_element("css selector", ".sg-derivation")
    assert plain_text(derivation) == f"x = 3.0\nx\u0305 = {bar('v2')} · ∂v2/∂x = 1.0 · 5.0 = 5.0"
    assert derivation.find_element("css selector", "pre").text == "x = 3.0"  # the forward line: text
    (tex,) = typeset(derivation)
    assert tex.endswith(r"\cdot \frac{\partial \mathrm{v2}}{\partial \mathrm{x}} = 1.0 \cdot 5.0 = 5.0")

    # a bad value changes nothing and says why
    field = widget.find_element("css selector", 'input[data-name="b"]')
    browser.execute_script(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));", field
    )
    assert "not a finite number" in widget.find_element("css selector", ".sg-error").text
    assert boxes_of(browser, widget)["b"] == "data 1 | grad 1" and field.get_attribute("value") == "1"
    edit_leaf(browser, widget, "b", "-2")  # a good edit clears the message
    assert boxes_of(browser, widget)["f"] == "data 13 | grad 1"
    assert widget.find_element("css selector", ".sg-error").text == ""


def answer_in_page(browser, widget, text: str) -> str:
    """Type `text` into the answer field, Enter; wait for the kernel's reply; the feedback shown."""
    before = widget.get_attribute("data-replies")
    field = widget.find_element("css selector", ".sg-answer")
    field.clear()
    field.send_keys(text + "\n")
    wait_for(lambda: widget.get_attribute("data-replies") != before, what=f"the reply to {text!r}")
    return widget.find_element("css selector", ".sg-feedback").text
