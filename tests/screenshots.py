"""`make screenshots`: PNGs of what a student sees, for a person to look at (out/screenshots/).

Every view is driven as a person drives it (tests/browser.py: real clicks and keys) in headless
Chromium: the explorer and its practice mode in JupyterLab, started here on 127.0.0.1 (first
render, mid-way, at the end, after an edit; a wrong and a right answer; a 300-node MLP stepped,
then folded); the offline players (f = w·x + b, the regularized neuron, the folded MLP); worksheet
pages (pdflatex, then pdftoppm); the documentation's notebook 01 page (mkdocs).

    python -m tests.screenshots [OUT]      (make screenshots)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.browser import (
    PRACTICE_CELL,
    REPO,
    WXB_CELL,
    answer_in_page,
    chromium,
    click,
    click_node,
    edit_leaf,
    explore_cell,
    focus_by_click,
    jupyter_server,
    mlp_loss,
    press,
    wait_for,
)

MLP_CELL = """\
from autograd import explore
from tests.browser import mlp_loss
loss, mlp = mlp_loss()
explore(loss, model=mlp)"""


def shoot(browser, out: Path, name: str, element=None) -> None:
    """Save the window as out/name.png, `element` (if given) scrolled to the top first."""
    if element is not None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", element)
    path = out / f"{name}.png"
    browser.save_screenshot(str(path))
    print(f"  {path}")


def buttons(widget) -> dict:
    return {b.text: b for b in widget.find_elements("css selector", ".sg-controls button")}


def explorer_shots(out: Path, work: Path) -> None:
    """The explorer and its practice mode in JupyterLab."""
    from selenium.webdriver.common.keys import Keys

    (work / "root").mkdir()
    (work / "home").mkdir()
    with (
        jupyter_server("lab", work / "root", work / "home") as lab,
        chromium(work / "profile", width=1400, height=1000) as browser,
    ):
        widget = explore_cell(browser, lab, "explore.ipynb", WXB_CELL)
        shoot(browser, out, "01-explorer-first-render", widget)
        focus_by_click(browser, widget)
        press(browser, *[Keys.ARROW_RIGHT] * 4)  # backward 1/2: w's gradient not final yet
        click_node(browser, widget, "w")
        shoot(browser, out, "02-explorer-mid-way", widget)
        focus_by_click(browser, widget)
        press(browser, Keys.END)
        click_node(browser, widget, "x")
        shoot(browser, out, "03-explorer-at-the-end", widget)
        edit_leaf(browser, widget, "w", "5")
        shoot(browser, out, "04-explorer-after-an-edit", widget)

        widget = explore_cell(browser, lab, "practice.ipynb", PRACTICE_CELL)
        answer_in_page(browser, widget, "1")
        answer_in_page(browser, widget, "1")
        answer_in_page(browser, widget, "2")  # w̄ is 3: 2 is w's value
        shoot(browser, out, "05-practice-after-a-wrong-answer", widget)
        answer_in_page(browser, widget, "3")
        shoot(browser, out, "06-practice-after-a-right-answer", widget)

        widget = explore_cell(browser, lab, "mlp.ipynb", MLP_CELL)
        controls = buttons(widget)
        click(browser, controls["▶|"])
        for _ in range(20):
            click(browser, controls["◀"])
        shoot(browser, out, "07-explorer-mlp-backward-step", widget)
        click(browser, controls["collapse neurons"])
        wait_for(
            lambda: (
                widget.get_attribute("data-folding") is None
                and widget.get_attribute("data-rendered") == "true"
            ),
            what="the folded layout",
        )
        shoot(browser, out, "08-explorer-mlp-folded", widget)
        focus_by_click(browser, widget)
        press(browser, Keys.END, *[Keys.ARROW_LEFT] * 40)
        shoot(browser, out, "09-explorer-mlp-folded-backward-step", widget)


def player_shots(out: Path, work: Path) -> None:
    """The offline players, as a file opened in a browser."""
    from selenium.webdriver.common.keys import Keys

    from autograd import Value
    from autograd.teaching.walkthrough import regularized_neuron
    from autograd.views.player import play

    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = w * x + b
    f.label = "f"
    loss, model = mlp_loss()
    players = {
        "wxb": (play(f), 5),  # backward 1/2
        "neuron": (play(regularized_neuron()), 15),  # a backward step mid-way
        "neuron-end": (play(regularized_neuron()), 22),  # done: every gradient
        "mlp-folded": (play(loss, model=model, collapse=True), None),  # mid-way through backward
    }
    with chromium(work / "player-profile") as browser:
        for name, (player, frame) in players.items():
            path = player.save(work / f"{name}.html")
            browser.get(path.as_uri())
            wait_for(
                lambda: browser.find_element("tag name", "body").get_attribute("data-rendered") == "true"
            )
            target = player.frame_count - len(player.trace.steps) // 2 if frame is None else frame
            click(browser, browser.find_element("id", "first"))
            press(browser, *[Keys.ARROW_RIGHT] * target)
            shoot(browser, out, f"1{list(players).index(name)}-player-{name}")


def worksheet_shot(out: Path, work: Path) -> None:
    """Worksheet pages as printed (pdflatex, then pdftoppm at 100 dpi): a level-2 sheet's first
    page, and a level-3 sheet's first two (its first exercise's box, then its graph's page)."""
    for level, pages, name in ((2, 1, "14-worksheet-page-1"), (3, 2, "14-worksheet-level-3-page")):
        sheet = work / f"worksheet-{level}"
        options = ["--count", "2", "--seed", "1", "--level", str(level), "--out", str(sheet)]
        subprocess.run(
            [sys.executable, "-m", "stepgrad", "worksheet", *options], check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "worksheet.tex"],
            cwd=sheet,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        single = ["-singlefile"] if pages == 1 else []  # else NAME-1.png, NAME-2.png, ...
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-l", str(pages), *single, "worksheet.pdf", str(out / name)],
            cwd=sheet,
            check=True,
        )
        for shot in sorted(out.glob(f"{name}*.png")):
            print(f"  {shot}")


def docs_shots(out: Path, work: Path) -> None:
    """The documentation site's notebook 01 page (built with mkdocs): its top, and each picture."""
    site = work / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (page,) = [  # notebooks/01_….html, or …/index.html with directory URLs
        path for path in site.glob("notebooks/01_backprop_wx_plus_b*") if path.suffix in ("", ".html")
    ]
    page = page / "index.html" if page.is_dir() else page
    with chromium(work / "docs-profile") as browser:
        browser.get(page.as_uri())
        wait_for(lambda: browser.execute_script("return document.readyState") == "complete")
        shoot(browser, out, "15-docs-notebook-01-top")
        pictures = browser.find_elements(
            "css selector", ".jp-RenderedImage > img, .jp-RenderedSVG > svg, iframe"
        )
        time.sleep(3)  # the player's iframe lays its graph out (its page is not ours to watch)
        for k, picture in enumerate(pictures):
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", picture)
            shoot(browser, out, f"15-docs-notebook-01-picture-{k + 1}")


def main(out: Path) -> None:
    out = out.absolute()  # (the worksheet's tools run in the sheet's own folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stepgrad-screenshots-") as tmp:
        work = Path(tmp)
        for what, make in [
            ("the explorer in JupyterLab", explorer_shots),
            ("the players", player_shots),
            ("a worksheet", worksheet_shot),
            ("the docs' notebook 01 page", docs_shots),
        ]:
            print(f">> {what}")
            make(out, work)
    print(f"Look at them: {out}/*.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots"))
