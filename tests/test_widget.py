"""explore() in the kernel: the widget's state, edits through replay, errors, its fallback picture.
(What it shows in a browser is tested in tests/test_explore_browser.py and test_explore_hosts.py.)"""

import base64
import importlib
import json
import random
import sys

import pytest

from autograd import Value, explore, trace
from autograd.recording.practice import Mistake, NotANumber, questions
from autograd.views.graphview import katex_css, katex_script, view_model, viz_script
from autograd.views.render import PNG_MAX_NODES, GraphTooLargeWarning, draw
from nn.module import MLP
from tests.notation import bar


def wxb():
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = w * x + b
    f.label = "f"
    return f, w, x, b


def test_explorer_holds_the_layout_and_every_frame_and_changes_no_grad():
    f, w, x, b = wxb()
    explorer = explore(f)
    assert repr(explorer) == "Explorer('f', 5 nodes)"
    assert explorer.dot == draw(f, grads=trace(f).grads, max_nodes=None).source
    assert explorer.view == view_model(trace(f), latex=True)
    assert explorer.view["summary"].splitlines()[0] == "w\u0305 = 3.0"
    assert (w.grad, x.grad, b.grad) == (0.0, 0.0, 0.0)


def test_the_explorer_brings_its_renderer_typesetter_and_fonts():
    """Nothing fetched at run time: the vendored Graphviz-wasm and KaTeX are in the widget's
    module, KaTeX's fonts inline in its style sheet."""
    explorer = explore(wxb()[0])
    assert viz_script() in explorer._esm and katex_script() in explorer._esm
    assert explorer._esm.rstrip().endswith("export default { render: render };")  # an ES module for anywidget
    assert katex_css() in explorer._css and "url(fonts/" not in explorer._css


def test_the_view_model_carries_the_formulas_in_latex_for_the_explorer_only():
    f, w, *_ = wxb()
    t = trace(f)
    plain, view = view_model(t), view_model(t, latex=True)
    assert "Tex" not in json.dumps(plain)  # the player's view model stays as it was
    assert view["seedTex"] == t.seed_formula("latex") and view["summaryTex"] == t.gradients_summary("latex")
    assert [s["formulaTex"] for s in view["steps"]] == [t.step_formula(s, "latex") for s in t.steps]
    assert view["nodes"][0]["derivationTex"] == t.derivation(w, "latex")
    stripped = json.loads(json.dumps(view))  # the LaTeX forms beside the text ones, nothing else new
    for entry in [stripped, *stripped["nodes"], *stripped["steps"]]:
        for key in [key for key in entry if key.endswith("Tex")]:
            del entry[key]
    assert stripped == plain
    with pytest.raises(TypeError, match="latex must be True or False"):
        view_model(t, latex="yes")


def test_edit_replays_and_retraces():
    f, w, x, _ = wxb()
    explorer = explore(f)
    layout = explorer.dot
    explorer.edit("w", 5)
    assert w.data == 5.0 and f.data == 16.0
    assert "x\u0305 = 5.0" in explorer.view["summary"].splitlines()
    assert explorer.view["nodes"][1]["grad"] == "5"
    assert explorer.dot == layout  # numbers change; the layout is never redone
    explorer._on_message(explorer, {"type": "edit", "node": 1, "value": -1.5}, [])  # x, from the page
    assert x.data == -1.5 and "w\u0305 = -1.5" in explorer.view["summary"].splitlines()
    assert explorer.error == ""


def test_bad_edits_change_nothing_and_say_why():
    w = Value(2.0, "w")
    f = (w * 3.0).log()
    f.label = "f"
    explorer = explore(f)
    before = dict(explorer.view)
    with pytest.raises(ValueError, match="finite number"):
        explorer.edit("w", float("nan"))
    with pytest.raises(ValueError, match="finite number"):
        explorer.edit("w", True)
    with pytest.raises(ValueError, match=r"not a leaf.*leaves: w"):
        explorer.edit("f", 1.0)
    with pytest.raises(ValueError, match="log"):
        explorer.edit("w", -1.0)  # log of a negative number: the domain error names the op
    assert "log" in explorer.error and w.data == 2.0 and explorer.view == before
    explorer._on_message(explorer, {"type": "edit", "node": 0, "value": None}, [])
    assert explorer.error == "explore: w must be a finite number, got None"
    explorer._on_message(explorer, {"type": "edit", "node": 99, "value": 1.0}, [])
    assert explorer.error == "explore: no node 99" and explorer.view == before


