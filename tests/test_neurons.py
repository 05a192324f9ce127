"""Finding each neuron's nodes (autograd.graph.neurons) and drawing them folded (draw(collapse=...)).

The oracle for a call: calling the neuron itself on the same inputs gives its output's value,
and its parameters are exactly the neuron's own (`named_parameters()` of the model).
"""

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, draw
from autograd.graph.names import parameter_names
from autograd.graph.neurons import ACTIVATIONS, neuron_calls, neuron_name
from autograd.graph.snapshot import snapshot
from autograd.graph.walk import topological_order
from nn.module import ACTIVATIONS as NN_ACTIVATIONS
from nn.module import MLP, Neuron


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
