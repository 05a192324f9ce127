"""Shared test set-up: hypothesis profiles.

`ci` (the default under `make test`) is deterministic: the same examples on
every run, no deadline (a 2-core CI machine is noisy). `dev` draws fresh random
examples each run: `HYPOTHESIS_PROFILE=dev make test`.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=200,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter):
    """Print what the browser tests measured (speed is reported, not asserted tightly)."""
    from tests.browser import TIMINGS

    if TIMINGS:
        terminalreporter.section("browser timings (headless Chromium)")
        for what, ms, target in TIMINGS:
            terminalreporter.write_line(f"{what}: {ms:.1f} ms (target < {target:.0f} ms)")
