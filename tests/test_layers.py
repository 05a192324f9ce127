"""The layering: engine ... -> nn -> the command line. A package imports only the ones to its left."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"autograd": {"autograd"}, "nn": {"autograd", "nn"}, "stepgrad": {"autograd", "nn", "stepgrad"}}


def _project_imports(path: Path) -> set[str]:
    """The top-level project packages a module imports (anywhere in it, lazily too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found |= {name.split(".")[0] for name in names} & set(ALLOWED)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_the_layers_to_its_left(package):
    modules = sorted((ROOT / package).glob("*.py"))
    assert modules
    for module in modules:
        assert _project_imports(module) <= ALLOWED[package], module.name


def test_the_engine_loads_without_nn_or_the_command_line():
    code = "import sys, autograd; print(sorted({m.split('.')[0] for m in sys.modules} & {'nn', 'stepgrad'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
