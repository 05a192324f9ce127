"""The guided notebooks in notebooks/: each runs top to bottom without error, and each is
committed executed (outputs stored), so readers see graphs and plots without running it.

Execution happens on a copy in a temporary directory, so the repository files are never
rewritten. Re-execute them in place for committing with `make notebooks-execute`.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_backprop_wx_plus_b.ipynb",
    "02_regularized_neuron.ipynb",
    "03_gradient_descent.ipynb",
    "04_computation_graphs.ipynb",
    "05_train_mlp.ipynb",
    "06_backprop_in_matrix_form.ipynb",
    "07_higher_order.ipynb",
]
TIMEOUT = 120  # seconds, per cell and per notebook; each takes well under a minute
MAX_KB = 400  # outputs stay small: SVG of small graphs, modest PNG plots


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def errors(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        f"{output.ename}: {output.evalue}"
        for cell in code_cells(notebook)
        for output in cell.outputs
        if output.output_type == "error"
    ]


def test_exactly_the_expected_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_committed_executed(name):
    path = NOTEBOOKS / name
    notebook = nbformat.read(path, as_version=4)
    cells = code_cells(notebook)
    counts = [cell.execution_count for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{name}: not run top to bottom in one go: {counts}"
    assert any(cell.outputs for cell in cells), f"{name}: no outputs stored"
    assert errors(notebook) == [], f"{name}: a stored output is an error"
    assert path.stat().st_size < MAX_KB * 1024, f"{name}: {path.stat().st_size // 1024} KB, over {MAX_KB} KB"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_top_to_bottom(name, tmp_path):
    copy = tmp_path / name
    shutil.copy(NOTEBOOKS / name, copy)
    notebook = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    seconds = time.perf_counter() - start
    assert errors(notebook) == []
    assert seconds < TIMEOUT, f"{name} took {seconds:.0f} s"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "the notebook left files behind"
