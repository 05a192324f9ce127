"""The release check: build the sdist and the wheel, check them, and use them as a new user would.

    .venv/bin/python .ci/packaging.py        # `make package-check`; .ci/run calls it after `make test`

1. `python -m build` makes the sdist and, from it, a pure `py3-none-any` wheel (built with
   STEPGRAD_PURE_PYTHON=1: no compiled engine); for each CPython below, a Linux wheel with the
   compiled engine is built from the sdist. `twine check --strict` reads them all; each wheel must
   hold every file git tracks in autograd/, nn/ and stepgrad/ (py.typed and package data
   included) and nothing else, carry the version of autograd.__version__, and hold the compiled
   modules exactly when it is not the pure wheel.
2. For each CPython 3.11, 3.12 and 3.13 that pyenv has (else the one running this), and for its
   compiled wheel, the pure wheel and the sdist: a fresh venv in a temporary directory outside
   the checkout, the package installed without extras, `autograd.COMPILED` as the artifact
   promises (the sdist compiles; STEPGRAD_PURE_PYTHON=1 still gives the pure engine), and every
   verb that the installed `stepgrad --help` lists run once from an empty directory there.
   First, the sdist is installed where nothing compiles (CC=/bin/false): it must install, say so
   once, and run the pure-Python engine.
   Without extras a verb either works (exit 0) or stops with exit 2 and the command that
   installs what it needs (`pip install 'stepgrad[train]'`); then the `train` extra is added
   and every verb must exit 0. No run may print a traceback.

A verb that `stepgrad --help` lists but VERB_RUNS below does not know fails the check: give it a
small, fast invocation there. Entries for verbs the installed command does not have are skipped.
The pip cache is shared with the rest of the machine, so after the first run nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINORS = ("3.11", "3.12", "3.13")
PACKAGES = ("autograd", "nn", "stepgrad")  # the import packages the wheel must hold, whole
EXTRAS = "train"  # what the verbs can need beyond the core dependencies
INSTALL_HINT = re.compile(r"pip install (['\"]?)stepgrad\[[a-z][a-z,-]*\]\1")


@dataclass(frozen=True)
class VerbRun:
    """One small, fast invocation of a verb, the files it must write (relative to its cwd) and what a
    line of its output must start with."""

    args: tuple[str, ...]
    writes: tuple[str, ...] = ()
    stdin: str = ""
    prints: str = ""
    needs_micrograd: bool = False  # check-engine grades micrograd's own engine file


VERB_RUNS = {
    "wxb": VerbRun(("wxb", "--out", "wxb"), ("wxb/graph.dot", "wxb/graph.svg", "wxb/player.html")),
    "grad": VerbRun(("grad", "tanh(w*x + b)", "w=2", "x=3", "b=-5", "--out", "grad"), ("grad/player.html",)),
    "train": VerbRun(
        ("train", "moons", "--samples", "20", "--epochs", "3", "--out", "train"),
        ("train/model.json", "train/loss.png", "train/boundary.png"),
    ),
    "doctor": VerbRun(("doctor",)),
    "quiz": VerbRun(("quiz", "w*x + b", "w=2", "x=3", "b=1"), stdin="1\n1\n3\n2\n", prints="Score: 4/4"),
    "worksheet": VerbRun(
        ("worksheet", "--count", "2", "--seed", "1", "--out", "worksheet"),
        ("worksheet/worksheet.json", "worksheet/worksheet.md", "worksheet/answers.tex"),
    ),
    "check-engine": VerbRun(
        ("check-engine", "{micrograd_engine}:Value"), needs_micrograd=True, prints="PASSED: "
    ),
}


class CheckFailed(Exception):
    """A step of the check went wrong; the message says which and shows the output."""


def run(cmd: list[str], *, cwd: Path | None = None, stdin: str = "", env: dict | None = None):
    """Run a command, returning the CompletedProcess (text, both streams captured)."""
    return subprocess.run(
        cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=env, check=False, timeout=600
    )


def must(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command that has to succeed."""
    done = run(cmd, **kwargs)
    if done.returncode != 0:
        raise CheckFailed(
            f"{' '.join(cmd)} exited {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done


def checkout_version() -> str:
    """autograd.__version__ as written in the checkout (without importing it)."""
    text = (ROOT / "autograd" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


def build(dist: Path) -> tuple[Path, Path]:
    """The sdist and the pure wheel built from it, checked by twine and by their contents."""
    env = {**os.environ, "STEPGRAD_PURE_PYTHON": "1"}
    must([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], env=env)
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise CheckFailed(f"expected one sdist and one wheel in {dist}, found {sdists + wheels}")
    if not wheels[0].name.endswith("-py3-none-any.whl"):
        raise CheckFailed(f"the pure wheel is {wheels[0].name}, not a py3-none-any wheel")
    check_wheel(wheels[0], compiled=False)
    must([sys.executable, "-m", "twine", "check", "--strict", str(sdists[0])])
    return sdists[0], wheels[0]


def compiled_wheel(sdist: Path, python: str, dist: Path, pip: list[str]) -> Path:
    """The Linux wheel with the compiled engine, built from the sdist by `python`."""
    dist.mkdir()
    must([python, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps", "-q", "-w", str(dist),
          str(sdist)])  # fmt: skip
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != 1 or "-cp3" not in wheels[0].name or "linux" not in wheels[0].name:
        raise CheckFailed(f"expected one CPython Linux wheel in {dist}, found {wheels}")
    check_wheel(wheels[0], compiled=True)
    return wheels[0]


def check_wheel(wheel: Path, compiled: bool) -> None:
    """twine's check, the version, the packages' files whole, the compiled modules present or not."""
    must([sys.executable, "-m", "twine", "check", "--strict", str(wheel)])
    version = checkout_version()
    if not wheel.name.startswith(f"stepgrad-{version}-"):
        raise CheckFailed(f"the wheel {wheel.name} does not carry autograd.__version__ = {version}")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = must(["git", "ls-files", *PACKAGES], cwd=ROOT).stdout.split()
    left_out = sorted(set(tracked) - names)  # modules, py.typed, package data
    if left_out:
        raise CheckFailed(f"{wheel.name} lacks these files of its packages: {left_out}")
    stray = sorted(
        {n.split("/")[0] for n in names if "/" in n} - {*PACKAGES, f"stepgrad-{version}.dist-info"}
    )
    if stray:
        raise CheckFailed(f"{wheel.name} holds more than the packages {PACKAGES}: {stray}")
    built = sorted(n for n in names if n.startswith("autograd/engine/") and n.endswith(".so"))
    expected = ["ops", "value"] if compiled else []
    if [Path(n).name.split(".")[0] for n in built] != expected:
        raise CheckFailed(f"{wheel.name} holds the compiled modules {built}, expected {expected or 'none'}")


def pythons() -> list[tuple[str, str]]:
    """(version, interpreter) for the newest patch of each of MINORS that pyenv has."""
    try:
        listed = run(["pyenv", "versions", "--bare"]).stdout.split()
    except FileNotFoundError:
        listed = []
    found = []
    for minor in MINORS:
        patches = [v for v in listed if re.fullmatch(rf"{re.escape(minor)}\.\d+", v)]
        if patches:
            newest = max(patches, key=lambda v: tuple(map(int, v.split("."))))
            prefix = must(["pyenv", "prefix", newest]).stdout.strip()
            found.append((newest, f"{prefix}/bin/python3"))
    if not found:
        version = ".".join(map(str, sys.version_info[:3]))
        print(f"   (no pyenv CPython {', '.join(MINORS)} here: using {version} only)")
        found.append((version, sys._base_executable))
    return found


def listed_verbs(stepgrad: Path, cwd: Path) -> list[str]:
    """The verbs under COMMAND in `stepgrad --help`, in its order."""
    text = must([str(stepgrad), "--help"], cwd=cwd).stdout
    section = text.split("positional arguments:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^ {4}([a-z][a-z0-9-]*)(?:\s|$)", section, re.MULTILINE)


def run_verbs(venv: Path, work: Path, with_extras: bool) -> list[str]:
    """Every listed verb once, from an empty directory; returns one short result per verb."""
    stepgrad = venv / "bin" / "stepgrad"
    python = venv / "bin" / "python"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = must([str(python), "-c", "import autograd, nn; print(autograd.__file__)"], cwd=work).stdout
    if not where.startswith(str(venv)):
        raise CheckFailed(f"autograd was imported from {where.strip()}, not from the venv {venv}")
    version = must([str(stepgrad), "--version"], cwd=work).stdout.strip()
    if version != f"stepgrad {checkout_version()}":
        raise CheckFailed(f"`stepgrad --version` says {version!r}")
    has_main = run([str(python), "-c", "import stepgrad.__main__"], cwd=work).returncode == 0
    if has_main:
        must([str(python), "-m", "stepgrad", "--version"], cwd=work)
    results = []
    for verb in listed_verbs(stepgrad, work):
        if verb not in VERB_RUNS:
            raise CheckFailed(f"`stepgrad {verb}` has no invocation in VERB_RUNS ({Path(__file__).name})")
        spec = VERB_RUNS[verb]
        args = list(spec.args)
        if spec.needs_micrograd:
            engine = must([str(python), "-c", "import micrograd.engine as e; print(e.__file__)"], cwd=work)
            args = [a.format(micrograd_engine=engine.stdout.strip()) for a in args]
        done = run([str(stepgrad), *args], cwd=work, stdin=spec.stdin, env=env)
        shown = f"`stepgrad {' '.join(args)}` exited {done.returncode}"
        output = f"\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-2000:]}"
        if "Traceback (most recent call last)" in done.stderr + done.stdout:
            raise CheckFailed(f"{shown} with a traceback{output}")
        if done.returncode == 2 and not with_extras and INSTALL_HINT.search(done.stderr):
            results.append(f"{verb}: 2, says {INSTALL_HINT.search(done.stderr).group(0)}")
            continue
        if done.returncode != 0:
            raise CheckFailed(shown + output)
        missing = [f for f in spec.writes if not (work / f).is_file()]
        if missing:
            raise CheckFailed(f"{shown} but did not write {missing}{output}")
        if spec.prints and not any(line.startswith(spec.prints) for line in done.stdout.splitlines()):
            raise CheckFailed(f"{shown} but did not print {spec.prints!r}{output}")
        results.append(f"{verb}: ok")
    if has_main:
        results.append("python -m stepgrad: ok")
    return results


def check_engine(venv: Path, work: Path, compiled: bool) -> str:
    """`autograd.COMPILED` in the venv is what the artifact promises (False with
    STEPGRAD_PURE_PYTHON=1)."""
    python = str(venv / "bin" / "python")
    work.mkdir()
    for pure, expected in (("0", compiled), ("1", False)):
        env = {**os.environ, "STEPGRAD_PURE_PYTHON": pure}
        env.pop("PYTHONPATH", None)
        said = must([python, "-c", "import autograd; print(autograd.COMPILED)"], cwd=work, env=env).stdout
        if said.strip() != str(expected):
            raise CheckFailed(
                f"autograd.COMPILED is {said.strip()} with STEPGRAD_PURE_PYTHON={pure} in {venv}"
            )
    return "compiled engine" if compiled else "pure-Python engine"


def check_without_compiler(sdist: Path, python: str, tmp: Path, pip: list[str]) -> str:
    """The sdist installed where nothing can be compiled (CC=/bin/false): the install succeeds,
    its build says so once, and the pure-Python engine runs (doctor names it)."""
    venv = tmp / "venv-no-compiler"
    must([python, "-m", "venv", "--without-pip", str(venv)])
    env = {**os.environ, "CC": "/bin/false"}
    done = must([*pip, "--python", str(venv / "bin" / "python"), "install", "-v", str(sdist)], env=env)
    output = (done.stdout + done.stderr).splitlines()
    said = [line for line in output if "the compiled engine was not built" in line]
    if len(said) != 1:
        raise CheckFailed(f"without a compiler the build said so {len(said)} times, not once")
    check_engine(venv, tmp / "engine-no-compiler", compiled=False)
    doctor = must([str(venv / "bin" / "stepgrad"), "doctor"], cwd=tmp).stdout
    if "engine: pure Python (not compiled" not in doctor:
        raise CheckFailed(f"stepgrad doctor does not name the pure engine:\n{doctor}")
    return "installed without a compiler: the pure-Python engine, said once, named by doctor"


def check_artifact(
    label: str, python: str, artifact: Path, tmp: Path, pip: list[str], compiled: bool
) -> None:
    """Install the artifact into a fresh venv, check the engine, run the verbs, add the extras and
    run them again."""
    venv = tmp / f"venv-{label}"
    must([python, "-m", "venv", "--without-pip", str(venv)])
    target = [*pip, "--python", str(venv / "bin" / "python"), "install", "-q"]
    must([*target, str(artifact), "micrograd==0.1.0"])
    engine = check_engine(venv, tmp / f"engine-{label}", compiled)
    print(f"   {label} ({engine}), no extras: " + "; ".join(run_verbs(venv, tmp / f"run-{label}", False)))
    must([*target, f"stepgrad[{EXTRAS}] @ {artifact.as_uri()}"])
    print(
        f"   {label}, [{EXTRAS}]: "
        + "; ".join(run_verbs(venv, tmp / f"run-{label}-extras", with_extras=True))
    )


def main() -> int:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="stepgrad-packaging-"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    try:
        sdist, pure_wheel = build(tmp / "dist")
        print(
            f"== built {sdist.name} and {pure_wheel.name}; twine check passed "
            f"({time.monotonic() - started:.0f} s)"
        )
        print(f"== {check_without_compiler(sdist, sys._base_executable, tmp, pip)}")
        for version, python in pythons():
            wheel = compiled_wheel(sdist, python, tmp / f"dist-{version}", pip)
            print(f"== CPython {version}: built {wheel.name}")
            for kind, artifact, compiled in (
                ("wheel", wheel, True),
                ("pure wheel", pure_wheel, False),
                ("sdist", sdist, True),
            ):
                check_artifact(f"{version}-{kind.replace(' ', '-')}", python, artifact, tmp, pip, compiled)
    except CheckFailed as failure:
        print(f"packaging check FAILED: {failure}\n(files kept in {tmp})", file=sys.stderr)
        return 1
    shutil.rmtree(tmp)
    print(f"== packaging check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
