"""The scalar reverse-mode autodiff engine: one class, `Value`.

A `Value` is a node of the computation graph. Each operation computes, in the
forward pass and side by side, its result and the *local derivative* of that
result with respect to each of its parents:

    out = x * y        ∂out/∂x = y,  ∂out/∂y = x

Every op is one row of the op table in `autograd.engine.ops`, where its forward value
and local derivatives are written side by side. A node records, as data, which
row made it, its operands and their local derivatives; a unary or binary node
(almost every node) keeps them in slots of its own — at most two parents `_a`,
`_b` with their local derivatives `_da`, `_db`, and a plain-number operand in
`_const` — so it is one object, with no tuples. A fused n-ary node (`sum`,
`dot`) keeps tuples. `backward()` walks the graph in reverse topological order
and applies the chain rule

    grad_i = Σ_j grad_j · ∂v_j/∂v_i        (sum over the children j of node i)

so every node needs only its own gradient and its stored local derivatives.

This file is also the source of the compiled engine: Cython compiles it as it is, with the
C types of `value.pxd` (a node's slots become C fields). Compiled, a node is not tracked by
Python's cyclic garbage collector (setup.py has the compiled constructor leave it out): a
node refers only to nodes made before it, so a graph holds no cycle, reference counting
frees it, and the collector never walks the graph. An attribute of the user's may close a
cycle; `_keep_in_sight` (compiled only) has the collector track what it reaches.
"""

from __future__ import annotations

import math
import operator
from _thread import allocate_lock as Lock  # threading.Lock itself (the threading module is heavier)
from contextvars import ContextVar
from itertools import compress
from numbers import Real

from autograd.engine.ops import OPS, DomainError, Op, format_exponent

try:
    import cython  # the compiler's pure-Python mode; as plain Python its decorators do nothing
except ImportError:  # no Cython installed: this module runs as plain Python
    from autograd.engine import _no_cython as cython

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing: the engine loads light)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any

COMPILED: bool = cython.compiled
"""True when this module runs compiled (an extension module built by Cython from this very
file, with the C types declared beside it in `value.pxd`); False when it runs as Python."""

__all__ = ["Value", "no_grad", "is_grad_enabled", "DomainError", "topological_order"]

_LEAF, _ADD, _SUB, _MUL, _DIV = OPS["leaf"], OPS["add"], OPS["sub"], OPS["mul"], OPS["div"]
_POW, _POWER, _EXPONENTIAL, _NEG = OPS["pow"], OPS["power"], OPS["exponential"], OPS["neg"]
_EXP, _LOG, _TANH, _SIGMOID, _RELU = OPS["exp"], OPS["log"], OPS["tanh"], OPS["sigmoid"], OPS["relu"]
_SUM, _DOT = OPS["sum"], OPS["dot"]


# Gradient recording is on unless the running thread is inside `no_grad()`: each thread (and
# each asyncio task) has its own switch, a context variable. Building a node reads it only while
# some block is open somewhere: `_no_grad_blocks` counts the open blocks of all threads.
_recording: ContextVar[bool] = ContextVar("stepgrad_recording", default=True)
_no_grad_blocks = 0
_blocks_lock = Lock()


def is_grad_enabled() -> bool:
    """True unless this thread is inside a `no_grad()` block."""
    return _no_grad_blocks == 0 or _recording.get()


