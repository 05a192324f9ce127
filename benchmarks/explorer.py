"""The explorer's cost: `explore()` on an MLP's loss, and one edit of a leaf, at two sizes.

`python -m benchmarks.explorer [--quick] [--repeat N]` (`make bench` runs it after the suite).

The graph: `nn.MLP(2, [16, 16, 1])`, tanh, mean squared error over seeded points: 29 samples
give a loss of 2,282 nodes, 63 samples twice that (4,560). After one warm-up (imports, the
widget's assets), each round, for each size, times
`explore(loss, model=model, collapse=True, max_nodes=None)` (the graph sorted and named,
backprop traced, every formula written, the DOT drawn, the state set
on the widget) and then `widget.edit(leaf, value)` on a first-layer weight (replay, a new
trace, the formulas again). Reported: the medians, the ratio of the larger graph's time to
the smaller's (linear cost: about 2), and each time over one `loss.backward()` on the same
graph in the same round, a baseline that moves with the machine's speed and load. Times are
the process's CPU time (on a shared machine wall-clock time also counts other processes' turns);
the wall-clock medians are reported beside them.

Runs only the public API, so the same file times any checkout:
`PYTHONPATH=path/to/checkout python benchmarks/explorer.py`.
"""

from __future__ import annotations

import argparse
import functools
import gc
import random
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from autograd import explore, topological_order
from nn import MLP, mse

__all__ = ["mlp_loss", "measure", "main"]

SIZES = (29, 63)  # samples: 2,282 and 4,560 nodes
QUICK_SIZES = (2, 9)  # 473 and 942 nodes


def mlp_loss(samples: int, seed: int = 1) -> tuple[Any, Any]:
    """(loss, model): MLP(2, [16, 16, 1]) and the mean squared error over `samples` seeded points."""
    rng = random.Random(seed)
    model = MLP(2, [16, 16, 1], rng=rng)
    xs = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(samples)]
    ys = [rng.uniform(-1.0, 1.0) for _ in range(samples)]
    return mse([model(x) for x in xs], ys), model


def _timed(call: Any) -> tuple[float, float, Any]:
    """(CPU seconds of this process, wall seconds, the call's result)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = call()
    return time.process_time() - cpu, time.perf_counter() - wall, result


_TIMED = ("explore", "edit", "backward")


def measure(samples: Sequence[int], rounds: int) -> dict[int, dict[str, Any]]:
    """{samples: {"nodes", "explore", "edit", "backward", "explore wall", ...}}: median seconds
    over `rounds` rounds (CPU time of this process; wall-clock time under "... wall"), the sizes
    interleaved within each round."""
    keys = [*_TIMED, *(f"{key} wall" for key in _TIMED)]
    times: dict[int, dict[str, list[float]]] = {n: {key: [] for key in keys} for n in samples}
    nodes = {}
    loss, model = mlp_loss(min(samples))
    explore(loss, model=model, collapse=True, max_nodes=None)  # warm-up: imports, assets
    for _ in range(rounds):
        for n in samples:
            gc.collect()  # the previous round's graphs, freed before this round is timed
            loss, model = mlp_loss(n)
            nodes[n] = len(topological_order(loss))
            backward = _timed(loss.backward)
            explored = _timed(functools.partial(explore, loss, model=model, collapse=True, max_nodes=None))
            weight, widget = model.layers[0].neurons[0].w[0], explored[2]
            edited = _timed(functools.partial(widget.edit, weight, weight.data + 0.25))
            widget.close()  # out of ipywidgets' registry, so rounds do not pile up graphs
            for key, (cpu, wall, _) in zip(_TIMED, (explored, edited, backward)):
                times[n][key].append(cpu)
                times[n][f"{key} wall"].append(wall)
    return {
        n: {"nodes": nodes[n], **{key: statistics.median(values) for key, values in times[n].items()}}
        for n in samples
    }


def report(results: dict[int, dict[str, Any]]) -> str:
    """The results as a markdown table, then the growth from the smaller graph to the larger."""
    lines = [
        "| samples | nodes | explore() | edit | backward() | explore / backward | edit / backward "
        "| explore() wall | edit wall |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in results.items():
        lines.append(
            f"| {n} | {r['nodes']:,} | {r['explore']:.3f} s | {r['edit']:.3f} s "
            f"| {r['backward'] * 1e3:.1f} ms | {r['explore'] / r['backward']:.0f}× "
            f"| {r['edit'] / r['backward']:.0f}× "
            f"| {r['explore wall']:.3f} s | {r['edit wall']:.3f} s |"
        )
    small, large = (results[n] for n in sorted(results)[:2])
    lines.append("")
    lines.append(
        "CPU time of this process (wall-clock in the last two columns); medians. "
        f"From {small['nodes']:,} to {large['nodes']:,} nodes ({large['nodes'] / small['nodes']:.2f}×): "
        f"explore() {large['explore'] / small['explore']:.2f}×, edit {large['edit'] / small['edit']:.2f}×."
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.explorer", description="Time explore() and an edit on an MLP's loss."
    )
    quick_help = "{} and {} samples (seconds)".format(*QUICK_SIZES)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--repeat", type=int, default=None, metavar="N", help="rounds (default 5, quick 1)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error(f"--repeat must be a positive integer, got {args.repeat}")
    rounds = args.repeat or (1 if args.quick else 5)
    print(report(measure(QUICK_SIZES if args.quick else SIZES, rounds)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
