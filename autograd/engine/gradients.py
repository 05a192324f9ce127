"""Gradients as Values: `grad(output, inputs, create_graph=True)` differentiates backprop itself.

`backward()` stores gradients as floats in `.grad`. `grad` instead returns them,
and with `create_graph=True` each gradient is a Value whose graph records the
backward pass: the chain rule

    ∂out/∂vᵢ = Σⱼ ∂out/∂vⱼ · ∂vⱼ/∂vᵢ        (over the children j of node i)

is computed with Value arithmetic, and every local derivative ∂vⱼ/∂vᵢ comes from
the op table's local rule run on the forward nodes themselves (d tanh = 1 − t²
with t the forward tanh node). A gradient can therefore be differentiated again,
to any order: `grad(grad(f, [x], create_graph=True)[0], [x])` is f''(x).

Nodes made by the backward pass are labelled: the gradient of a forward node v
is named `∂f/∂v`, and the other nodes it needs get names that start with `∂`,
so a drawing tells them from the forward graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.engine.chain import gradients
from autograd.engine.names import is_compound, node_names
from autograd.engine.value import Value, _as_float, topological_order

__all__ = ["grad", "hessian", "hvp"]


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False) -> list[Value]:
    """∂output/∂input for each input, as Values (PyTorch's `torch.autograd.grad` semantics).

    create_graph=False: constants (leaves) holding exactly what `output.backward()`
    would add to each `.grad`. create_graph=True: Values whose graph records the
    backward pass, so they can be differentiated again. An input that `output` does
    not depend on gets 0. `.grad` is never read or written.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    inputs = [inputs] if isinstance(inputs, Value) else list(inputs)
    for k, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{k}] must be a Value, got {type(x).__name__} {x!r}")
    order = topological_order(output)
    if not create_graph:
        grads = gradients(order)
        return [Value(grads.get(x, 0.0)) for x in inputs]
    grads = _gradient_graph(order)
    _label_backward_nodes(order, grads)
    return [g if isinstance(g, Value) else Value(g) for g in (grads.get(x, 0.0) for x in inputs)]


def _gradient_graph(order: list[Value]) -> dict[Value, Value | float]:
    """∂root/∂v for every node v, each a Value built from the forward nodes (or a float constant).

    The sweep of `autograd.engine.chain.gradients` run on Values: the same order and the same
    additions; a gradient that is the constant 0.0 passes nothing on (a Value gradient always
    does: it is a function, though its value may be 0)."""
    grads: dict[Value, Value | float] = {order[-1]: 1.0}
    for node in reversed(order):
        g = grads.get(node, 0.0)
        if node.is_leaf or (isinstance(g, float) and g == 0.0):
            continue
        operands = node.operands
        local_grads = node.operator.local(*operands, node)  # the op's rule, on Values: a graph
        for operand, local in zip(operands, local_grads):
            if isinstance(operand, Value):  # a constant operand has no gradient
                term = _times(g, local)
                grads[operand] = _plus(grads[operand], term) if operand in grads else term
    return grads


def _times(a: Value | float, b: Value | float) -> Value | float:
    """a · b, without the node a multiplication by 1 or 0 would add."""
    if isinstance(a, float) and a in (0.0, 1.0):
        return b if a == 1.0 else 0.0
    if isinstance(b, float) and b in (0.0, 1.0):
        return a if b == 1.0 else 0.0
    return a * b


def _plus(a: Value | float, b: Value | float) -> Value | float:
    """a + b, without the node an addition of 0 would add."""
    if isinstance(a, float) and a == 0.0:
        return b
    if isinstance(b, float) and b == 0.0:
        return a
    return a + b


def _label_backward_nodes(order: list[Value], grads: dict[Value, Value | float]) -> None:
    """Name the gradient of each forward node ∂f/∂v, and every other new node ∂1, ∂2, ..."""
    forward = set(order)
    names = node_names(order)
    root = names[order[-1]] if order[-1].label else "f"
    root = f"({root})" if is_compound(root) else root  # ∂(∂f/∂x)/∂x
    for node, g in grads.items():
        if isinstance(g, Value) and g not in forward and not g.label:
            g.label = f"∂{root}/∂{names[node]}"
    count = 0
    for g in grads.values():
        if not isinstance(g, Value):
            continue
        for node in topological_order(g):
            if node not in forward and not node.label:
                count += 1
                node.label = f"∂{count}"


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """`H[i][j]` = ∂²f/∂xᵢ∂xⱼ at the point xs, for f a function of Values returning a Value."""
    leaves = [Value(_as_float(x, "hessian")) for x in xs]
    first = grad(_called(f, leaves, "hessian"), leaves, create_graph=True)
    return [[d.data for d in grad(g, leaves)] for g in first]


def hvp(f: Callable[..., Value], xs: Sequence[float], v: Sequence[float]) -> list[float]:
    """The Hessian-vector product H·v at xs, as ∇(∇f · v): one second backward pass, no H."""
    leaves = [Value(_as_float(x, "hvp")) for x in xs]
    v = [_as_float(c, "hvp vector") for c in v]
    if len(v) != len(leaves):
        raise ValueError(f"hvp: the vector has {len(v)} entries for {len(leaves)} variables")
    first = grad(_called(f, leaves, "hvp"), leaves, create_graph=True)
    directional = Value.sum(g * c for g, c in zip(first, v))  # ∇f · v
    return [d.data for d in grad(directional, leaves)]


def _called(f: Callable[..., Value], leaves: list[Value], where: str) -> Value:
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__}")
    return out
