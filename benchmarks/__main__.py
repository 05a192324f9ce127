"""`python -m benchmarks [--quick] [--repeat N] [--json PATH] [--plot PATH] [--no-torch] [--profile WORKLOAD]`

Prints progress, then the report as markdown (the README's performance section shows
one). Exit status 0 on success; 1 if the engines disagree about a loss or a gradient,
in which case nothing is timed. `--profile` instead runs one workload of stepgrad's
under cProfile and prints where its time goes (on the pure-Python engine: cProfile cannot see
inside the compiled one, which runs the same source).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence

import autograd
from autograd.files import write_atomic
from benchmarks.agreement import AgreementError
from benchmarks.engines import STEPGRAD
from benchmarks.profiling import WORKLOADS, profile_workload
from benchmarks.report import markdown
from benchmarks.suite import run
from benchmarks.workloads import FULL, QUICK, make_workloads
from stepgrad.options import positive_int


def _progress_bar(total: int) -> Callable[[], object] | None:
    """A tqdm bar over the timing rounds when stderr is a terminal and tqdm is installed."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    bar = tqdm(total=total, unit="round", file=sys.stderr, leave=False)

    def tick() -> None:
        bar.update()
        if bar.n >= total:
            bar.close()

    return tick


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="stepgrad vs micrograd, PyTorch scalar-at-a-time and a hand-written floor: "
        "time (interleaved rounds, medians, ratios) and memory (tracemalloc).",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds; for CI and tests)")
    parser.add_argument(
        "--repeat", type=positive_int, metavar="N", help="timing rounds (default 15, quick 3)"
    )
    parser.add_argument("--json", metavar="PATH", help="also save every number as JSON (written atomically)")
    parser.add_argument(
        "--plot", metavar="PATH", help="also draw the times as a PNG chart (needs matplotlib)"
    )
    parser.add_argument("--no-torch", action="store_true", help="leave out the PyTorch baseline")
    parser.add_argument(
        "--profile",
        choices=WORKLOADS,
        metavar="WORKLOAD",
        help=f"instead: profile stepgrad on one workload ({', '.join(WORKLOADS)}) with cProfile",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.repeat is not None:
        sizes = dataclasses.replace(sizes, rounds=args.repeat)
    if args.profile and autograd.COMPILED:
        # cProfile sees no function inside the compiled engine: profile its source, the same code
        print("(the compiled engine is opaque to cProfile: profiling the pure-Python engine, its source)")
        env = {**os.environ, "STEPGRAD_PURE_PYTHON": "1"}
        words = list(sys.argv[1:] if argv is None else argv)
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks", *words], capture_output=True, text=True, env=env
        )
        print(done.stdout, end="")
        print(done.stderr, end="", file=sys.stderr)
        return done.returncode
    if args.profile:
        workload = next(
            w for w in make_workloads({STEPGRAD.name: STEPGRAD}, sizes) if w.name.startswith(args.profile)
        )
        print(profile_workload(workload), end="")
        return 0
    command = " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])

    def log(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        results = run(
            sizes,
            with_torch=not args.no_torch,
            quick=args.quick,
            command=command,
            log=log,
            progress=_progress_bar,
        )
    except AgreementError as error:
        print(f"python -m benchmarks: the engines disagree, nothing was timed:\n  {error}", file=sys.stderr)
        return 1
    print(markdown(results), end="")
    if args.json:
        path = write_atomic(args.json, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        log(f"wrote {path}")
    if args.plot:
        from benchmarks.plot import plot_times
        from nn.plots import save_png

        log(f"wrote {save_png(plot_times(results), args.plot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
