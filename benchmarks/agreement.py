"""Before anything is timed: every engine must compute the same loss and the same gradients.

The engines add the same terms in different orders (each walks its graph in its own
order; micrograd's neuron is a chain of `+` nodes where stepgrad's is one fused `dot`;
the floor accumulates over examples by hand), so results agree to rounding, about
1e-15 relative, not bit for bit. A tolerance of 1e-9 relative leaves a wide margin
for that and still catches any real mistake, which is off by far more. Gradients that
are zero in one engine (a dead ReLU) must be zero up to 1e-12 of the largest gradient.
"""

from __future__ import annotations

import math

from benchmarks.workloads import Result

__all__ = ["AgreementError", "RELATIVE_TOLERANCE", "check_agreement"]

RELATIVE_TOLERANCE = 1e-9


class AgreementError(AssertionError):
    """Two engines disagree about a loss or a gradient: timing them would compare different things."""


def _close(a: float, b: float, scale: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12 * scale)


def check_agreement(workload: str, results: dict[str, Result]) -> None:
    """Raise `AgreementError` naming the workload, the engines and the number unless all results agree.

    The first result is the reference; every other one is compared with it.
    """
    (reference_name, reference), *others = results.items()
    scale = max((abs(g) for g in reference.grads), default=0.0)
    for name, result in others:
        if not _close(result.loss, reference.loss, abs(reference.loss)):
            raise AgreementError(
                f"{workload}: {name} computes the loss {result.loss!r}, "
                f"{reference_name} {reference.loss!r} (tolerance {RELATIVE_TOLERANCE:g} relative)"
            )
        if len(result.grads) != len(reference.grads):
            raise AgreementError(
                f"{workload}: {name} has {len(result.grads)} gradients, "
                f"{reference_name} {len(reference.grads)}"
            )
        for i, (g, g_ref) in enumerate(zip(result.grads, reference.grads)):
            if not _close(g, g_ref, scale):
                raise AgreementError(
                    f"{workload}: gradient {i} is {g!r} in {name} but {g_ref!r} in {reference_name} "
                    f"(tolerance {RELATIVE_TOLERANCE:g} relative)"
                )
