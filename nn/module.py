"""Neurons, layers and multi-layer perceptrons built from `Value`s (micrograd-compatible).

A neuron computes a = g(z) with z = Σᵢ wᵢxᵢ + b. By default z is one fused engine
node, `Value.dot(w, x, b)` (2n + 1 parents); with `fused=False` it is built as
micrograd does, b + w₀x₀ + w₁x₁ + ..., one `*` and one `+` node per input, for
learners who want to see every multiply. Both give the same numbers.

micrograd compatibility: weights are drawn U(−1, 1) with `random.uniform` (or the
`rng` given), biases start at 0, in micrograd's order, so after
`random.seed(1337)` `MLP(2, [16, 16, 1])` holds exactly micrograd's parameters.
As in micrograd, calling a `Layer` or an `MLP` returns a single `Value` when it
has one output and a list otherwise; `forward(x)` always returns a list.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from autograd.engine.value import Value
from autograd.validation import check_positive_int

__all__ = ["ACTIVATIONS", "INITIALISATIONS", "Module", "Neuron", "Layer", "MLP"]

#: activation name → the function applied to z (None: linear, a = z)
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": None,
}

#: initialisation name → half-width a of U(−a, a) for a neuron with `nin` inputs
INITIALISATIONS: dict[str, Callable[[int], float]] = {
    "uniform": lambda nin: 1.0,  # micrograd: U(−1, 1)
    "lecun": lambda nin: math.sqrt(3.0 / nin),  # Var w = 1/nin (tanh, sigmoid, linear)
    "he": lambda nin: math.sqrt(6.0 / nin),  # Var w = 2/nin (relu)
}

Input = Sequence[Value | float]


def _check_choice(kind: str, name: object, choices: dict[str, object]) -> None:
    if name not in choices:
        raise ValueError(f"unknown {kind} {name!r}; choose from {', '.join(choices)}")


class Module:
    """Anything with parameters: `parameters()`, `named_parameters()`, `zero_grad()`.

    A module declares its parameters and child modules by assigning them to public
    attributes: a `Value`, a `Module`, or a list (or tuple) of them. The base class walks
    those attributes in the order they were assigned, so a subclass writes neither
    `parameters` nor `named_parameters`. Names join the attribute names and list
    indices with dots: a neuron's `self.w = [...]`, `self.b = Value(0.0)` give 'w.0',
    'w.1', ..., 'b'; inside an MLP they become 'layers.0.neurons.3.w.1'. The walk is made
    on every call (nothing is cached), so an attribute reassigned or a list edited in place
    is seen at once.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs in a fixed order, e.g. ('layers.0.neurons.3.w.1', w)."""
        return _walk(self, "", [])

    def parameters(self) -> list[Value]:
        """The trainable Values, in the order of `named_parameters()` (the same walk, without names)."""
        return _walk(self, None, [])

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (leaf gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many scalar parameters the module holds."""
        return len(self.parameters())


_CONTAINERS = (Module, list, tuple)  # what the walk looks inside


def _walk(item: Module | list | tuple, prefix: str | None, found: list) -> list:
    """Append the parameters under `item`: a module's public attributes in the order they were
    assigned, or a list's or tuple's items; the Values among them, and what the modules, lists
    and tuples among them hold, depth first.

    With `prefix` None it appends the Values themselves (`parameters()`); with a string, the
    pairs (prefix + dotted name, Value) (`named_parameters()`: prefix '' at the root). One loop
    serves both, so they cannot disagree on the order; the names are built only when asked
    for, since `parameters()` is the call a training loop makes every step.
    """
    is_module = isinstance(item, Module)
    for key, value in vars(item).items() if is_module else enumerate(item):
        if is_module and key[:1] == "_":  # a private attribute: not a parameter
            continue
        if isinstance(value, Value):
            found.append(value if prefix is None else (f"{prefix}{key}", value))
        elif isinstance(value, _CONTAINERS):
            _walk(value, None if prefix is None else f"{prefix}{key}.", found)
    return found


