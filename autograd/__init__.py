"""stepgrad's autodiff engine: scalar `Value` nodes and reverse-mode backprop.

>>> from autograd import Value
>>> w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
>>> f = w * x + b
>>> f.backward()
>>> w.grad, x.grad, b.grad
(3.0, 2.0, 1.0)

Importing the package loads the engine only; the drawing and stepping tools
(`draw`, `save_graph`, `trace`, `play`, `explore`) are imported on first use, so graphviz is
loaded only by code that draws.

`COMPILED` is True when the engine runs compiled (built by Cython from its own Python
source at install time) and False when it runs as Python (`STEPGRAD_PURE_PYTHON=1`, or
where nothing could be compiled): the same numbers either way.
"""

from importlib import import_module
from typing import Any

from autograd.engine.check import central_difference, gradcheck
from autograd.engine.define import define_op
from autograd.engine.gradients import grad, hessian, hvp
from autograd.engine.replay import replay
from autograd.engine.value import COMPILED, DomainError, Value, is_grad_enabled, no_grad
from autograd.graph.snapshot import Snapshot, snapshot
from autograd.graph.walk import GraphStats, edges, graph_stats, leaves, topological_order

__version__ = "0.2.0"

# name → the module that defines it, imported when the name is first used
_LAZY = {
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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later uses find it directly
        return value
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
