"""The compiled engine and the pure-Python engine give the same numbers, bit for bit.

Both run `tests.engine_agreement` in a fresh process (`STEPGRAD_PURE_PYTHON=1` for the pure
one): random graphs (values, gradients, replay, second derivatives, errors with their
messages), graphs with infinite local derivatives and a transformer step. Which engine runs
in each process is checked too, so the comparison cannot pass by running one engine twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd.engine import COMPILED_MODULES, _compiled
from tests.engine_agreement import draw_programs

ROOT = Path(__file__).resolve().parent.parent


def _numbers(programs: Path, pure: bool) -> dict:
    out = programs.with_name("pure.json" if pure else "compiled.json")
    env = {**os.environ, "STEPGRAD_PURE_PYTHON": "1" if pure else "0", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.engine_agreement", str(programs), str(out)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    if any(_compiled(name) is None for name in COMPILED_MODULES):
        pytest.fail(f"the compiled engine is not built here ({autograd.engine.ENGINE}): run `make build`")
    programs = tmp_path_factory.mktemp("engines") / "programs.json"
    programs.write_text(json.dumps(draw_programs()), encoding="utf-8")
    return _numbers(programs, pure=False), _numbers(programs, pure=True)


def test_each_process_ran_the_engine_it_asked_for(both):
    compiled, pure = both
    assert compiled["compiled"] is True
    assert pure["compiled"] is False


def test_random_graphs_give_identical_values_gradients_and_errors(both):
    compiled, pure = both
    assert len(compiled["programs"]) >= 100
    for k, (ours, theirs) in enumerate(zip(compiled["programs"], pure["programs"], strict=True)):
        assert ours == theirs, f"program {k}"


def test_infinite_local_derivatives_agree(both):
    compiled, pure = both
    assert len(compiled["extreme"]) >= 100
    assert compiled["extreme"] == pure["extreme"]


def test_a_transformer_step_agrees_in_every_gradient(both):
    compiled, pure = both
    assert len(compiled["transformer"]) > 4000  # the loss and every parameter's gradient
    assert compiled["transformer"] == pure["transformer"]
