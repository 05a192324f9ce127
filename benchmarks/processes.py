"""The transformer workload timed as whole processes, as a user runs a script.

The in-process harness times one step at a time inside a long-lived interpreter; a user runs
a script: start-up, imports, building the model and every step, with the cyclic collector
doing all its work (`benchmarks/transformer_script.py`). Three engines: stepgrad compiled,
stepgrad's pure-Python engine (STEPGRAD_PURE_PYTHON=1) and the minimal Value. Before any
timing every engine's losses are compared (compiled and pure bit for bit, the minimal Value
within rounding); then rounds are interleaved and each process's wall time recorded (medians
reported), and each engine's peak resident memory (the kernel's VmHWM) is read once.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.agreement import AgreementError
from benchmarks.timing import median

SCRIPT = Path(__file__).with_name("transformer_script.py")
COMPILED, PURE, MINIMAL = "stepgrad compiled", "stepgrad pure Python", "minimal Value"
#: engine → (script argument, STEPGRAD_PURE_PYTHON)
ENGINES = {COMPILED: ("stepgrad", "0"), PURE: ("stepgrad", "1"), MINIMAL: ("minimal", "0")}


def run_once(engine: str, steps: int) -> tuple[float, list[str]]:
    """(wall seconds, the losses printed) of one fresh process."""
    argument, pure = ENGINES[engine]
    env = {**os.environ, "STEPGRAD_PURE_PYTHON": pure}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(SCRIPT), argument, str(steps)], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{engine}: {SCRIPT.name} exited {done.returncode}\n{done.stderr[-2000:]}")
    return seconds, done.stdout.split()


def peak_of(engine: str, steps: int) -> int:
    """The process's peak resident memory in bytes, as the kernel counts it for this process image
    (VmHWM, read by the script itself at its end; `ru_maxrss` would include the forking parent)."""
    argument, pure = ENGINES[engine]
    code = (
        "import contextlib, io, runpy, sys\n"
        f"sys.argv = [{str(SCRIPT)!r}, {argument!r}, '{steps}']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()\n"
        "print(int(status[0]) * 1024)"
    )
    env = {**os.environ, "STEPGRAD_PURE_PYTHON": pure}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return int(done.stdout.split()[-1])


def check_losses(losses: dict[str, list[str]]) -> None:
    """Compiled and pure bit for bit; the minimal Value within rounding (it divides as x·y⁻¹)."""
    if losses[COMPILED] != losses[PURE]:
        raise AgreementError(f"whole processes: compiled {losses[COMPILED]} vs pure {losses[PURE]}")
    ours = [float.fromhex(x) for x in losses[COMPILED]]
    theirs = [float.fromhex(x) for x in losses[MINIMAL]]
    if len(ours) != len(theirs) or not all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(ours, theirs)):
        raise AgreementError(f"whole processes: stepgrad {ours} vs the minimal Value {theirs}")


def run(steps: int, rounds: int) -> dict[str, Any]:
    """Check the losses, then time `rounds` interleaved rounds of each engine's process."""
    check_losses({engine: run_once(engine, steps)[1] for engine in ENGINES})
    samples: dict[str, list[float]] = {engine: [] for engine in ENGINES}
    for _ in range(rounds):
        for engine in ENGINES:
            samples[engine].append(run_once(engine, steps)[0])
    peaks = {engine: peak_of(engine, steps) for engine in ENGINES}
    return {
        "steps": steps,
        "seconds": {engine: median(s) for engine, s in samples.items()},
        "min_seconds": {engine: min(s) for engine, s in samples.items()},
        "samples_s": samples,
        "peak_bytes": peaks,
        "losses_agree": True,
    }
