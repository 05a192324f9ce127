"""nn.module: micrograd compatibility, fused vs unfused graphs, names, options."""

import random

import pytest
from micrograd.engine import Value as MicroValue
from micrograd.nn import MLP as MicroMLP

from autograd import Value
from nn import MLP, Layer, Neuron, hinge, l2
from nn.module import Module


def _micrograd_demo_loss(model, X, y):
    """micrograd's demo loss: mean hinge + 1e-4 Σp² (works for both engines)."""
    scores = [model(x) for x in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters())


def test_mlp_matches_micrograd_parameters_outputs_and_gradients():
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = MicroMLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    rng = random.Random(7)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(20)]
    y = [rng.choice((-1.0, 1.0)) for _ in range(20)]
    for x in X:
        assert ours(x).data == pytest.approx(theirs(x).data, abs=1e-12)
    ours_loss, theirs_loss = _micrograd_demo_loss(ours, X, y), _micrograd_demo_loss(theirs, X, y)
    assert ours_loss.data == pytest.approx(theirs_loss.data, abs=1e-12)
    ours_loss.backward()
    theirs_loss.backward()
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert p.grad == pytest.approx(q.grad, abs=1e-12)
    # our own losses give micrograd's loss: α·Σp² is l2 with λ = 2α
    ours_again = hinge([ours(x) for x in X], y) + l2(ours, 2e-4)
    assert ours_again.data == pytest.approx(theirs_loss.data, abs=1e-12)


def test_micrograd_output_unwrapping_and_forward_lists():
    model = MLP(3, [4, 1], rng=random.Random(0))
    assert isinstance(model([1.0, 2.0, 3.0]), Value)
    assert isinstance(model.forward([1.0, 2.0, 3.0]), list) and len(model.forward([1.0, 2.0, 3.0])) == 1
    layer = Layer(3, 1, rng=random.Random(0))
    assert isinstance(layer([1.0, 2.0, 3.0]), Value)
    assert len(layer.forward([1.0, 2.0, 3.0])) == 1
    assert len(MLP(3, [4, 2], rng=random.Random(0))([1.0, 2.0, 3.0])) == 2


def test_a_one_neuron_hidden_layer_works():
    model = MLP(2, [1, 3], rng=random.Random(0))
    assert len(model([0.5, -0.5])) == 3


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_fused_and_unfused_graphs_give_identical_numbers(activation):
    kwargs = {"activation": activation, "output_activation": "tanh"}
    fused = MLP(3, [5, 4, 2], rng=random.Random(3), **kwargs)
    unfused = MLP(3, [5, 4, 2], rng=random.Random(3), fused=False, **kwargs)
    x = [Value(0.3), Value(-1.2), Value(0.8)]
    x2 = [Value(0.3), Value(-1.2), Value(0.8)]
    a, b = fused.forward(x), unfused.forward(x2)
    assert [v.data for v in a] == pytest.approx([v.data for v in b], abs=1e-14)
    (a[0] * a[1]).backward()
    (b[0] * b[1]).backward()
    for p, q in zip(fused.parameters(), unfused.parameters()):
        assert p.grad == pytest.approx(q.grad, abs=1e-12)
    for u, v in zip(x, x2):
        assert u.grad == pytest.approx(v.grad, abs=1e-12)


def test_fused_neuron_is_one_dot_node_and_unfused_shows_every_multiply():
    neuron = Neuron(3, rng=random.Random(0))
    out = neuron([1.0, 2.0, 3.0])
    assert out.op == "relu" and out.parents[0].op == "dot"
    assert len(out.parents[0].parents) == 4  # 3 weights + bias; constant inputs get no edge
    plain = Neuron(3, nonlin=False, rng=random.Random(0), fused=False)([1.0, 2.0, 3.0])
    assert plain.op == "+" and plain.parents[1].op == "*"


