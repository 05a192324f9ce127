"""Optional dependencies: the table agrees with pyproject.toml, and a missing one is said clearly."""

import random
import re
import sys
import tomllib
from pathlib import Path

import pytest

from autograd.extras import EXTRAS, MissingExtraError, install_command, missing, require
from nn import MLP, fit, make_moons, signed
from nn.train import History

PYPROJECT = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_table_lists_exactly_the_extras_of_pyproject():
    declared = PYPROJECT["project"]["optional-dependencies"]
    assert set(EXTRAS) == set(declared)
    for extra, modules in EXTRAS.items():
        assert set(modules.values()) == _names(declared[extra]), extra


def test_require_names_the_modules_the_extra_and_the_command(monkeypatch):
    assert missing("train") == [] and install_command("train") == "pip install 'stepgrad[train]'"
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError) as error:
        require("train", feature="stepgrad train")
    assert (
        str(error.value)
        == "stepgrad train needs matplotlib, which is not installed: pip install 'stepgrad[train]'"
    )
    assert isinstance(error.value, ImportError) and error.value.name == "matplotlib"
    with pytest.raises(ValueError, match="unknown extra 'trian'"):
        require("trian", feature="x")


def _tiny():
    X, y = make_moons(10, seed=0)
    return MLP(2, [2, 1], rng=random.Random(0)), X, signed(y)


def test_fit_with_a_progress_bar_but_no_tqdm_raises_before_training(monkeypatch):
    model, X, y = _tiny()
    before = [p.data for p in model.parameters()]
    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(
        ImportError,
        match=re.escape(
            "fit(progress=True) needs tqdm, which is not installed: pip install 'stepgrad[train]'"
        ),
    ):
        fit(model, X, y, epochs=2, progress=True)
    assert [p.data for p in model.parameters()] == before  # no step was taken
    assert fit(model, X, y, epochs=2).epochs == 2  # progress=None: no bar without tqdm, no error


@pytest.mark.parametrize("plot", ["plot_history", "plot_decision_boundary"])
def test_plots_without_matplotlib_raise_the_install_command(monkeypatch, plot):
    import nn.plots

    model, X, y = _tiny()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    calls = {"plot_history": lambda: nn.plots.plot_history(History(loss=[1.0], accuracy=[0.5], lr=[0.1])),
             "plot_decision_boundary": lambda: nn.plots.plot_decision_boundary(model, X, y)}  # fmt: skip
    with pytest.raises(
        MissingExtraError,
        match=re.escape("nn.plots needs matplotlib, which is not installed: pip install 'stepgrad[train]'"),
    ):
        calls[plot]()
