"""MkDocs hook: each notebook's page says whether it runs in the browser, with nothing installed.

The notebooks of docs/lite/notebooks.json's `in_browser` list get a "run it in your browser" link
into the JupyterLite site that `make docs` builds beside the pages (site/lite, docs/lite/build.py);
each of the others says which package keeps it out (a compiled one with no Pyodide build on the
registries the build uses) and how to run it instead. Under `mkdocs serve` (`make docs-serve`),
which builds into a folder of its own, the browser site already built in site/lite is copied there,
so the links work in the preview too.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS_JSON = REPO / "docs" / "lite" / "notebooks.json"
BUILT = REPO / "site" / "lite"  # make docs-lite
LITE = json.loads(NOTEBOOKS_JSON.read_text(encoding="utf-8"))
RUN_IT = (
    '<div class="admonition tip"><p class="admonition-title">Run it in your browser</p>'
    '<p><a href="../lite/notebooks/index.html?path={name}.ipynb">Open this notebook in your browser</a>: '
    "Python runs in the page (Pyodide), with stepgrad and the live explorer, nothing to install. "
    "Run every cell from the <em>Run</em> menu; the first start takes a few seconds.</p></div>"
)
NOT_HERE = (
    '<div class="admonition note"><p class="admonition-title">Not in the browser version</p>'
    "<p>This notebook is not in the in-browser site: it imports {modules}, and no Pyodide build of "
    "{it} is on PyPI or npm, which the site is built from. Run it with <code>make notebooks</code> "
    "(JupyterLab) instead.</p></div>"
)


def banner(name: str) -> str | None:
    """The note for notebook `name` (its file name without .ipynb), None for a page of no notebook."""
    if name in LITE["in_browser"]:
        return RUN_IT.format(name=html.escape(name))
    modules = LITE["not_in_browser"].get(name)
    if modules is None:
        return None
    listed = " and ".join(f"<code>{html.escape(m)}</code>" for m in modules)
    return NOT_HERE.format(modules=listed, it="it" if len(modules) == 1 else "them")


def on_page_content(content: str, page, **_) -> str:
    path = Path(page.file.src_uri)
    if path.parent.name != "notebooks" or path.suffix != ".ipynb":
        return content
    note = banner(path.stem)
    if note is None:
        raise ValueError(f"{path.name} is in neither list of docs/lite/notebooks.json")
    return note + content


SERVING = []  # whether this run is `mkdocs serve`


def on_startup(command: str, **_) -> None:
    SERVING[:] = [command == "serve"]


def on_post_build(config, **_) -> None:
    if SERVING == [True] and BUILT.is_dir():
        shutil.copytree(BUILT, Path(config.site_dir) / "lite", dirs_exist_ok=True)
