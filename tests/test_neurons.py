"""Finding each neuron's nodes (autograd.graph.neurons) and drawing them folded (draw(collapse=...)).

The oracle for a call: calling the neuron itself on the same inputs gives its output's value,
and its parameters are exactly the neuron's own (`named_parameters()` of the model).
"""

import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.views
from autograd import Value, draw
from autograd.graph.names import parameter_names
from autograd.graph.neurons import ACTIVATIONS, neuron_calls, neuron_name
from autograd.graph.snapshot import snapshot
from autograd.graph.walk import topological_order
from autograd.views.render import fit_to
from nn.losses import half_squared_error, sse
from nn.module import ACTIVATIONS as NN_ACTIVATIONS
from nn.module import MLP, Neuron
from tests.browser import mlp_loss as explorer_mlp_loss


def calls_of(root, model):
    return neuron_calls(topological_order(root), parameter_names(model))


def expected_calls(model, samples):
    """(name, output value, parameters, activation) of every neuron call, sample by sample."""
    found = []
    for x in samples:
        inputs = x
        for i, layer in enumerate(model.layers):
            outputs = []
            for j, neuron in enumerate(layer.neurons):
                a = neuron([Value(v) if isinstance(v, float) else v for v in inputs])
                found.append((f"L{i}.n{j}", a.data, set(neuron.parameters()), neuron.activation))
                outputs.append(a.data)
            inputs = outputs
    return found


def test_nn_activations_are_the_ops_that_end_a_neuron():
    made = {f(Value(0.5)).operator.name for f in NN_ACTIVATIONS.values() if f is not None}
    assert made == set(ACTIVATIONS)


def test_neuron_names_come_from_parameter_names():
    assert neuron_name("L0.n3.w1") == "L0.n3" and neuron_name("L2.n0.b") == "L2.n0"
    assert neuron_name("w1") == "neuron"


@given(
    sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
    nin=st.integers(1, 3),
    activation=st.sampled_from(sorted(NN_ACTIVATIONS)),
    fused=st.booleans(),
    samples=st.integers(1, 2),
    as_values=st.booleans(),
    seed=st.integers(0, 10**6),
)
def test_every_call_is_found_with_its_output_and_its_own_parameters(
    sizes, nin, activation, fused, samples, as_values, seed
):
    rng = random.Random(seed)
    model = MLP(nin, sizes, activation=activation, fused=fused, rng=random.Random(seed))
    xs = [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(samples)]
    inputs = [[Value(v) for v in x] if as_values else x for x in xs]
    loss = sum(((y - 1.0) ** 2 for x in inputs for y in model.forward(x)), Value(0.0))
    calls = calls_of(loss, model)
    expected = expected_calls(model, xs)
    assert sorted((c.name, c.output.data) for c in calls) == sorted((e[0], e[1]) for e in expected)
    neurons = {name: (params, g) for name, _, params, g in expected}
    for call in calls:
        params, g = neurons[call.name]
        assert set(call.parameters) == params
        assert call.activation == g and call.title == f"{call.name}: {g}"
    members = [node for call in calls for node in call.nodes]
    assert len(members) == len(set(members))  # no node in two calls


def test_a_weight_penalty_and_a_loss_are_not_part_of_a_neuron():
    model = MLP(2, [1], rng=random.Random(1))  # one linear neuron
    y = model([0.5, -1.0])
    error = y - 2.0
    penalty = sum((p * p for p in model.parameters()), Value(0.0))
    softmax_like = (y.exp() + error**2 + penalty).log()
    (call,) = calls_of(softmax_like, model)
    assert call.output is y and call.activation == "linear" and len(call.nodes) == 1


def test_micrograd_style_neurons_fold_every_multiply_and_add():
    model = MLP(2, [2, 1], activation="tanh", fused=False, rng=random.Random(2))
    y = model([1.0, -2.0])
    calls = calls_of(y, model)
    assert [c.name for c in calls] == ["L0.n0", "L0.n1", "L1.n0"]
    assert [n.op for n in calls[0].nodes] == ["*", "+", "*", "+", "tanh"]
    assert calls[-1].output is y


def mlp_loss():
    model = MLP(2, [3, 1], activation="tanh", rng=random.Random(3))
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss, model


def node_lines(dot):
    return {m[2]: m[1] for m in re.finditer(r"^\t(n\d+) \[label=<<b>([^<]*)</b>", dot, re.M)}


