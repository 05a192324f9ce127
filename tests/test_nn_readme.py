"""The README's nn example runs as written and prints what the README shows."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_nn_example_prints_the_documented_output(tmp_path, monkeypatch):
    section = README.read_text(encoding="utf-8").split("## Neural networks: nn", 1)[1]
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.DOTALL)[:2]
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})  # our own documentation, not user input
    assert printed.getvalue() == shown
    assert (tmp_path / "out" / "moons-model.json").exists()
