"""The vendored browser assets (the graph renderer, the math typesetter): pinned, checksummed,
licensed, and shipped in the wheel."""

import base64
import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograd.views.graphview import ASSETS, katex_css, katex_script, viz_script

ROOT = Path(__file__).resolve().parent.parent
VIZ = ASSETS / "viz"
KATEX = ASSETS / "katex"


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


def test_vendored_katex_matches_its_checksums_note_and_the_makefile():
    note = (KATEX / "README.md").read_text(encoding="utf-8")
    version = re.search(r"version \*\*([\d.]+)\*\*", note).group(1)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^KATEX_VERSION := {re.escape(version)}$", makefile, re.M)
    assert 'npm pack --silent "katex@$(KATEX_VERSION)"' in makefile
    script = (KATEX / "katex.min.js").read_text(encoding="utf-8")
    assert f'version:"{version}"' in script  # the bundle's own katex.version
    lines = (KATEX / "SHA256SUMS").read_text(encoding="utf-8").splitlines()  # sha256sum's format
    sums = {name: checksum for checksum, name in (line.split("  ", 1) for line in lines)}
    fonts = sorted(p.relative_to(KATEX).as_posix() for p in (KATEX / "fonts").iterdir())
    assert sorted(sums) == sorted(["katex.min.js", "katex.min.css", *fonts])
    assert len(fonts) == 20 and all(font.endswith(".woff2") for font in fonts)
    for name, checksum in sums.items():
        assert hashlib.sha256((KATEX / name).read_bytes()).hexdigest() == checksum, name
    license_text = (KATEX / "LICENSE").read_text(encoding="utf-8")
    assert f"KaTeX {version} (npm registry), unchanged" in license_text
    assert "The MIT License (MIT)" in license_text and "Khan Academy" in license_text
    files = {p.relative_to(KATEX).as_posix() for p in KATEX.rglob("*") if p.is_file()}
    assert files == {*sums, "LICENSE", "README.md", "SHA256SUMS"}


def test_katex_css_carries_every_font_inline():
    css = katex_css()
    faces = re.findall(r"@font-face\{[^}]*\}", css)
    assert len(faces) == 20 == css.count("@font-face")
    for face in faces:  # one source each: the woff2, as a data: URL; nothing to fetch
        (source,) = re.findall(r"url\(([^)]*)\)", face)
        assert source.startswith("data:font/woff2;base64,")
    assert re.findall(r"url\((?!data:)", css) == []
    main = (KATEX / "fonts" / "KaTeX_Main-Regular.woff2").read_bytes()
    assert base64.b64encode(main).decode() in css


@pytest.mark.parametrize("script", [viz_script, katex_script], ids=["viz", "katex"])
def test_vendored_scripts_are_safe_to_inline_in_a_page(script):
    text = script()
    assert "</script" not in text.lower() and "<!--" not in text
    assert "\r" not in text and "\x00" not in text  # an HTML parser would change these


def test_wheel_ships_the_assets(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("stepgrad-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p for p in ASSETS.rglob("*") if p.is_file()]
    shipped = {f"autograd/views/{p.relative_to(ASSETS.parent).as_posix()}" for p in files}
    assert shipped <= names
    assert {"autograd/views/assets/viz/viz-global.js", "autograd/views/assets/viz/LICENSE"} <= shipped
    katex = {"katex.min.js", "katex.min.css", "LICENSE", "SHA256SUMS", "fonts/KaTeX_Main-Regular.woff2"}
    assert {f"autograd/views/assets/katex/{name}" for name in katex} <= shipped
