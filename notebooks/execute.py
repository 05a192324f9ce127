"""Run notebooks top to bottom and store their outputs in place, ready to commit.

    python notebooks/execute.py                          # every notebooks/*.ipynb
    python notebooks/execute.py notebooks/03_*.ipynb     # some of them

(`make notebooks-execute` runs the first form.) Each notebook runs in a fresh
`python3` kernel with nbclient, from the notebooks/ directory, and stops at the
first error. Timing metadata is not recorded and the notebooks print no wall-clock
times, memory addresses or other run-dependent values (every random choice is
seeded), so re-executing an unchanged notebook rewrites its file byte for byte.

Consecutive prints to one stream are stored as one output, however they arrived.
Widgets (`explore`) are stored as the PNG beside them: their state (and their random model
ids) is not kept, since without a kernel a widget cannot be shown anyway; running the cell
brings the live widget back.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent
TIMEOUT = 120  # seconds per cell
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,  # a widget's state holds its 1.3 MB script
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
        if "outputs" in cell:
            cell.outputs = _joined_streams(cell.outputs)
    nbformat.write(notebook, path)


def _joined_streams(outputs: list) -> list:
    """`outputs` with each run of text on one stream as one output: how a cell's prints arrive in
    pieces depends on timing (a training loop printing as it goes), the stored output must not."""
    joined: list = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (
            last is not None
            and output.output_type == last.output_type == "stream"
            and output.name == last.name
        ):
            last.text += output.text
        else:
            joined.append(output)
    return joined


def main(paths: list[str]) -> None:
    for path in [Path(p) for p in paths] or sorted(NOTEBOOKS.glob("*.ipynb")):
        start = time.perf_counter()
        execute(path)
        size = path.stat().st_size / 1024
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s, {size:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
