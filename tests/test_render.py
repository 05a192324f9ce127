"""The graphviz renderer: exact DOT structure, escaping, highlights, size guard, missing `dot`."""

import base64
import json
import random
import re
import warnings
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

from autograd import Value, edges, topological_order
from autograd.engine.names import node_names
from autograd.extras import DOT_INSTALL
from autograd.graph.names import parameter_names, short_parameter_name
from autograd.teaching.walkthrough import wxb
from autograd.views.graphview import viz_script
from autograd.views.render import DotNotFoundError, GraphTooLargeWarning, draw, save_graph
from tests.strategies import programs, run

SVG = "{http://www.w3.org/2000/svg}"

WXB_DOT = """digraph {
	graph [nodesep=0.2 rankdir=LR ranksep=0.35]
	node [fontname=Helvetica fontsize=12]
	edge [fontname=Helvetica fontsize=10]
	n0 [label=<<b>w</b><br/>data 2<br/>grad 0> class=v0 fillcolor="#bbdefb" {box}]
	n1 [label=<<b>x</b><br/>data 3<br/>grad 0> class=v1 fillcolor="#bbdefb" {box}]
	n2 [label=<<b>g</b><br/>data 6<br/>grad 0> class=v2 fillcolor="#ffffff" {box}]
	n2_op [label=<*> class=p2 fillcolor="#eeeeee" fontsize=11 shape=ellipse style=filled]
	n2_op -> n2 [class=o2]
	n0 -> n2_op [class=e2_0]
	n1 -> n2_op [class=e2_1]
	n3 [label=<<b>b</b><br/>data 1<br/>grad 0> class=v3 fillcolor="#bbdefb" {box}]
	n4 [label=<<b>f</b><br/>data 7<br/>grad 0> class=v4 fillcolor="#c8e6c9" {bold}]
	n4_op [label=<+> class=p4 fillcolor="#eeeeee" fontsize=11 shape=ellipse style=filled]
	n4_op -> n4 [class=o4]
	n2 -> n4_op [class=e4_0]
	n3 -> n4_op [class=e4_1]
}
""".replace(  # every value box has one fixed size
    "{box}", "fixedsize=true height=0.78 shape=box style=filled width=1.75"
).replace("{bold}", 'fixedsize=true height=0.78 shape=box style="filled,bold" width=1.75')


def edge_lines(source):
    """Each edge as 'tail -> head' (its attributes left out)."""
    edge = re.compile(r"\s*(n\d+(?:_op)? -> n\d+(?:_op)?)")
    return [m.group(1) for m in map(edge.match, source.splitlines()) if m]


def node_lines(source):
    return [line.strip() for line in source.splitlines() if re.match(r"\s*n\d+(_op)? \[", line)]


def svg_texts(svg):
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_wxb_dot_source_exact():
    assert draw(wxb()).source == WXB_DOT


def test_same_graph_same_source_every_time():
    assert draw(wxb(2, 3, 1)).source == draw(wxb(2, 3, 1)).source


@settings(max_examples=50)
@given(programs())
def test_dot_counts_match_the_graph(program):
    _, root = run(program, "value")
    order = topological_order(root)
    source = draw(root).source
    ops = [n for n in order if not n.is_leaf]
    assert len(node_lines(source)) == len(order) + len(ops)
    # one edge per parent slot (into the op), one from each op to its result
    assert len(edge_lines(source)) == len(edges(root)) + len(ops)
    assert source == draw(run(program, "value")[1]).source  # a fresh graph draws the same


def test_repr_is_the_graph_size_and_deterministic():
    a = Value(3.0, "a")
    assert repr(draw(a * a + 1)) == "Graph(3 value nodes)"


def test_a_times_a_has_two_edges():
    a = Value(3.0, "a")
    source = draw(a * a).source
    assert edge_lines(source).count("n0 -> n1_op") == 2


