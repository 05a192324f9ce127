"""The transformer workload as a user runs it: a script, in a fresh process.

    python benchmarks/transformer_script.py stepgrad|minimal STEPS

`STEPS` Adam steps of `benchmarks.transformer.Transformer` on stepgrad's Value (the compiled
engine, or the pure-Python one under STEPGRAD_PURE_PYTHON=1) or on the minimal Value, with
the interpreter's default settings; prints each step's loss as `float.hex`, so that the
caller can check that every engine computed the same numbers before comparing times.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file from anywhere

from benchmarks.transformer import MinimalValue, Transformer


def main(engine: str, steps: int) -> None:
    if engine == "minimal":
        value = MinimalValue
    elif engine == "stepgrad":
        from autograd import Value as value
    else:
        raise SystemExit(f"transformer_script: engine must be stepgrad or minimal, got {engine!r}")
    model = Transformer(value)
    for _ in range(steps):
        print(model.step().hex())


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