def test_model_parameters_are_named_and_coloured():
    model = MLP(2, [3, 1], rng=random.Random(1))
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    explorer = explore(loss, model=model)
    nodes = {n["name"]: n for n in explorer.view["nodes"]}
    assert {"L0.n0.w0", "L0.n2.b", "L1.n0.w2"} <= set(nodes)
    assert all(nodes[name]["role"] == "parameter" for name in ("L0.n0.w0", "L1.n0.b"))
    assert "<b>L0.n0.w0</b>" in explorer.dot
    # the formulas use the names too
    assert nodes["L0.n0.w0"]["derivation"].startswith(bar("L0.n0.w0") + " = ")


def test_untrusted_notebooks_get_a_png_beside_the_widget(monkeypatch, tmp_path):
    f, *_ = wxb()
    data, _ = explore(f)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot: the widget alone, no error
    data, _ = explore(f)._repr_mimebundle_()
    assert "image/png" not in data and "application/vnd.jupyter.widget-view+json" in data


def test_options_are_checked_and_large_graphs_refused():
    f, *_ = wxb()
    with pytest.raises(ValueError, match="rankdir"):
        explore(f, rankdir="RL")
    v = Value(1.0, "x")
    for _ in range(20):
        v = v + 1.0
    with pytest.raises(ValueError, match=r"21 nodes.*max_nodes=None"):
        explore(v, max_nodes=20)


def test_missing_anywidget_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # import anywidget raises ImportError
    monkeypatch.delitem(sys.modules, "autograd.views.widget")  # imported afresh below
    with pytest.raises(ImportError) as excinfo:
        importlib.import_module("autograd.views.widget")
    assert str(excinfo.value) == (
        "explore() needs anywidget, which is not installed: pip install 'stepgrad[widget]'"
    )


def test_no_png_for_a_large_graph():
    v = Value(1.0, "x")
    for _ in range(PNG_MAX_NODES):
        v = v * 1.001
    data, _ = explore(v)._repr_mimebundle_()
    assert "image/png" not in data and "application/vnd.jupyter.widget-view+json" in data
    bundle = draw(v)._repr_mimebundle_()
    assert "image/png" not in bundle and "<svg" in bundle["image/svg+xml"]


def test_a_large_mlp_folded_gets_its_picture_and_is_drawn_not_summarized():
    from tests.browser import mlp_loss

    loss, model = mlp_loss()  # 300 value nodes: 17 neurons and 3 nodes of the loss when folded
    assert "image/png" not in explore(loss, model=model)._repr_mimebundle_()[0]
    data, _ = explore(loss, model=model, collapse=True)._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    folded = draw(loss, model=model, collapse=True)
    assert folded.value_nodes == 20 and repr(folded) == "Graph(20 value nodes)"
    assert "L2.n0: linear" in folded.source  # drawn, under the default max_nodes=300
    with pytest.warns(GraphTooLargeWarning):
        assert draw(loss, model=model, max_nodes=299).value_nodes == 300  # unfolded: a summary


def synced(explorer) -> str:
    """Every synced trait that describes this graph, as JSON (the scripts, styles and the
    ipywidgets bookkeeping — layout model id, versions — aside; they are the same for any graph)."""
    state = explorer.get_state()
    bookkeeping = {"_esm", "_css", "layout", "tabbable", "tooltip"} | {k for k in state if k.startswith("_")}
    assert {"dot", "view", "practice", "error", "frame"} <= set(state) - bookkeeping
    return json.dumps({k: v for k, v in state.items() if k not in bookkeeping}, ensure_ascii=False)


def squared():
    """f = (w·x + b)²: gradients 42, 28, 14 that no value or layout number equals."""
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    f = (w * x + b) ** 2
    f.label = "f"
    return f, w, x, b


