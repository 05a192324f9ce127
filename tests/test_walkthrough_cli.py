"""`stepgrad wxb` and `stepgrad grad` end to end: text, JSON, files, and every refusal."""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import stepgrad.expression
from autograd.views.render import LEGEND
from stepgrad.cli import main
from stepgrad.walkthrough import JSON_SCHEMA

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_cli(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys, *argv):
    status, out, err = run_cli(capsys, *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def test_wxb_text_prints_forward_backward_and_files(capsys, tmp_path):
    status, out, err = run_cli(capsys, "wxb", "--out", str(tmp_path))
    assert status == 0, err
    assert out.startswith("f = w·x + b   with w = 2.0, x = 3.0, b = 1.0\n")
    for line in (
        "  g = w * x = 2.0 * 3.0 = 6.0",
        "  f = g + b = 6.0 + 1.0 = 7.0",
        "  seed: f\u0305 = 1.0",
        "    w\u0305 += g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0   (so far 3.0)",
        "  w\u0305 = g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0",
        f"  svg    {tmp_path / 'graph.svg'}",
        f"  player {tmp_path / 'player.html'}",
        f"  dot    {tmp_path / 'graph.dot'}",
    ):
        assert line in out.splitlines()
    svg = ET.parse(tmp_path / "graph.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"grad 3", "grad 2", "grad 1"} <= texts
    assert "<title>Backprop, step by step: f = w·x + b</title>" in (tmp_path / "player.html").read_text()
    assert (tmp_path / "graph.dot").read_text().startswith("digraph {")


def test_wxb_json_schema(capsys, tmp_path):
    data = run_json(capsys, "wxb", "--w", "-1.5", "--x", "4", "--b", "0.25", "--out", str(tmp_path))
    assert data["schema"] == JSON_SCHEMA
    assert data["title"] == "f = w·x + b"
    assert data["inputs"] == {"w": -1.5, "x": 4.0, "b": 0.25}
    assert data["gradients"] == {"w": 4.0, "x": -1.5, "b": 1.0}
    assert [n["name"] for n in data["nodes"]] == ["w", "x", "g", "b", "f"]
    assert data["nodes"][data["root"]]["data"] == -5.75
    assert [s["step"] for s in data["backward"]] == [1, 2]
    assert set(data["files"]) == {"dot", "svg", "player"}
    for node in data["nodes"]:
        assert set(node) == {"id", "name", "op", "parents", "local_grads", "data", "grad", "formula"}
    for step in data["backward"]:
        assert set(step) == {"step", "node", "grad", "contributions", "formula"}
        for c in step["contributions"]:
            assert set(c) == {"parent", "slot", "local", "contribution", "running"}


def test_wxb_neuron_matches_the_closed_form(capsys, tmp_path):
    w, x, b, t, lam = 0.5, -1.2, 0.3, 1.0, 0.01
    data = run_json(
        capsys, "wxb", "--neuron", "--w", str(w), "--x", str(x), "--b", str(b),
        "--t", str(t), "--lam", str(lam), "--out", str(tmp_path),
    )  # fmt: skip
    s = 1 / (1 + math.exp(-(w * x + b)))
    assert data["gradients"]["w"] == pytest.approx((s - t) * s * (1 - s) * x + lam * w, rel=1e-12)
    assert data["gradients"]["b"] == pytest.approx((s - t) * s * (1 - s), rel=1e-12)
    assert data["inputs"] == {"w": w, "x": x, "b": b, "t": t, "λ": lam}
    assert len(data["backward"]) == 10


def test_t_or_lam_implies_neuron(capsys, tmp_path):
    data = run_json(capsys, "wxb", "--lam", "0", "--out", str(tmp_path))
    assert data["title"].startswith("L_reg")


def test_grad_text_and_json(capsys, tmp_path):
    argv = [
        "grad",
        "tanh(w1*x1 + w2*x2 + b)",
        "w1=-3",
        "x1=2",
        "w2=1",
        "x2=0",
        "b=6.8814",
        "--out",
        str(tmp_path),
    ]
    status, out, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert out.startswith(
        "tanh(w1*x1 + w2*x2 + b)   with w1 = -3.0, x1 = 2.0, w2 = 1.0, x2 = 0.0, b = 6.8814"
    )
    data = run_json(capsys, *argv)
    o = math.tanh(-3 * 2 + 6.8814)
    assert data["gradients"]["x1"] == pytest.approx((1 - o * o) * -3, rel=1e-12)
    assert data["gradients"]["w2"] == pytest.approx((1 - o * o) * 0.0, abs=1e-15)
    assert data["title"] == "tanh(w1*x1 + w2*x2 + b)"
    assert (tmp_path / "player.html").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["grad", "x.__class__ + 1", "x=1"],
            "column 2: attribute access is not allowed\n    x.__class__ + 1\n     ^",
        ),
        (["grad", "9**9**9", "x=1"], "column 4: exponent 9 ** 9 is too large"),
        (["grad", "__import__('os')"], "call to '__import__' is not allowed"),
        (["grad", "w*x", "w=1"], "missing value for x"),
        (["grad", "w*x", "w=1", "x=2", "q=3"], "q not used in the expression"),
        (["grad", "w*x", "w=1", "x=abc"], "x: 'abc' is not a number"),
        (["grad", "w*x", "w", "x=1"], "'w' is not name=value"),
        (["grad", "log(x)", "x=0"], "cannot evaluate 'log(x)': log: undefined at x = 0.0 (needs x > 0)"),
        (["grad", "1/x", "x=0"], "division by zero"),
        (["grad", "exp(x)", "x=1000"], "overflow"),
        (["wxb", "--neuron", "--w", "1e308", "--x", "1e308"], "cannot evaluate"),
    ],
)
def test_refusals_exit_2_with_a_message_and_write_nothing(capsys, tmp_path, argv, message, monkeypatch):
    out_dir = tmp_path / "out"
    status, out, err = run_cli(capsys, *argv, "--out", str(out_dir))
    assert status == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert not out_dir.exists()


