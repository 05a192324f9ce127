"""Bounded work: `dot` is given only graphs it can lay out, within a time limit, and never left
running; play() and Trace.table() refuse a graph by its size before working on it; the command
line says in its own words that a graph was too large for one picture."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd import Value
from autograd.recording.trace import trace
from autograd.views import player, render
from autograd.views.render import LayoutError, draw

pytestmark = pytest.mark.skipif(
    render.shutil.which("dot") is None, reason="needs graphviz's dot (make test installs it)"
)


def sum_of_products(terms: int) -> Value:
    """x*y + x*y + ...: two nodes with a fan-out of `terms`, which `dot` is slow to lay out
    (60 terms: about 3 s; 110: 36 s)."""
    x, y = Value(1.0, "x"), Value(2.0, "y")
    f = x * y
    for _ in range(terms - 1):
        f = f + x * y
    return f


@pytest.fixture
def dot_processes(monkeypatch):
    """Every `dot` process render starts, to check that none is left running."""
    started = []
    real_popen = subprocess.Popen

    def recording(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(render.subprocess, "Popen", recording)
    return started


def test_a_layout_over_its_time_limit_is_ended_with_the_ways_out(dot_processes):
    graph = draw(sum_of_products(60))
    graph.layout_timeout = 0.05
    begun = time.monotonic()
    with pytest.raises(
        LayoutError, match=r"did not lay out the graph \(\d+ nodes and \d+ edges\) within 0\.05 s"
    ) as caught:
        graph.svg()
    assert time.monotonic() - begun < 2.0
    assert "collapse=True" in str(caught.value) and "save_graph(graph, 'graph.dot')" in str(caught.value)
    assert [p.returncode is not None for p in dot_processes] == [True]  # ended, not orphaned


def test_a_graph_over_the_node_bound_is_refused_before_dot_starts(dot_processes):
    graph = draw(sum_of_products(5))
    graph.layout_max_nodes = 5
    with pytest.raises(LayoutError, match=r"the graph has \d+ nodes and \d+ edges, more than `dot` is given"):
        graph.pipe(format="png")
    assert dot_processes == []
    assert (
        render.Graph.layout_max_nodes == render.DOT_MAX_NODES
        and render.Graph.layout_timeout == render.DOT_TIMEOUT
    )


def test_ctrl_c_during_a_layout_ends_dot(dot_processes):
    graph = draw(sum_of_products(60))
    graph.layout_timeout = None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            graph.svg()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(dot_processes) == 1 and dot_processes[0].returncode is not None


def test_dot_crashing_is_a_clear_error(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\ncat > /dev/null\nkill -SEGV $$\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(LayoutError, match=r"dot was killed by signal 11 \(a crash, or out of memory\)"):
        draw(Value(2.0, "x") * 3.0).svg()


def test_play_refuses_by_size_before_recording_the_backward_pass(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("trace() ran before the size check")

    monkeypatch.setattr(player, "trace", never)
    f = Value(1.0, "x")
    for _ in range(1500):
        f = f + 1.0
    with pytest.raises(player.PlayerTooLargeError, match="1501 nodes, more than max_nodes=1000"):
        player.play(f)


def test_table_refuses_a_graph_over_its_bound_before_writing():
    f = Value(1.0, "x")
    for _ in range(10_000):
        f = f * 1.0
    recorded = trace(f)
    with pytest.raises(ValueError, match=r"table: the graph has 10001 nodes, more than max_nodes=10000"):
        recorded.table()
    with pytest.raises(ValueError, match="the graph has 3 nodes, more than max_nodes=2"):
        trace(Value(1.0, "x") * 2.0 + 1.0).table(max_nodes=2)
    assert trace(Value(1.0, "x") * 2.0).table(max_nodes=2).startswith("Forward pass")


def test_the_cli_says_a_graph_is_too_large_for_one_picture_without_a_python_warning(tmp_path):
    expression = "(x" + "+1" * 150 + ")*(x" + "-1" * 150 + ")"  # 302 value nodes, an easy layout
    script = Path(sys.executable).with_name("stepgrad")
    done = subprocess.run(
        [str(script), "grad", expression, "x=1", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "stepgrad grad: note: graph.svg and graph.dot show a summary: the graph has 302 value nodes, "
        "more than the 300 that fit one picture (player.html has them all)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.svg", "player.html"]


def test_the_cli_names_a_layout_over_its_time_limit_and_the_way_out(tmp_path, monkeypatch, capsys):
    from stepgrad.cli import main

    monkeypatch.setattr(render.Graph, "layout_timeout", 0.05)
    expression = "+".join(["x*y"] * 60)
    assert main(["grad", expression, "x=1", "y=2", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no graph.svg: graphviz's dot did not lay out the graph" in err and "within 0.05 s" in err
    assert f"dot -Tsvg {tmp_path / 'graph.dot'} -o {tmp_path / 'graph.svg'}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.dot",
        "player.html",
    ]  # laid out in the browser
