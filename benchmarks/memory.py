"""Memory with tracemalloc: bytes a graph keeps alive, and the peak of a whole step.

tracemalloc counts every allocation made through Python's allocators, so it sees
every `Value` of stepgrad and micrograd, with their tuples, sets, dicts, floats and
closures. It cannot see PyTorch's tensors (allocated in C++), so PyTorch has no
memory figures here. Each measurement starts after `gc.collect()`, from the memory
already in use, and counts only what the measured call adds.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.engines import Engine
from benchmarks.workloads import CHAIN_LEAVES, build_chain, chain_once

__all__ = [
    "Traced",
    "traced",
    "count_nodes",
    "binary_graph_bytes_per_node",
    "graph_and_step",
    "chain_peak",
]


@dataclass
class Traced:
    retained: int  # bytes still allocated after the call, while its result is alive
    peak: int  # the most bytes allocated at any moment during the call
    result: Any


def traced(fn: Callable[[], Any]) -> Traced:
    """Run `fn` under tracemalloc; what it allocated and still holds, and its peak, above the start."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Traced(current - base, peak - base, result)


def count_nodes(root: Any, parents: Callable[[Any], Any]) -> int:
    """Number of distinct nodes reachable from `root` through `parents(node)` (iterative)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for p in parents(stack.pop()):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def binary_graph_bytes_per_node(leaf: Callable[[float], Any], n_ops: int) -> float:
    """Bytes per node of a graph of n_ops binary ops (`*` and `+` alternating, node operands),
    built from leaves made by `leaf(x)` (an engine's `leaf`, or a Value class).

    The three leaves exist before the measurement, so every byte counted belongs to an op node.
    """
    leaves = [leaf(x) for x in CHAIN_LEAVES]
    graph = traced(lambda: build_chain(leaves, n_ops))
    return graph.retained / (2 * (n_ops // 2))


def graph_and_step(model: Any) -> tuple[int, int, Any]:
    """For an mlp model with `forward()` and `step()`: (bytes of the graph one forward pass keeps
    alive, peak bytes of a whole step, the root of the graph)."""
    graph = traced(model.forward)
    step = traced(model.step)
    return graph.retained, step.peak, graph.result


def chain_peak(engine: Engine, n_ops: int) -> tuple[int, int]:
    """(peak bytes of the chain's forward + backward, bytes it keeps alive afterwards)."""
    run = traced(lambda: chain_once(engine, n_ops))
    return run.peak, run.retained
