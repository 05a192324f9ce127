"""The HTML player in a real headless Chromium: buttons, arrow keys, slider, last frame.

CI has Debian's `chromium` and `chromium-driver` (the Makefile installs them); when
they are missing this test fails with a message saying how to install them.
"""

import shutil
from pathlib import Path

import pytest

from autograd.notation import format_number
from autograd.stepper import trace
from autograd.walkthrough import regularized_neuron

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = (
    "the player's browser test needs Debian's chromium and chromium-driver at /usr/bin: "
    "run `make test` (it installs them) or `sudo apt-get install -y chromium chromium-driver`"
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: pip install -e '.[dev]'")

    chromium = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not chromium or not CHROMEDRIVER.exists():
        pytest.fail(INSTALL_HINT)
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_player_steps_in_a_real_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from autograd.player import play

    loss = regularized_neuron()
    recorded = trace(loss)
    path = play(recorded).save(tmp_path / "player.html")
    browser.get(path.resolve().as_uri())

    def visible():
        shown = [f for f in browser.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed()]
        assert len(shown) == 1, "exactly one frame is visible"
        frame = shown[0]
        return (
            frame.get_attribute("id"),
            frame.find_element(By.CSS_SELECTOR, ".formula").text,
            frame.find_element(By.TAG_NAME, "svg").text,
        )

    def counter():
        return browser.find_element(By.ID, "counter").text

    frame_count = len(browser.find_elements(By.CSS_SELECTOR, ".frame"))
    assert frame_count == 23
    first = visible()
    assert first[0] == "frame-0" and counter() == f"1 / {frame_count}"
    assert first[1] == "w = 2.0\nx = 3.0\nb = 1.0"

    browser.find_element(By.ID, "next").click()
    second = visible()
    assert second[0] == "frame-1" and second[1] != first[1] and second[2] != first[2]
    assert second[1] == "wx = w * x = 2.0 * 3.0 = 6.0"

    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    body.send_keys(Keys.ARROW_RIGHT)
    assert visible()[0] == "frame-3" and counter() == f"4 / {frame_count}"
    body.send_keys(Keys.ARROW_LEFT)
    assert visible()[0] == "frame-2"
    browser.find_element(By.ID, "prev").click()
    assert visible()[:2] == second[:2]

    # the seed frame, then the first backward step, reached with the slider
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = 12; s.dispatchEvent(new Event('input'));"
    )
    step = visible()
    assert step[0] == "frame-12"
    assert step[1].startswith("step 1/10: ∂L_reg/∂L_reg = 1.0 is final")

    body.send_keys(Keys.END)
    last_id, last_formula, last_svg = visible()
    assert last_id == f"frame-{frame_count - 1}" and counter() == f"{frame_count} / {frame_count}"
    for node, line in zip(recorded.order, recorded.gradients_summary().splitlines(), strict=True):
        # every gradient, in the formula (∂L_reg/∂(y−t) = 0.499089) and on the graph
        assert line.endswith(f" = {format_number(recorded.grads[node])}") and line in last_formula
        assert f"grad {format(recorded.grads[node], '.4g')}" in last_svg
    assert "grad ?" not in last_svg
    browser.find_element(By.ID, "next").click()  # stays on the last frame
    assert visible()[0] == last_id

    body.send_keys(Keys.HOME)
    assert visible()[0] == "frame-0"
    browser.find_element(By.ID, "play").click()
    assert browser.find_element(By.ID, "play").text == "pause"
    browser.find_element(By.ID, "play").click()
    assert browser.find_element(By.ID, "play").text == "play"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # no JavaScript errors
