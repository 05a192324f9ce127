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
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.browser import chromium, network_problems

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_PAGE = "notebooks/01_backprop_wx_plus_b.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # the venv first (its stepgrad for the CLI reference), then the system's dot for the pictures;
        # the pictures hook imports the code under test (PYTHONPATH, when the tests run with one)
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": os.pathsep.join([str(mkdocs.parent), os.environ["PATH"]]),
            **{key: os.environ[key] for key in ("PYTHONPATH",) if key in os.environ},
        },
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


# Pages that show stepgrad's pictures (docs/hooks/pictures.py draws them at build time).
PICTURE_PAGES = ("getting-started.html", "guide/backprop.html", "guide/graphs.html", "teachers.html")
PICTURE = re.compile(r'<img[^>]*\ssrc="((?:\.\./)?pictures/[^"]+)"')


def test_the_guide_pages_show_generated_pictures(site):
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        from pictures import PICTURES
    finally:
        sys.path.remove(str(ROOT / "docs" / "hooks"))
    shown = set()
    for page in PICTURE_PAGES:
        sources = PICTURE.findall((site / page).read_text(encoding="utf-8"))
        assert sources, f"{page} shows no picture"
        for source in sources:
            picture = (site / page).parent / source
            data = picture.read_bytes()
            assert data.startswith(b"\x89PNG") or b"<svg" in data[:1000], source
            shown.add(picture.name)
    assert shown == set(PICTURES)  # every picture is on a page, and each page's picture is drawn


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


def test_pictures_show_offline_with_readable_labels(browser, server):
    """Every picture loads offline, and its node labels (12 pt in `draw`) show at least 10 px tall:
    rendered width over natural width, times 12 pt at the picture's resolution (SVG and dot's PNG
    96 dpi, a worksheet's graph 150 dpi)."""
    from autograd.teaching.worksheet import _DPI

    for page in PICTURE_PAGES:
        load(browser, server + page)
        _, problems = network_problems(browser, server)
        assert not problems, problems
        images = browser.execute_script(
            "return Array.from(document.querySelectorAll('img')).filter(i => i.src.includes('/pictures/'))"
            ".map(i => [i.src, i.complete, i.naturalWidth, i.getBoundingClientRect().width])"
        )
        assert images, page
        for source, complete, natural, width in images:
            assert complete and natural > 0, source
            dpi = float(_DPI) if "/worksheet-" in source else 96.0
            label = 12 * dpi / 72 * width / natural
            assert label >= 10, f"{page}: {source} shows its labels {label:.1f} px tall"


def test_notebook_page_shows_the_animation(site):
    """Notebook 01's animation is an <img> on its page (an image/gif output showed as the text
    '<IPython.core.display.Image object>': the site renders no GIF output)."""
    page = (site / NOTEBOOK_PAGE).read_text(encoding="utf-8")
    assert "IPython.core.display.Image object" not in page
    pngs = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    animated = [png for png in pngs if b"acTL" in base64.b64decode(png)[:200]]  # APNG's animation chunk
    assert animated, "no animated PNG on the notebook page"


def test_notebook_page_player_shows_the_whole_graph(browser, server):
    """The player on notebook 01's page (an output as wide as the page's column) shows every node
    of f = w·x + b inside its view, f included (the In/Out gutter took the width it needed)."""
    load(browser, server + NOTEBOOK_PAGE, "return document.querySelectorAll('iframe').length > 0")
    frame = next(
        f
        for f in browser.find_elements("css selector", "iframe")
        if "graph" in (f.get_attribute("srcdoc") or "")
    )
    browser.execute_script("arguments[0].scrollIntoView()", frame)
    browser.switch_to.frame(frame)
    try:
        deadline = time.monotonic() + 20
        outside = None
        while time.monotonic() < deadline:
            outside = browser.execute_script(
                """
                var box = document.getElementById('graph'), nodes = box.querySelectorAll('g.node');
                if (!nodes.length) { return null; }
                var view = box.getBoundingClientRect();
                return Array.from(nodes).filter(function (n) {
                  var r = n.getBoundingClientRect();
                  return r.left < view.left - 1 || r.right > view.right + 1
                    || r.top < view.top - 1 || r.bottom > view.bottom + 1;
                }).map(function (n) { return n.textContent.trim().split(/\\s+/)[0]; });
                """
            )
            if outside == []:
                break
            time.sleep(0.2)
        assert outside == [], f"nodes outside the player's view: {outside}"
    finally:
        browser.switch_to.default_content()


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
