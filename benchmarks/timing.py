"""Interleaved timing: every engine once per round, in rotating order; medians over rounds.

On a busy two-core machine absolute times swing by 2× between runs, but a slow
stretch hits every engine of a round alike, so the ratios of medians within one run
hold. Nothing process-wide is changed: the garbage collector keeps Python's default
settings for every engine. Before each timed call an untimed `gc.collect()` clears
what the previous call left behind (micrograd's graphs are reference cycles that only
the collector frees), so no engine pays for another engine's garbage; collections
triggered by a call's own allocations are part of its time.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable

__all__ = ["time_call", "interleaved", "median"]


def time_call(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes, after an untimed `gc.collect()`."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(
    groups: dict[str, dict[str, Callable[[], object]]],
    rounds: int,
    on_round: Callable[[], object] | None = None,
) -> dict[str, dict[str, list[float]]]:
    """Time every function of every group once per round: {group: {name: [seconds per round]}}.

    In round r the functions of a group start at position r (mod their number), so each
    function runs first, second, ... equally often.
    """
    samples: dict[str, dict[str, list[float]]] = {g: {name: [] for name in fns} for g, fns in groups.items()}
    for r in range(rounds):
        for group, fns in groups.items():
            names = list(fns)
            k = r % len(names)
            for name in names[k:] + names[:k]:
                samples[group][name].append(time_call(fns[name]))
        if on_round is not None:
            on_round()
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)
