"""Where stepgrad's time goes: one workload's timed call under cProfile, functions by their own time.

`python -m benchmarks --profile mlp` (or neuron, chain, transformer). cProfile adds a fixed cost to
every Python call it sees, so small functions look bigger than they are: use it to
find where the time goes, and the timing tables to measure a change.
"""

from __future__ import annotations

import cProfile
import io
import pstats

from benchmarks.workloads import Workload

__all__ = ["WORKLOADS", "profile_workload"]

#: the names `--profile` accepts: the first word of each workload's name
WORKLOADS = ("neuron", "chain", "mlp", "transformer")


def profile_workload(workload: Workload, engine: str = "stepgrad", calls: int = 3, top: int = 15) -> str:
    """`calls` runs of the engine's timed call under cProfile: the `top` functions by own time, as text."""
    run = workload.cases[engine].run
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        run()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    return f"{engine} on {workload.name}, {calls} timed calls under cProfile\n{text.getvalue()}"
