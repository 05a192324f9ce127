"""Build the browser site: the guided notebooks in JupyterLite, on Pyodide, with nothing fetched
from any host but the one serving the folder.

    python docs/lite/build.py OUT        (`make docs-lite`: site/lite; run from .venv-lite)

Everything comes from the registries, pinned, through a download cache (STEPGRAD_LITE_CACHE, else
~/.cache/stepgrad/lite): Pyodide's runtime from npm (its sha512), the pure wheels of
requirements.txt from PyPI (their sha256), the Pyodide kernel's own wheels from the
jupyterlite-pyodide-kernel package, and stepgrad's pure-Python wheel built from this checkout.
Pyodide's lockfile is rewritten to name exactly the wheels served (the npm package's names wheels
it does not hold), so the kernel starts with stepgrad, anywidget and ipywidgets loaded from the
site itself. The folder is written next to OUT and renamed into place when complete.
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PYODIDE_VERSION = "314.0.6"  # the version jupyterlite-pyodide-kernel 0.8.6 was released with
PYODIDE_INTEGRITY = (
    "sha512-BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
)
# The runtime's files the site serves (the npm package also holds a demo console, type stubs and
# source maps).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "package.json")
# What the kernel loads at start (jupyterlite-pyodide-kernel's worker skips installing those it
# finds here), then what a notebook imports: stepgrad and the explorer's widget libraries.
PRELOAD = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython")
PRELOAD += ("stepgrad", "anywidget", "ipywidgets")
# The kernel's wheels shipped inside jupyterlite-pyodide-kernel (ipykernel and widgetsnbextension
# are its stand-ins for the desktop packages).
KERNEL_WHEELS = ("ipykernel", "piplite", "pyodide-kernel", "widgetsnbextension")
# JupyterLab extensions the site carries: the kernel, the widget managers the explorer needs, and
# the Pygments colours that come with jupyter_server (which the build needs to index the notebooks).
EXTENSIONS = {"@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager", "anywidget"}
EXTENSIONS |= {"jupyterlab_pygments"}
# Wheels served in the browser whose JupyterLab extension is the build environment's: same version.
FRONTEND_PAIRS = {"anywidget": "anywidget", "jupyterlab-widgets": "jupyterlab_widgets"}
APPS = ("lab", "notebooks", "tree")
NOT_IN_BROWSER_NOTE = "*This cell is left out of the browser's copy of the notebook: {reason}*"


def cache_dir() -> Path:
    given = os.environ.get("STEPGRAD_LITE_CACHE")
    if given:
        return Path(given)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stepgrad" / "lite"


def run(command: list[str], **kwargs) -> None:
    print("  $", " ".join(str(c) for c in command), flush=True)
    done = subprocess.run(command, **kwargs, check=False)
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(str(c) for c in command)}")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_pyodide(cache: Path) -> Path:
    """The npm package pyodide@PYODIDE_VERSION, checked against its pinned sha512, unpacked."""
    tarball = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        if not shutil.which("npm"):
            sys.exit("the browser site needs npm to fetch Pyodide: sudo apt-get install -y npm")
        with tempfile.TemporaryDirectory() as tmp:
            run(["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], cwd=tmp, stdout=subprocess.DEVNULL)
            (fetched,) = Path(tmp).glob("*.tgz")
            shutil.move(fetched, tarball.with_suffix(".part"))
            tarball.with_suffix(".part").rename(tarball)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if integrity != PYODIDE_INTEGRITY:
        tarball.unlink()
        sys.exit(f"{tarball.name}: integrity {integrity}, expected {PYODIDE_INTEGRITY} (deleted; run again)")
    unpacked = cache / f"pyodide-{PYODIDE_VERSION}"
    if not unpacked.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp, tarfile.open(tarball) as archive:
            archive.extractall(tmp, filter="data")
            (Path(tmp) / "package").rename(unpacked)
    return unpacked


def requirements() -> dict[str, str]:
    """{canonical name: sha256} from requirements.txt."""
    pins = {}
    for line in (HERE / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            spec, _, digest = line.partition(" --hash=sha256:")
            pins[canonicalize_name(spec.split("==")[0])] = digest.strip()
    return pins


def fetch_wheels(cache: Path) -> list[Path]:
    """requirements.txt's wheels from PyPI (pip checks each sha256), as pure wheels for CPython 3.14;
    PyPI is not asked when the cache holds every one (their sha256 match)."""
    folder = cache / "wheels"
    folder.mkdir(exist_ok=True)
    wanted = list(requirements().values())
    if not set(wanted) <= {sha256_of(w) for w in folder.glob("*.whl")}:
        run([
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "--require-hashes", "--python-version", "3.14", "--implementation", "py", "--abi", "none",
            "--platform", "any", "--dest", str(folder), "-r", str(HERE / "requirements.txt"),
        ])  # fmt: skip
    by_digest = {sha256_of(w): w for w in folder.glob("*.whl")}
    return [by_digest[digest] for digest in wanted]


def kernel_wheels() -> list[Path]:
    """The Pyodide kernel's wheels, from the jupyterlite-pyodide-kernel package installed here."""
    folder = Path(sys.prefix, "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi")
    if not folder.is_dir():
        sys.exit(f"{folder} is missing: install the lite extra (make docs-lite does)")
    newest = {}
    for wheel in sorted(folder.glob("*.whl"), key=lambda w: [int(p) for p in wheel_version(w).split(".")]):
        newest[canonicalize_name(wheel.name.split("-")[0])] = wheel
    return [newest[name] for name in KERNEL_WHEELS]


