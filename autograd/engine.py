"""The scalar reverse-mode autodiff engine: one class, `Value`.

A `Value` is a node of the computation graph. Each operation computes, in the
forward pass and side by side, its result and the *local derivative* of that
result with respect to each of its parents:

    out = x * y        ∂out/∂x = y,  ∂out/∂y = x

The node stores `parents` and `local_grads` as two ordered tuples (data, not
closures). `backward()` then walks the graph in reverse topological order and
applies the chain rule

    grad_i = Σ_j grad_j · ∂v_j/∂v_i        (sum over the children j of node i)

so every node needs only its own gradient and its stored local derivatives.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import compress, repeat
from numbers import Real
from typing import Any

from autograd.graph import topological_order

__all__ = ["Value", "no_grad", "is_grad_enabled", "DomainError"]


class DomainError(ValueError):
    """An operation was asked for a value outside its mathematical domain."""


_grad_enabled = True


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block."""
    return _grad_enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block operations compute values but record no graph.

    Use it for evaluation and plotting: results have no parents, so nothing is
    kept alive and `backward()` on them reaches no leaf.
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def _as_float(x: object, where: str) -> float:
    """Check that `x` is a finite real number and return it as a float."""
    if type(x) is float:
        value = x
    elif isinstance(x, (int, Real)):  # int first (checking the abstract Real is slow); bool, fractions, numpy
        try:
            value = float(x)
        except OverflowError:  # an int beyond ±1.8e308
            raise ValueError(f"{where}: {x!r} is too large for a float") from None
    else:
        raise TypeError(f"{where}: expected a real number, got {type(x).__name__} {x!r}")
    if not math.isfinite(value):
        raise ValueError(f"{where}: got {value}; data must be finite (NaN and ±inf are refused)")
    return value