def test_practice_hides_every_gradient_not_yet_answered():
    f, w, x, b = squared()
    explorer = explore(f, practice=True)
    t = trace(f)
    assert [q.prompt for q in questions(t)] == [bar("v4"), bar("v2"), "b\u0305", "w\u0305", "x\u0305"]
    for hidden in ("14", "42", "28"):
        assert hidden not in synced(explorer)
    assert [n["grad"] for n in explorer.view["nodes"]] == [None, None, None, None, None, "1"]
    assert explorer.view["summary"] == "" and all(s["formula"] == "" for s in explorer.view["steps"])
    # the LaTeX forms are hidden alike (the root's derivation is the seed, which is given)
    assert explorer.view["summaryTex"] == "" and all(s["formulaTex"] == "" for s in explorer.view["steps"])
    assert [bool(n["derivationTex"]) for n in explorer.view["nodes"]] == [False] * 5 + [True]
    assert explorer.view["seedTex"] == t.seed_formula("latex")
    assert "grad ?" in explorer.dot and "grad 14" not in explorer.dot
    state = explorer.practice
    assert (state["prompt"], state["number"], state["total"], state["score"]) == (bar("v4"), 1, 5, 0)
    assert explorer.view["nodes"][state["node"]]["name"] == "v4" and state["edges"] == ["e5_0"]
    explorer.answer("14")  # v4 gets 2·7
    assert explorer.practice["prompt"] == bar("v2") and "14" in synced(explorer)
    assert "42" not in synced(explorer)  # w's gradient is still hidden
    v4, answered = explorer.view["nodes"][4], t.order[4]  # answered: its derivation, in both forms
    assert v4["derivation"] == t.derivation(answered)
    assert v4["derivationTex"] == t.derivation(answered, "latex")
    for answer in ("14", "14", "42", "28"):
        explorer.answer(answer)
    assert explorer.practice["done"] and explorer.view["summaryTex"] == t.gradients_summary("latex")
    assert (w.grad, x.grad, b.grad) == (0.0, 0.0, 0.0)


def test_practice_right_wrong_revealed_not_a_number_and_the_score():
    f, *_ = wxb()
    explorer = explore(f, practice=True)
    assert explorer.answer("1").verdict.correct  # v2's gradient
    with pytest.raises(NotANumber):
        explorer.answer("three")
    assert "not a number" in explorer.practice["feedback"]
    assert explorer.practice["prompt"] == "b\u0305" and explorer.practice["tries"] == 2  # not counted
    explorer.answer("1")
    reply = explorer.answer("2")  # w̅ is 3; 2 is w's value
    assert reply.verdict.mistake is Mistake.VALUE and not reply.moved_on
    assert explorer.practice["feedback"].startswith("Not quite. That is the value of w")
    assert explorer.practice["tries"] == 1 and explorer.view["nodes"][0]["grad"] is None
    reply = explorer.answer("-3")  # the second miss: the derivation, and on to x̅
    assert reply.moved_on and reply.verdict.mistake is Mistake.SIGN
    assert f"The answer: w\u0305 = {bar('v2')} · ∂v2/∂w = 1.0 · 3.0 = 3.0" in explorer.practice["feedback"]
    assert explorer.view["nodes"][0]["grad"] == "3" and explorer.practice["prompt"] == "x\u0305"
    explorer._on_message(explorer, {"type": "answer", "text": "2"}, [])  # from the page
    state = explorer.practice
    assert state["done"] and (state["score"], state["total"]) == (3, 4) and state["node"] is None
    assert state["feedback"].endswith("Score: 3/4") and state["replies"] == 6
    assert explorer.view["summary"].splitlines()[0] == "w\u0305 = 3.0"
    with pytest.raises(ValueError, match="every question"):
        explorer.answer("1")


def test_practice_messages_from_the_page_cannot_break_it():
    f, *_ = wxb()
    explorer = explore(f, practice=True)
    explorer._on_message(explorer, {"type": "answer", "text": None}, [])
    assert "no answer" in explorer.practice["feedback"] and explorer.practice["number"] == 1
    explorer._on_message(explorer, {"type": "answer", "text": "__import__('os')"}, [])
    assert "not a number" in explorer.practice["feedback"] and explorer.practice["tries"] == 2
    with pytest.raises(ValueError, match="practice=True"):
        explore(f).answer("1")
    with pytest.raises(TypeError, match="practice must be True or False"):
        explore(f, practice="yes")


