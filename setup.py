"""Builds the compiled engine: autograd/engine/ops.py and value.py compiled by Cython, beside them.

The metadata lives in pyproject.toml; this file only adds the extension module. Where it
cannot be built (no Cython, no C compiler, no Python headers) the install still succeeds and
the package runs the same engine as plain Python; the build says so once.
"""

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The modules compiled from their own .py source (with the C types in the .pxd beside each).
COMPILED_MODULES = ["autograd/engine/ops.py", "autograd/engine/value.py"]
# Annotations are documentation here: a `float` annotation must not become a C double that
# converts its argument (the engine checks and converts input itself, with its own messages).
DIRECTIVES = {"language_level": 3, "annotation_typing": False}

_FALLBACK = (
    "stepgrad: the compiled engine was not built ({reason}); the pure-Python engine is installed "
    "and works the same, slower. To build it: a C compiler and the Python headers "
    "(Debian/Ubuntu: apt-get install gcc python3-dev), then reinstall."
)


class OptionalBuildExt(build_ext):
    """build_ext that falls back to the pure-Python engine when compiling fails."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:
            self._fall_back(error)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:
            self._fall_back(error)

    def _fall_back(self, error: Exception) -> None:
        if not getattr(self, "_told", False):
            print(_FALLBACK.format(reason=f"{type(error).__name__}: {error}"), file=sys.stderr)
            self._told = True


def extensions() -> list:
    """The compiled modules, or none (with the message) when Cython is missing or not wanted."""
    if os.environ.get("STEPGRAD_PURE_PYTHON") == "1":
        print("stepgrad: STEPGRAD_PURE_PYTHON=1, building the pure-Python engine only", file=sys.stderr)
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print(_FALLBACK.format(reason="Cython is not installed"), file=sys.stderr)
        return []
    modules = cythonize(COMPILED_MODULES, compiler_directives=DIRECTIVES, quiet=True)
    for module in modules:
        for source in module.sources:
            _node_constructor(Path(source))
    return modules


# Two changes to the C that Cython writes for a node's constructor:
# - Cython gives every instance of a class with a `__dict__` an empty dictionary when it is made.
#   A node's dictionary holds only attributes of the user's, which almost no node gets: it is made
#   on first use instead (as Python does; Cython's own code and CPython's accept it missing).
# - A node leaves the cyclic collector's list as soon as it is made: it refers only to nodes made
#   before it, so a graph has no cycles and reference counting frees it; the collector never has
#   to walk it (value.py's `_keep_in_sight` tracks what an attribute of the user's may close).
_EAGER_DICT = "p->__dict__ = PyDict_New(); if (unlikely(!p->__dict__)) goto bad;"
_LAZY_DICT_UNTRACKED = "p->__dict__ = NULL; PyObject_GC_UnTrack(o); if (0) goto bad;"


def _node_constructor(c_file: Path) -> None:
    """Apply the two changes above to the C of value.py (the only class with a `__dict__`)."""
    text = c_file.read_text(encoding="utf-8")
    if _EAGER_DICT in text:
        c_file.write_text(text.replace(_EAGER_DICT, _LAZY_DICT_UNTRACKED), encoding="utf-8")


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