class Value:
    """A scalar in the computation graph: its data, its gradient, and how it was made.

    Attributes:
        data:  the float computed in the forward pass.
        grad:  ∂root/∂self after `root.backward()`; starts at 0.0.
        label: an optional name shown by the renderer and the stepper.
    Read-only views of the graph: `op`, `parents`, `local_grads`.
    """

    __slots__ = ("data", "grad", "label", "_op", "_parents", "_local_grads")

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._parents: tuple[Value, ...] = ()
        self._local_grads: tuple[float, ...] = ()

    # ---- the graph, read-only ---------------------------------------------------------
    @property
    def op(self) -> str:
        """Name of the operation that produced this value ('' for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of that operation, in order; `a * a` lists `a` twice."""
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parent for each parent, in the same order, computed in the forward pass."""
        return self._local_grads

    @property
    def is_leaf(self) -> bool:
        """True for inputs and parameters (no parents)."""
        return not self._parents

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the set of parents (kept for code written for micrograd)."""
        return set(self._parents)

    # ---- binary operations --------------------------------------------------------------
    def __add__(self, other: Value | float) -> Value:
        if isinstance(other, Value):  # out = x + y;  ∂/∂x = 1, ∂/∂y = 1
            return _node(self.data + other.data, "+", (self, other), (1.0, 1.0))
        return _node(self.data + _as_float(other, "+"), "+", (self,), (1.0,))

    def __mul__(self, other: Value | float) -> Value:
        if isinstance(other, Value):  # out = x * y;  ∂/∂x = y, ∂/∂y = x
            return _node(self.data * other.data, "*", (self, other), (other.data, self.data))
        c = _as_float(other, "*")
        return _node(self.data * c, "*", (self,), (c,))

    def __sub__(self, other: Value | float) -> Value:
        if isinstance(other, Value):  # out = x − y;  ∂/∂x = 1, ∂/∂y = −1
            return _node(self.data - other.data, "-", (self, other), (1.0, -1.0))
        return _node(self.data - _as_float(other, "-"), "-", (self,), (1.0,))

    def __rsub__(self, other: float) -> Value:  # out = c − x;  ∂/∂x = −1
        return _node(_as_float(other, "-") - self.data, "-", (self,), (-1.0,))

    def __truediv__(self, other: Value | float) -> Value:
        if isinstance(other, Value):  # out = x / y;  ∂/∂x = 1/y, ∂/∂y = −x/y² = −out/y
            y = other.data
            if y == 0.0:
                raise ZeroDivisionError(f"/: division by zero ({self.data!r} / {y!r})")
            out = self.data / y  # (−out/y, not −x/(y·y): y·y underflows to 0 for |y| < 1e-162)
            return _node(out, "/", (self, other), (1.0 / y, -out / y))
        c = _as_float(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({self.data!r} / {c!r})")
        return _node(self.data / c, "/", (self,), (1.0 / c,))

    def __rtruediv__(self, other: float) -> Value:  # out = c / x;  ∂/∂x = −c/x² = −out/x
        c, x = _as_float(other, "/"), self.data
        if x == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({c!r} / {x!r})")
        out = c / x
        return _node(out, "/", (self,), (-out / x,))

    def __pow__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _power_of_values(self, other)
        n, x = _as_float(other, "**"), self.data
        if n == 2.0:  # out = x²;  ∂/∂x = 2x  (squared errors and L2 penalties: the commonest power)
            return _node(_checked_pow(x, 2.0), "**2", (self,), (2.0 * x,))
        if x <= 0.0:
            _check_power_of_nonpositive(x, n)
        out = _checked_pow(x, n)  # out = xⁿ;  ∂/∂x = n·xⁿ⁻¹
        slope = n * _checked_pow(x, n - 1.0) if n != 0.0 else 0.0
        return _node(out, f"**{_short(n)}", (self,), (slope,))

    def __rpow__(self, other: float) -> Value:  # out = cˣ;  ∂/∂x = cˣ·ln c
        c, x = _as_float(other, "**"), self.data
        if c < 0.0:
            raise DomainError(f"**: negative base {c!r} to a Value power has no real derivative")
        if c == 0.0:
            if x <= 0.0:
                raise ZeroDivisionError(f"**: 0.0 ** {x!r} is undefined (needs exponent > 0)")
            return _node(0.0, "**", (self,), (0.0,))
        out = _checked_pow(c, x)
        return _node(out, f"{_short(c)}**", (self,), (out * math.log(c),))

    # c + x and c * x: addition and multiplication commute, so the same methods serve.
    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self) -> Value:  # out = −x;  ∂/∂x = −1
        return _node(-self.data, "neg", (self,), (-1.0,))

    # ---- functions -------------------------------------------------------------------
    def exp(self) -> Value:  # t = eˣ;  d eˣ = eˣ = t
        try:
            t = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp: overflow at x = {self.data!r} (e**x exceeds the float range)"
            ) from None
        return _node(t, "exp", (self,), (t,))

    def log(self) -> Value:  # out = ln x;  d ln x = 1/x
        x = self.data
        if x <= 0.0:
            raise DomainError(f"log: undefined at x = {x!r} (needs x > 0)")
        return _node(math.log(x), "log", (self,), (1.0 / x,))

    def tanh(self) -> Value:  # t = tanh x;  d tanh = 1 − t²
        t = math.tanh(self.data)
        return _node(t, "tanh", (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:  # s = σ(x) = 1/(1 + e⁻ˣ);  dσ = s(1 − s) = e/(1 + e)² with e = e^−|x|
        x = self.data
        e = math.exp(-abs(x))  # in (0, 1]: cannot overflow, and 1 − s is never computed by cancellation
        s = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
        return _node(s, "sigmoid", (self,), (e / ((1.0 + e) * (1.0 + e)),))

    def relu(self) -> Value:  # out = max(0, x);  d relu = 1 if x > 0 else 0 (subgradient 0 at x = 0)
        if self.data > 0.0:
            return _node(self.data, "relu", (self,), (1.0,))
        return _node(0.0, "relu", (self,), (0.0,))

    # ---- fused n-ary operations --------------------------------------------------------
    @staticmethod
    def sum(terms: Iterable[Value | float]) -> Value:
        """out = Σ tᵢ as one node;  ∂out/∂tᵢ = 1 for every Value term (numbers get no edge)."""
        terms = tuple(terms)
        t, edges = _numbers_and_edges(terms, "sum")
        parents = tuple(_kept(terms, edges))
        return _node(sum(t, 0.0), "sum", parents, (1.0,) * len(parents))

    @staticmethod
    def dot(
        weights: Iterable[Value | float], inputs: Iterable[Value | float], bias: Value | float = 0.0
    ) -> Value:
        """out = Σ wᵢ·xᵢ + b as one node (a neuron's weighted sum).

        ∂out/∂wᵢ = xᵢ,  ∂out/∂xᵢ = wᵢ,  ∂out/∂b = 1.  Parents in the order
        w₀ … wₙ₋₁, x₀ … xₙ₋₁, b; plain numbers among them are constants and get
        no edge. One node with 2n + 1 parents replaces the 2n nodes of
        b + w₀x₀ + w₁x₁ + ….
        """
        return Value.affine([weights], inputs, [bias])[0]

    @staticmethod
    def affine(
        weight_rows: Iterable[Iterable[Value | float]],
        inputs: Iterable[Value | float],
        biases: Iterable[Value | float],
    ) -> list[Value]:
        """outⱼ = Σᵢ wⱼᵢ·xᵢ + bⱼ for each row j: a layer's weighted sums, one `dot` node per row.

        The same nodes as `[Value.dot(w, inputs, b) for w, b in zip(weight_rows, biases)]`,
        with the inputs read and checked once for all rows.
        """
        weight_rows, inputs, biases = list(weight_rows), tuple(inputs), list(biases)
        if len(weight_rows) != len(biases):
            raise ValueError(f"affine: {len(weight_rows)} weight rows but {len(biases)} biases")
        x, x_edges = _numbers_and_edges(inputs, "dot")
        outs = []
        for weights, bias in zip(weight_rows, biases):
            weights = tuple(weights)
            if len(weights) != len(inputs):
                raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
            w, w_edges = _numbers_and_edges(weights, "dot")
            bias_edge = None if isinstance(bias, Value) else [False]  # as _numbers_and_edges((bias,))
            b = bias.data if bias_edge is None else _as_float(bias, "dot")
            out = sum(map(operator.mul, w, x), b)  # out = b + w₀x₀ + w₁x₁ + …
            # ∂out/∂wᵢ = xᵢ, ∂out/∂xᵢ = wᵢ, ∂out/∂b = 1, with an edge only to each Value
            parents = (*_kept(weights, w_edges), *_kept(inputs, x_edges), *_kept((bias,), bias_edge))
            local_grads = (*_kept(x, w_edges), *_kept(w, x_edges), *_kept((1.0,), bias_edge))
            outs.append(_node(out, "dot", parents, local_grads))
        return outs

    # ---- backpropagation -------------------------------------------------------------
    def backward(self, seed: float = 1.0) -> None:
        """Fill in `grad` for every node that this value depends on.

        grad_root = seed (1.0 unless given), then in reverse topological order
        grad_i += grad_j · ∂v_j/∂v_i for every edge i → j. Leaf gradients
        accumulate across calls (call `zero_grad()` on a model, or set
        `.grad = 0.0`, to clear them); gradients of intermediate nodes are
        recomputed from zero on every call. This call's leaf gradients are
        summed from zero and then added to the earlier ones, so a second call
        gives exactly twice the leaf gradients of the first (S + S, not S + g₁ + g₂ ...).
        """
        order = topological_order(self)
        seed = _as_float(seed, "backward seed")
        earlier = []  # leaves that already hold a gradient, with it (added back at the end)
        for node in order:
            if not node._parents and node.grad != 0.0:
                earlier.append((node, node.grad))
            node.grad = 0.0
        self.grad = seed
        for node in reversed(order):
            g = node.grad
            # (a node whose gradient is 0.0 would pass on only zeros, and a leaf has no parents)
            if g != 0.0 and node._parents:
                local_grads = node._local_grads  # (indexing them measured faster than zip)
                for k, parent in enumerate(node._parents):
                    parent.grad += g * local_grads[k]
        for leaf, g in earlier:
            leaf.grad += g

    def _backward(self) -> None:
        """One application of the chain rule at this node (micrograd's per-node step).

        parent.grad += self.grad · ∂self/∂parent for each parent.
        """
        for parent, local in zip(self._parents, self._local_grads):
            parent.grad += self.grad * local

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


# A Value without running __init__ (whose job is checking user input). Bound once: looking up
# object.__new__ on every call measured 8 % of a node's creation.
_new_object = object.__new__


def _node(data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]) -> Value:
    """The result of an operation: a new node holding `data` (already a float).

    Inside `no_grad()` the result is a constant: it records no parents.
    """
    out = _new_object(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    if _grad_enabled:
        out._parents = parents
        out._local_grads = local_grads
    else:
        out._parents = ()
        out._local_grads = ()
    return out


def _numbers_and_edges(operands: tuple[Value | float, ...], op: str) -> tuple[list[float], list[bool] | None]:
    """The number behind each operand of an n-ary op, and which operands are Values.

    The second item is None when every operand is a Value (the usual case), else one
    flag per operand; plain numbers are checked like any constant.
    """
    if all(map(isinstance, operands, repeat(Value))):
        return [v.data for v in operands], None
    numbers = [v.data if isinstance(v, Value) else _as_float(v, op) for v in operands]
    return numbers, [isinstance(v, Value) for v in operands]


def _kept(items: Sequence[Any], is_value: list[bool] | None) -> Iterable[Any]:
    """The items at the Value operands' positions (all of them when `is_value` is None)."""
    return items if is_value is None else compress(items, is_value)


def _power_of_values(x: Value, y: Value) -> Value:
    """out = x^y for two Values;  ∂/∂x = y·x^(y−1),  ∂/∂y = x^y·ln x  (needs x > 0)."""
    a, b = x.data, y.data
    if a <= 0.0:
        raise DomainError(f"**: base {a!r} ** Value exponent {b!r} needs a positive base (ln of the base)")
    out = _checked_pow(a, b)
    return _node(out, "**", (x, y), (b * _checked_pow(a, b - 1.0), out * math.log(a)))


def _check_power_of_nonpositive(x: float, n: float) -> None:
    """Refuse xⁿ (x ≤ 0) where it or its derivative n·xⁿ⁻¹ is not a finite real number."""
    if x == 0.0 and n < 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {n!r} is a division by zero")
    if x < 0.0 and not n.is_integer():
        raise DomainError(f"**: negative base {x!r} to the non-integer power {n!r} is not a real number")
    if x == 0.0 and 0.0 < n < 1.0:
        raise DomainError(f"**: the derivative of x ** {n!r} at x = 0.0 is infinite")


def _checked_pow(x: float, n: float) -> float:
    try:
        return x**n
    except OverflowError:
        raise OverflowError(f"**: overflow computing {x!r} ** {n!r}") from None


def _short(n: float) -> str:
    """2.0 → '2', 0.5 → '0.5': how an exponent is shown in op names."""
    return str(int(n)) if n.is_integer() and abs(n) < 1e15 else repr(n)
