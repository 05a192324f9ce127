"""The vendored browser renderer: pinned, checksummed, licensed, and shipped in the wheel."""

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from autograd.graphview import ASSETS, viz_script

ROOT = Path(__file__).resolve().parent.parent
VIZ = ASSETS / "viz"


def test_vendored_renderer_matches_its_note_and_the_makefile():
    note = (VIZ / "README.md").read_text(encoding="utf-8")
    version = re.search(r"version \*\*([\d.]+)\*\*", note).group(1)
    checksum = re.search(r"sha256: `([0-9a-f]{64})`", note).group(1)
    bundle = (VIZ / "viz-global.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == checksum
    assert bundle.startswith(f"/*!\nViz.js {version}\n".encode())
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^VIZ_VERSION := {re.escape(version)}$", makefile, re.M)
    assert "npm pack" in makefile and "\nassets:" in makefile
    license_text = (VIZ / "LICENSE").read_text(encoding="utf-8")
    assert f"@viz-js/viz {version}" in license_text and "MIT License" in license_text
    assert "Graphviz" in license_text and "Expat" in license_text


def test_renderer_is_safe_to_inline_in_a_page():
    script = viz_script()
    assert "</script" not in script.lower() and "<!--" not in script
    assert "\r" not in script and "\x00" not in script  # an HTML parser would change these


def test_wheel_ships_the_assets(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("stepgrad-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p for p in ASSETS.rglob("*") if p.is_file()]
    shipped = {f"autograd/{p.relative_to(ASSETS.parent).as_posix()}" for p in files}
    assert shipped <= names
    assert "autograd/assets/viz/viz-global.js" in shipped and "autograd/assets/viz/LICENSE" in shipped
