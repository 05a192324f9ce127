"""The notebooks in the browser (docs/lite/build.py, `make docs-lite`): JupyterLite on Pyodide.

The site is built into a temporary folder from the registries (downloads cached, see the build's
docstring), with the build tools of .venv-lite (`make test` installs them). Its lockfile must name
exactly the wheels it serves. Then a student's session in headless Chromium, the site served by
Python's own `http.server` as a teacher would, every host but 127.0.0.1 unresolvable: open notebook
01, run every cell from the Run menu, wait for the explorer, step it with the arrow keys and type a
new value into a leaf. Any request that leaves 127.0.0.1, fails, or gets an HTTP error fails the
test (Chromium's network log, which also sees the kernel's worker load Pyodide and the wheels).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import http.server
import json
import os
import re
import subprocess
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import boxes_of, chromium, network_problems, plain_text, record_timing, wait_for

ROOT = Path(__file__).resolve().parent.parent
LITE_PYTHON = ROOT / ".venv-lite" / "bin" / "python"
NOTEBOOKS = json.loads((ROOT / "docs" / "lite" / "notebooks.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lite(tmp_path_factory) -> Path:
    if not LITE_PYTHON.exists():
        pytest.fail(
            "the browser site's build tools are missing: run `make .venv-lite/.installed` (make test does)"
        )
    out = tmp_path_factory.mktemp("lite") / "lite"
    done = subprocess.run(
        [str(LITE_PYTHON), str(ROOT / "docs" / "lite" / "build.py"), str(out)],
        env=dict(os.environ, STEPGRAD_PURE_PYTHON="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return out


def test_the_lockfile_names_exactly_the_wheels_served(lite):
    pyodide = lite / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    served = {wheel.name for wheel in pyodide.glob("*.whl")}
    assert {entry["file_name"] for entry in lock.values()} == served
    for name, entry in lock.items():
        assert hashlib.sha256((pyodide / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"], (
            name
        )
        assert set(entry["depends"]) <= set(lock), name
    licence = (pyodide / "LICENSE-MPL-2.0.txt").read_text(encoding="utf-8")  # Pyodide's, named in README.md
    assert licence.startswith("Mozilla Public License Version 2.0") and "LICENSE-MPL-2.0.txt" in (
        pyodide / "README.md"
    ).read_text(encoding="utf-8")
    (stepgrad,) = [w for w in served if w.startswith("stepgrad-")]
    assert stepgrad.endswith("-py3-none-any.whl")  # the pure-Python engine
    assert {"autograd", "nn", "stepgrad"} <= set(lock["stepgrad"]["imports"])
    with zipfile.ZipFile(pyodide / stepgrad) as wheel:
        names = wheel.namelist()
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))], (
        "a compiled file in the browser's wheel"
    )
    packages = [ROOT / package for package in ("autograd", "nn", "stepgrad")]
    modules = {path.relative_to(ROOT).as_posix() for package in packages for path in package.rglob("*.py")}
    assert {n for n in names if n.endswith(".py")} == modules  # the checkout's modules, no stale copy
    assert "autograd/views/assets/viz/viz-global.js" in names  # the explorer's renderer comes along
    # the widget libraries and the kernel come from the lockfile, as the kernel starts
    assert {"anywidget", "ipywidgets", "psygnal", "ipython", "pyodide-kernel", "graphviz"} <= set(lock)
    settings = json.loads((lite / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs" and kernel["disablePyPIFallback"] is True
    assert {"stepgrad", "anywidget", "ipywidgets"} <= set(kernel["loadPyodideOptions"]["packages"])


def imported_modules(notebook: Path) -> set[str]:
    """The top-level modules a notebook's code cells import (IPython's %magics and !commands aside)."""
    found = set()
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        python = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        )
        for node in ast.walk(ast.parse(python)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_the_site_carries_the_notebooks_that_run_there_and_says_why_not_the_others(lite):
    every = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert set(NOTEBOOKS["in_browser"]) | set(NOTEBOOKS["not_in_browser"]) == every
    assert {p.stem for p in (lite / "files").glob("*.ipynb")} == set(NOTEBOOKS["in_browser"])
    missing = {m for modules in NOTEBOOKS["not_in_browser"].values() for m in modules}
    for name, modules in NOTEBOOKS["not_in_browser"].items():
        assert set(modules) <= imported_modules(ROOT / "notebooks" / f"{name}.ipynb"), name
    for name in NOTEBOOKS["in_browser"]:
        assert not imported_modules(ROOT / "notebooks" / f"{name}.ipynb") & missing, name
        served = json.loads((lite / "files" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert served["metadata"]["kernelspec"]["name"] == "python"  # the Pyodide kernel
        code = [c for c in served["cells"] if c["cell_type"] == "code"]
        assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def build_module():
    """docs/lite/build.py as a module (it is a script, not part of the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "docs" / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_cell_that_cannot_run_in_the_browser_becomes_a_note_saying_why(lite):
    source = json.loads((ROOT / "notebooks" / "01_backprop_wx_plus_b.ipynb").read_text(encoding="utf-8"))
    (skipped,) = [c for c in source["cells"] if "not_in_browser" in c["metadata"]]
    served = json.loads((lite / "files" / "01_backprop_wx_plus_b.ipynb").read_text(encoding="utf-8"))
    assert len(served["cells"]) == len(source["cells"])
    (note,) = [c for c in served["cells"] if c.get("id") == skipped["id"] + "-note"]
    assert note["cell_type"] == "markdown" and skipped["metadata"]["not_in_browser"] in note["source"]
    assert not [c for c in served["cells"] if c["source"] == skipped["source"]]


def test_the_lockfile_refuses_a_wheel_whose_dependency_is_not_served(lite, tmp_path):
    build = build_module()  # the `lite` build has put Pyodide's runtime in the download cache
    wheel = tmp_path / "needy-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("needy/__init__.py", "")
        metadata = "Metadata-Version: 2.1\nName: needy\nVersion: 1.0\nRequires-Dist: absent>=1\n"
        archive.writestr(
            "needy-1.0.dist-info/METADATA", metadata + 'Requires-Dist: winonly; sys_platform == "win32"\n'
        )
    with pytest.raises(
        SystemExit,
        match=re.escape("needy-1.0-py3-none-any.whl needs absent: add it to docs/lite/requirements.txt"),
    ):
        build.pyodide_lock(build.cache_dir() / f"pyodide-{build.PYODIDE_VERSION}", [wheel])


# --- a student's session in Chromium, offline ------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """`python -m http.server`'s handler, remembering the paths asked for."""

    def __init__(self, *args, asked: list[str], **kwargs):
        self.asked = asked
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):
        pass

    def send_head(self):
        self.asked.append(self.path)
        return super().send_head()


