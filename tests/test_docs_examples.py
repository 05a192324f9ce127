"""Every example on the documentation site runs, and prints what it shows.

A page's code blocks run in the page's order, in one temporary directory:

- ```python: one namespace per page, one statement at a time, with the README's rule
  (tests/test_readme.py): a line `print(...)  # text` must print `text`, where `...` or `…`
  stands for anything;
- ```python title="PATH" (or any language with a title): a file the page shows, written to
  PATH so that later examples can use it (a student's engine, say); it is not run;
- ```console: `$ COMMAND` lines, each followed by what it prints. The command runs in bash with
  the test's `stepgrad` and `python` first on PATH, standard error merged into standard
  output as a terminal shows them, and must exit 0 (a command that shows a failure shows its
  exit status with `echo`). Its output must match the lines shown: `...` stands for anything
  within a line, and a line that is only `...` for one or more whole lines.
"""

import ast
import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme import _shown_output

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)
TITLE = re.compile(r'title="([^"]+)"')
PAGES = sorted(
    p
    for p in DOCS.rglob("*.md")
    if any(m[0] in ("python", "console") for m in BLOCK.findall(p.read_text("utf-8")))
)


def blocks(page: Path) -> list[tuple[str, str, str]]:
    """(language, title or '', text) of each fenced block at the start of a line, in order."""
    found = []
    for language, info, text in BLOCK.findall(page.read_text(encoding="utf-8")):
        title = TITLE.search(info)
        found.append((language, title.group(1) if title else "", text))
    return found


def console_commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, output lines shown) for each `$ ` line of a console block."""
    commands: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        else:
            raise ValueError(f"a console block must start with '$ ': {line!r}")
    return commands


def output_pattern(shown: list[str]) -> re.Pattern[str]:
    """The output the lines promise: '...' is anything within a line, a line '...' one or more lines."""
    parts = []
    for line in (line.rstrip() for line in shown):
        if line in ("...", "…"):
            parts.append(r"(?:[^\n]*\n)*[^\n]*")
        else:
            parts.append(
                "".join(
                    "[^\n]*" if p in ("...", "…") else re.escape(p) for p in re.split(r"(\.\.\.|…)", line)
                )
            )
    return re.compile("\n".join(parts))


def run_console(command: str, cwd: Path) -> str:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        ["bash", "-c", command],  # our own documentation's commands, not user input
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"$ {command}\nexited {done.returncode}:\n{done.stdout}"
    return "\n".join(line.rstrip() for line in done.stdout.rstrip("\n").splitlines())


def test_the_guide_pages_have_examples_that_show_their_output():
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert {
        "getting-started.md",
        "guide/backprop.md",
        "guide/graphs.md",
        "guide/training.md",
        "guide/practice.md",
        "teachers.md",
    } <= names
    for page in PAGES:
        shown = [
            line
            for language, title, text in blocks(page)
            if language == "python" and not title
            for line in text.splitlines()
            if _shown_output(line)
        ]
        shown += [
            output
            for language, title, text in blocks(page)
            if language == "console"
            for _, output in console_commands(text)
            if output
        ]
        assert shown, f"{page.name}: no example shows its output"


def test_console_output_patterns():
    pattern = output_pattern(["a ... z", "...", "end"])
    assert pattern.fullmatch("a b c z\none\ntwo\nend")
    assert pattern.fullmatch("a  z\n\nend")
    assert not pattern.fullmatch("a z\nend")  # a line '...' stands for at least one line
    assert not pattern.fullmatch("a\nb z\nx\nend")  # '...' within a line stays within it
    assert console_commands("$ echo 1\n1\n$ true\n") == [("echo 1", ["1"]), ("true", [])]


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_examples_print_what_they_show(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for language, title, block in blocks(page):
        if title:
            (tmp_path / title).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / title).write_text(block, encoding="utf-8")
        elif language == "python":
            lines = block.splitlines()
            for statement in ast.parse(block).body:
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):  # our own documentation, not user input
                    exec(compile(ast.Module([statement], []), page.name, "exec"), namespace)
                expected = _shown_output(lines[statement.lineno - 1])
                if expected is not None:
                    assert expected.fullmatch(printed.getvalue().rstrip("\n")), lines[statement.lineno - 1]
        elif language == "console":
            for command, shown in console_commands(block):
                printed = run_console(command, tmp_path)
                assert output_pattern(shown).fullmatch(printed), f"$ {command}\nprinted:\n{printed}"
