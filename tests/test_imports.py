"""Importing the engine stays light: the drawing tools and nn's extras load only when used, and
`from autograd import Value` loads the engine alone (a user's script starts fast)."""

import subprocess
import sys

import pytest

import autograd


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.parametrize("statement", ["import autograd", "from autograd import Value", "import nn"])
def test_the_engine_and_nn_load_no_drawing_plotting_or_progress_library(statement):
    assert _loaded_after(statement, ("graphviz", "matplotlib", "tqdm", "autograd.views.render")) == []


def test_recording_backprop_needs_no_graphviz():
    assert _loaded_after("from autograd import trace; import autograd.notation.formulas", ("graphviz",)) == []


def test_the_drawing_tools_load_on_first_use():
    assert _loaded_after("from autograd import draw", ("graphviz",)) == ["graphviz"]
    assert autograd.trace is autograd.recording.trace.trace and autograd.draw is autograd.views.render.draw
    assert set(autograd.__all__) <= set(dir(autograd))
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        autograd.nope  # noqa: B018


def test_from_autograd_import_value_loads_the_engine_alone():
    """The rest of the package loads on first use; so do heavy modules of the standard library
    (compiled; run as Python the engine imports Cython's pure-Python shadow where it is installed,
    which loads typing)."""
    ours = (
        "autograd.engine.check",
        "autograd.engine.gradients",
        "autograd.engine.define",
        "autograd.engine.replay",
        "autograd.graph",
        "autograd.notation",
        "autograd.recording",
    )
    heavy = ("typing", "dataclasses", "inspect", "pathlib", "threading", "contextlib", "re")
    assert _loaded_after("from autograd import Value", ours) == []
    if autograd.COMPILED:
        assert _loaded_after("from autograd import Value", heavy) == []
    assert autograd.gradcheck is autograd.engine.check.gradcheck  # on first use
