"""Headless Chromium for the browser tests (selenium + Debian's chromium and chromium-driver).

CI has them (the Makefile installs them); where they are missing a test fails with a
message saying how to install them. Timings measured in a browser test are collected
with `record_timing` and printed at the end of the pytest run (tests/conftest.py).
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = (
    "the browser tests need Debian's chromium and chromium-driver at /usr/bin: "
    "run `make test` (it installs them) or `sudo apt-get install -y chromium chromium-driver`"
)
TIMINGS: list[tuple[str, float, float]] = []  # (what, milliseconds, the bound the issue sets)


def record_timing(what: str, milliseconds: float, target: float) -> None:
    TIMINGS.append((what, milliseconds, target))


@contextmanager
def chromium(
    profile: Path,
    width: int = 1300,
    height: int = 900,
    extra_args: tuple[str, ...] = (),
    logs: tuple[str, ...] = ("browser",),
) -> Iterator[Any]:
    """A headless Chromium (selenium driver) with a fresh profile in `profile`, quit at the end.

    `extra_args` are more command-line switches; `logs` the log types to record (browser,
    performance)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: pip install -e '.[dev]'")
    binary = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not binary or not CHROMEDRIVER.exists():
        pytest.fail(INSTALL_HINT)
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
        *extra_args,
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", dict.fromkeys(logs, "ALL"))
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def go_offline(driver: Any) -> None:
    """Cut the browser off the network: a page that needs anything from outside fails to get it."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, what: str = "the page") -> Any:
    """Poll `condition` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except Exception as exc:  # the element may not exist yet
            last_error = exc
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last error: {last_error})")


def severe_errors(driver: Any) -> list[dict[str, Any]]:
    """The page's severe console entries since the last call. Chromium's own notice that it blocked
    JupyterLab's "leave the page?" panel (a tab closed without a user gesture: an 'intervention', not
    an error of the page) is left out: it comes from whichever earlier test left a notebook open."""
    return [
        entry
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
        and not (entry.get("source") == "intervention" and "beforeunload" in entry["message"])
    ]


# How long one step takes on screen: click, then two animation frames (the paint after it).
STEP_SCRIPT = """
var done = arguments[arguments.length - 1], target = arguments[0];
var t0 = performance.now();
target.click();
requestAnimationFrame(function () { requestAnimationFrame(function () { done(performance.now() - t0); }); });
"""


def mlp_loss(fused: bool = False) -> tuple[Any, Any]:
    """A 2-8-8-1 MLP's squared-error loss on one sample: 300 value nodes unfused."""
    from nn.module import MLP

    model = MLP(2, [8, 8, 1], rng=random.Random(0), fused=fused)
    y = model([0.5, -1.5])
    loss = (y - 1.0) ** 2 * 0.5
    loss.label = "loss"
    return loss, model


def every_op_graph() -> Any:
    """A graph with a node of every op of the table, a `sum` of 14 operands and a `dot` with 21
    parents (the longest chain-rule formulas), and a name with LaTeX's underscore."""
    from autograd import Value

    x, y = Value(0.5, "x"), Value(2.0, "y_1")
    terms = [x + y, x - y, x * y, x / y, x**y, x**2, 2**x, -x, x.exp(), y.log(), x.tanh(), x.sigmoid()]
    total = Value.sum([*terms, x.relu(), 1.5])
    root = Value.dot([total, *terms[:9]], [y, *[x] * 9], x)
    root.label = "L_total"
    return root
