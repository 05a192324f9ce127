"""The HTML player in a real headless Chromium, offline: buttons, arrow keys, slider, last frame;
laid out by `dot` or in the page by the vendored Graphviz-wasm; a 300-node graph, timed."""

import pytest

from autograd import Value
from autograd.recording.trace import trace
from autograd.teaching.walkthrough import regularized_neuron
from autograd.views.player import play
from tests.browser import STEP_SCRIPT, chromium, go_offline, mlp_loss, record_timing, severe_errors, wait_for
from tests.notation import bar


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        go_offline(driver)  # no network at all: the page must need nothing from outside
        yield driver


def open_player(browser, path):
    browser.get(path.resolve().as_uri())
    state = wait_for(
        lambda: browser.find_element("tag name", "body").get_attribute("data-rendered"), what="the graph"
    )
    assert state == "true", browser.find_element("id", "graph").text
    return browser.find_element("tag name", "body")


def shown(browser):
    """(frame index, title, formula, every value box's text) as on screen."""
    texts = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph g.node')).map(function (g) {"
        " return Array.from(g.querySelectorAll('text')).map(function (t) { return t.textContent; })"
        ".join('|'); });"
    )
    return (
        int(browser.find_element("tag name", "body").get_attribute("data-frame")),
        browser.find_element("id", "frame-title").text,
        browser.find_element("id", "formula").text,
        [t for t in texts if "|data " in t],
    )


def hot_boxes(browser):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph g.node')).filter(function (g) {"
        " var s = g.querySelector('polygon'); return s && s.getAttribute('fill') === '#ffcdd2'; })"
        ".map(function (g) { return g.querySelector('text').textContent; });"
    )


@pytest.mark.parametrize("renderer", ["browser", "dot"])
def test_player_steps_in_a_real_browser(browser, tmp_path, renderer):
    from selenium.webdriver.common.keys import Keys

    loss = regularized_neuron()
    recorded = trace(loss)
    body = open_player(browser, play(recorded, renderer=renderer).save(tmp_path / "player.html"))
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    count = len(recorded.order) + len(recorded.steps) - 3 + 3  # 3 leaves: w, x, b
    assert browser.find_element("id", "counter").text == f"1 / {count}" == "1 / 23"

    frame, title, formula, boxes = shown(browser)
    assert (frame, title, formula) == (0, "forward: inputs", "w = 2.0\nx = 3.0\nb = 1.0")
    assert "w|data 2|grad ?" in boxes and "wx|data ?|grad ?" in boxes
    assert len(boxes) == len(recorded.order)

    browser.find_element("id", "next").click()
    frame, title, formula, boxes = shown(browser)
    assert (frame, title, formula) == (1, "forward 1/10", "wx = w * x = 2.0 * 3.0 = 6.0")
    assert "wx|data 6|grad ?" in boxes and hot_boxes(browser) == ["wx"]

    body.send_keys(Keys.ARROW_RIGHT)
    body.send_keys(Keys.ARROW_RIGHT)
    assert shown(browser)[0] == 3 and browser.find_element("id", "counter").text == f"4 / {count}"
    body.send_keys(Keys.ARROW_LEFT)
    assert shown(browser)[0] == 2
    browser.find_element("id", "prev").click()
    assert shown(browser)[:3] == (1, "forward 1/10", "wx = w * x = 2.0 * 3.0 = 6.0")

    # the first backward step, reached with the slider
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = 12; s.dispatchEvent(new Event('input'));"
    )
    frame, title, formula, boxes = shown(browser)
    assert (frame, title) == (12, "backward 1/10")
    assert formula.startswith(f"step 1/10: {bar('L_reg')} = 1.0 is final")
    assert "L_reg|data 0.3245|grad 1" in boxes and "w|data 2|grad ?" in boxes
    assert hot_boxes(browser) == ["L_reg"]
    red_edges = browser.execute_script(
        "return document.querySelectorAll('#graph g.edge path[stroke=\"#d32f2f\"]').length"
    )
    assert red_edges == 3  # the op's edge into L_reg and its two parent edges

    body.send_keys(Keys.END)
    frame, title, formula, boxes = shown(browser)
    assert (frame, title) == (count - 1, "done: every gradient")
    for node, line in zip(recorded.order, recorded.gradients_summary().splitlines(), strict=True):
        assert line in formula  # the gradient of y−t: 0.499089
        assert f"{recorded.names[node]}|data {node.data:.4g}|grad {recorded.grads[node]:.4g}" in boxes
    assert not any(box.endswith("grad ?") for box in boxes) and hot_boxes(browser) == []
    browser.find_element("id", "next").click()  # stays on the last frame
    assert shown(browser)[0] == count - 1

    body.send_keys(Keys.HOME)
    assert shown(browser)[0] == 0
    browser.find_element("id", "play").click()
    assert browser.find_element("id", "play").text == "pause"
    browser.find_element("id", "play").click()
    assert browser.find_element("id", "play").text == "play"
    # the graph box: no scrollbars, nothing wider than the page
    assert browser.execute_script(
        "var g = document.getElementById('graph'); return [g.scrollWidth <= g.clientWidth + 1,"
        " document.documentElement.scrollWidth <= window.innerWidth]"
    ) == [True, True]
    browser.save_screenshot(str(tmp_path / f"player-{renderer}.png"))
    assert severe_errors(browser) == []  # no JavaScript errors