class no_grad:  # (lower case, used as a function: `with no_grad():`, as in PyTorch)
    """Inside this block, in this thread, operations compute values but record no graph.

    Use it for evaluation and plotting: results are constants (leaves), so nothing
    is kept alive and `backward()` on them reaches no other node. Other threads
    keep recording (the switch is per thread, as in PyTorch).
    """

    def __init__(self) -> None:
        self._tokens: list[Any] = []  # one per entry still open (a block may be entered again inside)

    def __enter__(self) -> None:
        global _no_grad_blocks
        with _blocks_lock:
            _no_grad_blocks += 1
        self._tokens.append(_recording.set(False))

    def __exit__(self, *exception: object) -> None:
        global _no_grad_blocks
        _recording.reset(self._tokens.pop())
        with _blocks_lock:
            _no_grad_blocks -= 1

    def __call__(self, function: Any) -> Any:
        """As a decorator, `@no_grad()`: every call of `function` runs inside a block."""
        import functools  # (here: importing the engine stays light)

        @functools.wraps(function)
        def without_graph(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return function(*args, **kwargs)

        return without_graph


def _as_float(x: object, where: str, finite: bool = True) -> float:
    """Check that `x` is a real number, finite unless `finite` is False, and return it as a float."""
    if type(x) is float:
        value = x
    elif isinstance(x, (int, Real)) or _is_numpy_bool(x):  # int first (Real is slow); bool, fractions, numpy
        try:
            value = float(x)
        except OverflowError:  # an int beyond ±1.8e308
            raise ValueError(f"{where}: {x!r} is too large for a float") from None
    else:
        raise TypeError(f"{where}: expected a real number, got {type(x).__name__} {x!r}")
    if finite and not math.isfinite(value):
        raise ValueError(f"{where}: got {value}; data must be finite (NaN and ±inf are refused)")
    return value


def _is_numpy_bool(x: object) -> bool:
    """numpy's np.True_ and np.False_, which numpy does not register as numbers: taken as bool is."""
    return type(x).__module__ == "numpy" and type(x).__name__ in ("bool", "bool_")


_MADE_BY_HAND = (
    "Value(data, children, op) is how micrograd makes a node by hand; here an op is a row of the op "
    "table, which computes the value and the local derivatives together. For an op of your own, "
    "define it once: sin = autograd.define_op('sin', math.sin, lambda x, out: (cos(x),)), then sin(x)."
)


@cython.trashcan(True)  # compiled: freeing a deep chain takes turns instead of recursing
@cython.cclass  # compiled: an extension type whose slots are the C fields of value.pxd
class Value:
    """A scalar in the computation graph: its data, its gradient, and how it was made.

    Attributes:
        data:  the float computed in the forward pass.
        grad:  ∂root/∂self after `root.backward()`; starts at 0.0.
        label: an optional name shown by the renderer and the stepper.
    Read-only views of the graph: `op`, `operator`, `operands`, `parents`, `local_grads`.
    Any other attribute may be set, as on micrograd's Value (`p.m = 0.0` for an optimizer's
    moments); a node that never gets one has no dictionary.
    """

    __slots__ = (
        "_data",
        "grad",
        "_label",
        "_operator",
        "_a",
        "_b",
        "_da",
        "_db",
        "_const",
        "_sorted",
        "__dict__",
    )

    def __init__(self, data: float, label: str = "", _op: Any = None) -> None:
        if _op is not None or (
            isinstance(label, (tuple, list, set, frozenset)) and any(isinstance(c, Value) for c in label)
        ):  # Value(data, children, op): micrograd's node made by hand
            raise TypeError(_MADE_BY_HAND)
        _start(self, _as_float(data, "Value"), _LEAF)
        self.label = label  # (checked: see the setter)

    @property
    def data(self) -> float:
        """The float computed in the forward pass; set it to move a leaf (`w.data -= lr * w.grad`)."""
        return self._data

    @data.setter
    def data(self, data: float) -> None:
        # any real number, as a float (an optimizer that diverges may set NaN or ±inf: it is kept)
        self._data = _as_float(data, "Value.data", finite=False)

    @property
    def label(self) -> str:
        """The name shown by the renderer and the stepper ('' for none: they number the node)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__} {label!r}")
        self._label = label

    # ---- the graph, read-only ---------------------------------------------------------
    @property
    def operator(self) -> Op:
        """The row of the op table (`autograd.engine.ops.OPS`) that made this value."""
        return self._operator

    @property
    def operands(self) -> tuple[Value | float, ...]:
        """What the op was applied to, in order, plain-number constants included.

        `x * 3.0` → (x, 3.0);  `2 - x` → (2.0, x);  `x ** 3` → (x, 3.0);  a leaf → ().
        """
        op = self._operator
        if op.arity == 0:
            return ()
        a = self._const if self._a is None else self._a
        if op.arity == 1:
            return (a,)
        return (a, self._const if self._b is None else self._b)

    @property
    def op(self) -> str:
        """Name of the operation that produced this value ('' for a leaf): '*', 'tanh', '**2', '2**'."""
        op = self._operator
        if op.form == "power":  # the constant belongs to the name
            c = format_exponent(self._const)
            return f"**{c}" if self._a is not None else f"{c}**"  # x**2, 2**x
        return op.name if op.form == "prefix" else op.symbol

    @property
    def _op(self) -> str:
        """micrograd's name for `op`."""
        return self.op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value operands, in order; `a * a` lists `a` twice."""
        a, b = self._a, self._b
        if b is None:
            return () if a is None else (a,)
        return (b,) if a is None else (a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂parent for each parent, in the same order, computed in the forward pass."""
        a, b = self._a, self._b
        if b is None:
            return () if a is None else (self._da,)
        if a is None:
            return (self._db,)
        return (self._da, self._db)

    @property
    def is_leaf(self) -> bool:
        """True for inputs and parameters (made by no operation)."""
        return self._operator is _LEAF

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the set of parents (kept for code written for micrograd)."""
        return set(self.parents)

    # ---- operations: each applies one row of the op table ------------------------------
    def __add__(self, other: Value | float) -> Value:  # x + y
        return _binary(_ADD, self, other)

    def __mul__(self, other: Value | float) -> Value:  # x * y
        return _binary(_MUL, self, other)

    def __sub__(self, other: Value | float) -> Value:  # x − y
        return _binary(_SUB, self, other)

    def __rsub__(self, other: float) -> Value:  # c − x
        return _constant_first(_SUB, other, self)

    def __truediv__(self, other: Value | float) -> Value:  # x / y
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: float) -> Value:  # c / x
        return _constant_first(_DIV, other, self)

    def __pow__(self, other: Value | float) -> Value:  # xʸ, or xⁿ for a number n
        return _binary(_POW if isinstance(other, Value) else _POWER, self, other)

    def __rpow__(self, other: float) -> Value:  # cˣ
        return _constant_first(_EXPONENTIAL, other, self)

    # c + x and c * x: addition and multiplication commute, so x + c and x * c serve
    # (the constant is stored as the second operand).
    def __radd__(self, other: float) -> Value:  # c + x
        return _binary(_ADD, self, other)

    def __rmul__(self, other: float) -> Value:  # c * x
        return _binary(_MUL, self, other)

    def __neg__(self) -> Value:  # −x
        return _unary(_NEG, self)

    def exp(self) -> Value:
        """eˣ;  d eˣ = eˣ (the op table's row 'exp')."""
        return _unary(_EXP, self)

    def log(self) -> Value:
        """ln x, for x > 0;  d ln x = 1/x."""
        return _unary(_LOG, self)

    def tanh(self) -> Value:
        """tanh x;  d tanh = 1 − tanh²."""
        return _unary(_TANH, self)

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e⁻ˣ);  dσ = σ(x)·σ(−x)."""
        return _unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x);  d relu = 1 if x > 0 else 0."""
        return _unary(_RELU, self)

    # ---- fused n-ary operations --------------------------------------------------------
    @staticmethod
    def sum(terms: Iterable[Value | float]) -> Value:
        """out = Σ tᵢ as one node;  ∂out/∂tᵢ = 1 for every Value term (numbers get no edge)."""
        terms = tuple(terms)
        t, edges = _numbers_and_edges(terms, "sum")
        parents = tuple(_kept(terms, edges))
        operands = parents if edges is None else tuple(_constants_as_floats(terms, t))
        return _fused(_SUM, sum(t, 0.0), parents, (1.0,) * len(parents), operands)

    @staticmethod
    def dot(
        weights: Iterable[Value | float], inputs: Iterable[Value | float], bias: Value | float = 0.0
    ) -> Value:
        """out = Σ wᵢ·xᵢ + b as one node (a neuron's weighted sum).

        ∂out/∂wᵢ = xᵢ,  ∂out/∂xᵢ = wᵢ,  ∂out/∂b = 1.  Operands in the order
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
        x_operands = inputs if x_edges is None else tuple(_constants_as_floats(inputs, x))
        outs = []
        for weights, bias in zip(weight_rows, biases):
            weights = tuple(weights)
            if len(weights) != len(inputs):
                raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
            w, w_edges = _numbers_and_edges(weights, "dot")
            bias_edge = None if isinstance(bias, Value) else [False]  # as _numbers_and_edges((bias,))
            b = bias._data if bias_edge is None else _as_float(bias, "dot")
            out = sum(map(operator.mul, w, x), b)  # out = b + w₀x₀ + w₁x₁ + …
            # ∂out/∂wᵢ = xᵢ, ∂out/∂xᵢ = wᵢ, ∂out/∂b = 1, with an edge only to each Value
            parents = (*_kept(weights, w_edges), *_kept(inputs, x_edges), *_kept((bias,), bias_edge))
            local_grads = (*_kept(x, w_edges), *_kept(w, x_edges), *_kept((1.0,), bias_edge))
            if w_edges is None and x_edges is None and bias_edge is None:
                operands = parents
            else:  # the operands as given, each plain number as its float
                w_operands = weights if w_edges is None else _constants_as_floats(weights, w)
                operands = (*w_operands, *x_operands, bias if bias_edge is None else b)
            outs.append(_fused(_DOT, out, parents, local_grads, operands))
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
        A node whose gradient is 0 passes nothing on (0 · ∂ is taken as 0, even where
        a local derivative is infinite).
        """
        order = topological_order(self)
        seed = _as_float(seed, "backward seed")
        earlier = []  # leaves that already hold a gradient, with it (added back at the end)
        for node in order:
            if node.grad != 0.0:  # (a fresh graph's nodes all hold 0.0 already)
                if node._operator is _LEAF:
                    earlier.append((node, node.grad))
                node.grad = 0.0
        self.grad = seed
        for node in reversed(order):
            g = node.grad
            if g == 0.0:
                continue
            if isinstance(node, _Fused):  # out = op(t₀, t₁, …), an edge per Value term
                for parent, local in zip(node.parents, node.local_grads):
                    parent.grad += g * local
                continue
            a, b = node._a, node._b  # out = op(a, b) or op(a); a constant stands in for a or b
            if a is not None:
                a.grad += g * node._da
            if b is not None:
                b.grad += g * node._db
        for leaf, g in earlier:
            leaf.grad += g

    def _backward(self) -> None:
        """One application of the chain rule at this node (micrograd's per-node step).

        parent.grad += self.grad · ∂self/∂parent for each parent.
        """
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += self.grad * local

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


@cython.cclass
class _Fused(Value):
    """A fused n-ary node (`sum`, `dot`, an op of three or more operands made by `define_op`): its
    parents and local derivatives as tuples, and its operands (constants included) for replay
    and display."""

    __slots__ = ("_parents", "_local_grads", "_operands")

    @property
    def operands(self) -> tuple[Value | float, ...]:
        return self._operands

    @property
    def parents(self) -> tuple[Value, ...]:
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        return self._local_grads


def _start(out: Value, data: float, op: Op) -> None:
    """Fill the slots of a new node made by `op` with no parent in its slots: a leaf, or a fused
    node (whose parents are in its tuples). `data` is a float already."""
    out._data = data
    out.grad = 0.0
    out._label = ""
    out._operator = op
    out._a = out._b = out._const = None
    out._da = out._db = 0.0
    out._sorted = 0


def _constant(data: float) -> Value:
    """What an operation gives inside `no_grad()`: a leaf holding `data` (already a float)."""
    out = Value.__new__(Value)  # a Value without __init__, whose job is checking user input
    _start(out, data, _LEAF)
    return out


def _node(
    data: float, op: Op, a: Value | None, da: float, b: Value | None, db: float, const: float | None
) -> Value:
    """The result of an operation: a new node holding `data` (already a float).

    Inside `no_grad()` the result is a constant: a leaf. (Every slot is filled here, not through
    `_start`: this is the constructor of almost every node.)
    """
    if _no_grad_blocks and not _recording.get():
        return _constant(data)
    out = Value.__new__(Value)
    out._data = data
    out.grad = 0.0
    out._label = ""
    out._operator = op
    out._a = a
    out._da = da
    out._b = b
    out._db = db
    out._const = const
    out._sorted = 0
    if _nodes_in_sight:  # (compiled engine only: see `_settle_sight`)
        _settle_sight(out)
    return out


def _unary(op: Op, x: Value) -> Value:
    """out = op(x), with ∂out/∂x from the op's local rule."""
    a = x._data
    out = op.value(a)
    (da,) = op.local(a, out)
    return _node(out, op, x, da, None, 0.0, None)


def _binary(op: Op, x: Value, y: Value | float) -> Value:
    """out = x op y; a plain number y is a constant operand (no edge, no derivative)."""
    a = x._data
    if isinstance(y, Value):
        other = y  # (compiled, a Value-typed name: its data is read as a C field)
        b, const = other._data, None
    else:
        b = const = _as_float(y, op.symbol)
        other = None
    out = op.value(a, b)
    da, db = op.local(a, b, out)
    return _node(out, op, x, da, other, 0.0 if other is None else db, const)


def _constant_first(op: Op, c: float, y: Value) -> Value:
    """out = c op y for a plain number c (the constant is the first operand)."""
    c, b = _as_float(c, op.symbol), y._data
    out = op.value(c, b)
    return _node(out, op, None, 0.0, y, op.local(c, b, out)[1], c)


def _fused(
    op: Op, data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], operands: tuple[Any, ...]
) -> Value:
    """The result of a fused n-ary op; inside `no_grad()` a constant (a leaf).

    Its unary/binary slots stay empty: everything reads a fused node's tuples instead.
    """
    if _no_grad_blocks and not _recording.get():
        return _constant(data)
    out = _Fused.__new__(_Fused)
    _start(out, data, op)
    out._parents = parents
    out._local_grads = local_grads
    out._operands = operands
    if cython.compiled:
        _settle_sight(out)
    return out


