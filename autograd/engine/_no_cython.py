"""Stand-ins for the `cython` module where Cython is not installed: the engine runs as Python.

The engine is written in Cython's pure-Python mode. Compiled, `cython.compiled` is True and
the decorators take effect; run as Python they do nothing, which is all this module provides.
"""

compiled = False


def cclass(cls: type) -> type:
    """Cython's `@cython.cclass`: compiled, the class is an extension type."""
    return cls


def trashcan(_enabled: bool):
    """Cython's `@cython.trashcan(True)`: compiled, deep chains are freed without recursion."""
    return lambda cls: cls
