"""Tables and targets: the suite's numbers as markdown, ready to paste into the README.

The targets, all ratios within one run:
  the transformer step (plain Value arithmetic) ≤ 0.4× the minimal Value's time, its peak
  memory ≤ the minimal Value's;
  mlp step ≤ 0.02× micrograd's time and ≤ 2.5× the hand-written floor's;
  the regularized neuron (forward + backward) ≤ 0.35× micrograd's time;
  the long chain (1,000,000 ops) completes in under 3.1 s, its peak memory reported;
  a graph of binary ops costs ≤ 150 bytes per node;
  one mlp step's graph ≤ 0.1× the bytes of micrograd's.
"""

from __future__ import annotations

from typing import Any

from benchmarks.processes import COMPILED, PURE

__all__ = ["targets", "markdown", "ratio_text", "ENGINE_ORDER"]

ENGINE_ORDER = ["stepgrad", "micrograd", "PyTorch scalar", "minimal Value", "floor"]


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _number(x: float | None) -> str:
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def ratio_text(r: float | None) -> str:
    """A ratio as the tables and the chart show it: 0.018×, 0.44×, 5.10× ("—" when unknown)."""
    if r is None:
        return "—"
    return f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×"


def _bytes(b: float | None) -> str:
    if b is None:
        return "—"
    if b >= 2**20:
        return f"{b / 2**20:,.1f} MiB"
    if b >= 10 * 2**10:
        return f"{b / 2**10:,.0f} KiB"
    return f"{b:,.0f} B"


