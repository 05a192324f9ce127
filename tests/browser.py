"""Headless Chromium for the browser tests (selenium + Debian's chromium and chromium-driver).

CI has them (the Makefile installs them); where they are missing a test fails with a
message saying how to install them. Timings measured in a browser test are collected
with `record_timing` and printed at the end of the pytest run (tests/conftest.py).

Also what the explorer's tests share across hosts (JupyterLab, Notebook 7, marimo): a
server of the test's own on a free port (`serve`, `jupyter_server`), the f = w·x + b cell,
and the checks of stepping and editing it, read from the page (`step_to_end_and_edit`).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


# What a page may load without a network: inline data, blobs, blank and error pages.
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-error:")


def network_problems(driver, origin: str) -> tuple[list[str], list[str]]:
    """(requests made so far, problems among them) from Chromium's performance log."""
    urls, problems = {}, []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if not url.startswith((origin, *LOCAL_SCHEMES)):
                problems.append(f"request to {url}")
        elif message["method"] == "Network.loadingFailed" and not params.get("canceled"):
            problems.append(f"failed: {urls.get(params['requestId'], '?')} ({params.get('errorText')})")
        elif message["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
            problems.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    return list(urls.values()), problems


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


# How long one step takes on screen: from the click on a button (a real one, `timed_click`) to
# the second animation frame after it (the paint). Listens only; acts on nothing.
STEP_TIMER = """
var target = arguments[0];
window.sgStepMs = null;
target.addEventListener('click', function () {
  var t0 = performance.now();
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    window.sgStepMs = performance.now() - t0; }); });
}, { capture: true, once: true });
"""


def timed_click(browser, element) -> float:
    """Click `element` as a person does; the milliseconds from the click to the paint after it."""
    browser.execute_script(STEP_TIMER, element)
    click(browser, element)
    return wait_for(lambda: browser.execute_script("return window.sgStepMs"), what="the paint after a click")


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


def open_notebook(browser, lab, name: str) -> None:
    """Open the notebook `name` in JupyterLab (`lab`: jupyter_server's triple), alone, its kernel idle."""
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


def explore_cell(browser, lab, name: str, cell: str):
    """A notebook `name` of one cell, opened in JupyterLab and run: its explorer, once drawn."""
    write_notebook(lab[2], name, [cell])
    open_notebook(browser, lab, name)
    run_cell(browser, 0)
    return explorer(browser, 0)


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


def type_into(browser, field, text: str, key: str | None = None) -> None:
    """Click `field` (unless it has the focus) and type `text`, then `key` (Enter, Tab, ...): real
    key events, as a person types. The explorer selects a field's text when it gets the focus, so
    what is typed replaces it."""
    from selenium.webdriver.common.action_chains import ActionChains

    focused = browser.execute_script(
        "return arguments[0].getRootNode().activeElement === arguments[0]", field
    )
    actions = ActionChains(browser)
    if not focused:
        actions.click(field)
    for keys in (text, key):
        if keys:
            actions.send_keys(keys)
    actions.perform()


# Passive timing of an edit: from the Enter (or Tab) key's keydown in the field to the paint after
# the widget's next data-version (the kernel's replayed numbers). Listens only; acts on nothing.
EDIT_TIMER = """
var field = arguments[0], box = arguments[1], before = box.getAttribute('data-version') || '0';
window.sgEditStart = null; window.sgEditMs = null;
field.addEventListener('keydown', function start(e) {
  if (e.key === 'Enter' || e.key === 'Tab') { window.sgEditStart = performance.now();
    field.removeEventListener('keydown', start, true); }
}, true);
var seen = new MutationObserver(function () {
  if ((box.getAttribute('data-version') || '0') !== before) {
    seen.disconnect();
    requestAnimationFrame(function () { requestAnimationFrame(function () {
      window.sgEditMs = performance.now() - window.sgEditStart; }); });
  }
});
seen.observe(box, { attributes: true });
"""


def edit_leaf(browser, widget, name: str, value: str, key: str | None = None) -> float:
    """Click a leaf's field, type `value`, press Enter (or `key`, e.g. Tab); wait until the graph
    shows the replayed numbers; the milliseconds from the key to that paint."""
    from selenium.webdriver.common.keys import Keys

    field = widget.find_element("css selector", f'input[data-name="{name}"]')
    browser.execute_script(EDIT_TIMER, field, widget)
    type_into(browser, field, value, key or Keys.ENTER)
    return wait_for(
        lambda: browser.execute_script("return window.sgEditMs"), what=f"the graph after {name} = {value}"
    )


def click(browser, element) -> None:
    """A real click at the middle of `element` (the mouse moved there, pressed, released)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element(element).click().perform()


def press(browser, *keys: str) -> None:
    """Keys pressed one after another, sent to whatever has the focus."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(*keys).perform()


def focus_by_click(browser, widget) -> None:
    """Click the explorer's title (no control there): the widget gets the keys, as a person's click
    gives it them."""
    browser.execute_script("arguments[0].scrollIntoView();", widget)
    click(browser, widget.find_element("css selector", ".sg-title"))


def slide_to(browser, slider, target: int, frame: Callable[[], int]) -> None:
    """Move a range slider to `target` as a person does: click the track about there, then the
    arrow keys until `frame()` says it is there."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    low, high = int(slider.get_attribute("min")), int(slider.get_attribute("max"))
    width = slider.size["width"]
    offset = round((target - low) / (high - low) * (width - 16) + 8 - width / 2)  # the thumb's centre
    ActionChains(browser).move_to_element_with_offset(slider, offset, 0).click().perform()
    for _ in range(high - low + 1):
        now = frame()
        if now == target:
            return
        press(browser, Keys.ARROW_RIGHT if now < target else Keys.ARROW_LEFT)
    pytest.fail(f"the slider did not reach {target} (it is at {frame()})")


# Every value box of a graph view as on screen (after the next paint): its name, whether it lies
# inside the graph's box (the part of the page that shows the graph), and its labels' height in px.
ON_SCREEN = """
var graph = arguments[0], done = arguments[arguments.length - 1];
requestAnimationFrame(function () { requestAnimationFrame(function () {  // what the screen shows
var outer = graph.getBoundingClientRect(), out = [];
graph.querySelectorAll('g.node').forEach(function (g) {
  var texts = g.querySelectorAll('text');
  if (texts.length !== 3) { return; }
  var r = g.getBoundingClientRect();
  out.push({ name: texts[0].textContent, inside: r.left >= outer.left - 0.5 && r.right <= outer.right + 0.5
    && r.top >= outer.top - 0.5 && r.bottom <= outer.bottom + 0.5,
    label: Math.min.apply(null, Array.from(texts).map(function (t) {
      return t.getBoundingClientRect().height; })) });
});
done(out);
}); });
"""
READABLE_PX = 10  # the smallest label height, in CSS px, a reader is asked to read


def on_screen(browser, graph) -> dict[str, dict[str, Any]]:
    """{name: {inside: bool, label: px}} for every value box of the graph view `graph` (its box)."""
    return {box["name"]: box for box in browser.execute_async_script(ON_SCREEN, graph)}


def check_view(browser, graph, about: set[str] | None = None, what: str = "") -> None:
    """On screen now: the nodes `about` (all of them when None: a graph that fits is shown whole)
    inside the graph's box, their labels at least READABLE_PX tall."""
    boxes = on_screen(browser, graph)
    names = set(boxes) if about is None else about
    outside = sorted(name for name in names if not boxes[name]["inside"])
    if outside:
        picture = Path(tempfile.mkdtemp(prefix="stepgrad-view-")) / "outside.png"
        browser.save_screenshot(str(picture))
        pytest.fail(f"{what}: {outside} outside the view (the page: {picture})")
    small = {name: round(boxes[name]["label"], 1) for name in names if boxes[name]["label"] < READABLE_PX}
    assert not small, f"{what}: labels under {READABLE_PX} px: {small}"


def frame_nodes(t, title: str) -> set[str]:
    """The names of the nodes the frame titled `title` is about, in the trace `t`: a forward step's
    node and what it reads, the seed's root, a backward step's node and the parents it pushes to;
    the leaves at the first and the last frame."""
    if title in ("forward: inputs", "done: every gradient"):
        return {t.names[node] for node in t.order if node.is_leaf}
    if title == "backward: seed":
        return {t.names[t.root]}
    kind, _, position = title.partition(" ")
    k = int(position.split("/")[0])
    if kind == "forward":
        node = [n for n in t.order if not n.is_leaf][k - 1]
        return {t.names[node], *(t.names[p] for p in node.parents)}
    step = t.steps[k - 1]
    return {t.names[step.node], *(t.names[c.parent] for c in step.contributions)}


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


def node_box(widget, name: str):
    """The value box named `name` in the explorer's graph (its <g> element)."""
    for g in widget.find_elements("css selector", ".sg-graph g.node"):
        if g.find_element("css selector", "text").get_attribute("textContent") == name:
            return g
    raise AssertionError(f"no value box named {name!r}")


def click_node(browser, widget, name: str) -> None:
    """Click the value box named `name` in the explorer's graph, as a person does: first dragging
    the graph until the box is in the middle of the view, if it is not in view."""
    from selenium.webdriver.common.action_chains import ActionChains

    graph, box = widget.find_element("css selector", ".sg-graph"), node_box(widget, name)
    for _ in range(10):
        if on_screen(browser, graph)[name]["inside"]:
            break
        dx, dy = browser.execute_script(
            "var g = arguments[0].getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
            " return [g.left + g.width / 2 - b.left - b.width / 2,"
            " g.top + g.height / 2 - b.top - b.height / 2];",
            graph,
            box,
        )
        dx = max(-graph.size["width"] / 2 + 10, min(graph.size["width"] / 2 - 10, dx))
        dy = max(-graph.size["height"] / 2 + 10, min(graph.size["height"] / 2 - 10, dy))
        drag = ActionChains(browser).move_to_element_with_offset(graph, round(-dx / 2), round(-dy / 2))
        drag.click_and_hold().move_by_offset(round(dx), round(dy)).release().perform()
    click(browser, box)


def step_to_end_and_edit(browser, widget):
    """On the explorer of WXB_CELL, as a student does it: click into the widget, step with the arrow
    keys (the whole graph in view at every step, labels readable), read w̄ = 3 at the end
    (typeset, and as text), type 5 into w's field and press Enter, read x̄ = 5 on the same layout,
    click a node, erase a field's value (a bad one), then type a good one and leave with Tab."""
    from selenium.webdriver.common.keys import Keys

    focus_by_click(browser, widget)
    graph = widget.find_element("css selector", ".sg-graph")
    title = widget.find_element("css selector", ".sg-title")
    assert title.text == "forward: inputs"
    assert boxes_of(browser, widget)["w"] == "data 2 | grad ?"
    # shown whole when it fits at a readable size (JupyterLab's and Notebook 7's wide cells: their
    # tests say so); in a narrower place (marimo's column) each step shows the nodes it is about
    whole = all(box["inside"] for box in on_screen(browser, graph).values())
    t = wxb_trace()
    check_view(browser, graph, None if whole else frame_nodes(t, title.text), "forward: inputs")
    press(browser, Keys.ARROW_RIGHT)
    assert title.text == "forward 1/2"
    formula = widget.find_element("css selector", ".sg-formula")
    assert formula.text == plain_text(formula) == "v2 = w * x = 2.0 * 3.0 = 6.0"  # forward: text
    assert formula.get_attribute("data-math") == "text"
    frames = 1 + 2 + 1 + 2 + 1  # inputs, two forward nodes, the seed, two backward steps, done
    for _ in range(frames - 2):  # every step: the whole graph, or the step's nodes, in view
        press(browser, Keys.ARROW_RIGHT)
        check_view(browser, graph, None if whole else frame_nodes(t, title.text), title.text)
    assert title.text == "done: every gradient"
    assert "w\u0305 = 3.0" in plain_text(formula).splitlines()
    assert typeset(formula) == [t.gradients_summary("latex")]
    toggle = widget.find_element("css selector", ".sg-as-text")  # the plain text, one click away
    click(browser, toggle)
    assert formula.text == t.gradients_summary() and formula.get_attribute("data-math") == "text"
    click(browser, toggle)
    assert typeset(formula) == [t.gradients_summary("latex")]
    focus_by_click(browser, widget)
    press(browser, Keys.HOME)
    assert title.text == "forward: inputs"
    press(browser, Keys.END)
    press(browser, Keys.ARROW_LEFT)
    assert title.text == "backward 2/2"
    assert plain_text(formula) == t.step_formula(t.steps[1])
    assert typeset(formula) == [t.step_formula(t.steps[1], "latex")]
    press(browser, Keys.END)
    shown = boxes_of(browser, widget)
    assert (
        shown["w"] == "data 2 | grad 3"
        and shown["x"] == "data 3 | grad 2"
        and shown["f"] == "data 7 | grad 1"
    )

    layout = browser.execute_script(
        "return arguments[0].querySelector('.sg-graph svg').outerHTML.length", widget
    )
    edit_leaf(browser, widget, "w", "5")  # click the field, type 5, Enter
    shown = boxes_of(browser, widget)
    assert (
        shown["x"] == "data 3 | grad 5"
        and shown["w"] == "data 5 | grad 3"
        and shown["f"] == "data 16 | grad 1"
    )
    w_field = widget.find_element("css selector", 'input[data-name="w"]')
    assert w_field.get_attribute("value") == "5"
    assert "x\u0305 = 5.0" in plain_text(formula).splitlines()
    assert r"\overline{\mathrm{x}} &= 5.0" in typeset(formula)[0]  # typeset anew
    assert title.text == "done: every gradient"  # still at the same step
    same = browser.execute_script(
        "return arguments[0].querySelector('.sg-graph svg').outerHTML.length", widget
    )
    assert abs(same - layout) < 20  # the same SVG restyled (only numbers changed), not a new layout
    edit_leaf(browser, widget, "w", "2")  # the text typed replaces the field's (selected) value
    assert boxes_of(browser, widget)["w"] == "data 2 | grad 3"
    edit_leaf(browser, widget, "w", "5")

    click_node(browser, widget, "x")  # clicking a node shows its derivation
    derivation = widget.find_element("css selector", ".sg-derivation")
    assert plain_text(derivation) == f"x = 3.0\nx\u0305 = {bar('v2')} · ∂v2/∂x = 1.0 · 5.0 = 5.0"
    assert derivation.find_element("css selector", "pre").text == "x = 3.0"  # the forward line: text
    (tex,) = typeset(derivation)
    assert tex.endswith(r"\cdot \frac{\partial \mathrm{v2}}{\partial \mathrm{x}} = 1.0 \cdot 5.0 = 5.0")

    # a bad value (the field erased) changes nothing and says why
    field = widget.find_element("css selector", 'input[data-name="b"]')
    type_into(browser, field, Keys.BACKSPACE, Keys.ENTER)
    assert "not a finite number" in widget.find_element("css selector", ".sg-error").text
    assert boxes_of(browser, widget)["b"] == "data 1 | grad 1" and field.get_attribute("value") == "1"
    edit_leaf(browser, widget, "b", "-2", Keys.TAB)  # a good edit (leaving the field) clears it
    assert boxes_of(browser, widget)["f"] == "data 13 | grad 1"
    assert widget.find_element("css selector", ".sg-error").text == ""

    # play: from the last step it starts again at the first, one step a while, until paused
    play = widget.find_element("css selector", ".sg-play")
    click(browser, play)
    assert play.text == "pause" and title.text == "forward: inputs"
    wait_for(lambda: title.text == "forward 1/2", timeout=5, what="play to take a step")
    click(browser, play)
    assert play.text == "play"
    frame = widget.get_attribute("data-frame")
    time.sleep(1.5)  # longer than a step lasts: paused, it stays
    assert widget.get_attribute("data-frame") == frame


def answer_in_page(browser, widget, text: str) -> str:
    """Type `text` into the answer field and press Enter, as a student does (no field cleared: after
    a wrong answer the page leaves its text selected, so what is typed replaces it); wait for the
    kernel's reply; the feedback shown."""
    from selenium.webdriver.common.keys import Keys

    before = widget.get_attribute("data-replies")
    type_into(browser, widget.find_element("css selector", ".sg-answer"), text, Keys.ENTER)
    wait_for(lambda: widget.get_attribute("data-replies") != before, what=f"the reply to {text!r}")
    return widget.find_element("css selector", ".sg-feedback").text
