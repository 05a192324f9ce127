"""stepgrad's autodiff engine: scalar `Value` nodes and reverse-mode backprop.

>>> from autograd import Value
>>> w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
>>> f = w * x + b
>>> f.backward()
>>> w.grad, x.grad, b.grad
(3.0, 2.0, 1.0)
"""

from autograd.check import central_difference, gradcheck
from autograd.engine import DomainError, Value, is_grad_enabled, no_grad
from autograd.graph import GraphStats, edges, graph_stats, leaves, topological_order
from autograd.player import play
from autograd.render import draw
from autograd.stepper import trace

__version__ = "0.2.0"

__all__ = [
    "Value",
    "no_grad",
    "is_grad_enabled",
    "DomainError",
    "topological_order",
    "edges",
    "leaves",
    "graph_stats",
    "GraphStats",
    "draw",
    "trace",
    "play",
    "gradcheck",
    "central_difference",
    "__version__",
]
