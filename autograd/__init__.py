"""stepgrad's autodiff engine: scalar `Value` nodes and reverse-mode backprop.

>>> from autograd import Value
>>> w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
>>> f = w * x + b
>>> f.backward()
>>> w.grad, x.grad, b.grad
(3.0, 2.0, 1.0)

Importing the package loads the engine only (`Value`, `no_grad`: a script starts fast); every
other name (`grad`, `gradcheck`, `define_op`, `snapshot`, the drawing and stepping tools `draw`,
`trace`, `play`, `explore`, ...) is imported on first use, so graphviz is loaded only by code
that draws.

`COMPILED` is True when the engine runs compiled (built by Cython from its own Python
source at install time) and False when it runs as Python (`STEPGRAD_PURE_PYTHON=1`, or
where nothing could be compiled): the same numbers either way.
"""

from importlib import import_module

from autograd.engine.value import COMPILED, DomainError, Value, is_grad_enabled, no_grad, topological_order

__version__ = "0.2.0"

# name → the module that defines it, imported when the name is first used
_LAZY = {
    "define_op": "autograd.engine.define",
    "replay": "autograd.engine.replay",
    "grad": "autograd.engine.gradients",
    "hessian": "autograd.engine.gradients",
    "hvp": "autograd.engine.gradients",
    "gradcheck": "autograd.engine.check",
    "central_difference": "autograd.engine.check",
    "edges": "autograd.graph.walk",
    "leaves": "autograd.graph.walk",
    "graph_stats": "autograd.graph.walk",
    "GraphStats": "autograd.graph.walk",
    "snapshot": "autograd.graph.snapshot",
    "Snapshot": "autograd.graph.snapshot",
    "draw": "autograd.views.render",
    "save_graph": "autograd.views.render",
    "trace": "autograd.recording.trace",
    "play": "autograd.views.player",
    "explore": "autograd.views.widget",
}

__all__ = [
    "Value",
    "COMPILED",
    "define_op",
    "no_grad",
    "is_grad_enabled",
    "DomainError",
    "topological_order",
    "edges",
    "leaves",
    "graph_stats",
    "GraphStats",
    "snapshot",
    "Snapshot",
    "replay",
    "grad",
    "hessian",
    "hvp",
    "draw",
    "save_graph",
    "trace",
    "play",
    "explore",
    "gradcheck",
    "central_difference",
    "__version__",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later uses find it directly
        return value
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
