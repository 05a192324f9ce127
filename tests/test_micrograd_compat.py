"""Code written for micrograd's Value gives the same numbers on ours.

The oracle is micrograd 0.1.0 itself (a dev dependency): the same random
programs run on both engines, and a single backward() is compared (micrograd
gets a second backward() wrong, see test_engine).
"""

from __future__ import annotations

import math

from hypothesis import given
from micrograd.engine import Value as MicroValue

from autograd import Value
from tests.strategies import Program, programs

OPS = {
    "add": lambda a, c: a[0] + a[1],
    "sub": lambda a, c: a[0] - a[1],
    "mul": lambda a, c: a[0] * a[1],
    "div": lambda a, c: a[0] / a[1],
    "neg": lambda a, c: -a[0],
    "relu": lambda a, c: a[0].relu(),
    "sq": lambda a, c: a[0] ** 2,
    "cube": lambda a, c: a[0] ** 3,
    "rsub": lambda a, c: c - a[0],
    "rdiv": lambda a, c: c / a[0],
    "cmul": lambda a, c: c * a[0],
    "cadd": lambda a, c: a[0] + c,
}


def run_with(cls, program: Program):
    """Run `program` written with micrograd's operators on `cls` (either engine's Value)."""
    leaves = [cls(x) for x in program.leaves]
    nodes = list(leaves)
    for step in program.steps:
        nodes.append(OPS[step.op]([nodes[i] for i in step.args], step.const))
    return leaves, nodes[-1]


@given(programs(ops=tuple(OPS)))
def test_same_numbers_as_micrograd(program):
    ours_leaves, ours = run_with(Value, program)
    theirs_leaves, theirs = run_with(MicroValue, program)
    # micrograd writes a / b as a * b**-1 and a - b as a + (-b): the last bits may differ.
    assert math.isclose(ours.data, theirs.data, rel_tol=1e-12, abs_tol=1e-12)
    ours.backward()
    theirs.backward()
    for o, t in zip(ours_leaves, theirs_leaves):
        assert math.isclose(o.grad, t.grad, rel_tol=1e-9, abs_tol=1e-9)
