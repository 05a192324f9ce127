"""The benchmark suite keeps working: it runs at tiny sizes, checks agreement, and its floor is right.

No timing assertions: a benchmark is not a timed unit test, and CI may be slow.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import re

import pytest

import autograd
from autograd import Value
from autograd.engine.check import central_difference
from benchmarks import floor
from benchmarks.__main__ import main
from benchmarks.agreement import AgreementError, check_agreement
from benchmarks.engines import available_engines
from benchmarks.plot import plot_times, relative_times
from benchmarks.report import ENGINE_ORDER, ratio_text
from benchmarks.transformer import MinimalValue, Transformer, names_dataset
from benchmarks.workloads import (
    CHAIN_LEAVES,
    NEURON_INPUTS,
    Result,
    floor_mlp,
    mlp_models,
    mlp_problem,
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """`python -m benchmarks --quick --json PATH`, once: (exit status, stdout, saved JSON)."""
    path = tmp_path_factory.mktemp("bench") / "results.json"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--quick", "--json", str(path), "--plot", str(path.with_suffix(".png"))])
    return status, out.getvalue(), json.loads(path.read_text(encoding="utf-8")), err.getvalue()


def test_quick_suite_completes_and_reports_every_workload(quick_run):
    status, table, results, log = quick_run
    assert status == 0, log
    assert "agree across stepgrad, micrograd" in log
    assert [w.split(" ")[0] for w in results["workloads"]] == ["neuron", "chain", "mlp", "transformer"]
    for name in results["workloads"][:3]:  # every engine but the transformer's baseline
        assert f"| {name} |" in table
        assert set(results["timings"][name]["median"]) == set(results["engines"]) - {"minimal Value"}
    assert f"| chain ({results['long_chain']['ops']:,} ops) |" in table
    for row in ("binary ops, per node", "mlp: graph after the forward pass", "mlp: peak during one step"):
        assert row in table
    assert len(results["targets"]) == 11
    for target in results["targets"]:
        assert f"| {target['target']} |" in table


def test_quick_suite_measures_positive_numbers(quick_run):
    _, _, results, _ = quick_run
    for timing in results["timings"].values():
        assert all(t > 0 for t in timing["median"].values())
    memory = results["memory"]
    assert all(b > 0 for b in memory["binary_bytes_per_node"].values())
    assert all(b > 0 for b in memory["mlp_graph_bytes"].values())
    assert results["long_chain"]["stepgrad_peak_bytes"] > 0


def test_the_minimal_value_is_measured_beside_stepgrad(quick_run):
    """The transformer's baseline is measured in the same run: its time, bytes per node and step peak."""
    _, table, results, _ = quick_run
    memory = results["memory"]
    assert memory["binary_bytes_per_node"]["minimal Value"] > 0
    assert all(b > 0 for b in memory["transformer_step_peak_bytes"].values())
    transformer = results["workloads"][3]
    assert results["baselines"][transformer] == "minimal Value"
    assert set(results["timings"][transformer]["median"]) == {"stepgrad", "minimal Value"}
    assert "(minimal Value) |" in table


def test_the_minimal_value_differentiates_like_stepgrad():
    """The baseline must compute the same function and gradients, op by op (stepgrad is checked
    against sympy elsewhere)."""

    def f(v, w):
        return ((v * w + 2.0 - w / v) ** 2).exp().log() + (-(v**-0.5)).relu() + (3.0 - w) * (1.0 / w)

    for V in (Value, MinimalValue):
        v, w = V(1.3), V(-0.7)
        out = f(v, w)
        out.backward()
        if V is Value:
            expected = (out.data, v.grad, w.grad)
    assert (out.data, v.grad, w.grad) == pytest.approx(expected, rel=1e-12)


def test_names_data_set_is_seeded_and_the_transformer_has_the_issue_shape():
    assert names_dataset(5) == names_dataset(5) and names_dataset(5, seed=8) != names_dataset(5)
    model = Transformer(Value)
    assert 4000 <= len(model.parameters) <= 4400
    assert all(c.isalpha() and c.islower() for name in model.docs for c in name)


def test_plot_draws_every_engine_on_every_workload_relative_to_micrograd(quick_run):
    _, _, results, log = quick_run
    png = log.split("wrote ")[-1].strip()
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    relative = relative_times(results)
    assert list(relative) == [e for e in ENGINE_ORDER if e in results["engines"]]
    assert relative["micrograd"][:3] == [1.0] * 3 and math.isnan(relative["micrograd"][3])
    assert relative["minimal Value"][3] == 1.0 and math.isnan(relative["minimal Value"][0])
    mlp = results["timings"][results["workloads"][2]]["median"]
    assert relative["stepgrad"][2] == mlp["stepgrad"] / mlp["micrograd"]
    ax = plot_times(results).axes[0]
    assert len(ax.patches) == len(relative) * len(results["workloads"])
    labels = [t.get_text() for t in ax.texts]
    assert ratio_text(relative["floor"][0]) in labels and ax.get_xscale() == "log"