@pytest.mark.parametrize("verb", [["grad", "--out", "out"], ["quiz"]])
def test_hostile_expression_is_never_evaluated(capsys, tmp_path, monkeypatch, verb):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stepgrad.expression, "evaluate", lambda *a: pytest.fail("evaluated"))
    status, _, err = run_cli(capsys, *verb, "(1).__class__")
    assert status == 2 and "attribute access" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["wxb", "--w", "nan"], ["wxb", "--x", "abc"], ["wxb", "--format", "xml"]])
def test_bad_options_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == 2
    assert "error" in capsys.readouterr().err


def test_missing_dot_still_prints_and_writes_the_dot_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = run_cli(capsys, "wxb", "--out", str(tmp_path))
    assert status == 1
    assert "w\u0305 = g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0" in out
    assert "apt-get install graphviz" in err and "brew install graphviz" in err
    assert (tmp_path / "graph.dot").exists() and not (tmp_path / "graph.svg").exists()
    player = (tmp_path / "player.html").read_text(encoding="utf-8")  # laid out in the page instead
    assert "laying out the graph" in player and "<svg" not in player.split("<script")[0]


def test_large_expression_gets_a_graph_and_a_player(capsys, tmp_path):
    text = " + ".join(["x*x"] * 60)  # 120 nodes: the player takes up to 1000 (the longest expression
    status, _, err = run_cli(capsys, "grad", text, "x=0.5", "--out", str(tmp_path))  # makes ~500)
    assert status == 0 and "no player" not in err
    assert (tmp_path / "graph.svg").exists() and (tmp_path / "player.html").exists()


def test_console_script_end_to_end(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stepgrad",
            "grad",
            "x*x",
            "x=3",
            "--out",
            str(tmp_path),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["gradients"] == {"x": 6.0}


def _leaf_fills(svg: str) -> dict[str, str]:
    """{name: fill colour} of the boxes named w, x and b in a graph's SVG (graphviz's output)."""
    fills = {}
    for match in re.finditer(r'<g id="node\d+" class="node[^"]*">(.*?)</g>', svg, re.DOTALL):
        name = re.search(r'font-weight="bold"[^>]*>([^<]+)</text>', match[1])
        fill = re.search(r'<polygon fill="([^"]+)"', match[1])
        if name and fill and name[1] in ("w", "x", "b"):
            fills[name[1]] = fill[1]
    return fills


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
def test_wxb_and_notebook_01_colour_w_x_and_b_alike(capsys, tmp_path):
    """One source (walkthrough.parameters): w and b parameters, x an input, in `stepgrad wxb`'s
    graph and in notebook 01's stored drawing of f."""
    run_cli(capsys, "wxb", "--out", str(tmp_path))
    command_line = _leaf_fills((tmp_path / "graph.svg").read_text(encoding="utf-8"))
    notebook = json.loads((NOTEBOOKS / "01_backprop_wx_plus_b.ipynb").read_text(encoding="utf-8"))
    drawn = next(c for c in notebook["cells"] if "".join(c["source"]).startswith("draw(f, "))
    stored = "".join(drawn["outputs"][0]["data"]["image/svg+xml"])
    colours = {kind: colour for kind, colour, _ in LEGEND}  # the colours the legend explains
    expected = {"w": colours["parameter"], "x": colours["input"], "b": colours["parameter"]}
    assert command_line == _leaf_fills(stored) == expected
