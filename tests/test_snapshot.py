"""One snapshot of a graph (autograd.graph.snapshot): its facts, the one naming system, and the
views that read it instead of sorting and naming the graph again."""

import random
import re
import sys

import pytest
from hypothesis import given

import autograd.engine.value
from autograd import Snapshot, Value, edges, explore, snapshot, topological_order, trace
from autograd.graph.names import parameter_names
from autograd.graph.neurons import neuron_calls
from autograd.graph.snapshot import as_snapshot
from autograd.recording.practice import Practice
from autograd.views.frames import frames
from autograd.views.player import play
from autograd.views.render import draw
from nn import MLP, mse
from tests.strategies import programs, run


def mlp_loss(samples=2, seed=3):
    rng = random.Random(seed)
    model = MLP(2, [3, 1], activation="tanh", rng=rng)
    xs = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(samples)]
    loss = mse([model(x) for x in xs], [rng.uniform(-1, 1) for _ in xs])
    loss.label = "loss"
    return loss, model


@given(programs())
def test_a_snapshot_holds_the_order_the_index_and_every_use(program):
    _, root = run(program, "value")
    shot = snapshot(root)
    assert list(shot.order) == topological_order(root) and shot.root is root
    assert all(shot.index[node] == j for j, node in enumerate(shot.order))
    used = sorted(
        (shot.index[child], k, shot.index[node]) for node in shot.order for child, k in shot.uses[node]
    )
    assert used == sorted((shot.index[c], k, shot.index[p]) for p, c, k in edges(root))
    assert shot.uses[root] == () and shot.parameters == {} and shot.calls == ()
    assert shot.names == trace(root).names  # trace names nodes from a snapshot of its own


def test_with_a_model_the_snapshot_finds_the_parameters_and_the_neuron_calls():
    loss, model = mlp_loss()
    shot = snapshot(loss, model)
    assert shot.parameters == parameter_names(model)
    assert list(shot.calls) == neuron_calls(topological_order(loss), parameter_names(model))
    assert len(shot.calls) == 2 * 4  # four neurons, two samples
    assert repr(shot) == f"Snapshot(root='loss', {len(shot.order)} nodes)"
    assert model.layers[0].neurons[0].w[1] in shot and Value(1.0) not in shot


def test_trace_with_a_model_names_nodes_as_draw_does():
    loss, model = mlp_loss()
    names = trace(loss, model=model).names
    dot = draw(loss, model=model).source
    drawn = dict(re.findall(r"^\tn(\d+) \[label=<<b>([^<]*)</b>", dot, re.M))
    order = topological_order(loss)
    assert {order[int(j)]: name for j, name in drawn.items()} == names
    assert names[model.layers[0].neurons[2].w[0]] == "L0.n2.w0"
    assert sorted(n for n in names.values() if n.startswith("L1.n0_")) == ["L1.n0_0", "L1.n0_1"]
    assert trace(loss).names[model.layers[0].neurons[2].w[0]].startswith("v")  # no model: v{i}


def test_the_views_take_a_snapshot_in_place_of_the_root():
    loss, model = mlp_loss(samples=1)
    shot = snapshot(loss, model)
    assert draw(shot, collapse=True).source == draw(loss, model=model, collapse=True).source
    t = trace(shot)
    assert t.snapshot is shot and t.grads == trace(loss, model=model).grads
    computed = sum(not node.is_leaf for node in shot.order)
    assert [f.title for f in frames(t, max_nodes=None)][:2] == ["forward: inputs", f"forward 1/{computed}"]
    assert play(shot, renderer="browser").trace.snapshot is shot
    assert Practice(t).questions[0].name == t.names[Practice(t).questions[0].node]
    assert explore(shot).snapshot is shot


def test_a_snapshot_of_another_model_or_of_no_graph_is_refused():
    loss, model = mlp_loss()
    shot = snapshot(loss, model)
    assert as_snapshot(shot, None, "draw") is shot and as_snapshot(shot, model, "draw") is shot
    other = MLP(2, [3, 1], rng=random.Random(0))
    for call in (lambda: draw(shot, model=other), lambda: trace(shot, model=other)):
        with pytest.raises(ValueError, match="another model"):
            call()
    with pytest.raises(TypeError, match=r"trace: root must be a Value or a Snapshot, got float"):
        trace(1.0)
    with pytest.raises(TypeError, match="snapshot: root must be a Value, got Snapshot"):
        snapshot(shot)
    assert isinstance(shot, Snapshot)


@pytest.fixture
def sorts(monkeypatch):
    """How many times the graph is sorted: every module's `topological_order` counts its calls."""
    original = autograd.engine.value.topological_order
    calls = []

    def counted(root):
        calls.append(root)
        return original(root)

    for module in list(sys.modules.values()):
        if getattr(module, "topological_order", None) is original:
            monkeypatch.setattr(module, "topological_order", counted)
    return calls


def test_explore_sorts_the_graph_once_and_an_edit_not_at_all(sorts):
    loss, model = mlp_loss(samples=3)
    explorer = explore(loss, model=model, collapse=True)
    assert len(sorts) == 1
    names = explorer.trace.names
    explorer.edit(model.layers[0].neurons[0].w[0], 0.25)
    explorer.collapse()
    explorer.expand("L0.n1")
    assert len(sorts) == 1
    assert explorer.trace.names is names  # no re-naming either: the snapshot's names
    fresh = trace(loss, model=model)  # the edit is a replay and a re-recorded backward pass
    assert explorer.trace.grads == fresh.grads and [s.grad for s in explorer.trace.steps] == [
        s.grad for s in fresh.steps
    ]


def test_play_draw_and_trace_sort_once_each(sorts):
    loss, model = mlp_loss(samples=1)
    play(loss, model=model, collapse=True, renderer="browser")
    assert len(sorts) == 1
    shot = snapshot(loss, model)
    draw(shot, collapse=True)
    trace(shot)
    assert len(sorts) == 2  # the snapshot's own


@given(programs())
def test_a_derivation_reads_the_terms_of_its_node_in_backward_order(program):
    _, root = run(program, "value")
    t = trace(root)
    for node in t.order:
        scanned = [(s, c) for s in t.steps for c in s.contributions if c.parent is node]
        assert t.terms(node) == scanned