def test_fused_dot_is_one_op_with_2n_plus_1_edges():
    ws = [Value(0.1 * i, f"w{i}") for i in range(3)]
    xs = [Value(1.0 + i, f"x{i}") for i in range(3)]
    b = Value(0.5, "b")
    out = Value.dot(ws, xs, b)
    source = draw(out).source
    assert source.count("label=<dot>") == 1
    assert sum(1 for line in edge_lines(source) if line.endswith("-> n7_op")) == 7
    s = Value.sum(xs)
    assert sum(1 for line in edge_lines(draw(s).source) if line.endswith("_op")) == 3


def test_labels_with_special_characters_are_escaped_and_render():
    weird = '{a|b} <c> "d": e & f\\n'
    v = Value(1.0, weird)
    out = v * 2
    source = draw(out).source
    assert "<b>{a|b} &lt;c&gt; &quot;d&quot;: e &amp; f\\n</b>" in source
    texts = svg_texts(draw(out).svg())
    assert weird in texts
    assert "data 1" in texts and "data 2" in texts


def test_generated_names_and_duplicate_labels():
    x1, x2 = Value(1.0, "x"), Value(2.0, "x")
    out = x1 + x2
    names = node_names(topological_order(out))
    assert [names[n] for n in topological_order(out)] == ["x_0", "x_1", "v2"]


def test_highlights_edge_labels_rankdir_roles_and_number_format():
    f = wxb()
    w = f.parents[0].parents[0]
    g = f.parents[0]
    source = draw(
        f,
        rankdir="TB",
        edge_labels=True,
        highlight_nodes=[g],
        highlight_edges=[(w, g, 0)],
        parameters=[w],
        number_format=".2f",
    ).source
    assert "rankdir=TB" in source
    assert 'n0 -> n2_op [label=<3.00> class=e2_0 color="#d32f2f" penwidth=2.5]' in source
    assert "n1 -> n2_op [label=<2.00> class=e2_1]" in source
    assert re.search(r'n2 \[label=<<b>g</b><br/>data 6.00<br/>grad 0.00> class=v2 color="#d32f2f"', source)
    assert 'n0 [label=<<b>w</b><br/>data 2.00<br/>grad 0.00> class=v0 fillcolor="#ffe0b2"' in source  # param
    assert 'n1 [label=<<b>x</b><br/>data 3.00<br/>grad 0.00> class=v1 fillcolor="#bbdefb"' in source
    assert 'fillcolor="#c8e6c9"' in source  # output


def test_data_and_grads_mappings_show_question_marks_for_missing():
    f = wxb()
    source = draw(f, data={f: 7.0}, grads={f: 1.0}).source
    assert "<b>f</b><br/>data 7<br/>grad 1>" in source
    assert "<b>w</b><br/>data ?<br/>grad ?>" in source


def test_bad_options_raise_value_error():
    with pytest.raises(ValueError, match="rankdir"):
        draw(wxb(), rankdir="RL")
    with pytest.raises(ValueError, match="number_format"):
        draw(wxb(), number_format="%d")


def chain(n):
    v = Value(0.5, "x")
    for _ in range(n):
        v = v * 1.0001
    return v


def test_too_large_graph_warns_and_draws_a_summary():
    root = chain(400)  # 401 nodes
    with pytest.warns(GraphTooLargeWarning, match=r"401 nodes.*max_nodes=None"):
        graph = draw(root)
    assert node_lines(graph.source) == []
    assert "summary [label=" in graph.source
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = draw(root, max_nodes=None)
    assert len(node_lines(full.source)) == 401 + 400


def test_real_svg_rendering_and_save(tmp_path):
    f = wxb()
    f.backward()
    svg_path = save_graph(draw(f), tmp_path / "g.svg")
    texts = svg_texts(svg_path.read_text())
    assert {"w", "x", "b", "g", "f", "grad 3", "grad 2", "grad 1", "*", "+"} <= set(texts)
    dot_path = save_graph(draw(f), tmp_path / "g.dot")
    assert dot_path.read_text() == draw(f).source
    with pytest.raises(ValueError, match="no suffix"):
        save_graph(draw(f), tmp_path / "g")


def test_graph_displays_itself_in_jupyter_as_svg_and_png():
    bundle = draw(wxb())._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG\r\n")  # an untrusted notebook shows it
    assert bundle["text/plain"] == "Graph(5 value nodes)"