def test_drawn_collapsed_every_neuron_is_one_box_with_its_output():
    loss, model = mlp_loss()
    order = topological_order(loss)
    index = {node: i for i, node in enumerate(order)}
    dot = draw(loss, model=model, collapse=True).source
    titles = node_lines(dot)
    calls = calls_of(loss, model)
    for call in calls:
        i = index[call.output]
        assert titles[call.title] == f"n{i}"
        grad = format(call.output.grad, ".4g")
        assert f'class="v{i} neuron"' in dot and f"grad {grad}>" in dot
    assert not any(title.startswith("L0.n0.") for title in titles)  # parameters inside
    # every edge kept points from outside a call into a call's box, and keeps its class
    inside = {index[n] for c in calls for n in c.nodes}
    for child, slot in re.findall(r"class=e(\d+)_(\d+)\]", dot):
        node = order[int(child)]
        parent = node.parents[int(slot)]
        same = [c for c in calls if node in c.nodes and parent in (*c.nodes, *c.parameters)]
        assert not same, f"edge e{child}_{slot} is inside a box"
    assert not [i for i in inside if f"\tn{i}_op " in dot]  # their ops are inside the boxes too
    # the three inputs of the layer-0 neurons are plain numbers: dashed, into each box
    assert dot.count("style=dashed") == 2 * 3


def test_collapse_some_neurons_by_name_and_bad_requests():
    loss, model = mlp_loss()
    dot = draw(loss, model=model, collapse=["L0.n1"]).source
    titles = node_lines(dot)
    assert "L0.n1: tanh" in titles and "L0.n0.w0" in titles and "L0.n1.w0" not in titles
    assert draw(loss, model=model, collapse=[]).source == draw(loss, model=model).source
    with pytest.raises(ValueError, match="collapse needs model"):
        draw(loss, collapse=True)
    with pytest.raises(ValueError, match=r"no neuron named 'L9.n0'.*neurons: L0.n0, L0.n1, L0.n2, L1.n0"):
        draw(loss, model=model, collapse=["L9.n0"])
    with pytest.raises(TypeError, match="list of neuron names"):
        draw(loss, model=model, collapse="L0.n1")


def test_folded_neurons_are_stacked_in_the_models_order_and_the_loss_named():
    """Each layer's boxes top to bottom as the model lists its neurons (read from the SVG dot lays
    out); an unlabelled loss is called loss, not v23."""
    from autograd.graph.snapshot import snapshot

    model = MLP(2, [6, 5, 1], activation="tanh", rng=random.Random(1))
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    svg = draw(loss, model=model, collapse=True).svg()
    boxes = re.findall(r'class="node v\d+ neuron">.*?<text[^>]*y="([-\d.]+)"[^>]*>(L\d\.n\d): ', svg, re.S)
    assert len(boxes) == 6 + 5 + 1
    for layer, size in (("L0", 6), ("L1", 5)):
        stacked = sorted((float(y), name) for y, name in boxes if name.startswith(layer))
        assert [name for _, name in stacked] == [f"{layer}.n{k}" for k in range(size)]
    assert snapshot(loss, model).names[loss] == "loss"
    assert snapshot(loss).names[loss].startswith("v")  # no model: as before
    twice = sum(((model(x) - 1.0) ** 2 for x in ([0.5, -1.5], [1.0, 2.0])), Value(0.0))
    assert snapshot(twice, model).names[twice] == "loss"
    labelled = model([0.5, -1.5]) * 2.0
    labelled.label = "L"
    assert snapshot(labelled, model).names[labelled] == "L"
    output = model([0.5, -1.5])  # the network's output, a neuron's: its name
    assert snapshot(output, model).names[output] == "L2.n0"


def _page_number(asset: str, name: str) -> float:
    """A constant of the page's own script (`name = 0.62` or `name: 600`)."""
    script = (Path(autograd.views.__file__).parent / "assets" / asset).read_text(encoding="utf-8")
    return float(re.search(rf"\b{name}\s*[=:]\s*([\d.]+)", script).group(1))


# The page shows a graph whole when it fits at this scale or larger: labels at least 10 px tall.
READABLE_SCALE = _page_number("graphview.js", "READABLE_SCALE")
# The explorer's graph box, in dot's points (the page shows 1 pt as 96/72 CSS px): 600 px wide in
# JupyterLab in the browser test's 1400-px window (the formulas take the rest), at most maxHeight tall.
PX_PER_POINT = 96 / 72
EXPLORER_BOX = (600 / PX_PER_POINT, _page_number("widget.js", "maxHeight") / PX_PER_POINT)


