"""The time table as a chart: every engine's median time on every workload ÷ the workload's
baseline (micrograd's; the minimal Value's for the transformer), log scale.

`python -m benchmarks --plot out/bench.png` (`make bench` does). matplotlib is imported
lazily, through `nn.plots`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from benchmarks.report import ENGINE_ORDER, ratio_text
from nn.plots import inline_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_times", "relative_times"]


def relative_times(results: dict[str, Any]) -> dict[str, list[float]]:
    """engine → its median time ÷ the baseline's, one number per workload (in `results["workloads"]`
    order); NaN where the engine does not run that workload."""
    timings, baselines = results["timings"], results["baselines"]

    def ratio(engine: str, w: str) -> float:
        median = timings[w]["median"]
        return median[engine] / median[baselines[w]] if engine in median else math.nan

    return {
        engine: [ratio(engine, w) for w in results["workloads"]]
        for engine in ENGINE_ORDER
        if engine in results["engines"]
    }


def plot_times(results: dict[str, Any]) -> Figure:
    """One group of horizontal bars per workload, one bar per engine, labelled with its ratio."""
    relative, workloads = relative_times(results), results["workloads"]
    fig = inline_figure(8.0, 1.2 + 1.3 * len(workloads))
    ax = fig.subplots()
    height = 0.8 / len(relative)
    for i, (engine, ratios) in enumerate(relative.items()):
        rows = [row - 0.4 + height * (i + 0.5) for row in range(len(workloads))]
        bars = ax.barh(rows, ratios, height=height, label=engine)
        labels = ["" if math.isnan(r) else ratio_text(r) for r in ratios]  # NaN: not run on that workload
        ax.bar_label(bars, labels=labels, padding=3, fontsize=8)
    ax.set_yticks(range(len(workloads)), labels=[w.replace(" (", "\n(", 1) for w in workloads])
    ax.invert_yaxis()  # first workload on top, engines in table order
    ax.set_xscale("log")
    ax.axvline(1.0, color="gray", linewidth=0.8, linestyle=":")
    ax.margins(x=0.15)
    ax.set_xlabel("median time ÷ the baseline's: micrograd or the minimal Value (log scale; lower is faster)")
    meta = results["meta"]
    sizes = " (QUICK sizes)" if meta["quick"] else ""
    title = (
        f"median of {meta['sizes']['rounds']} interleaved rounds{sizes}: {meta['date']}, {meta['machine']}"
    )
    ax.set_title(f"{title}, python {meta['versions']['python']}", fontsize=9)
    ax.legend(loc="lower left", bbox_to_anchor=(1.0, 0.0), frameon=False)
    return fig
