"""MkDocs hook: the command-line reference page shows the installed `stepgrad`'s own --help texts.

Where reference/cli.md has the line `<!-- stepgrad --help -->`, the hook puts `stepgrad --help`
and then, for each verb that it lists, a section with `stepgrad VERB --help`, so a new verb
appears on the site without editing the page. It runs the `stepgrad` script next to the Python
that runs MkDocs (the project's .venv) at a fixed width, so the text is the same on every build.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

MARKER = "<!-- stepgrad --help -->"


def help_text(*args: str) -> str:
    """The output of `stepgrad ARGS --help`."""
    script = Path(sys.executable).with_name("stepgrad")
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run([str(script), *args, "--help"], capture_output=True, text=True, env=env, check=True)
    return done.stdout.rstrip()


def verbs(top_help: str) -> list[str]:
    """The verbs listed under COMMAND in `stepgrad --help`, in its order."""
    section = top_help.split("positional arguments:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^ {4}([a-z][a-z0-9-]*)(?:\s|$)", section, re.MULTILINE)


def reference() -> str:
    """Markdown: the top-level help, then one section per verb."""
    top = help_text()
    parts = ["```text", f"$ stepgrad --help\n{top}", "```"]
    for verb in verbs(top):
        parts += [
            f"## stepgrad {verb}",
            "",
            "```text",
            f"$ stepgrad {verb} --help\n{help_text(verb)}",
            "```",
            "",
        ]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace the marker on the page that has it."""
    return markdown.replace(MARKER, reference()) if MARKER in markdown else markdown