@pytest.fixture(scope="module")
def server(lite):
    asked: list[str] = []
    handler = functools.partial(_Handler, directory=str(lite), asked=asked)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def requests_made_by(origin: str, netlog: Path) -> set[str]:
    """The URLs the site's pages and workers asked for, from Chromium's net log (--log-net-log).
    Chromium's own traffic (its start page, updates, autofill) has no web origin as initiator."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return {
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start and event.get("params", {}).get("initiator") == origin.rstrip("/")
    }


def click_menu(browser, menu: str, item: str) -> None:
    """Open a menu of the menu bar and click one of its items, as a person does."""
    from selenium.webdriver.common.by import By

    bar = wait_for(
        lambda: [
            e for e in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if e.text == menu
        ],
        what=f"the {menu} menu",
    )
    bar[0].click()
    entry = wait_for(
        lambda: [
            e
            for e in browser.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel")
            if e.text == item and e.is_displayed()
        ],
        what=f"{menu} > {item}",
    )
    entry[0].click()


def type_into_leaf(browser, widget, name: str, text: str) -> None:
    """Click a leaf's number field, select what is there, type `text` and Enter; wait for the replay."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    before = widget.get_attribute("data-version") or "0"
    field = widget.find_element("css selector", f'input[data-name="{name}"]')
    ActionChains(browser).click(field).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    field.send_keys(text, Keys.ENTER)
    wait_for(lambda: (widget.get_attribute("data-version") or "0") != before, timeout=60, what="the replay")


@contextmanager
def offline_chromium(tmp_path: Path):
    """Chromium with every host but 127.0.0.1 unresolvable, its net log in tmp_path/netlog.json."""
    extra_args = (
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--log-net-log={tmp_path / 'netlog.json'}",  # every request of the browser, workers' too
    )
    with chromium(tmp_path / "profile", 1300, 900, extra_args, logs=("performance", "browser")) as browser:
        browser.get("about:blank")
        browser.get_log("performance")  # the start page's own requests, before ours
        yield browser


