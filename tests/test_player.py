"""The HTML player as a document: one offline file, every frame, Jupyter display."""

import html
import re
from html.parser import HTMLParser

import pytest

from autograd import Value
from autograd.frames import frames
from autograd.player import Player, play, player_html
from autograd.stepper import trace
from autograd.walkthrough import regularized_neuron, wxb


class Collector(HTMLParser):
    """Every tag with its attributes, and the text of each figure."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(document):
    collector = Collector()
    collector.feed(document)
    return collector.tags


def test_one_offline_file_with_every_frame():
    document = player_html(regularized_neuron())
    tags = parsed(document)
    # nothing fetched: no src/href anywhere, no URL outside SVG namespace declarations
    assert not [attrs for _, attrs in tags if "src" in attrs or "href" in attrs or "xlink:href" in attrs]
    assert not [tag for tag, _ in tags if tag in ("link", "iframe", "img", "object", "embed")]
    urls = set(re.findall(r"https?://[^\s\"'<>]+", document))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<!DOCTYPE svg" not in document and "<?xml" not in document
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts == [{}]  # one inline script
    figures = [attrs for tag, attrs in tags if tag == "figure"]
    expected = len(frames(trace(regularized_neuron())))
    assert len(figures) == expected == 1 + 10 + 1 + 10 + 1
    assert all("hidden" in attrs for attrs in figures)
    assert document.count("<svg") == expected
    for control in ("first", "prev", "play", "next", "last", "slider"):
        assert any(attrs.get("id") == control for _, attrs in tags)
    assert f'max="{expected - 1}"' in document


def test_player_is_deterministic():
    assert player_html(wxb()) == player_html(wxb())


def test_formulas_are_escaped():
    a = Value(2.0, "<b>&")
    out = a * a
    out.label = "o"
    document = player_html(out)
    assert "∂o/∂&lt;b&gt;&amp; += ∂o/∂o" in document
    assert "<b>&" not in document.replace("<b>&lt;", "")


def test_player_saves_and_displays_inline(tmp_path):
    player = play(wxb())
    assert isinstance(player, Player) and repr(player) == "Player(7 frames)"
    path = player.save(tmp_path / "p.html")
    assert path.read_text(encoding="utf-8") == player.html
    inline = player._repr_html_()
    assert inline.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in inline
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', inline).group(1)
    assert html.unescape(srcdoc) == player.html
    assert 320 < player.height <= 900


def test_player_accepts_a_trace_and_draw_options():
    recorded = trace(wxb())
    assert ">3<" not in play(recorded).html
    with_labels = play(recorded, edge_labels=True, rankdir="TB").html
    assert ">3<" in with_labels  # local derivative ∂g/∂w = x = 3 printed on its edge


def test_large_graph_is_refused_unless_asked():
    v = Value(0.5, "x")
    for _ in range(120):
        v = v * 1.0001
    with pytest.raises(ValueError, match=r"121 nodes.*max_nodes=None"):
        play(v)
