"""`stepgrad worksheet`: the files, their determinism, the JSON schema, and LaTeX that compiles."""

from __future__ import annotations

import json
import math
import re
import shutil
import struct
import subprocess

import pytest

import autograd.teaching.worksheet
from autograd.recording.practice import questions
from autograd.recording.trace import trace
from autograd.teaching.exercises import generate
from autograd.teaching.expr import evaluate
from autograd.teaching.worksheet import write_worksheet
from autograd.views.render import draw, layout_size
from stepgrad.cli import main
from tests.notation import bar

PAGES = ("worksheet.md", "answers.md", "worksheet.tex", "answers.tex", "worksheet.json")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")


def contents(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@needs_dot
@pytest.mark.parametrize("level", [1, 2, 3])
def test_same_seed_byte_identical_files(tmp_path, level):
    first, _ = write_worksheet(tmp_path / "a", 3, 42, level)
    write_worksheet(tmp_path / "b", 3, 42, level)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    names = {path.name for path in first}
    assert names == {*PAGES, *(f"{kind}-{i:02}.png" for kind in ("exercise", "answer") for i in (1, 2, 3))}
    write_worksheet(tmp_path / "c", 3, 43, level)
    assert contents(tmp_path / "c")["worksheet.json"] != contents(tmp_path / "a")["worksheet.json"]


def test_json_schema(tmp_path):
    write_worksheet(tmp_path, 5, 7, 2)
    document = json.loads((tmp_path / "worksheet.json").read_text(encoding="utf-8"))
    assert list(document) == ["schema", "seed", "level", "exercises"]
    assert (document["schema"], document["seed"], document["level"]) == ("stepgrad.worksheet/1", 7, 2)
    assert len(document["exercises"]) == 5
    for entry, exercise in zip(document["exercises"], generate(5, 7, 2)):
        assert list(entry) == ["expression", "inputs", "value", "gradients"]
        assert (entry["expression"], entry["inputs"]) == (exercise.expression, exercise.inputs)
        root = evaluate(entry["expression"], entry["inputs"])  # stepgrad grad's language
        root.backward()
        assert entry["value"] == root.data
        leaves = {node.label: node.grad for node in trace(root).order if node.is_leaf}
        assert entry["gradients"] == leaves
    keys = [(e["expression"], json.dumps(e["inputs"])) for e in document["exercises"]]
    assert len(set(keys)) == len(keys)


def test_the_sheet_asks_and_the_key_derives_every_gradient(tmp_path):
    write_worksheet(tmp_path, 3, 11, 2)
    sheet = (tmp_path / "worksheet.md").read_text(encoding="utf-8")
    key = (tmp_path / "answers.md").read_text(encoding="utf-8")
    latex_key = (tmp_path / "answers.tex").read_text(encoding="utf-8")
    for i, exercise in enumerate(generate(3, 11, 2), 1):
        t = exercise.trace()
        assert f"## Exercise {i}\n\nf = `{exercise.expression}` with " in sheet
        for name in exercise.inputs:
            assert f"{bar(name)} = ______" in sheet
        assert f"![the graph of exercise {i}](exercise-{i:02}.png)" in sheet
        for node in t.order:
            assert f"- `{t.forward_formula(node)}`" in key
        derivations = [t.derivation(t.root, "markdown")] + [
            t.derivation(q.node, "markdown") for q in questions(t)
        ]
        positions = [key.index(f"- {d}\n") for d in derivations]  # every one, in backward()'s order
        assert positions == sorted(positions)
        for q in questions(t):
            assert t.derivation(q.node, "latex") in latex_key
        for value in t.grads.values():
            assert not math.isnan(value)
    assert "data ?" not in sheet  # (values are in the graph images, not the text)


def test_without_dot_the_graphs_are_left_out_with_a_note(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no dot on PATH
    assert main(["worksheet", "--count", "2", "--seed", "3", "--out", str(tmp_path / "ws")]) == 0
    captured = capsys.readouterr()
    assert "Graphs are left out: graphviz's dot program was not found" in captured.err
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == sorted(PAGES)
    for name in ("worksheet.md", "answers.md", "worksheet.tex", "answers.tex"):
        text = (tmp_path / "ws" / name).read_text(encoding="utf-8")
        assert "Graphs are left out" in text and ".png" not in text


def test_command_line(tmp_path, capsys):
    out = tmp_path / "sheet"
    assert main(["worksheet", "--count", "2", "--seed", "5", "--level", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("2 level-3 exercises (seed 5). Wrote:\n")
    assert f"  {out / 'worksheet.json'}\n" in printed
    for argv, message in [
        (["--count", "0", "--seed", "5"], "--count: expected a positive integer up to 100, got 0"),
        (["--count", "101", "--seed", "5"], "--count: expected a positive integer up to 100, got 101"),
        (["--count", "2"], "the following arguments are required: --seed"),
        (["--count", "2", "--seed", "1", "--level", "4"], "--level: invalid choice: 4"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(["worksheet", *argv, "--out", str(tmp_path / "refused")])
        assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "refused").exists()


def test_unwritable_output_is_refused_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["worksheet", "--count", "1", "--seed", "1", "--out", str(blocker / "sub")]) == 2
    captured = capsys.readouterr()
    assert f"--out {blocker / 'sub'}: cannot write files there" in captured.err and captured.out == ""


def test_a_failed_write_exits_1_naming_the_file(tmp_path, capsys, monkeypatch):
    def disk_full(path, data):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(autograd.teaching.worksheet, "write_atomic", disk_full)
    assert main(["worksheet", "--count", "1", "--seed", "1", "--out", str(tmp_path / "ws")]) == 1
    err = capsys.readouterr().err
    assert f"stepgrad worksheet: error: No space left on device: {tmp_path / 'ws'}" in err
    assert "Traceback" not in err


# ---- LaTeX: compiled with the machine's pdflatex (make test installs texlive-latex-base) ----
needs_pdflatex = pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex is not installed (texlive-latex-base)"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
    reason="pdftotext and pdfimages are not installed (poppler-utils)",
)


def pdflatex(directory, name):
    """Compile `name`.tex in `directory` (`name`.pdf); pdflatex's result."""
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", f"{name}.tex"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@needs_pdflatex
@pytest.mark.parametrize("level", [1, 2, 3])
def test_latex_compiles_cleanly(tmp_path, level):
    write_worksheet(tmp_path, 3, 9, level)
    for name in ("worksheet", "answers"):
        source = (tmp_path / f"{name}.tex").read_text(encoding="utf-8")
        assert source.isascii()  # a stock LaTeX needs no Unicode font set-up
        result = pdflatex(tmp_path, name)
        log = (tmp_path / f"{name}.log").read_text(encoding="latin-1")
        assert result.returncode == 0, log[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
        assert "Overfull \\hbox" not in log  # nothing sticks out of the page or a box
        assert "LaTeX Warning" not in log
        assert "mktexpk" not in result.stdout  # no font had to be generated
        if shutil.which("dot"):
            assert log.count(".png>") + log.count(".png, id=") >= 3  # the graphs are included


def _printed_label_sizes(files):
    """The size, in points, a node's name (12 pt in `draw`) prints at, for each graph the .tex
    files include: its width on the page over its width at 100 % (the PNG's pixels at its dpi)."""
    sizes = []
    for tex in ("worksheet.tex", "answers.tex"):
        for width, png in re.findall(
            r"includegraphics\[width=([\d.]+)pt,height=[\d.]+pt\]\{([^}]+)\}", files[tex]
        ):
            pixels = struct.unpack(">I", files[png][16:20])[0]  # the PNG's IHDR width
            natural = pixels * 72 / float(autograd.teaching.worksheet._DPI)
            sizes.append(12 * float(width) / natural)
    return sizes


@needs_dot
@pytest.mark.parametrize(("level", "smallest"), [(1, 9.0), (2, 7.0), (3, 7.0)])
def test_graphs_print_their_labels_readably(level, smallest):
    """Each graph is drawn left to right or top to bottom, whichever prints it larger (a level-2
    chain drawn left to right and squeezed to the text width printed its labels about 1 mm,
    3 pt, tall); a tall one stands beside the blanks, one too large for its box has a page."""
    for seed in (1, 7, 2024):
        files, _ = autograd.teaching.worksheet.worksheet_files(4, seed, level)
        sizes = _printed_label_sizes(files)
        assert len(sizes) == 8 and min(sizes) >= smallest, (seed, sizes)
        if level > 1:
            for i, exercise in enumerate(generate(4, seed, level), 1):
                t = exercise.trace()
                squeezed = draw(t.root, data={}, grads={}, rankdir="LR")
                w, _ = layout_size(squeezed)
                assert sizes[i - 1] > 1.3 * 12 * min(1.0, 474 / w)  # the LR drawing at the text width


def _pages(pdf):
    """The text of each page of `pdf`, and the page of each image in it, in order (1-based)."""
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]  # page num type ...
    return text.split("\f")[:-1], [int(row[0]) for row in rows if row[2] == "image"]


@needs_poppler
@needs_pdflatex
@needs_dot
@pytest.mark.parametrize(("level", "own_pages"), [(1, False), (3, True)])
def test_a_graph_too_large_for_its_box_has_the_next_page_to_itself(tmp_path, level, own_pages):
    """A level-3 graph prints its node names at 7 pt only on a whole page: on the sheet it has the
    page after its exercise's box, in the key the page after its answers, alone under a caption.
    A level-1 graph stands on its exercise's page."""
    write_worksheet(tmp_path, 3, 2024, level)
    for name, heading, caption in (
        ("worksheet", "Exercise {}.", "Exercise {}: the graph of f"),
        ("answers", "Exercise {}: f =", "Exercise {}: the graph with every gradient"),
    ):
        assert pdflatex(tmp_path, name).returncode == 0
        texts, image_pages = _pages(tmp_path / f"{name}.pdf")
        starts = [next(p for p, text in enumerate(texts, 1) if heading.format(i) in text) for i in (1, 2, 3)]
        assert len(image_pages) == 3
        for i, (start, page) in enumerate(zip(starts, image_pages), 1):
            alone = texts[page - 1].split() == [*caption.format(i).split(), str(page)]  # and its number
            assert alone == own_pages, (name, i, texts[page - 1])
            if own_pages:
                following = starts[i] if i < 3 else len(texts) + 1
                assert start < page < following  # after its exercise, before the next one
                if name == "worksheet":
                    assert page == start + 1 and "Its graph is on the next page." in texts[start - 1]
            else:
                assert page == start
        assert any(caption.format(1) in text for text in texts) == own_pages


@needs_poppler
@needs_pdflatex
@needs_dot
def test_the_first_exercise_is_on_the_first_page(tmp_path):
    write_worksheet(tmp_path, 2, 2024, 2)
    assert pdflatex(tmp_path, "worksheet").returncode == 0
    texts, _ = _pages(tmp_path / "worksheet.pdf")
    assert "Exercise 1." in texts[0] and "Exercise 2." not in texts[0]  # one box a page, none left blank
