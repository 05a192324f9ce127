"""The engine: the op table (`ops`), the `Value` node and its backward pass (`value`), the chain
rule's step defined once (`chain`), node names (`names`), replaying a graph on new leaf values
(`replay`), gradients as graphs and second derivatives (`gradients`) and the numerical check
(`check`).

`from autograd.engine import Value` works as in micrograd (`from micrograd.engine import Value`).

`ops` and `value` may be installed twice: as their Python source, and compiled from that same
source by Cython (extension modules beside it, which Python would import first). `COMPILED`
says which runs and `ENGINE` says why. The source runs when the environment variable
`STEPGRAD_PURE_PYTHON=1` asks for it, where nothing was compiled (no C compiler at install
time; Pyodide in the browser), and where a source file is newer than its compiled module (it
was edited since the build: the edit runs, with a warning naming `make build`).
"""

import importlib.machinery
import os
import sys
import warnings

# The modules setup.py compiles from their own source, in the order they import each other.
COMPILED_MODULES = ("autograd.engine.ops", "autograd.engine.value")
_HERE = os.path.dirname(__file__)  # (os.path, not pathlib: importing the engine stays light)
_EDITED_AFTER_SECONDS = 2.0


def pure_python_requested() -> bool:
    """True when STEPGRAD_PURE_PYTHON is set to anything but '' or '0'."""
    return os.environ.get("STEPGRAD_PURE_PYTHON", "") not in ("", "0")


def _source(name: str) -> str:
    return os.path.join(_HERE, name.rsplit(".", 1)[1] + ".py")


def _compiled(name: str) -> str | None:
    """The extension module built from `name`'s source for this Python, if there is one."""
    stem = name.rsplit(".", 1)[1]
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if os.path.exists(os.path.join(_HERE, stem + suffix)):
            return os.path.join(_HERE, stem + suffix)
    return None


def _why_pure() -> str | None:
    """Why the source must run instead of the compiled modules, or None to run them."""
    if pure_python_requested():
        return "STEPGRAD_PURE_PYTHON=1"
    built = [_compiled(name) for name in COMPILED_MODULES]
    if None in built:
        return (
            "not compiled (no C compiler when it was installed?): install gcc and python3-dev and "
            "reinstall; in a checkout, `make build`"
        )
    for name, path in zip(COMPILED_MODULES, built):
        # (a margin for installers, which write a package's files in any order within seconds)
        if os.path.getmtime(_source(name)) > os.path.getmtime(path) + _EDITED_AFTER_SECONDS:
            source = os.path.basename(_source(name))
            return f"{source} was edited after it was compiled: `make build` compiles it again"
    return None


def _import_source(name: str) -> None:
    """Import module `name` from its .py file, passing over a compiled module beside it (and make
    it an attribute of this package, as an import does: `autograd.engine.value`)."""
    import importlib.util  # (only here: the compiled engine does not need it)

    spec = importlib.util.spec_from_file_location(name, _source(name))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    globals()[name.rsplit(".", 1)[1]] = module


_why = _why_pure()
if _why is not None:
    for _name in COMPILED_MODULES:
        _import_source(_name)
    if _why.startswith(tuple(os.path.basename(_source(name)) for name in COMPILED_MODULES)):
        warnings.warn(f"stepgrad runs its pure-Python engine: {_why}", stacklevel=2)

from autograd.engine.value import (  # noqa: E402 (after the choice of engine)
    COMPILED,
    DomainError,
    Value,
    is_grad_enabled,
    no_grad,
    topological_order,
)

ENGINE = (
    f"compiled (Cython: {os.path.basename(_compiled('autograd.engine.value'))})"
    if COMPILED
    else f"pure Python ({_why})"
)
"""Which engine runs, and why: 'compiled (Cython: value.cpython-311-….so)' or 'pure Python (reason)'."""

__all__ = ["Value", "DomainError", "no_grad", "is_grad_enabled", "topological_order", "COMPILED", "ENGINE"]