class Neuron(Module):
    """a = g(Σᵢ wᵢxᵢ + b): `nin` weights drawn U(−a, a), bias 0.

    `nonlin=True` (micrograd's flag) means ReLU, False means linear; `activation`
    (relu, tanh, sigmoid, linear) overrides it. `rng` is a `random.Random` (default:
    the `random` module, as micrograd). `init`: uniform (a = 1), lecun (a = √(3/nin)),
    he (a = √(6/nin)).
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | None = None,
        init: str = "uniform",
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        check_positive_int(nin, "nin")
        activation = activation if activation is not None else ("relu" if nonlin else "linear")
        _check_choice("activation", activation, ACTIVATIONS)
        _check_choice("initialisation", init, INITIALISATIONS)
        half_width = INITIALISATIONS[init](nin)
        draw = (rng if rng is not None else random).uniform
        self.w = [Value(draw(-half_width, half_width)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation
        self.fused = fused
        self._activate = ACTIVATIONS[activation]

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation != "linear"

    def __call__(self, x: Input) -> Value:
        if self.fused:
            z = Value.dot(self.w, x, self.b)
        else:
            z = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return self.activate(z)

    def activate(self, z: Value) -> Value:
        """a = g(z), the neuron's activation (z itself when linear)."""
        return z if self._activate is None else self._activate(z)

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs.

    `layer(x)` returns a Value when nout == 1 and a list otherwise (micrograd);
    `layer.forward(x)` always returns a list.
    """

    def __init__(self, nin: int, nout: int, nonlin: bool = True, **neuron_options: object) -> None:
        check_positive_int(nout, "nout")
        self.neurons = [Neuron(nin, nonlin, **neuron_options) for _ in range(nout)]  # type: ignore[arg-type]

    @property
    def nin(self) -> int:
        """The number of inputs each neuron takes."""
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        """The number of neurons (outputs)."""
        return len(self.neurons)

    @property
    def activation(self) -> str:
        """The neurons' activation: a name in `ACTIVATIONS`."""
        return self.neurons[0].activation

    def forward(self, x: Input) -> list[Value]:
        """The outputs of all neurons, always as a list: aⱼ = g(Σᵢ wⱼᵢxᵢ + bⱼ).

        Fused neurons get their weighted sums from one `Value.affine` call (the same
        `dot` nodes as calling each neuron, with the inputs read once).
        """
        neurons = self.neurons
        if not all([n.fused for n in neurons]):
            return [n(x) for n in neurons]
        zs = Value.affine([n.w for n in neurons], x, [n.b for n in neurons])
        return [n.activate(z) for n, z in zip(neurons, zs)]

    def __call__(self, x: Input) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: layer sizes nin → nouts[0] → ... → nouts[-1].

    Hidden layers use `activation` (default relu, as micrograd), the last layer
    `output_activation` (default linear). `activation` may also be a list with one
    name per layer, which then sets every layer including the last. Other keyword
    options (`init`, `rng`, `fused`) go to every neuron. Call `model(x)` for
    micrograd's output (a Value when the last layer has one neuron) or
    `model.forward(x)` for a list in every case.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: str | Sequence[str] = "relu",
        output_activation: str = "linear",
        init: str = "uniform",
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        check_positive_int(nin, "nin")
        nouts = list(nouts)
        if not nouts:
            raise ValueError("nouts must list at least one layer size")
        for n in nouts:
            check_positive_int(n, "each layer size")
        if isinstance(activation, str):
            _check_choice("activation", activation, ACTIVATIONS)
            activations = [activation] * (len(nouts) - 1) + [output_activation]
        else:
            activations = list(activation)
            if len(activations) != len(nouts):
                raise ValueError(f"{len(activations)} activations for {len(nouts)} layers")
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=activations[i], init=init, rng=rng, fused=fused)
            for i in range(len(nouts))
        ]

    @property
    def nin(self) -> int:
        """The number of inputs of the first layer."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """Each layer's number of outputs, first to last."""
        return [layer.nout for layer in self.layers]

    @property
    def activations(self) -> list[str]:
        """Each layer's activation, first to last."""
        return [layer.activation for layer in self.layers]

    def forward(self, x: Input) -> list[Value]:
        """The last layer's outputs, always as a list."""
        for layer in self.layers:
            x = layer.forward(x)
        return x  # type: ignore[return-value]

    def __call__(self, x: Input) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activations={self.activations}, "
            f"parameters={self.num_parameters()})"
        )