def test_without_dot_jupyter_gets_html_drawn_by_the_vendored_renderer(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph = draw(wxb())
    bundle = graph._repr_mimebundle_()  # no DotNotFoundError: nothing needs `dot`
    assert set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    assert viz_script() in page  # the vendored renderer, inline
    assert json.dumps(graph.source).replace("<", "\\u003c") in page  # the DOT, script-safe
    assert "</script" not in graph.source and page.count("</script>") == 2
    assert "Trust Notebook" in page  # what an untrusted notebook shows instead
    assert bundle["text/plain"].startswith("Graph(5 value nodes) (graphviz's `dot` is not installed")


def test_missing_dot_binary_explains_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    graph = draw(wxb())
    for render in (graph.svg, lambda: save_graph(graph, tmp_path / "g.svg")):
        with pytest.raises(DotNotFoundError) as excinfo:
            render()
        message = str(excinfo.value)
        for where, command in DOT_INSTALL:  # the commands `stepgrad doctor` and the worksheet give
            assert f"    {command}" in message and f"({where})" in message
        assert "sudo apt-get install graphviz" in message
        assert ".source" in message and ".dot" in message
    assert not (tmp_path / "g.svg").exists()
    assert save_graph(graph, tmp_path / "g.dot").read_text() == graph.source  # still possible


def test_ops_with_a_constant_show_it():
    x = Value(2.0, "x")
    labels = {
        "x * 0.5": x * 0.5,
        "1 - x": 1 - x,
        "x - 1": x - 1,
        "x / 4": x / 4,
        "4 / x": 4 / x,
        "x + 1.5": x + 1.5,
    }
    op_label = re.compile(r"n1_op \[label=<([^>]*)>")
    shown = {text: op_label.search(draw(v).source).group(1) for text, v in labels.items()}
    assert shown == {
        "x * 0.5": "* 0.5",
        "1 - x": "1.0 -",
        "x - 1": "- 1.0",
        "x / 4": "/ 4.0",
        "4 / x": "4.0 /",
        "x + 1.5": "+ 1.5",
    }


def test_short_parameter_names():
    assert short_parameter_name("layers.0.neurons.3.w.1") == "L0.n3.w1"
    assert short_parameter_name("layers.12.neurons.0.b") == "L12.n0.b"
    assert short_parameter_name("w.0") == "w0" and short_parameter_name("b") == "b"
    assert short_parameter_name("encoder.7") == "encoder7"


def test_a_model_names_and_colours_its_parameters():
    from nn.module import MLP

    model = MLP(2, [2, 1], rng=random.Random(0), fused=False)
    loss = (model([1.5, -2.0]) - 1.0) ** 2
    source = draw(loss, model=model).source
    names = parameter_names(model)
    assert sorted(names.values()) == sorted(
        [
            "L0.n0.w0",
            "L0.n0.w1",
            "L0.n0.b",
            "L0.n1.w0",
            "L0.n1.w1",
            "L0.n1.b",
            "L1.n0.w0",
            "L1.n0.w1",
            "L1.n0.b",
        ]
    )
    for name in names.values():
        assert re.search(rf'<b>{re.escape(name)}</b>[^\]]*fillcolor="#ffe0b2"', source)  # a parameter
    assert "<b>v" in source  # computed values keep their v{i} names
    assert "* 1.5" in source and "* -2.0" in source  # the plain-number inputs, on their ops
    with pytest.raises(TypeError, match="named_parameters"):
        draw(loss, model=object())


def test_plain_number_inputs_of_a_fused_op_are_drawn_on_it():
    w = [Value(0.25, "w0"), Value(-0.5, "w1")]
    out = Value.dot(w, [1.5, -2.0], Value(0.1, "b"))
    source = draw(out).source
    constants = re.findall(r"(n3_op_c\d) \[label=<([^>]*)>", source)
    assert constants == [("n3_op_c0", "1.5"), ("n3_op_c1", "-2")]
    assert source.count("\tn3_op_c0 -> n3_op [") == 1 and "style=dashed" in source
    assert "_c" not in draw(Value(2.0, "x") * 3.0).source  # infix: written in the label, '* 3.0'