def _centres(graph) -> dict[str, tuple[float, float]]:
    """{graphviz node id: (x, y)}, in points, where `dot` lays the graph out."""
    plain = graph.pipe(format="plain", encoding="utf-8").splitlines()
    return {f[1]: (float(f[2]) * 72, float(f[3]) * 72) for f in map(str.split, plain) if f[0] == "node"}


def _one_sample_two_outputs():
    model = MLP(2, [4, 3], rng=random.Random(0))
    return sse(model([0.5, -1.5]), [1.0, 0.0, -1.0]), model


def _notebook_04():
    model = MLP(2, [3, 1], activation="tanh", rng=random.Random(0))
    return half_squared_error(model([0.5, -1.0]), 1.0), model


@pytest.mark.parametrize(
    ("make", "columns"),
    [(explorer_mlp_loss, 1), (_notebook_04, 1), (_one_sample_two_outputs, 2)],
    ids=["2-8-8-1 (the explorer's tests)", "2-3-1 (notebook 04)", "2-4-3, sse"],
)
def test_folded_the_loss_goes_down_a_column_beside_the_network(make, columns):
    """What the folded network feeds (y - t, **2, sum, * 0.5, in dot's layout) lies in a column
    right beside the output neurons' boxes (a column per output's chain, then one for the sum), not
    along a row far to their right over blank space; so the explorer's graph box shows the whole
    drawing at a readable size. Top to bottom, the loss goes along one row under the network."""
    loss, model = make()
    order = topological_order(loss)
    ids = {node: f"n{i}" for i, node in enumerate(order)}  # as draw names them
    calls = calls_of(loss, model)
    inside = {node for call in calls for node in call.nodes}
    after = [ids[n] + op for n in order if not n.is_leaf and n not in inside for op in ("", "_op")]
    last_layer = f"L{len(model.layers) - 1}."
    outputs = [ids[call.output] for call in calls if call.name.startswith(last_layer)]
    centres = _centres(draw(loss, model=model, collapse=True))
    xs = sorted({round(centres[node][0]) for node in after})
    assert len(xs) == columns, f"the loss's nodes lie at {len(xs)} x positions: {xs}"
    assert min(xs) > max(centres[box][0] for box in outputs)
    _, scale = fit_to(
        lambda rankdir: draw(loss, model=model, collapse=True, rankdir=rankdir), {"LR": EXPLORER_BOX}
    )
    assert scale >= READABLE_SCALE, f"fitted to the explorer's {EXPLORER_BOX} box: scale {scale:.2f}"
    centres = _centres(draw(loss, model=model, collapse=True, rankdir="TB"))
    assert len({round(centres[node][1]) for node in after}) == columns


def test_collapsed_graph_renders_with_dot():
    loss, model = mlp_loss()
    svg = draw(loss, model=model, collapse=True).svg()
    assert svg.count(' neuron"') == 4 and "L1.n0: linear" in svg


def test_with_a_model_each_neuron_output_and_sum_is_named_after_the_neuron():
    model = MLP(2, [2, 1], activation="tanh", rng=random.Random(5))
    samples = [[0.5, -1.5], [1.0, 2.0]]
    outputs = [model(x) for x in samples]
    outputs[1].label = "y1"  # a label the user gave wins
    loss = sum(((y - 1.0) ** 2 for y in outputs), Value(0.0))
    order = topological_order(loss)
    names = snapshot(loss, model).names
    calls = calls_of(loss, model)
    first, second = [c for c in calls if c.name == "L0.n1"]
    assert names[first.output] == "L0.n1_0" and names[first.nodes[-2]] == "L0.n1.z_0"
    assert names[second.output] == "L0.n1_1" and names[second.nodes[-2]] == "L0.n1.z_1"
    assert names[outputs[0]] == "L1.n0_0" and names[outputs[1]] == "y1"  # linear: a = z, one name
    assert len(set(names.values())) == len(order)
    single = MLP(2, [1], rng=random.Random(5))
    (call,) = calls_of(single([1.0, 2.0]), single)
    assert snapshot(call.output, single).names[call.output] == "L0.n0"
    neuron = Neuron(2, activation="tanh", rng=random.Random(5))  # a model that is one neuron
    a = neuron([1.0, 2.0])
    names = snapshot(a, neuron).names
    assert names[a] == "a" and names[a.parents[0]] == "z" and names[neuron.w[0]] == "w0"