def stepgrad_wheel(into: Path) -> Path:
    """stepgrad's wheel from this checkout, built pure (STEPGRAD_PURE_PYTHON=1: no compiled engine).
    Built from the sdist, as a release is, so no stale file of the checkout's build/ gets in."""
    env = dict(os.environ, STEPGRAD_PURE_PYTHON="1")
    run([sys.executable, "-m", "build", "--outdir", str(into), str(REPO)], env=env, stdout=subprocess.DEVNULL)
    (wheel,) = into.glob("stepgrad-*.whl")
    if not wheel.name.endswith("-py3-none-any.whl"):
        sys.exit(
            f"{wheel.name}: Pyodide needs a pure-Python wheel (py3-none-any); "
            "STEPGRAD_PURE_PYTHON=1 did not give one"
        )
    return wheel


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def top_level_imports(wheel: Path) -> list[str]:
    """The import names a wheel provides: its top-level packages and modules."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = set()
    for name in names:
        first = name.split("/", 1)[0]
        if first.endswith((".dist-info", ".data")) or first == "__pycache__":
            continue
        if "/" in name or first.endswith(".py"):
            tops.add(first.removesuffix(".py"))
    return sorted(t for t in tops if t.isidentifier())


def lock_entry(wheel: Path, environment: dict[str, str]) -> dict:
    """The pyodide-lock.json entry for a pure wheel: its dependencies as they apply under Emscripten."""
    meta = metadata(wheel)
    depends = []
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            depends.append(canonicalize_name(requirement.name))
    return {
        "name": canonicalize_name(meta["Name"]),
        "version": meta["Version"],
        "file_name": wheel.name,
        "install_dir": "site",
        "sha256": sha256_of(wheel),
        "package_type": "package",
        "imports": top_level_imports(wheel),
        "depends": sorted(set(depends)),
        "unvendored_tests": False,
    }


def pyodide_lock(runtime: Path, wheels: list[Path]) -> dict:
    """Pyodide's lockfile with exactly `wheels` in it; fails naming a dependency not among them."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    python = lock["info"]["python"]
    environment = {
        "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
        "platform_machine": "wasm32", "implementation_name": "cpython",
        "platform_python_implementation": "CPython", "python_full_version": python,
        "python_version": ".".join(python.split(".")[:2]), "extra": "",
    }  # fmt: skip
    entries = {entry["name"]: entry for entry in (lock_entry(w, environment) for w in wheels)}
    for entry in entries.values():
        missing = [d for d in entry["depends"] if d not in entries]
        if missing:
            sys.exit(f"{entry['file_name']} needs {', '.join(missing)}: add it to docs/lite/requirements.txt")
    for name in PRELOAD:
        if name not in entries:
            sys.exit(f"the kernel preloads {name}, which no wheel provides")
    return {"info": lock["info"], "packages": dict(sorted(entries.items()))}


def check_frontends(wheels: list[Path]) -> None:
    """The widget libraries the browser's Python runs are those whose JupyterLab extensions the
    site carries."""
    served = {canonicalize_name(w.name.split("-")[0]): wheel_version(w) for w in wheels}
    for name, distribution in FRONTEND_PAIRS.items():
        here = importlib.metadata.version(distribution)
        if served[name] != here:
            sys.exit(
                f"docs/lite/requirements.txt pins {name} {served[name]}, but its JupyterLab extension "
                f"here is {here}: pin the same version in both (pyproject.toml's lite extra)"
            )