def test_named_parameters_are_dotted_and_ordered_like_parameters():
    model = MLP(2, [3, 1], rng=random.Random(0))
    names = [n for n, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert model.num_parameters() == 3 * 3 + 4 == len(set(map(id, model.parameters())))


def test_names_come_from_attributes_and_list_indices_in_assignment_order():
    model = MLP(3, [4, 2, 1], rng=random.Random(0))
    expected = [
        (f"layers.{i}.neurons.{j}.{name}", p)
        for i, layer in enumerate(model.layers)
        for j, neuron in enumerate(layer.neurons)
        for name, p in [*((f"w.{k}", w) for k, w in enumerate(neuron.w)), ("b", neuron.b)]
    ]
    assert model.named_parameters() == expected
    assert [name for name, _ in model.layers[1].named_parameters()][:3] == [
        "neurons.0.w.0",
        "neurons.0.w.1",
        "neurons.0.w.2",
    ]
    neuron = model.layers[2].neurons[0]
    assert neuron.named_parameters() == [("w.0", neuron.w[0]), ("w.1", neuron.w[1]), ("b", neuron.b)]
    assert isinstance(model.parameters(), list) and model.parameters() == [p for _, p in expected]


class _Gate(Module):
    """A module of one's own: the walk finds its Values, child modules and lists of them."""

    def __init__(self) -> None:
        self.scale = Value(2.0)
        self.branches = [Neuron(1, rng=random.Random(1)), (Value(3.0), Value(4.0))]
        self.head = Neuron(2, rng=random.Random(2))
        self.label = "not a parameter"
        self.sizes = [1, 2]
        self._cache = Value(5.0)  # private: not a parameter


def test_a_modules_parameters_are_its_public_values_children_and_lists_of_them():
    gate = _Gate()
    names = [name for name, _ in gate.named_parameters()]
    assert names == [
        "scale",
        "branches.0.w.0",
        "branches.0.b",
        "branches.1.0",
        "branches.1.1",
        "head.w.0",
        "head.w.1",
        "head.b",
    ]
    assert gate.parameters() == [p for _, p in gate.named_parameters()]
    assert all(p is not gate._cache for p in gate.parameters()) and gate.num_parameters() == 8
    (gate.scale * gate.branches[1][0] + gate.head([1.0, 2.0])).backward()
    assert gate.scale.grad == 3.0 and gate.head.w[1].grad == 2.0
    gate.zero_grad()
    assert all(p.grad == 0.0 for p in gate.parameters())


def test_the_walk_sees_every_change_made_after_a_first_call():
    # parameters() walks the attributes on every call: nothing is cached that could go stale
    gate = _Gate()
    first = gate.named_parameters()
    gate.scale = Value(7.0)  # reassigned
    gate.head.w = [Value(1.0)]  # a child module's list, replaced
    gate.branches[1] = (Value(8.0),)  # a list item, replaced in place
    gate.extra = [Value(9.0)]  # a new attribute: walked last, as assigned last
    gate._hidden = Value(0.0)  # private: still not a parameter
    del gate.label
    names = [name for name, _ in gate.named_parameters()]
    assert names == [
        "scale",
        "branches.0.w.0",
        "branches.0.b",
        "branches.1.0",
        "head.w.0",
        "head.b",
        "extra.0",
    ]
    assert gate.named_parameters() != first and gate.parameters()[0] is gate.scale
    assert [p.data for p in gate.parameters()] == [7.0, gate.branches[0].w[0].data, 0.0, 8.0, 1.0, 0.0, 9.0]


def test_parameters_and_named_parameters_agree_on_micrograds_mlp_in_its_order():
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = MicroMLP(2, [16, 16, 1])
    assert ours.parameters() == [p for _, p in ours.named_parameters()]
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert len(ours.parameters()) == 337


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], rng=random.Random(0))
    model([1.0, 1.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert Module().parameters() == []


def test_explicit_rng_leaves_global_state_alone_and_is_reproducible():
    random.seed(5)
    before = random.random()
    random.seed(5)
    a = MLP(2, [4, 1], rng=random.Random(9))
    assert random.random() == before
    b = MLP(2, [4, 1], rng=random.Random(9))
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]


@pytest.mark.parametrize(
    ("init", "bound"), [("uniform", 1.0), ("lecun", (3 / 50) ** 0.5), ("he", (6 / 50) ** 0.5)]
)
def test_initialisations_stay_in_their_bounds(init, bound):
    neuron = Neuron(50, init=init, rng=random.Random(0))
    assert all(-bound <= w.data <= bound for w in neuron.w)
    assert max(abs(w.data) for w in neuron.w) > 0.8 * bound
    assert neuron.b.data == 0.0


def test_activation_choices_and_repr():
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", rng=random.Random(0))
    assert model.activations == ["tanh", "sigmoid"]
    assert 0.0 < model([1.0, 2.0]).data < 1.0
    assert repr(model) == "MLP(2, [3, 1], activations=['tanh', 'sigmoid'], parameters=13)"
    assert MLP(2, [3, 1], activation=["sigmoid", "relu"]).activations == ["sigmoid", "relu"]
    assert Neuron(2, nonlin=False).nonlin is False and Neuron(2).activation == "relu"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MLP(2, []), "at least one"),
        (lambda: MLP(0, [1]), "nin"),
        (lambda: MLP(2, [3, 0]), "layer size"),
        (lambda: MLP(2, [3], activation="softplus"), "unknown activation"),
        (lambda: MLP(2, [3, 1], activation=["relu"]), "1 activations for 2 layers"),
        (lambda: Neuron(2, init="zeros"), "unknown initialisation"),
    ],
)
def test_bad_construction_raises_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_micrograd_values_as_inputs_are_refused_by_name():
    with pytest.raises(TypeError, match=r"^dot: expected a real number, got Value "):
        Neuron(1)([MicroValue(1.0)])
    with pytest.raises(TypeError, match=r"expected a real number, got Value "):
        Neuron(1, fused=False)([MicroValue(1.0)])


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_a_layer_builds_the_same_nodes_as_calling_each_neuron(activation):
    layer = Layer(3, 4, activation=activation, rng=random.Random(5))
    for x in ([0.5, -1.0, 2.0], [Value(0.5), Value(-1.0), Value(2.0)]):
        together, one_by_one = layer.forward(x), [n(x) for n in layer.neurons]
        assert [(v.op, v.data, v.local_grads) for v in together] == [
            (v.op, v.data, v.local_grads) for v in one_by_one
        ]
        sums = [v if activation == "linear" else v.parents[0] for v in together]
        assert all(z.op == "dot" and len(z.parents) == 4 + 3 * isinstance(x[0], Value) for z in sums)


def test_a_deep_copy_of_a_model_is_a_model_of_its_own():
    """`copy.deepcopy(model)`, as a training loop keeps its best model: the copy's parameters are
    leaves of their own, give the same outputs and gradients, and training one leaves the other."""
    import copy

    model = MLP(2, [3, 1], rng=random.Random(4))
    best = copy.deepcopy(model)
    assert all(p.is_leaf for p in best.parameters())
    assert not set(map(id, best.parameters())) & set(map(id, model.parameters()))
    x = [0.5, -1.25]
    out, out_copy = model(x), best(x)
    assert out_copy.data == out.data
    out.backward()
    out_copy.backward()
    assert [p.grad for p in best.parameters()] == [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    assert best(x).data == out.data != model(x).data
