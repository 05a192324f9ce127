"""Code written for micrograd's Value gives the same numbers on ours.

The oracle is micrograd 0.1.0 itself (a dev dependency): random programs over the
ops micrograd has (tests.strategies.MICROGRAD_OPS: +, −, ·, /, powers with a
number exponent, relu, and sums, dots, layers and fma (x·y + z, an op made by
define_op) written with + and ·, constants on either side) run on both engines,
and a single backward() on fresh graphs is compared (micrograd gets a second
backward() wrong, see test_engine).
"""

from __future__ import annotations

import math

from hypothesis import given

from tests.strategies import MICROGRAD_OPS, programs, run


@given(programs(ops=MICROGRAD_OPS))
def test_same_numbers_as_micrograd(program):
    ours_leaves, ours = run(program, "value")
    theirs_leaves, theirs = run(program, "micrograd")
    # micrograd writes a / b as a * b**-1 and a - b as a + (-b): the last bits may differ.
    assert math.isclose(ours.data, theirs.data, rel_tol=1e-12, abs_tol=1e-12)
    ours.backward()
    theirs.backward()
    for o, t in zip(ours_leaves, theirs_leaves):
        assert math.isclose(o.grad, t.grad, rel_tol=1e-9, abs_tol=1e-9)