def test_micrograd_long_chain_is_reported_not_crashed(quick_run):
    _, _, results, _ = quick_run
    assert results["long_chain"]["micrograd"].startswith("RecursionError")


@pytest.mark.parametrize("workload", ["neuron", "chain", "mlp", "transformer"])
def test_profile_names_the_engine_functions_by_own_time(workload, capsys):
    assert main(["--quick", "--profile", workload]) == 0
    report = capsys.readouterr().out
    if autograd.COMPILED:  # profiled on the pure engine, which cProfile can see into
        note, report = report.split("\n", 1)
        assert note.startswith("(the compiled engine is opaque to cProfile")
    assert report.startswith(f"stepgrad on {workload}")
    assert "Ordered by: internal time" in report
    for function in ("(backward)", "(topological_order)"):
        assert function in report
    assert any(builder in report for builder in ("(_binary)", "(_unary)", "(_fused)"))  # the node builders


def test_engines_without_torch_say_why():
    engines, skipped = available_engines(load=lambda: (None, "PyTorch baseline skipped: no torch here"))
    assert list(engines) == ["stepgrad", "micrograd"]
    assert skipped == {"PyTorch scalar": "PyTorch baseline skipped: no torch here"}


# ---- the agreement check -----------------------------------------------------------------
@pytest.fixture(scope="module")
def mlp_results():
    """Loss and gradients of one demo step on a small problem, per engine (and the floor)."""
    problem = mlp_problem(points=8, hidden=(4, 4))
    engines, _ = available_engines(with_torch=False)
    results = {}
    for name, make in mlp_models(engines).items():
        model = make(problem)
        results[name] = Result(model.step(), model.gradients())
    return results


def test_agreement_accepts_the_engines(mlp_results):
    check_agreement("mlp", mlp_results)


def test_agreement_catches_a_wrong_gradient(mlp_results):
    wrong = dataclasses.replace(mlp_results["floor"], grads=list(mlp_results["floor"].grads))
    wrong.grads[5] *= 1 + 1e-6
    with pytest.raises(AgreementError, match=r"gradient 5 .* in floor"):
        check_agreement("mlp", {**mlp_results, "floor": wrong})


def test_agreement_catches_a_wrong_loss_and_a_missing_gradient(mlp_results):
    ref = mlp_results["stepgrad"]
    with pytest.raises(AgreementError, match="loss"):
        check_agreement("mlp", {"stepgrad": ref, "bad": Result(ref.loss + 1e-6, ref.grads)})
    with pytest.raises(AgreementError, match="gradients"):
        check_agreement("mlp", {"stepgrad": ref, "bad": Result(ref.loss, ref.grads[:-1])})


def test_the_cli_refuses_to_time_disagreeing_engines(monkeypatch, capsys):
    def disagree(*args, **kwargs):
        raise AgreementError("mlp: gradient 0 is 1.0 in floor but 2.0 in stepgrad")

    monkeypatch.setattr("benchmarks.__main__.run", disagree)
    assert main(["--quick"]) == 1
    assert "disagree" in capsys.readouterr().err


# ---- the floor against central differences -------------------------------------------------
def _assert_matches_differences(f, x: list[float], grads: list[float]) -> None:
    assert len(grads) == len(x)
    for i, g in enumerate(grads):
        numeric = central_difference(lambda *v: f(list(v)), x, i)
        assert math.isclose(g, numeric, rel_tol=1e-5, abs_tol=1e-7), i


def test_floor_neuron_matches_central_differences():
    w, x, b, t, lam = NEURON_INPUTS.values()
    _, grads = floor.neuron(w, x, b, t, lam)
    _assert_matches_differences(lambda v: floor.neuron(*v, t, lam)[0], [w, x, b], grads)


def test_floor_chain_matches_central_differences():
    _, grads = floor.chain(*CHAIN_LEAVES, 40)
    _assert_matches_differences(lambda v: floor.chain(*v, 40)[0], list(CHAIN_LEAVES), grads)


def test_floor_mlp_matches_central_differences():
    problem = mlp_problem(points=6, hidden=(3, 3))
    model = floor_mlp(problem)
    model.loss_and_gradients()

    def loss(params: list[float]) -> float:
        return floor_mlp(dataclasses.replace(problem, initial=params)).loss_and_gradients()

    _assert_matches_differences(loss, list(problem.initial), model.gradients())


def test_the_explorer_benchmark_reports_both_sizes_and_the_growth(capsys):
    from benchmarks import explorer

    assert explorer.main(["--quick"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if re.match(r"\| \d+ \| [\d,]+ \|", line)]
    assert [row.split("|")[1:3] for row in rows] == [[" 2 ", " 473 "], [" 9 ", " 942 "]]
    assert re.search(r"From 473 to 942 nodes \(1\.99×\): explore\(\) \d+\.\d\d×, edit \d+\.\d\d×\.", out)
    with pytest.raises(SystemExit):
        explorer.main(["--repeat", "0"])
