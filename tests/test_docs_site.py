"""The documentation site: it builds with --strict, covers every module and notebook, and works offline.

The build runs `mkdocs build --strict` into a temporary directory (a broken link, a missing page or
reference, or a docstring the API reference cannot read fails it). The browser tests open the built
site in headless Chromium, served from 127.0.0.1 and from the file system, with every other host
unresolvable, and read Chromium's network log: any request that fails or leaves 127.0.0.1 is a
defect (a font or script from a CDN would be one). CI has Debian's chromium and chromium-driver.
"""

import base64
import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.browser import chromium

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_PAGE = "notebooks/01_backprop_wx_plus_b.html"
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-error:")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(mkdocs.parent)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    return out


def test_strict_build_makes_every_page(site):
    for page in (
        "index.html",
        "getting-started.html",
        "guide/backprop.html",
        "guide/graphs.html",
        "guide/training.html",
        "guide/practice.html",
        "reference/autograd.html",
        "reference/nn.html",
        "reference/cli.html",
        "reference/formats.html",
        "performance.html",
        "teachers.html",
        "changelog.html",
    ):
        assert (site / page).is_file(), page
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (site / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name


def test_notebook_pages_show_the_committed_outputs(site):
    """Rendered from the stored outputs, not re-executed: every stored graph is on the page as it is."""
    notebook = json.loads((ROOT / "notebooks" / "01_backprop_wx_plus_b.ipynb").read_text(encoding="utf-8"))
    stored = [
        "".join(output["data"]["image/svg+xml"])
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "image/svg+xml" in output.get("data", {})
    ]
    page = (site / NOTEBOOK_PAGE).read_text(encoding="utf-8")
    shown = [
        base64.b64decode(b).decode() for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]
    assert stored and shown == stored


def test_cli_reference_lists_every_verb(site):
    stepgrad = Path(sys.executable).with_name("stepgrad")
    top = subprocess.run([str(stepgrad), "--help"], capture_output=True, text=True, check=True).stdout
    section = top.split("positional arguments:", 1)[1].split("\n\n", 1)[0]
    verbs = re.findall(r"^ {4}([a-z][a-z0-9-]*)(?:\s|$)", section, re.MULTILINE)
    assert {"wxb", "grad", "train"} <= set(verbs)
    page = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    for verb in verbs:
        assert f"stepgrad {verb} --help" in page, verb


def test_no_page_loads_a_remote_script_style_or_image(site):
    remote = re.compile(r"<(?:script|img|iframe)[^>]*\ssrc=\"(https?:)?//|<link[^>]*\shref=\"(https?:)?//")
    for page in site.rglob("*.html"):
        for match in remote.finditer(page.read_text(encoding="utf-8")):
            pytest.fail(f"{page.relative_to(site)} loads from the network: {match.group(0)}")


def test_every_notebook_and_module_is_in_the_site():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in config, f"{notebook.name} is not in mkdocs.yml's nav"
    for package in ("autograd", "nn"):
        page = (ROOT / "docs" / "reference" / f"{package}.md").read_text(encoding="utf-8")
        for module in sorted((ROOT / package).glob("*.py")):
            if module.stem == "__init__":
                continue
            assert f"::: {package}.{module.stem}\n" in page, (
                f"{package}.{module.stem} is not in the API reference"
            )


# --- in a real browser, offline ------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    extra_args = (
        # The network is off: every host name but 127.0.0.1 fails to resolve, so a page that
        # tries to fetch anything from elsewhere logs a failed request.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--allow-file-access-from-files",
    )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with chromium(profile, 1280, 900, extra_args, logs=("performance", "browser")) as driver:
        yield driver


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


def load(driver, url: str, ready_js: str = "return document.readyState === 'complete'", timeout=20.0):
    """Open url (after dropping the log of what came before) and wait until ready_js is true."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get(url)
    deadline = time.monotonic() + timeout
    while not driver.execute_script(ready_js):
        if time.monotonic() > deadline:
            pytest.fail(f"{url}: not ready after {timeout} s ({ready_js})")
        time.sleep(0.1)
    time.sleep(0.5)


def test_index_loads_offline_from_the_server(browser, server):
    from selenium.webdriver.common.by import By

    load(browser, server + "index.html")
    requests, problems = network_problems(browser, server)
    assert not problems, problems
    assert any(url.endswith(".css") for url in requests) and any(url.endswith(".js") for url in requests)
    assert browser.find_element(By.CSS_SELECTOR, ".md-content h1").text == "stepgrad"
    fonts = browser.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Roboto" not in fonts, fonts


def test_notebook_page_typesets_its_math_offline(browser, server):
    from selenium.webdriver.common.by import By

    typeset = "return !!(window.MathJax && MathJax.startup && document.querySelector('mjx-container svg'))"
    load(browser, server + NOTEBOOK_PAGE, typeset)
    _, problems = network_problems(browser, server)
    assert not problems, problems
    assert browser.find_elements(By.CSS_SELECTOR, "mjx-container[display='true']"), "no display math typeset"
    assert not browser.find_elements(By.CSS_SELECTOR, "mjx-merror"), "MathJax could not read some TeX"
    graphs = browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output svg, .jp-OutputArea-output img")
    assert graphs, "the notebook's graph outputs are missing"


def test_site_opens_from_the_file_system_and_search_works(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    origin = site.as_uri() + "/"
    load(browser, origin + "index.html")
    browser.find_element(By.TAG_NAME, "body").send_keys("/")  # Material's shortcut: open the search
    WebDriverWait(browser, 5).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input"))
    ).send_keys("topological")
    WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".md-search-result__item"))
    )
    _, problems = network_problems(browser, origin)
    assert not problems, problems


# --- every public name has a docstring -------------------------------------------------------------


def public_names():
    """(dotted name, object) for every public module, its __all__ names and their public members."""
    import importlib
    import inspect

    for package in ("autograd", "nn"):
        for path in sorted((ROOT / package).glob("*.py")):
            if path.stem == "__init__":
                continue
            module = importlib.import_module(f"{package}.{path.stem}")
            yield module.__name__, module
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name)
                if not (inspect.isclass(obj) or inspect.isfunction(obj)) or obj.__module__ != module.__name__:
                    continue
                yield f"{module.__name__}.{name}", obj
                if inspect.isclass(obj):
                    for member, value in vars(obj).items():
                        if member.startswith("_") or not (callable(value) or isinstance(value, property)):
                            continue
                        yield f"{module.__name__}.{name}.{member}", getattr(obj, member)


def test_every_public_name_has_a_docstring():
    import inspect

    missing = {name for name, obj in public_names() if not inspect.getdoc(obj)}
    assert not missing, f"no docstring: {sorted(missing)}"


def test_notebook_pages_link_to_the_browser_site_or_say_why_not(site):
    """docs/hooks/lite_links.py: a link into site/lite (docs/lite/build.py) for the notebooks that run
    in the browser; for the others, the packages that keep them out."""
    carried = json.loads((ROOT / "docs" / "lite" / "notebooks.json").read_text(encoding="utf-8"))
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (site / "notebooks" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="\.\./lite/notebooks/index\.html\?path=([^"]+)"', page)
        if notebook.stem in carried["in_browser"]:
            assert links == [notebook.name], notebook.name
        else:
            assert not links, notebook.name
            modules = carried["not_in_browser"][notebook.stem]
            assert "Not in the browser version" in page and all(f"<code>{m}</code>" in page for m in modules)