def open_and_run_all(browser, origin: str, notebook: str, tmp_path: Path):
    """Open `notebook` in the site, run every cell from the Run menu; once every cell has run, none
    failed and the first explorer is drawn: (that explorer, seconds from opening the page)."""
    from selenium.webdriver.common.by import By

    opened = time.monotonic()
    browser.get(f"{origin}notebooks/index.html?path={notebook}.ipynb")
    wait_for(
        lambda: len(browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")) > 5,
        timeout=120,
        what=f"{notebook}'s cells",
    )
    click_menu(browser, "Run", "Run All Cells")

    def drawn():
        failed = browser.find_elements(By.CSS_SELECTOR, '[data-mime-type="application/vnd.jupyter.error"]')
        if failed:
            pytest.fail(f"a cell of {notebook} failed in the browser: {failed[0].text[-2000:]}")
        boxes = browser.find_elements(By.CSS_SELECTOR, ".sg-explorer")
        return boxes and boxes[0].get_attribute("data-rendered") == "true" and boxes[0]

    try:
        widget = wait_for(drawn, timeout=300, what=f"the explorer in {notebook}")
    finally:
        browser.save_screenshot(str(tmp_path / "run-all.png"))
    seconds = time.monotonic() - opened

    def all_ran():  # a prompt is [ ] before its cell runs, [*] while it runs or waits
        prompts = [
            p.text for p in browser.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputArea-prompt")
        ]
        return prompts and all(p.strip() not in ("[ ]:", "[*]:", "") for p in prompts)

    wait_for(all_ran, timeout=120, what=f"every cell of {notebook} to run")
    errors = browser.find_elements(By.CSS_SELECTOR, '[data-mime-type="application/vnd.jupyter.error"]')
    assert not errors, errors[0].text[-2000:]
    return widget, seconds


def assert_nothing_left_the_host(browser, origin: str, tmp_path: Path) -> set[str]:
    """The page's requests (performance log) and, once Chromium has quit, every request of the
    site's pages and workers (net log) went to `origin` and succeeded: the URLs asked for."""
    _, problems = network_problems(browser, origin)
    assert not problems, problems
    browser.quit()  # the net log is complete once Chromium has quit
    urls = requests_made_by(origin, tmp_path / "netlog.json")
    elsewhere = sorted(url for url in urls if not url.startswith((origin, origin.replace("http", "ws", 1))))
    assert not elsewhere, elsewhere
    assert origin + "static/pyodide/pyodide.asm.wasm" in urls  # the worker's requests are in the log
    return urls


def test_a_student_runs_notebook_01_and_steps_the_explorer_offline(lite, server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    origin, asked = server
    with offline_chromium(tmp_path) as browser:
        widget, seconds = open_and_run_all(browser, origin, "01_backprop_wx_plus_b", tmp_path)
        record_timing("browser site: notebook 01 opened → Run All → explorer drawn", seconds * 1000, 300_000)
        assert browser.find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon svg")  # draw() without dot

        # step with the arrow keys, as the explorer is clicked and then driven from the keyboard
        title = widget.find_element(By.CSS_SELECTOR, ".sg-title")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", widget)
        title.click()
        assert title.text == "forward: inputs"
        assert boxes_of(browser, widget)["w"] == "data 2 | grad ?"
        widget.send_keys(Keys.ARROW_RIGHT)
        assert title.text == "forward 1/2"
        formula = widget.find_element(By.CSS_SELECTOR, ".sg-formula")
        assert plain_text(formula) == "g = w * x = 2.0 * 3.0 = 6.0"
        widget.send_keys(Keys.END)
        assert title.text == "done: every gradient"
        shown = boxes_of(browser, widget)
        assert (shown["w"], shown["x"], shown["b"], shown["f"]) == (
            "data 2 | grad 3",
            "data 3 | grad 2",
            "data 1 | grad 1",
            "data 7 | grad 1",
        )
        widget.send_keys(Keys.ARROW_LEFT)
        assert title.text == "backward 2/2"
        widget.send_keys(Keys.END)

        # type a new w: Pyodide's Python replays the graph (f = 5·3 + 1) and the page shows it
        type_into_leaf(browser, widget, "w", "5")
        shown = boxes_of(browser, widget)
        assert (shown["w"], shown["x"], shown["f"]) == (
            "data 5 | grad 3",
            "data 3 | grad 5",
            "data 16 | grad 1",
        )
        browser.save_screenshot(str(tmp_path / "explorer.png"))
        assert_nothing_left_the_host(browser, origin, tmp_path)
    assert any(path.startswith("/static/pyodide/stepgrad-") for path in asked), asked


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS["in_browser"] if n != "01_backprop_wx_plus_b"])
def test_the_other_browser_notebooks_run_to_the_end_offline(lite, server, tmp_path, notebook):
    origin, _ = server
    with offline_chromium(tmp_path) as browser:
        _, seconds = open_and_run_all(browser, origin, notebook, tmp_path)
        record_timing(f"browser site: {notebook} opened → Run All → explorer drawn", seconds * 1000, 300_000)
        assert_nothing_left_the_host(browser, origin, tmp_path)
