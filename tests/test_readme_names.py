"""Every name the README calls is importable where the README says it is.

A call in the prose, `name(...)`, must be an attribute of `autograd` or `nn`, of a module
the same paragraph names (`nn.plots`, `autograd.recording.trace`), a method of one of the classes a
reader calls methods on, or a builtin. Every `from X import a, b` in an example imports.
"""

import builtins
import importlib
import re
from pathlib import Path

import pytest

import autograd
import nn
from autograd.recording.trace import Trace
from nn.module import Module
from nn.optim import Optimizer

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
PROSE = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
PARAGRAPHS = [p for p in re.split(r"\n\s*\n", PROSE) if "`" in p]
CLASSES = (autograd.Value, Module, Optimizer, Trace)
# Names in the prose that are not Python calls: the argument `f` of gradcheck's lambda, and
# calls on a reader's own objects (`model(x)`, `layer(x)`).
NOT_CALLS = {"f", "model", "layer"}


def _calls(paragraph: str) -> list[str]:
    return sorted(set(re.findall(r"`([A-Za-z_]\w*)\(", paragraph)) - NOT_CALLS)


def _modules(paragraph: str) -> list[object]:
    found = [autograd, nn]
    for name in re.findall(r"`((?:autograd|nn)\.[a-z_]+)", paragraph):
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            continue  # `nn.checkpoint.save` names a function: its module is named again below
    found += [
        importlib.import_module(n) for n in re.findall(r"`((?:autograd|nn)\.[a-z_]+)\.\w+\(", paragraph)
    ]
    return found


def _unknown_calls(paragraph: str) -> list[str]:
    """The names `paragraph` calls that are in none of the places a reader would look."""
    modules = _modules(paragraph)
    return [
        name
        for name in _calls(paragraph)
        if not any(hasattr(m, name) for m in (*modules, *CLASSES)) and not hasattr(builtins, name)
    ]


def test_the_check_finds_the_calls_and_catches_a_name_that_is_not_there():
    paragraph = "Call `trace(f)`, then `nn.plots` has `plot_history(h)`; `replay_all(f)` does not exist."
    assert _calls(paragraph) == ["plot_history", "replay_all", "trace"]
    assert _unknown_calls(paragraph) == ["replay_all"]
    assert _unknown_calls("`len(x)` and `Trace.derivation`: `derivation(node)`") == []  # builtin, method


@pytest.mark.parametrize("paragraph", PARAGRAPHS, ids=[f"paragraph{i}" for i in range(len(PARAGRAPHS))])
def test_every_name_the_prose_calls_is_importable_as_shown(paragraph):
    unknown = _unknown_calls(paragraph)
    places = [m.__name__ for m in _modules(paragraph)]
    assert not unknown, f"README calls {unknown} but they are in none of {places}"


def test_save_graph_imports_from_autograd_as_the_readme_uses_it():
    from autograd import save_graph

    assert "save_graph(g, " in PROSE
    assert save_graph is importlib.import_module("autograd.views.render").save_graph


@pytest.mark.parametrize(
    ("module", "names"), sorted(set(re.findall(r"^from ([\w.]+) import (.+)$", README, flags=re.MULTILINE)))
)
def test_every_import_in_the_examples_works(module, names):
    imported = importlib.import_module(module)
    for name in names.split(","):
        assert hasattr(imported, name.strip()), f"from {module} import {name.strip()}"
