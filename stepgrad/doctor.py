"""`stepgrad doctor`: what this installation has, and what is in the way.

It reports which engine runs (compiled or pure Python, and why), graphviz's `dot` program
(found? which version?), which extras of `autograd.extras.EXTRAS` are installed, whether the
notebook widget's front end (anywidget) imports, and whether another installed distribution also provides the
`autograd` or `nn` import package (HIPS autograd does: one of the two overwrites the
other's files; stepgrad belongs in a virtual environment of its own).
Exit status 0 when nothing is in the way, 1 when something is (no `dot`, a clash).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

from autograd import __version__
from autograd.engine import ENGINE
from autograd.extras import DOT_INSTALL, EXTRAS, install_command, missing
from stepgrad.verb import FAILED, OK, Verb

__all__ = ["VERBS", "PACKAGES", "dot_version", "clashes", "report"]

PACKAGES = ("autograd", "nn", "stepgrad")  # the import packages this distribution installs
_OWN = "stepgrad"


def dot_version() -> str | None:
    """`dot -V`'s version line ('dot - graphviz version 2.43.0 (0)'), or None without `dot`."""
    path = shutil.which("dot")
    if path is None:
        return None
    try:
        result = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{path} does not run: {error}"
    lines = (result.stderr or result.stdout).strip().splitlines()
    return f"{lines[0] if lines else 'no version printed'} ({path})"


def clashes() -> dict[str, list[str]]:
    """{import package: other distributions that also install it}, for autograd, nn and stepgrad."""
    providers = importlib.metadata.packages_distributions()
    found = {}
    for package in PACKAGES:
        others = sorted({d for d in providers.get(package, []) if _normal(d) != _OWN})
        if others:
            found[package] = others
    return found


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _widget_front_end() -> str:
    """Whether anywidget imports (the notebook widget's front end), with how to get it."""
    try:
        importlib.import_module("anywidget")
    except Exception as error:  # an import can fail in any way; doctor reports, never crashes
        extras = [extra for extra, modules in EXTRAS.items() if "anywidget" in modules]
        command = install_command(extras[0]) if extras else "pip install anywidget"
        return f"anywidget does not import ({type(error).__name__}: {error}): {command}"
    return f"anywidget {_version('anywidget')} imports"


def report() -> tuple[list[str], int]:
    """The lines `stepgrad doctor` prints, and its exit status."""
    import autograd

    status = OK
    lines = [
        f"stepgrad {__version__} on Python {sys.version.split()[0]} ({sys.executable})",
        f"autograd imported from {Path(autograd.__file__).parent}",
        f"engine: {ENGINE}",
    ]
    dot = dot_version()
    if dot is None:
        status = FAILED
        lines.append("dot: NOT FOUND, so graphs cannot be rendered (the DOT source still can). Install it:")
        lines += [f"    {command:40} ({where})" for where, command in DOT_INSTALL]
    else:
        lines.append(f"dot: {dot}")
    lines.append("extras:")
    for extra, modules in EXTRAS.items():
        absent = missing(extra)
        if absent:
            lines.append(
                f"  {extra:10} not installed (missing {', '.join(absent)}): {install_command(extra)}"
            )
        else:
            versions = ", ".join(f"{name} {_version(dist)}" for name, dist in modules.items())
            lines.append(f"  {extra:10} installed ({versions})")
    lines.append(f"notebook widget: {_widget_front_end()}")
    found = clashes()
    for package, others in found.items():
        status = FAILED
        described = ", ".join(f"{d} {_version(d)}" for d in others)
        lines.append(
            f"CLASH: the import package {package!r} is also installed by {described}. The two overwrite "
            f"each other's files ({'HIPS autograd is a different library; ' if package == 'autograd' else ''}"
            "uninstalling either breaks the other). Give stepgrad a virtual environment of its own: "
            "python -m venv .venv-stepgrad && .venv-stepgrad/bin/pip install stepgrad"
        )
    if not found:
        lines.append(f"import packages: {', '.join(PACKAGES)} come from stepgrad alone")
    return lines, status


def _arguments(parser: argparse.ArgumentParser) -> None:
    """doctor takes no options."""


def _run(args: argparse.Namespace) -> int:
    lines, status = report()
    print("\n".join(lines))
    return status


VERBS = (
    Verb(
        "doctor",
        help="check the installation: the engine, dot, extras, the notebook widget, clashing packages",
        description="Say which engine runs (compiled, or pure Python and why), whether graphviz's dot "
        "is found (and its version), which extras are installed, "
        "whether the notebook widget's front end (anywidget) imports, and whether another installed "
        "distribution also provides the autograd or nn import package. Exit status 1 if something "
        "is in the way.",
        add_arguments=_arguments,
        run=_run,
    ),
)
