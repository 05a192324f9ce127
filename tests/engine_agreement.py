"""Numbers from the engine this process runs, written as JSON for comparison across engines.

`python -m tests.engine_agreement PROGRAMS.json OUT.json` runs a set of workloads — the random
expression graphs of PROGRAMS.json (`draw_programs`: graphs from `tests.strategies`, and graphs
with huge or infinite local derivatives) with replay and second derivatives through
`grad(..., create_graph=True)`, and a transformer step — and records every value and gradient
as `float.hex` (bit for bit) and every error as its type and message.
`tests/test_engines_agree.py` runs it on the compiled and on the pure-Python engine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings

import autograd
from autograd import grad, replay
from tests.strategies import Program, Step, extreme_programs, programs, run


def _outcome(compute: Callable[[], list[float]]) -> list[str]:
    """The numbers `compute` returns, as hex, or the error it raises (type and message)."""
    try:
        return [float(x).hex() for x in compute()]
    except (ArithmeticError, ValueError) as error:
        return [f"{type(error).__name__}: {error}"]


def _program_numbers(program: Any) -> dict[str, list[str]]:
    def forward_and_backward() -> list[float]:
        leaves, root = run(program, "value")
        root.backward()
        return [root.data, *(x.grad for x in leaves)]

    def replayed() -> list[float]:
        leaves, root = run(program, "value")
        replay(root, {x: x.data * 0.75 + 0.25 for x in leaves})
        return [root.data]

    def second_order() -> list[float]:
        leaves, root = run(program, "value")
        first = grad(root, leaves, create_graph=True)
        return [g.data for g in first] + [g.data for g in grad(first[0], leaves)]

    return {
        "backward": _outcome(forward_and_backward),
        "replay": _outcome(replayed),
        "second order": _outcome(second_order),
    }


def encode(program: Program) -> dict[str, Any]:
    """A program as JSON: floats as hex (exact), node indices as ints."""
    number = lambda o: o if isinstance(o, int) else float(o).hex()  # noqa: E731
    return {
        "leaves": [x.hex() for x in program.leaves],
        "steps": [[step.op, [number(o) for o in step.operands]] for step in program.steps],
    }


def decode(data: dict[str, Any]) -> Program:
    number = lambda o: o if isinstance(o, int) else float.fromhex(o)  # noqa: E731
    return Program(
        tuple(float.fromhex(x) for x in data["leaves"]),
        tuple(Step(op, tuple(number(o) for o in operands)) for op, operands in data["steps"]),
    )


def draw_programs(count: int = 150) -> dict[str, list[dict[str, Any]]]:
    """Random graphs and graphs with extreme local derivatives, `count` of each, as JSON."""
    drawn: dict[str, list[dict[str, Any]]] = {"programs": [], "extreme": []}
    quick = settings(max_examples=count, derandomize=True, database=None, deadline=None,
                     suppress_health_check=list(HealthCheck))  # fmt: skip

    @quick
    @given(programs(max_steps=16), extreme_programs())
    def draw(program: Program, extreme: Program) -> None:
        drawn["programs"].append(encode(program))
        drawn["extreme"].append(encode(extreme))

    draw()
    return drawn


def collect(drawn: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Every number of every workload on the engine this process runs."""
    results: dict[str, Any] = {"compiled": autograd.COMPILED}
    results["programs"] = [_program_numbers(decode(p)) for p in drawn["programs"]]

    def backward(program: Program) -> list[float]:
        leaves, root = run(program, "value")
        root.backward()
        return [root.data, *(x.grad for x in leaves)]

    extreme = [decode(p) for p in drawn["extreme"]]
    results["extreme"] = [_outcome(lambda p=p: backward(p)) for p in extreme]

    from benchmarks.transformer import Transformer

    loss, gradients = Transformer(autograd.Value).gradients()
    results["transformer"] = [loss.hex(), *(g.hex() for g in gradients)]
    return results


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as given_programs:
        drawn = json.load(given_programs)
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(collect(drawn), out)
