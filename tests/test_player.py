"""The HTML player as a document: one offline file, every frame's data, Jupyter display, the GIF."""

import html
import io
import json
import re
import sys
from html.parser import HTMLParser

import pytest
from PIL import Image

from autograd import Value
from autograd.recording.trace import trace
from autograd.teaching.walkthrough import regularized_neuron, wxb
from autograd.views.frames import frames
from autograd.views.graphview import viz_script
from autograd.views.player import FRAME_MILLISECONDS, Player, play, player_html
from autograd.views.render import DotNotFoundError
from tests.notation import bar

OLD_NEURON_PLAYER_BYTES = 386_390  # the neuron's player as pre-rendered SVG frames, before this design


class Collector(HTMLParser):
    """Every tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(document):
    collector = Collector()
    collector.feed(document)
    return collector.tags


def model_of(document):
    match = re.search(r'<script type="application/json" id="stepgrad-model">(.*?)</script>', document, re.S)
    return json.loads(match.group(1))


def chain(n):
    v = Value(0.5, "x")
    for _ in range(n - 1):
        v = v * 1.0001
    return v


@pytest.mark.parametrize("renderer", ["dot", "browser"])
def test_one_offline_file_with_every_frame(renderer):
    loss = regularized_neuron()
    document = player_html(loss, renderer=renderer)
    tags = parsed(document)
    # nothing fetched: no src/href anywhere, no URL outside SVG namespace declarations and the
    # renderer's own comments
    assert not [attrs for _, attrs in tags if "src" in attrs or "href" in attrs or "xlink:href" in attrs]
    assert not [tag for tag, _ in tags if tag in ("link", "iframe", "img", "object", "embed")]
    urls = set(re.findall(r"https?://[^\s\"'<>]+", document.replace(viz_script(), "")))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    ours = document.replace(viz_script(), "")
    assert "<!DOCTYPE svg" not in ours and "<?xml" not in ours
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "stepgrad-model"}] + [{}] * (
        2 if renderer == "dot" else 3
    )
    assert (viz_script() in document) == (renderer == "browser")
    assert (document.count("<svg") == 1) == (renderer == "dot")  # dot's one layout, or none
    expected = frames(trace(loss))
    model = model_of(document)
    computed = [n for n in model["nodes"] if not n["leaf"]]
    assert len(model["frames"]) == len(expected) == 1 + 10 + 1 + 10 + 1
    assert [f["title"] for f in model["frames"]] == [f.title for f in expected]  # the page's frames
    assert model["frameMilliseconds"] == FRAME_MILLISECONDS
    assert f'max="{len(expected) - 1}"' in document
    for control in ("first", "prev", "play", "next", "last", "slider", "zoom-in", "zoom-out", "zoom-fit"):
        assert any(attrs.get("id") == control for _, attrs in tags)
    # the frames' formulas are the stepper's, in the same order
    recorded = trace(loss)
    assert [n["forward"] for n in computed] == [f.formula for f in expected[1:11]]
    assert [s["formula"] for s in model["steps"]] == [f.formula for f in expected[12:22]]
    assert model["inputs"] == expected[0].formula and model["summary"] == expected[-1].formula
    assert [n["grad"] for n in model["nodes"]] == [format(recorded.grads[n], ".4g") for n in recorded.order]
    assert model["dot"] == frames(recorded)[-1].graph.source  # the layout: the last frame's graph
    assert "input (a leaf)" in json.dumps(model["legend"])


def test_player_is_smaller_than_the_pre_rendered_frames():
    assert len(player_html(regularized_neuron(), renderer="dot")) < OLD_NEURON_PLAYER_BYTES / 4
    # 300 values: the browser renderer is most of the file (the old design made 140 MB of frames)
    big = player_html(chain(300), renderer="browser")
    assert len(big.encode()) < len(viz_script().encode()) + 600_000


def test_player_is_deterministic():
    assert player_html(wxb()) == player_html(wxb())
    assert player_html(wxb(), renderer="browser") == player_html(wxb(), renderer="browser")


def test_formulas_are_escaped():
    a = Value(2.0, "<b>&")
    out = a * a
    out.label = "o"
    document = player_html(out)
    model = model_of(document)
    formula = model["steps"][0]["formula"]  # text, set with textContent
    assert f"{bar('<b>&')} += o\u0305 · ∂o/∂<b>&" in formula
    assert "<b>&" not in document.replace("<b>&lt;", "")  # raw nowhere: JSON has \u003c, SVG &lt;


def test_player_saves_and_displays_inline(tmp_path):
    player = play(wxb())
    assert isinstance(player, Player) and repr(player) == "Player(7 frames)"
    path = player.save(tmp_path / "p.html")
    assert path.read_text(encoding="utf-8") == player.html
    inline = player._repr_html_()
    assert inline.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in inline
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', inline).group(1)
    assert html.unescape(srcdoc) == player.html
    assert "stepgradPlayerHeight" in inline and "stepgradPlayerHeight" in player.html  # sized to content
    with pytest.raises(ValueError, match=r"\.html.*\.gif"):
        player.save(tmp_path / "p.txt")


def test_player_accepts_a_trace_and_draw_options():
    recorded = trace(wxb())
    assert "label=<3>" not in model_of(play(recorded).html)["dot"]
    with_labels = model_of(play(recorded, edge_labels=True, rankdir="TB").html)["dot"]
    assert "label=<3>" in with_labels and "rankdir=TB" in with_labels  # ∂g/∂w = x = 3 on its edge
    with pytest.raises(ValueError, match="renderer"):
        play(recorded, renderer="svg")


def test_renderer_dot_without_dot_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        play(wxb(), renderer="dot")
    assert viz_script() in player_html(wxb())  # auto: the browser lays it out


def test_large_graph_is_refused_unless_asked():
    with pytest.raises(ValueError, match=r"1001 nodes.*max_nodes=None"):
        play(chain(1001))
    assert play(chain(1001), max_nodes=None, renderer="browser").frame_count == 1000 + 1000 + 3


def test_every_frame_has_the_same_layout():
    """Fixed-size value boxes: `dot` places every node at the same spot in every frame."""

    def positions(graph):
        plain = graph.pipe(format="plain", encoding="utf-8").splitlines()
        return [line.split()[:6] for line in plain if line.startswith(("node", "graph"))]

    recorded = trace(regularized_neuron())
    shown = frames(recorded)
    first = positions(shown[0].graph)
    assert len(first) == 1 + len(recorded.order) + len(recorded.steps)  # the graph, values, ops
    assert all(positions(frame.graph) == first for frame in shown[1:])


def test_gif_has_one_frame_per_step(tmp_path):
    player = play(regularized_neuron())
    path = player.save(tmp_path / "backprop.gif")
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == player.frame_count == 23
        assert gif.info["loop"] == 0 and gif.info["duration"] == 1200
        sizes = set()
        for i in range(gif.n_frames):
            gif.seek(i)
            sizes.add(gif.size)
        assert len(sizes) == 1
    with Image.open(io.BytesIO(player.animation("png"))) as apng:
        assert apng.format == "PNG" and apng.n_frames == 23


def test_gif_without_dot_fails_before_any_work(monkeypatch, tmp_path):
    player = play(wxb())
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        player.save(tmp_path / "backprop.gif")
    assert list(tmp_path.iterdir()) == []


def test_gif_without_pillow_names_the_install_command(monkeypatch, tmp_path):
    player = play(wxb())
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(
        ImportError, match=re.escape("needs PIL, which is not installed: pip install 'stepgrad[gif]'")
    ):
        player.save(tmp_path / "backprop.gif")
    assert list(tmp_path.iterdir()) == []


def test_an_animation_of_hundreds_of_frames_is_refused_before_any_work(tmp_path):
    player = play(chain(100))  # 1 + 99 + 1 + 99 + 1 frames
    with pytest.raises(ValueError, match=r"201 frames, more than max_frames=150.*max_frames=None"):
        player.save(tmp_path / "long.gif")
    assert list(tmp_path.iterdir()) == []


def test_the_pages_frames_show_what_the_python_frames_draw():
    """The view model's frame sequence, read as the page reads it (the node in red with its op's
    edge; forward: its incoming edges, the first `computed` computed values known; backward: the
    step's edges), matches what `frames()` draws, frame by frame, in draw's SVG classes."""
    loss = regularized_neuron()
    model = model_of(player_html(loss, renderer="browser"))
    computed = [j for j, node in enumerate(model["nodes"]) if not node["leaf"]]
    for page, frame in zip(model["frames"], frames(trace(loss)), strict=True):
        lines = frame.graph.source.splitlines()
        red = [re.search(r"class=(\w+)", line)[1] for line in lines if 'color="#d32f2f"' in line]
        known = [
            int(j)
            for j in re.findall(r"^\tn(\d+) \[label=<<b>[^<]*</b><br/>data (?!\?)", frame.graph.source, re.M)
        ]
        j, step = page["node"], page["step"]
        lit = [] if j is None else [f"v{j}", f"o{j}"]
        if step is None:
            lit += [] if j is None else [f"e{j}_{k}" for k in range(model["nodes"][j]["parents"])]
            assert [i for i in known if i in computed] == computed[: page["computed"]], page["title"]
        elif 1 <= step <= len(model["steps"]):
            lit += model["steps"][step - 1]["edges"]
        assert sorted(red) == sorted(lit), page["title"]
    assert model["svgClasses"] == {"value": "v{j}", "op": "p{j}", "edge": "e{j}_{k}", "output": "o{j}"}