def test_player_of_a_300_node_graph_offline(browser, tmp_path):
    """Laid out in the page (no `dot`), stepped to the end; first render and a step are timed."""
    from selenium.webdriver.common.keys import Keys

    loss, model = mlp_loss()
    recorded = trace(loss)
    assert len(recorded.order) == 300
    player = play(recorded, renderer="browser", model=model)
    body = open_player(browser, player.save(tmp_path / "player300.html"))
    first_render = browser.execute_script("return window.stepgradRenderedAt")
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    next_button = browser.find_element("id", "next")
    steps = [browser.execute_async_script(STEP_SCRIPT, next_button) for _ in range(20)]
    body.send_keys(Keys.END)
    frame, title, _, boxes = shown(browser)
    assert frame == player.frame_count - 1 and title == "done: every gradient"
    assert len(boxes) == 300 and not any(box.endswith("grad ?") for box in boxes)
    assert f"L0.n0.w0|data {model.layers[0].neurons[0].w[0].data:.4g}|grad" in " ".join(boxes)
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = arguments[0];"
        " s.dispatchEvent(new Event('input'));",
        player.frame_count - 30,  # a backward step deep in the graph: scrolled into view
    )
    assert len(hot_boxes(browser)) == 1
    browser.save_screenshot(str(tmp_path / "player300.png"))
    record_timing("player, 300 nodes, first render (load + Graphviz-wasm layout)", first_render, 2000)
    record_timing("player, 300 nodes, one step (median of 20, to the next paint)", sorted(steps)[10], 50)
    assert first_render < 10_000 and max(steps) < 1000  # generous: a loaded 2-core machine
    assert severe_errors(browser) == []


def test_player_with_folded_neurons_lights_the_box_of_a_step_inside(browser, tmp_path):
    from autograd.graph.names import parameter_names
    from autograd.graph.neurons import neuron_calls
    from autograd.graph.walk import topological_order

    loss, model = mlp_loss()
    recorded = trace(loss)
    calls = neuron_calls(topological_order(loss), parameter_names(model))
    player = play(recorded, renderer="browser", model=model, collapse=True)
    open_player(browser, player.save(tmp_path / "folded.html"))
    *_, boxes = shown(browser)
    assert sorted(b.split("|")[0] for b in boxes if ":" in b) == sorted(c.title for c in calls)
    assert len(boxes) == len(calls) + 3 and "neuron, collapsed" in browser.find_element("id", "legend").text
    inner = calls[5].nodes[0]  # a multiply inside the sixth neuron's box
    computed = sum(1 for node in recorded.order if not node.is_leaf)
    position = next(i for i, s in enumerate(recorded.steps, start=1) if s.node is inner)
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = arguments[0];"
        " s.dispatchEvent(new Event('input'));",
        computed + 1 + position,  # the frames: inputs, each forward node, the seed, the steps
    )
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph g.node')).filter(function (g) {"
        " var s = g.querySelector('polygon, path'); return s && s.getAttribute('fill') === '#ffcdd2'; })"
        ".map(function (g) { return g.querySelector('text').textContent; });"
    )
    assert lit == [calls[5].title]
    assert severe_errors(browser) == []


def test_the_graph_follows_its_box_until_the_reader_zooms(browser, tmp_path):
    """A narrower window (or a notebook laid out after the player) shows the graph fitted again."""
    from autograd import Value

    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    open_player(browser, play(w * x + b, renderer="browser").save(tmp_path / "resize.html"))
    scale = "return document.querySelector('#graph svg').style.transform"
    wide = browser.execute_script(scale)
    try:
        browser.set_window_size(800, 900)
        narrow = wait_for(lambda: browser.execute_script(scale) != wide and browser.execute_script(scale))
        assert float(narrow.split("scale(")[1].rstrip(")")) < float(wide.split("scale(")[1].rstrip(")"))
        browser.find_element("id", "zoom-in").click()  # the reader's choice now stays
        zoomed = browser.execute_script(scale)
        browser.set_window_size(1300, 900)
        browser.execute_script("return new Promise(function (r) { requestAnimationFrame(r); })")
        assert browser.execute_script(scale) == zoomed
    finally:
        browser.set_window_size(1300, 900)


def test_player_of_an_overflowing_graph_loads(browser, tmp_path):
    """x·1e308·10 is inf and inf·0 is nan: the page's data is strict JSON, so it still loads and steps."""
    from selenium.webdriver.common.keys import Keys

    x = Value(1.0, "x")
    f = x * 1e308 * 10.0 * 0.0
    f.label = "f"
    page = play(f, renderer="browser").save(tmp_path / "player.html")
    body = open_player(browser, page)
    body.send_keys(Keys.END)
    frame, title, _, boxes = shown(browser)
    assert frame == int(browser.find_element("id", "slider").get_attribute("max"))
    assert title == "done: every gradient"
    assert any("|data inf|" in box for box in boxes) and any("|data nan|" in box for box in boxes)
    assert severe_errors(browser) == []