def test_editing_a_leaf_restarts_the_practice_on_the_replayed_graph():
    f, *_ = wxb()
    explorer = explore(f, practice=True)
    explorer.answer("1")
    explorer.answer("1")
    explorer.edit("w", 5)
    state = explorer.practice
    assert (state["number"], state["score"], state["prompt"]) == (1, 0, bar("v2"))
    assert state["feedback"] == "w = 5: practice starts again" and f.data == 16.0
    for answer in ("1", "1", "3"):
        explorer.answer(answer)
    explorer.answer("5")  # x̅ is now w = 5
    assert explorer.practice["done"] and explorer.practice["score"] == 4


def test_neurons_fold_and_unfold_from_python_and_from_the_page():
    model = MLP(2, [2, 1], activation="tanh", rng=random.Random(4))
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    explorer = explore(loss, model=model, collapse=["L0.n1"])
    calls = {call["name"]: call for call in explorer.neurons}
    assert sorted(calls) == ["L0.n0", "L0.n1", "L1.n0"]
    assert [c["collapsed"] for c in explorer.neurons] == [False, True, False]
    assert "L0.n1: tanh" in explorer.dot and "L0.n1.w0" not in explorer.dot and "L0.n0.w0" in explorer.dot
    names = [n["name"] for n in explorer.view["nodes"]]
    assert [names[j] for j in calls["L0.n0"]["parameters"]] == ["L0.n0.w0", "L0.n0.w1", "L0.n0.b"]
    assert explorer.view["nodes"][calls["L1.n0"]["output"]]["value"] == model([0.5, -1.5]).data
    view = explorer.view
    explorer.collapse()
    assert all(c["collapsed"] for c in explorer.neurons) and "L0.n0.w0" not in explorer.dot
    index = {node: j for j, node in enumerate(trace(loss).order)}
    folded = draw(loss, model=model, collapse=True).folded  # what draw left out -> its box
    assert explorer.folded == {str(index[node]): index[box] for node, box in folded.items()}
    assert len(folded) == 2 * (3 + 1) + 3  # L0: 3 parameters and z each; L1.n0 (linear, a = z): 3
    assert explorer.view == view  # folding changes the drawing, not a number
    explorer._on_message(explorer, {"type": "expand", "names": ["L0.n0"]}, [])
    assert [c["collapsed"] for c in explorer.neurons] == [False, True, True]
    explorer._on_message(explorer, {"type": "expand", "names": ["L7.n0"]}, [])  # from a stale page
    assert "no neuron named 'L7.n0'" in explorer.error
    explorer._on_message(explorer, {"type": "collapse", "names": "L0.n0"}, [])  # not a list: ignored
    assert [c["collapsed"] for c in explorer.neurons] == [False, True, True]
    explorer.expand()
    assert explorer.dot == draw(loss, model=model, grads=trace(loss).grads, max_nodes=None).source
    explorer.collapse("L1.n0")
    dot = explorer.dot
    explorer.edit("L0.n0.w0", 0.25)  # an edit keeps what is folded, and the layout
    assert [c["collapsed"] for c in explorer.neurons] == [False, False, True] and explorer.dot == dot
    with pytest.raises(ValueError, match="collapse needs model"):
        explore(loss, collapse=True)
    with pytest.raises(ValueError, match="no neurons to fold"):
        explore(loss).collapse()


def test_practice_starts_over_from_the_page_or_from_python():
    f, *_ = wxb()
    explorer = explore(f, practice=True)
    explorer.answer("1")
    explorer.answer("7")  # wrong
    explorer._on_message(explorer, {"type": "restart"}, [])
    state = explorer.practice
    assert (state["number"], state["score"], state["tries"], state["prompt"]) == (1, 0, 2, bar("v2"))
    assert state["feedback"] == "Practice starts again." and state["replies"] == 3
    assert [n["grad"] for n in explorer.view["nodes"]].count(None) == 4  # hidden again
    explorer.restart()
    assert explorer.practice["replies"] == 4  # news for the page even at the first question
    with pytest.raises(ValueError, match="practice=True"):
        explore(f).restart()
