"""The time table as a chart: every engine's median time on every workload, ÷ micrograd's, log scale.

`python -m benchmarks --plot out/bench.png` (`make bench` does). matplotlib is imported
lazily, through `nn.plots`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from benchmarks.report import ENGINE_ORDER, ratio_text
from nn.plots import inline_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_times", "relative_times"]


def relative_times(results: dict[str, Any]) -> dict[str, list[float]]:
    """engine → its median time ÷ micrograd's, one number per workload (in `results["workloads"]` order)."""
    timings = results["timings"]
    return {
        engine: [
            timings[w]["median"][engine] / timings[w]["median"]["micrograd"] for w in results["workloads"]
        ]
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
        ax.bar_label(bars, labels=[ratio_text(r) for r in ratios], padding=3, fontsize=8)
    ax.set_yticks(range(len(workloads)), labels=[w.replace(" (", "\n(", 1) for w in workloads])
    ax.invert_yaxis()  # first workload on top, engines in table order
    ax.set_xscale("log")
    ax.axvline(1.0, color="gray", linewidth=0.8, linestyle=":")
    ax.margins(x=0.15)
    ax.set_xlabel("median time ÷ micrograd's (log scale; lower is faster)")
    meta = results["meta"]
    sizes = " (QUICK sizes)" if meta["quick"] else ""
    title = (
        f"median of {meta['sizes']['rounds']} interleaved rounds{sizes}: {meta['date']}, {meta['machine']}"
    )
    ax.set_title(f"{title}, python {meta['versions']['python']}", fontsize=9)
    ax.legend(loc="lower left", bbox_to_anchor=(1.0, 0.0), frameon=False)
    return fig
