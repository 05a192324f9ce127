"""Each autodiff engine behind the same few operations, so a workload is written once.

Arithmetic (`+ - * **`, numbers on either side) is Python's operator overloading in
every engine; what differs is named here: how to make a leaf, the two functions the
workloads use (sigmoid, relu), how to run backward and how to read a result back.

- stepgrad: `autograd.Value`, public API only.
- micrograd 0.1.0 (from PyPI): its `Value` has no exp or sigmoid, so `sigmoid` is added
  the way micrograd adds its own ops (one node with a `_backward` closure, as in the
  lecture's `exp`). One node is the cheapest way to give micrograd a sigmoid, so this
  flatters micrograd, never stepgrad.
- PyTorch scalar-at-a-time: every number a 0-d float64 tensor with `requires_grad`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autograd import Value

__all__ = ["Engine", "STEPGRAD", "MICROGRAD", "available_engines", "load_torch"]


class Engine:
    """An autodiff engine seen through the operations the workloads need."""

    name = ""

    def leaf(self, x: float) -> Any:
        """A new input or parameter holding x."""
        raise NotImplementedError

    def sigmoid(self, v: Any) -> Any:
        raise NotImplementedError

    def relu(self, v: Any) -> Any:
        return v.relu()

    def backward(self, root: Any) -> None:
        root.backward()

    def data(self, v: Any) -> float:
        return float(v.data)

    def grad(self, v: Any) -> float:
        return float(v.grad)


class Stepgrad(Engine):
    name = "stepgrad"

    def leaf(self, x: float) -> Value:
        return Value(x)

    def sigmoid(self, v: Value) -> Value:
        return v.sigmoid()


class Micrograd(Engine):
    name = "micrograd"

    def __init__(self) -> None:
        from micrograd.engine import Value as MicrogradValue

        self.Value = MicrogradValue

    def leaf(self, x: float) -> Any:
        return self.Value(x)

    def sigmoid(self, v: Any) -> Any:
        """σ as one micrograd node: s = 1/(1 + e⁻ˣ), ∂s/∂x = s(1 − s), applied in `_backward`."""
        s = 1.0 / (1.0 + math.exp(-v.data))
        out = self.Value(s, (v,), "sigmoid")

        def _backward() -> None:
            v.grad += s * (1.0 - s) * out.grad

        out._backward = _backward
        return out


class TorchScalar(Engine):
    """PyTorch used one scalar at a time: every value a 0-d float64 tensor."""

    name = "PyTorch scalar"

    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def leaf(self, x: float) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=True)

    def sigmoid(self, v: Any) -> Any:
        return self.torch.sigmoid(v)

    def relu(self, v: Any) -> Any:
        return self.torch.relu(v)

    def data(self, v: Any) -> float:
        return v.item()

    def grad(self, v: Any) -> float:
        return 0.0 if v.grad is None else v.grad.item()


STEPGRAD = Stepgrad()
MICROGRAD = Micrograd()


def load_torch() -> tuple[Any, str]:
    """(the torch module, "") when it can be imported, else (None, the reason it is skipped)."""
    try:
        import torch
    except (ImportError, OSError) as error:  # not installed, or installed without its native libraries
        return None, f"PyTorch baseline skipped: {error} (add it with `pip install torch`, CPU build)"
    return torch, ""


def available_engines(with_torch: bool = True, load: Callable[[], tuple[Any, str]] = load_torch):
    """(engines by name, {skipped engine: reason}): stepgrad and micrograd always, torch if importable."""
    engines: dict[str, Engine] = {STEPGRAD.name: STEPGRAD, MICROGRAD.name: MICROGRAD}
    skipped: dict[str, str] = {}
    if not with_torch:
        skipped[TorchScalar.name] = "PyTorch baseline skipped: --no-torch"
    else:
        torch, reason = load()
        if torch is None:
            skipped[TorchScalar.name] = reason
        else:
            engines[TorchScalar.name] = TorchScalar(torch)
    return engines, skipped