def browser_notebook(source: Path) -> dict:
    """A notebook as the browser site serves it: no stored outputs (the student runs it), the
    Pyodide kernel, and each cell marked `not_in_browser` replaced by a note saying why."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook["cells"]:
        reason = cell.get("metadata", {}).get("not_in_browser")
        if reason:
            cells.append({
                "cell_type": "markdown", "id": cell.get("id", "") + "-note", "metadata": {},
                "source": NOT_IN_BROWSER_NOTE.format(reason=reason),
            })  # fmt: skip
        elif cell["cell_type"] == "code":
            cells.append({**cell, "outputs": [], "execution_count": None})
        else:
            cells.append(cell)
    notebook["cells"] = cells
    notebook["metadata"]["kernelspec"] = {
        "name": "python",
        "display_name": "Python (Pyodide)",
        "language": "python",
    }
    return notebook


def stage(lite_dir: Path, runtime: Path, wheels: list[Path]) -> None:
    """The JupyterLite input folder: its settings, the notebooks, Pyodide with its wheels and lockfile."""
    pyodide = lite_dir / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(runtime / name, pyodide / name)
    for wheel in wheels:
        shutil.copy2(wheel, pyodide / wheel.name)
    lock = pyodide_lock(runtime, wheels)
    (pyodide / "pyodide-lock.json").write_text(json.dumps(lock, indent=1) + "\n", encoding="utf-8")
    # The npm package carries no license file: the text of the MPL-2.0 (the same document for every
    # work under it) is kept in docs/lite/MPL-2.0.txt and served beside Pyodide.
    shutil.copy2(HERE / "MPL-2.0.txt", pyodide / "LICENSE-MPL-2.0.txt")
    (pyodide / "README.md").write_text(
        f"Pyodide {PYODIDE_VERSION} (npm package `pyodide`, https://github.com/pyodide/pyodide), under the"
        " Mozilla Public License 2.0 (its text: LICENSE-MPL-2.0.txt), and the pure-Python wheels it"
        " loads, each from PyPI with its own license inside it.\n"
        "pyodide-lock.json is rewritten by stepgrad's docs/lite/build.py to list exactly these wheels.\n",
        encoding="utf-8",
    )
    files = lite_dir / "files"
    files.mkdir()
    for name in json.loads((HERE / "notebooks.json").read_text(encoding="utf-8"))["in_browser"]:
        notebook = browser_notebook(REPO / "notebooks" / f"{name}.ipynb")
        (files / f"{name}.ipynb").write_text(
            json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    settings = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "stepgrad in the browser",
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "disablePyPIFallback": True,  # %pip and piplite look only at this site's own wheels
                    "loadPyodideOptions": {"packages": list(PRELOAD)},
                }
            },
        },
    }
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def name_the_icons(site: Path) -> None:
    """Each page names its icon: a page that names none makes the browser ask the host's root for
    /favicon.ico, a 404 in every student's console wherever the folder is published."""
    for page in [site / "index.html", *(site / app / "index.html" for app in APPS)]:
        icon = "lab/favicon.ico" if page.parent == site else "favicon.ico"
        text = page.read_text(encoding="utf-8")
        if 'rel="icon"' not in text:
            page.write_text(
                text.replace("<head>", f'<head>\n  <link rel="icon" href="{icon}">', 1), encoding="utf-8"
            )


def check_site(site: Path) -> None:
    """The built site points only at itself: Pyodide from its own folder, the expected extensions."""
    for config in site.rglob("jupyter-lite.json"):
        remote = re.search(r"https?://\S+", config.read_text(encoding="utf-8"))
        if remote:
            sys.exit(f"{config.relative_to(site)} names a remote address: {remote[0]}")
    root = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    kernel = root["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs":
        sys.exit(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's own Pyodide")
    carried = {e["name"] for e in root.get("federated_extensions", [])}
    if carried != EXTENSIONS:
        sys.exit(f"the site carries the extensions {sorted(carried)}, expected {sorted(EXTENSIONS)}")


def main(out: Path) -> None:
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    print(f">> Pyodide {PYODIDE_VERSION} (npm) and the wheels (PyPI), cached in {cache}")
    runtime = fetch_pyodide(cache)
    wheels = fetch_wheels(cache)
    check_frontends(wheels)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(">> stepgrad's pure-Python wheel")
        wheels += [*kernel_wheels(), stepgrad_wheel(tmp / "dist")]
        stage(tmp / "lite", runtime, wheels)
        print(">> jupyter lite build")
        building = out.with_name(out.name + ".part")
        shutil.rmtree(building, ignore_errors=True)
        command = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(tmp / "lite")]
        command += ["--output-dir", str(building), "--no-sourcemaps", "--no-unused-shared-packages"]
        for app in APPS:
            command += ["--apps", app]
        run(command, cwd=tmp / "lite")
        name_the_icons(building)
        check_site(building)
        shutil.rmtree(out, ignore_errors=True)
        building.rename(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f">> {out}: {size / 1e6:.1f} MB in {sum(1 for p in out.rglob('*') if p.is_file())} files")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/lite/build.py OUT_DIR")
    main(Path(sys.argv[1]).resolve())
