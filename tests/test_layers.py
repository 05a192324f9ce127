"""The layering: engine → graph → notation → recording → views → teaching → nn → the command line.

Each layer is a folder and imports only itself and the layers to its left (lazily too). The
helpers at the top of `autograd/` (validation, files, extras, strict_json) import no layer and any layer may
use them; `autograd/__init__.py` gathers the public names from every layer.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "autograd.engine",
    "autograd.graph",
    "autograd.notation",
    "autograd.recording",
    "autograd.views",
    "autograd.teaching",
    "nn",
    "stepgrad",
]
HELPERS = {"autograd.validation", "autograd.files", "autograd.extras", "autograd.strict_json"}


def _layer(module: str) -> str:
    """The layer a dotted module name belongs to ('autograd.views.render' → 'autograd.views')."""
    for layer in LAYERS:
        if module == layer or module.startswith(layer + "."):
            return layer
    if module in HELPERS:
        return "helpers"
    raise ValueError(f"{module} is in no layer: add it to tests/test_layers.py's LAYERS or HELPERS")


def _project_imports(path: Path) -> set[str]:
    """The project modules a file imports (anywhere in it, lazily too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found |= {name for name in names if name.split(".")[0] in {"autograd", "nn", "stepgrad"}}
    return found


def _modules() -> list[tuple[str, Path]]:
    """(dotted name, path) of every module of the three packages, but autograd/__init__.py."""
    found = []
    for package in ("autograd", "nn", "stepgrad"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts != ("autograd", "__init__"):
                found.append((".".join(p for p in parts if p != "__init__"), path))
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_each_module_imports_only_its_layer_and_those_to_its_left(module, path):
    own = _layer(module)
    for imported in _project_imports(path):
        if imported == "autograd":  # the public names (`from autograd import Value`)
            assert own in {"nn", "stepgrad"}, f"{module} imports the top-level autograd package"
            continue
        theirs = _layer(imported)
        if own == "helpers":
            assert theirs == "helpers", f"the helper {module} imports {imported}"
        elif theirs != "helpers":
            assert LAYERS.index(theirs) <= LAYERS.index(own), (
                f"{module} ({own}) imports {imported} ({theirs})"
            )


def test_every_layer_is_a_folder_with_modules():
    for layer in LAYERS:
        folder = ROOT.joinpath(*layer.split("."))
        assert (folder / "__init__.py").is_file(), layer
        assert len(list(folder.glob("*.py"))) >= 2, layer


def test_the_engine_loads_without_nn_or_the_command_line():
    code = "import sys, autograd; print(sorted({m.split('.')[0] for m in sys.modules} & {'nn', 'stepgrad'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_importing_value_loads_only_the_engine():
    code = (
        "import sys; from autograd import Value; "
        "print(sorted(m for m in sys.modules if m.startswith('autograd.') and m.count('.') >= 1))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(result.stdout)
    assert loaded and all(m.startswith(("autograd.engine", "autograd.graph")) for m in loaded), loaded
