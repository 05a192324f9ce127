"""The whole run, in order: agreement check, interleaved timing, the long chain, memory, targets.

`run(sizes)` returns every number as plain JSON-ready data; `benchmarks.report` turns
it into tables. Nothing is timed before every engine has been shown to compute the
same loss and gradients (`benchmarks.agreement`).
"""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from typing import Any

from autograd import graph_stats
from autograd.engine import ENGINE
from benchmarks import floor, processes
from benchmarks.agreement import check_agreement
from benchmarks.engines import MICROGRAD, STEPGRAD, available_engines
from benchmarks.memory import (
    binary_graph_bytes_per_node,
    chain_peak,
    count_nodes,
    graph_and_step,
    traced,
)
from benchmarks.report import targets
from benchmarks.timing import interleaved, median
from benchmarks.transformer import MinimalValue
from benchmarks.workloads import (
    CHAIN_LEAVES,
    MINIMAL,
    Result,
    Sizes,
    chain_once,
    make_workloads,
    mlp_models,
    mlp_problem,
    transformer_models,
)

__all__ = ["run", "MICROGRAD_CHAIN_PROBE"]

#: micrograd's backward sorts the graph recursively, one Python frame per node of depth: under
#: the default recursion limit (1000) a chain this long raises RecursionError. It is tried at this
#: length instead of the long chain's million (which would only build a graph to fail on).
MICROGRAD_CHAIN_PROBE = 2_000


def _versions(engines: dict[str, Any]) -> dict[str, str]:
    versions = {"python": platform.python_version(), "micrograd": metadata.version("micrograd")}
    torch_engine = engines.get("PyTorch scalar")
    if torch_engine is not None:
        versions["torch"] = torch_engine.torch.__version__
    return versions


def _check_all(workloads: list, log: Callable[[str], object]) -> None:
    for workload in workloads:
        results = {name: case.result() for name, case in workload.cases.items()}
        check_agreement(workload.name, results)
        count = len(results["stepgrad"].grads)
        log(f"  {workload.name}: loss and {count} gradients agree across {', '.join(results)}")


def _long_chain(sizes: Sizes, log: Callable[[str], object]) -> dict[str, Any]:
    n = sizes.long_chain_ops
    root, leaves = chain_once(STEPGRAD, n)
    ours = Result(root.data, [v.grad for v in leaves])
    del root, leaves
    check_agreement(f"chain ({n:,} ops)", {"stepgrad": ours, "floor": Result(*floor.chain(*CHAIN_LEAVES, n))})
    log(f"  chain ({n:,} ops): stepgrad completes and agrees with the floor")
    samples = interleaved(
        {
            "long": {
                "stepgrad": lambda: chain_once(STEPGRAD, n),
                "floor": lambda: floor.chain(*CHAIN_LEAVES, n),
            }
        },
        sizes.long_chain_rounds,
    )["long"]
    try:
        chain_once(MICROGRAD, MICROGRAD_CHAIN_PROBE)
        micrograd = f"completed {MICROGRAD_CHAIN_PROBE:,} ops; not run at {n:,}"
    except RecursionError:
        micrograd = f"RecursionError (already at {MICROGRAD_CHAIN_PROBE:,} ops)"
    peak, _ = chain_peak(STEPGRAD, n)
    return {
        "ops": n,
        "seconds": {name: median(s) for name, s in samples.items()},
        "samples_s": samples,
        "micrograd": micrograd,
        "stepgrad_peak_bytes": peak,
    }


def _memory(sizes: Sizes) -> dict[str, Any]:
    n = sizes.memory_nodes
    per_node = {e.name: binary_graph_bytes_per_node(e.leaf, n) for e in (STEPGRAD, MICROGRAD)}
    per_node[MINIMAL] = binary_graph_bytes_per_node(MinimalValue, n)
    transformer_peak = {name: traced(make().step).peak for name, make in transformer_models().items()}
    problem = mlp_problem(sizes.mlp_points, sizes.mlp_hidden)
    makers = mlp_models({STEPGRAD.name: STEPGRAD, MICROGRAD.name: MICROGRAD})
    graph_bytes, step_peak, nodes = {}, {}, {}
    for name, make in makers.items():
        model = make(problem)
        if name == "floor":  # no graph: only the step's peak (its activations and gradients)
            step_peak[name] = traced(model.step).peak
            continue
        graph_bytes[name], step_peak[name], root = graph_and_step(model)
        if name == STEPGRAD.name:
            nodes[name] = graph_stats(root).nodes
        else:
            nodes[name] = count_nodes(root, lambda v: v._prev)
    return {
        "binary_graph_nodes": 2 * (n // 2),
        "binary_bytes_per_node": per_node,
        "transformer_step_peak_bytes": transformer_peak,
        "mlp_graph_bytes": graph_bytes,
        "mlp_graph_nodes": nodes,
        "mlp_step_peak_bytes": step_peak,
    }


def run(
    sizes: Sizes,
    *,
    with_torch: bool = True,
    quick: bool = False,
    command: str = "python -m benchmarks",
    log: Callable[[str], object] = print,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, Any]:
    """Run the suite; `progress(total)` may return a callable ticked once per timing round."""
    engines, skipped = available_engines(with_torch)
    for reason in skipped.values():
        log(reason)
    workloads = make_workloads(engines, sizes)
    log("Checking that every engine computes the same loss and gradients:")
    _check_all(workloads, log)
    log(f"Timing {sizes.rounds} interleaved rounds (default gc settings) ...")
    tick = progress(sizes.rounds) if progress is not None else None
    samples = interleaved(
        {w.name: {n: c.run for n, c in w.cases.items()} for w in workloads}, sizes.rounds, tick
    )
    timings = {
        w.name: {
            "unit": w.unit,
            "median": {name: median(s) * w.per_second for name, s in samples[w.name].items()},
            "min": {name: min(s) * w.per_second for name, s in samples[w.name].items()},
            "samples_s": samples[w.name],
        }
        for w in workloads
    }
    log(f"The long chain ({sizes.long_chain_ops:,} ops) ...")
    long_chain = _long_chain(sizes, log)
    log("Memory (tracemalloc) ...")
    memory = _memory(sizes)
    rounds, steps = sizes.process_rounds, sizes.process_steps
    log(f"The transformer as whole processes ({rounds} rounds of {steps} steps) ...")
    whole = processes.run(steps, rounds)
    results: dict[str, Any] = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
            "versions": _versions(engines),
            "engine": ENGINE,
            "quick": quick,
            "sizes": asdict(sizes),
            "command": command,
        },
        "engines": [*engines, MINIMAL, "floor"],
        "skipped": skipped,
        "workloads": [w.name for w in workloads],
        "baselines": {w.name: w.baseline for w in workloads},
        "timings": timings,
        "long_chain": long_chain,
        "memory": memory,
        "processes": whole,
    }
    results["targets"] = targets(results)
    return results