def _set_result(node: Value, data: float, local_grads: tuple[float | None, ...]) -> None:
    """Store a recomputed value and its local derivatives (one per operand; those of
    constant operands are dropped), as the forward pass would have (used by replay)."""
    node._data = data
    if isinstance(node, _Fused):
        node._local_grads = tuple(d for d, o in zip(local_grads, node._operands) if isinstance(o, Value))
        return
    if node._a is not None:
        node._da = local_grads[0]
    if node._b is not None:
        node._db = local_grads[1]


def _numbers_and_edges(operands: tuple[Value | float, ...], op: str) -> tuple[list[float], list[bool] | None]:
    """The number behind each operand of an n-ary op, and which operands are Values.

    The second item is None when every operand is a Value (the usual case), else one
    flag per operand; plain numbers are checked like any constant.
    """
    if all(isinstance(v, Value) for v in operands):
        return [v._data for v in operands], None
    numbers = [v._data if isinstance(v, Value) else _as_float(v, op) for v in operands]
    return numbers, [isinstance(v, Value) for v in operands]


def _kept(items: Sequence[Any], is_value: list[bool] | None) -> Iterable[Any]:
    """The items at the Value operands' positions (all of them when `is_value` is None)."""
    return items if is_value is None else compress(items, is_value)


def _constants_as_floats(operands: Sequence[Any], numbers: Sequence[float]) -> Iterator[Any]:
    """Each operand as stored: a Value itself, a plain number as its float."""
    return (v if isinstance(v, Value) else n for v, n in zip(operands, numbers))


