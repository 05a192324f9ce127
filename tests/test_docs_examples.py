"""Every Python example on the documentation site runs, and prints what its comments show.

The same rule as the README's (tests/test_readme.py): a line `print(...)  # text` must print
`text`, where `...` or `…` stands for anything. A page's examples run in order in one namespace,
one statement at a time, in a temporary directory (later examples use what earlier ones built).
"""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.test_readme import _shown_output

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "```python" in p.read_text(encoding="utf-8"))


def test_the_guide_pages_have_examples_that_show_their_output():
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert {"getting-started.md", "guide/backprop.md", "guide/graphs.md", "guide/training.md"} <= names
    for page in PAGES:
        blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        shown = [line for block in blocks for line in block.splitlines() if _shown_output(line)]
        assert shown, f"{page.name}: no example shows its output"


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_examples_print_what_they_show(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL):
        lines = block.splitlines()
        for statement in ast.parse(block).body:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):  # our own documentation, not user input
                exec(compile(ast.Module([statement], []), page.name, "exec"), namespace)
            expected = _shown_output(lines[statement.lineno - 1])
            if expected is not None:
                assert expected.fullmatch(printed.getvalue().rstrip("\n")), lines[statement.lineno - 1]
