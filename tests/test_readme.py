"""Every Python example in the README runs, and prints what its comments show.

A line `print(...)  # text` must print `text`, where `...` or `…` in the text
stands for anything. Examples run one statement at a time in a temporary directory.
(The nn example shows its output in a block of its own: tests/test_nn_readme.py.)
"""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def _shown_output(line: str) -> re.Pattern[str] | None:
    """The pattern a `print(...)  # shown` line promises, or None for other lines."""
    if not line.startswith("print(") or "  # " not in line:
        return None
    shown = line.split("  # ", 1)[1]
    return re.compile(
        "".join(".*" if part in ("...", "…") else re.escape(part) for part in re.split(r"(\.\.\.|…)", shown))
    )


def test_the_readme_has_examples_that_show_their_output():
    shown = [line for block in BLOCKS for line in block.splitlines() if _shown_output(line)]
    assert len(BLOCKS) >= 4 and len(shown) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_prints_what_it_shows(block, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = block.splitlines()
    namespace: dict[str, object] = {}
    for statement in ast.parse(block).body:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):  # our own documentation, not user input
            exec(compile(ast.Module([statement], []), "README.md", "exec"), namespace)
        expected = _shown_output(lines[statement.lineno - 1])
        if expected is not None:
            assert expected.fullmatch(printed.getvalue().rstrip("\n")), lines[statement.lineno - 1]