# A marker on the sort's stack: "the node below me has had all its parents emitted".
# (A bare Value that is no node of any graph, so the stack holds Values only.)
_PARENTS_DONE = Value.__new__(Value)

# Sorts are numbered; a node keeps, in `_sorted`, the number of the last sort that reached it.
# One sort runs at a time (a lock: threads may sort graphs that share nodes).
_sorts = 0
_sort_lock = Lock()


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents; `root` is last.

    Depth-first post-order with an explicit stack instead of recursion. A node seen
    for the first time is marked with this sort's number, and goes back on the stack
    under a marker, with its parents above it (the first parent on top; one marked
    already is passed over when it comes off). When the marker comes off the stack
    again, every parent has been emitted, so the node is emitted. Parents are taken
    in their stored order, so the order is the same on every run. The stack holds
    nodes only (no tuple or iterator per node), and "seen already?" is a comparison
    of numbers (no set of nodes), which keeps a million-node chain fast.
    """
    global _sorts
    with _sort_lock:
        _sorts += 1
        sort = _sorts
        order: list[Value] = []
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if node is _PARENTS_DONE:
                order.append(stack.pop())
                continue
            if node._sorted == sort:  # reached again through another child
                continue
            node._sorted = sort
            stack.append(node)
            stack.append(_PARENTS_DONE)
            if isinstance(node, _Fused):  # a fused node's parents, last pushed first
                stack.extend(reversed(node.parents))
                continue
            a, b = node._a, node._b  # (read from the slots: `node.parents` would build a tuple)
            if b is not None:
                stack.append(b)
            if a is not None:
                stack.append(a)
        return order


# ---- attributes of the user's, on the compiled engine ------------------------------------------
def _keep_in_sight(holder: Value, value: Any) -> None:
    """Compiled engine only: called after `holder.name = value` set an attribute of the user's.

    Compiled nodes are not tracked by the cyclic collector, which is right while a node refers
    only to older nodes. An attribute may close a cycle (`a.partner = a * 2`); for the collector
    to find it, every node on it must be tracked. So the holder and every node the value
    reaches (through lists, tuples, sets, dicts and objects' attributes) are tracked, each with
    its ancestors. Numbers and strings (`p.m = 0.0`, `n._vis_color = "red"`) reach nothing.
    """
    if isinstance(value, (float, int, str, bytes, type(None))):
        return
    _track_with_ancestors(holder)
    seen = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Value):
            _track_with_ancestors(item)
            item = item.__dict__ if hasattr(item, "__dict__") else {}
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
        elif not isinstance(item, type) and hasattr(item, "__dict__"):
            pending.append(vars(item))


def _track_with_ancestors(node: Value) -> None:
    """Have the collector track `node` and every node it depends on, with a fused node's tuples
    (stopping at tracked nodes: a tracked node's ancestors are tracked already)."""
    global _nodes_in_sight
    _nodes_in_sight = True
    pending = [node]
    while pending:
        n = pending.pop()
        if PyObject_GC_IsTracked(n):  # noqa: F821
            continue
        PyObject_GC_Track(n)  # noqa: F821
        if isinstance(n, _Fused):
            for held in (n._parents, n._local_grads, n._operands):
                if not PyObject_GC_IsTracked(held):  # noqa: F821
                    PyObject_GC_Track(held)  # noqa: F821
        pending.extend(n.parents)


# True once `_track_with_ancestors` has tracked a node: from then on a new node is checked for a
# tracked parent (until then no node is tracked, and nothing is checked).
_nodes_in_sight = False


def _settle_sight(node: Value) -> None:
    """Compiled engine only: whether the collector tracks a new node.

    Its constructor left the node untracked; a fused node's tuples leave too (a node made by
    `_node` comes here only once some node is tracked). But a node made from a tracked node
    (one that an attribute of the user's may reach) is tracked, with its ancestors: it may
    close a cycle through that attribute later, as in `a.history = []; a.history.append(a * 2)`.
    A node made before its ancestor got such an attribute, and stored in it afterwards, stays
    untracked: that cycle is not freed (keep such nodes in a list of your own instead).
    """
    if _nodes_in_sight and any(PyObject_GC_IsTracked(p) for p in node.parents):  # noqa: F821
        _track_with_ancestors(node)
    elif isinstance(node, _Fused):
        PyObject_GC_UnTrack(node._parents)  # noqa: F821
        PyObject_GC_UnTrack(node._local_grads)  # noqa: F821
        PyObject_GC_UnTrack(node._operands)  # noqa: F821


if cython.compiled:
    _watch_attributes(Value, _keep_in_sight)  # noqa: F821 (value.pxd: calls it after each such set)
