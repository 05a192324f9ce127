"""stepgrad's optional dependencies: which extra installs which module, and how to get it.

`pip install 'stepgrad[train]'` installs the `train` extra (tqdm, matplotlib). Code that
needs an extra calls `require(extra, ...)` before doing any work; without it, a
`MissingExtraError` (an ImportError) names the missing modules, the extra and the
command that installs it, instead of a traceback from deep inside the work.
Graphviz's `dot` program is not a Python package: `DOT_INSTALL` says how to get it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

__all__ = ["EXTRAS", "DOT_INSTALL", "MissingExtraError", "install_command", "missing", "require"]

#: extra -> {import name: distribution}, as in pyproject.toml's [project.optional-dependencies]
EXTRAS: dict[str, dict[str, str]] = {
    "train": {"tqdm": "tqdm", "matplotlib": "matplotlib"},
    "widget": {"anywidget": "anywidget"},
    "gif": {"PIL": "pillow"},
    "notebooks": {
        "tqdm": "tqdm",
        "matplotlib": "matplotlib",
        "anywidget": "anywidget",
        "numpy": "numpy",
        "jupyterlab": "jupyterlab",
        "notebook": "notebook",
        "ipykernel": "ipykernel",
        "ipywidgets": "ipywidgets",
    },
    "docs": {
        "mkdocs": "mkdocs",
        "material": "mkdocs-material",
        "mkdocstrings": "mkdocstrings",
        "mkdocs_jupyter": "mkdocs-jupyter",
    },
    "lite": {
        "jupyterlite_core": "jupyterlite-core",
        "jupyterlite_pyodide_kernel": "jupyterlite-pyodide-kernel",
        "jupyter_server": "jupyter_server",
        "build": "build",
        "anywidget": "anywidget",
        "jupyterlab_widgets": "jupyterlab_widgets",
        "packaging": "packaging",
    },
    "bench": {"micrograd": "micrograd", "tqdm": "tqdm", "matplotlib": "matplotlib"},
    "dev": {
        "pytest": "pytest",
        "hypothesis": "hypothesis",
        "sympy": "sympy",
        "ruff": "ruff",
        "numpy": "numpy",
        "nbclient": "nbclient",
        "nbformat": "nbformat",
        "ipykernel": "ipykernel",
        "selenium": "selenium",
        "jsonschema": "jsonschema",
        "micrograd": "micrograd",
        "tqdm": "tqdm",
        "matplotlib": "matplotlib",
        "anywidget": "anywidget",
        "jupyterlab": "jupyterlab",
        "notebook": "notebook",
        "marimo": "marimo",
        "PIL": "pillow",
        "mkdocs": "mkdocs",
        "material": "mkdocs-material",
        "mkdocstrings": "mkdocstrings",
        "mkdocs_jupyter": "mkdocs-jupyter",
        "build": "build",
        "twine": "twine",
    },
}

#: how to install graphviz's `dot` program, per platform
DOT_INSTALL = (
    ("Debian, Ubuntu", "sudo apt-get install graphviz"),
    ("macOS", "brew install graphviz"),
    ("conda", "conda install -c conda-forge graphviz"),
)


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra and its install command."""

    def __init__(self, feature: str, modules: list[str], extra: str) -> None:
        self.extra = extra
        self.modules = modules
        self.command = install_command(extra)
        super().__init__(
            f"{feature} needs {' and '.join(modules)}, which {'is' if len(modules) == 1 else 'are'} "
            f"not installed: {self.command}",
            name=modules[0],
        )


def install_command(extra: str) -> str:
    """The command that installs an extra: pip install 'stepgrad[train]'."""
    _modules(extra)
    return f"pip install 'stepgrad[{extra}]'"


def _modules(extra: str) -> dict[str, str]:
    try:
        return EXTRAS[extra]
    except KeyError:
        raise ValueError(f"unknown extra {extra!r} (extras: {', '.join(EXTRAS)})") from None


def missing(extra: str, modules: Iterable[str] | None = None) -> list[str]:
    """The modules of `extra` (or just `modules` of it) that cannot be imported; nothing is imported."""
    names = list(_modules(extra) if modules is None else modules)
    return [name for name in names if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # already imported, without a spec (set up by hand)
        return True
    except ImportError:  # a parent package that cannot be imported
        return False


def require(extra: str, modules: Iterable[str] | None = None, *, feature: str) -> None:
    """Raise MissingExtraError unless every module of `extra` (or `modules`) is importable.

    `feature` is what needs them, for the message: "stepgrad train", "fit(progress=True)".
    """
    absent = missing(extra, modules)
    if absent:
        raise MissingExtraError(feature, absent, extra)