def _workload(results: dict[str, Any], first_word: str) -> str:
    return next(name for name in results["workloads"] if name.startswith(first_word))


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target: the measured value, whether it is met, and for time ratios also the ratio of
    the fastest rounds (the least disturbed by other processes; the target is judged on medians).
    """
    timings, memory, chain = results["timings"], results["memory"], results["long_chain"]
    mlp, neuron = timings[_workload(results, "mlp")], timings["neuron"]
    transformer = timings[_workload(results, "transformer")]

    def time_target(text: str, t: dict[str, Any], other: str, limit: float) -> dict[str, Any]:
        ratio = _ratio(t["median"]["stepgrad"], t["median"][other])
        best = _ratio(t["min"]["stepgrad"], t["min"][other])
        return {
            "target": text,
            "value": ratio,
            "measured": ratio_text(ratio),
            "best": ratio_text(best),
            "met": ratio <= limit,
        }

    per_node = memory["binary_bytes_per_node"]["stepgrad"]
    graph = memory["mlp_graph_bytes"]
    graph_ratio = _ratio(graph["stepgrad"], graph["micrograd"])
    peak = memory["transformer_step_peak_bytes"]
    peak_ratio = _ratio(peak["stepgrad"], peak["minimal Value"])
    seconds = chain["seconds"]["stepgrad"]
    whole = results["processes"]

    def process_target(text: str, engine: str, limit: float) -> dict[str, Any]:
        ratio = _ratio(whole["seconds"][engine], whole["seconds"]["minimal Value"])
        best = _ratio(whole["min_seconds"][engine], whole["min_seconds"]["minimal Value"])
        return {"target": text, "value": ratio, "measured": ratio_text(ratio), "best": ratio_text(best),
                "met": ratio <= limit}  # fmt: skip

    rss = whole["peak_bytes"]
    rss_ratio = _ratio(rss[COMPILED], rss["minimal Value"])
    return [
        process_target("transformer script, compiled ≤ 0.2× the minimal Value's", COMPILED, 0.2),
        process_target("transformer script, pure Python ≤ 0.5× the minimal Value's", PURE, 0.5),
        {"target": "transformer script, compiled: peak memory ≤ the minimal Value's", "value": rss_ratio,
         "measured": f"{_bytes(rss[COMPILED])} vs {_bytes(rss['minimal Value'])}",
         "best": "—", "met": rss_ratio <= 1.0},
        time_target("transformer step ≤ 0.4× the minimal Value's time", transformer, "minimal Value", 0.4),
        {"target": "transformer step: peak memory ≤ the minimal Value's", "value": peak_ratio,
         "measured": f"{_bytes(peak['stepgrad'])} vs {_bytes(peak['minimal Value'])}",
         "best": "—", "met": peak_ratio <= 1.0},
        time_target("mlp step ≤ 0.02× micrograd's time", mlp, "micrograd", 0.02),
        time_target("mlp step ≤ 2× the hand-written floor", mlp, "floor", 2.0),
        time_target("neuron ≤ 0.35× micrograd's time", neuron, "micrograd", 0.35),
        {"target": f"chain of {chain['ops']:,} ops built, differentiated and freed in under 1 s",
         "value": seconds, "measured": f"{_number(seconds)} s, peak {_bytes(chain['stepgrad_peak_bytes'])}",
         "best": "—", "met": seconds < 1.0},
        {"target": "graph of binary ops ≤ 150 bytes/node", "value": per_node,
         "measured": f"{per_node:.0f} bytes/node", "best": "—", "met": per_node <= 150},
        {"target": "one mlp step's graph ≤ 0.1× micrograd's bytes", "value": graph_ratio,
         "measured": ratio_text(graph_ratio), "best": "—", "met": graph_ratio <= 0.1},
    ]  # fmt: skip


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _time_table(results: dict[str, Any], engines: list[str]) -> list[str]:
    lines = [
        _row(["workload", "unit", *engines, "stepgrad ÷ baseline", "stepgrad ÷ floor"]),
        _row(["---"] * 2 + ["---:"] * (len(engines) + 2)),
    ]
    for name in results["workloads"]:
        t = results["timings"][name]
        med = t["median"]
        baseline = results["baselines"][name]
        cells = [_number(med.get(e)) for e in engines]
        ratios = [
            f"{ratio_text(_ratio(med['stepgrad'], med[baseline]))} ({baseline})",
            ratio_text(_ratio(med["stepgrad"], med.get("floor"))),
        ]
        lines.append(_row([name, t["unit"], *cells, *ratios]))
    chain = results["long_chain"]
    sec = chain["seconds"]
    cells = []
    for e in engines:
        if e == "micrograd":
            cells.append(chain["micrograd"])
        else:
            cells.append(_number(sec.get(e)))
    lines.append(
        _row(
            [
                f"chain ({chain['ops']:,} ops)",
                "s",
                *cells,
                "— (micrograd)",
                ratio_text(_ratio(sec["stepgrad"], sec["floor"])),
            ]
        )
    )
    return lines


def _memory_table(results: dict[str, Any]) -> list[str]:
    m = results["memory"]
    per_node, graph, nodes, peak = (
        m["binary_bytes_per_node"],
        m["mlp_graph_bytes"],
        m["mlp_graph_nodes"],
        m["mlp_step_peak_bytes"],
    )
    chain = results["long_chain"]

    def graph_cell(e: str) -> str:
        return f"{_bytes(graph[e])} ({nodes[e]:,} nodes, {graph[e] / nodes[e]:.0f} B/node)"

    return [
        _row(["memory (tracemalloc)", "stepgrad", "micrograd", "floor", "stepgrad ÷ micrograd"]),
        _row(["---", "---:", "---:", "---:", "---:"]),
        _row([
            f"graph of {m['binary_graph_nodes']:,} binary ops, per node",
            f"{per_node['stepgrad']:.0f} B",
            f"{per_node['micrograd']:.0f} B",
            "—",
            ratio_text(_ratio(per_node["stepgrad"], per_node["micrograd"])),
        ]),
        _row([
            "the same graph, minimal Value (tuples of children and local derivatives)",
            f"{per_node['minimal Value']:.0f} B",
            "—",
            "—",
            "—",
        ]),
        _row([
            "transformer: peak during one step (stepgrad; minimal Value in the floor column)",
            _bytes(m["transformer_step_peak_bytes"]["stepgrad"]),
            "—",
            _bytes(m["transformer_step_peak_bytes"]["minimal Value"]),
            "—",
        ]),
        _row([
            "mlp: graph after the forward pass",
            graph_cell("stepgrad"),
            graph_cell("micrograd"),
            "no graph",
            ratio_text(_ratio(graph["stepgrad"], graph["micrograd"])),
        ]),
        _row([
            "mlp: peak during one step",
            _bytes(peak["stepgrad"]),
            _bytes(peak["micrograd"]),
            _bytes(peak["floor"]),
            ratio_text(_ratio(peak["stepgrad"], peak["micrograd"])),
        ]),
        _row([
            f"chain ({chain['ops']:,} ops): peak, forward + backward",
            _bytes(chain["stepgrad_peak_bytes"]),
            chain["micrograd"],
            "—",
            "—",
        ]),
    ]  # fmt: skip


def _process_table(results: dict[str, Any]) -> list[str]:
    """The transformer script as whole processes: seconds, ratio to the minimal Value, peak memory."""
    whole = results["processes"]
    base = whole["seconds"]["minimal Value"]
    lines = [
        f"The transformer as a script, whole fresh processes ({whole['steps']} steps; start-up, imports "
        "and the collector included; the same losses checked first):",
        "",
        _row(["engine", "seconds (median)", "× minimal Value", "peak memory (VmHWM)"]),
        _row(["---", "---:", "---:", "---:"]),
    ]
    for engine, seconds in whole["seconds"].items():
        ratio = ratio_text(_ratio(seconds, base))
        lines.append(_row([engine, _number(seconds), ratio, _bytes(whole["peak_bytes"][engine])]))
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The report: time table, memory table, targets, and how the numbers were taken."""
    meta = results["meta"]
    engines = [e for e in ENGINE_ORDER if e in results["engines"]]
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    rounds = meta["sizes"]["rounds"]
    lines = [
        f"`{meta['command']}` — {meta['date']}, {meta['machine']}, {versions}, engine {meta['engine']}"
        + (" — QUICK sizes, not the issue's" if meta["quick"] else ""),
        "",
        f"Time: median of {rounds} interleaved rounds (lower is better); default gc settings throughout.",
        "",
        *_time_table(results, engines),
        "",
        *_memory_table(results),
        "",
        *_process_table(results),
        "",
        _row(["target", "measured (medians)", "fastest rounds", "met?"]),
        _row(["---", "---:", "---:", "---"]),
        *(
            _row([t["target"], t["measured"], t["best"], "met" if t["met"] else "**missed**"])
            for t in results["targets"]
        ),
    ]
    if "PyTorch scalar" in engines:
        lines += ["", "PyTorch allocates its tensors in C++, out of tracemalloc's sight: no memory figures."]
    for reason in results["skipped"].values():
        lines += ["", reason]
    return "\n".join(lines) + "\n"
