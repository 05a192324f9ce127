"""Client code keeps state on Values, as micrograd allows: any attribute, no leaks.

EurekaLabsAI/micrograd (LLM101n) stores AdamW's moments on the parameters (`p.m`, `p.v`) and
its drawing sets `n._vis_color`. A node that never gets an attribute has no dictionary; a cycle
closed through an attribute (`a.partner = a * 2`) is freed by the cyclic collector, on the
compiled engine too (whose nodes the collector otherwise never tracks).
"""

from __future__ import annotations

import gc
import weakref

import pytest

from autograd import Value


def test_any_attribute_can_be_set_read_and_deleted():
    p = Value(0.5)
    n = p * 2.0
    p.m, p.v = 0.0, 0.0
    n._vis_color = "red"
    assert (p.m, p.v, n._vis_color) == (0.0, 0.0, "red")
    del p.m
    with pytest.raises(AttributeError, match="'m'"):
        p.m  # noqa: B018
    # the engine's own slots are untouched by attributes of the user's
    assert (n.data, n.parents, n.local_grads) == (1.0, (p,), (2.0,))


def test_a_node_without_attributes_has_no_dictionary():
    x = Value(1.0)
    nodes = [x * 3.0, x + x, x.tanh(), Value.sum([x, x]), Value(2.0)]
    for node in nodes:
        assert not any(isinstance(r, dict) for r in gc.get_referents(node))
    nodes[0].note = "set"
    assert nodes[0].note == "set"


def test_adamw_moments_on_the_parameters_train_as_with_lists():
    """LLM101n's AdamW keeps m and v on each parameter; the numbers equal keeping them in lists."""

    def train(state_on_values: bool) -> list[float]:
        ps = [Value(0.3), Value(-0.8)]
        ms, vs = [0.0, 0.0], [0.0, 0.0]
        for p in ps:
            if state_on_values:
                p.m, p.v = 0.0, 0.0
        for t in range(1, 6):
            loss = (ps[0] * ps[1] - 1.0) ** 2 + ps[0].tanh()
            for p in ps:
                p.grad = 0.0
            loss.backward()
            for k, p in enumerate(ps):
                if state_on_values:
                    p.m = 0.9 * p.m + 0.1 * p.grad
                    p.v = 0.95 * p.v + 0.05 * p.grad**2
                    m, v = p.m, p.v
                else:
                    ms[k] = 0.9 * ms[k] + 0.1 * p.grad
                    vs[k] = 0.95 * vs[k] + 0.05 * p.grad**2
                    m, v = ms[k], vs[k]
                p.data -= 0.1 * (m / (1 - 0.9**t)) / ((v / (1 - 0.95**t)) ** 0.5 + 1e-8)
        return [p.data for p in ps]

    assert train(state_on_values=True) == train(state_on_values=False)


class _Sentinel:
    """Stored on a node: a weak reference to it says whether the node was freed."""


@pytest.mark.parametrize(
    "close_the_cycle",
    [
        lambda a: None,
        lambda a: setattr(a, "partner", a * 2),
        lambda a: setattr(a, "partner", ((a * 2 + 1).tanh() * a).exp()),
        lambda a: setattr(a, "history", [a * 2, {"loss": a + 1.0}]),
        lambda a: setattr(a * 3, "back", a),  # an intermediate node holds the leaf
        lambda a: setattr(a, "itself", a),
        lambda a: (setattr(a, "history", []), a.history.append(a * 2)),
        lambda a: (setattr(a, "history", []), a.history.append(Value.sum([a * 2, a + 1.0]))),
        lambda a: (setattr(a, "history", {}), a.history.update(neuron=Value.dot([a], [3.0], 1.0).tanh())),
    ],
    ids=[
        "no cycle",
        "a.partner = a*2",
        "through a longer graph",
        "through containers",
        "node→leaf",
        "a.itself",
        "a list filled after it is stored",
        "a fused sum stored later",
        "a fused dot stored later",
    ],
)
def test_a_cycle_through_attributes_is_freed_by_the_collector(close_the_cycle):
    a = Value(1.0)
    sentinel = _Sentinel()
    freed = weakref.ref(sentinel)
    a.sentinel = sentinel
    del sentinel
    close_the_cycle(a)
    del a
    gc.collect()
    assert freed() is None
