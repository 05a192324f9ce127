"""The engine: the op table (`ops`), the `Value` node and its backward pass (`value`), node names
(`names`), replaying a graph on new leaf values (`replay`), gradients as graphs and second
derivatives (`gradients`) and the numerical check (`check`).

`from autograd.engine import Value` works as in micrograd (`from micrograd.engine import Value`).
"""

from autograd.engine.value import DomainError, Value, is_grad_enabled, no_grad, topological_order

__all__ = ["Value", "DomainError", "no_grad", "is_grad_enabled", "topological_order"]
