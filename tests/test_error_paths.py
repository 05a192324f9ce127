"""Every error path of the command line and of the notebook entry points, as a class.

The CLI cases are generated from the parser itself: every option of every verb gets
bad values, every verb with --out gets unusable directories, every verb that needs an
extra runs without it. A new verb is covered as soon as it is registered; it only needs
a quick valid invocation in VALID (the first test fails until it has one).

Asserted for each: exit status 2 (the documented status for bad input), a message that
names the option or the path, no traceback, and nothing written.

Permissions: the tests run as root (CI does), for whom mode bits do not apply, so a
chmod 0o555 directory is still writable. The unwritable directories are therefore ones
the kernel refuses even to root: /sys (sysfs: no new files) and /proc/nope (no such
directory can be made). The chmod case runs as well when the tests are not root.
"""

import argparse
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import micrograd.engine
import pytest

from stepgrad.cli import build_parser, main, verbs

README = Path(__file__).resolve().parent.parent / "README.md"

#: A quick, valid invocation of each verb (positional arguments and small sizes).
VALID = {
    "wxb": [],
    "grad": ["x*x", "x=1"],
    "train": ["moons", "--samples", "8", "--epochs", "1", "--hidden", "2", "--quiet"],
    "quiz": ["--seed", "1"],  # standard input is empty (the fixture below): it stops at once, exit 1
    "worksheet": ["--count", "1", "--seed", "1"],
    "check-engine": [micrograd.engine.__file__],
    "doctor": [],
}
#: Text a user might type where a value belongs.
BAD_TEXT = ["", "abc", "nan", "NaN", "inf", "-inf", "1e999", "-1", "0", "1" + "0" * 40, "0x10", "1,5", " "]


@pytest.fixture(autouse=True)
def _empty_standard_input(monkeypatch):
    """What a verb that reads standard input (the quiz) gets here: nothing."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _verb_parsers() -> dict[str, argparse.ArgumentParser]:
    subparsers = build_parser()._subparsers._group_actions[0]
    return dict(subparsers.choices)


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options that take a value (those a user can mistype)."""
    return [
        a for a in parser._actions if a.option_strings and a.nargs is None and a.dest not in ("help", "out")
    ]


def _run(capsys, argv):
    """(exit status, stdout, stderr) of `stepgrad argv`, in-process (a traceback would fail the test)."""
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


OUT_VERBS = [name for name, p in _verb_parsers().items() if "--out" in p._option_string_actions]


def test_every_verb_has_a_valid_invocation_here():
    assert sorted(VALID) == sorted(v.name for v in verbs())


def test_the_readme_exit_status_table_has_a_column_for_every_verb():
    header = next(
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| exit status |")
    )
    columns = [set(re.findall(r"`([\w-]+)`", cell)) for cell in header.split("|")[2:-1]]
    assert sorted(name for column in columns for name in column) == sorted(v.name for v in verbs())


CASES = [
    (name, action.option_strings[-1], text)
    for name, parser in _verb_parsers().items()
    for action in _options(parser)
    for text in (BAD_TEXT if action.choices is None else ["", "nope", "SGD"])
]


def test_the_generated_cases_cover_every_option():
    assert {(v, o) for v, o, _ in CASES} >= {("wxb", "--w"), ("train", "--lr"), ("train", "--optimizer")}
    assert len(CASES) > 150


@pytest.mark.parametrize(("verb", "option", "text"), CASES)
def test_a_bad_option_value_exits_2_naming_the_option_or_is_a_value_that_works(
    capsys, tmp_path, verb, option, text
):
    out_dir = tmp_path / "out"
    argv = [verb, *VALID[verb], *(["--out", str(out_dir)] if verb in OUT_VERBS else []), f"{option}={text}"]
    status, _, err = _run(capsys, argv)
    assert "Traceback" not in err
    if status == 2:
        assert f"usage: stepgrad {verb}" in err and option in err
        assert not out_dir.exists()
    else:  # the text was a valid value (--seed -1, --w 0): the verb ran to its end
        assert status in (0, 1), err
        assert parse_ok(verb, option, text)


def parse_ok(verb: str, option: str, text: str) -> bool:
    """Whether the verb's own parser accepts `option=text` (so exit 0/1 is right)."""
    parser = _verb_parsers()[verb]
    try:
        parser.parse_args([*VALID[verb], f"{option}={text}"])
    except SystemExit:
        return False
    return True


@pytest.mark.parametrize("verb", sorted(VALID))
def test_an_unknown_option_exits_2_with_the_verbs_usage_and_a_suggestion(capsys, tmp_path, verb):
    parser = _verb_parsers()[verb]
    options = [a.option_strings[-1] for a in _options(parser)]
    typo = (options[0] + "z") if options else "--nope"
    out = ["--out", str(tmp_path / "out")] if verb in OUT_VERBS else []
    status, _, err = _run(capsys, [verb, *VALID[verb], *out, typo, "1"])
    assert status == 2 and f"usage: stepgrad {verb}" in err and typo in err
    if options:
        assert f"did you mean {options[0]}?" in err


def _unusable_directories(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    places = {
        "an existing file": a_file,
        "a file as parent": a_file / "out",
        "no such parent, cannot be made": Path("/proc/nope/out"),
        "a directory no one may write into (sysfs)": Path("/sys"),
        "a missing directory under an unwritable one": Path("/sys/stepgrad-out"),
    }
    if os.geteuid() != 0:
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o555)
        places["a read-only directory"] = read_only
    return places


@pytest.mark.parametrize("verb", OUT_VERBS)
def test_an_unusable_out_exits_2_naming_it_before_any_work(capsys, tmp_path, verb):
    for what, place in _unusable_directories(tmp_path).items():
        status, out, err = _run(capsys, [verb, *VALID[verb], "--out", str(place)])
        assert status == 2, what
        assert f"--out {place}: cannot write files there" in err, what
        assert out == "" and "Traceback" not in err, what  # refused before any work
    assert (tmp_path / "a-file").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) in (["a-file"], ["a-file", "read-only"])


EXTRA_VERBS = [(v.name, extra) for v in verbs() for extra in v.extras]


@pytest.mark.parametrize(("verb", "extra"), EXTRA_VERBS)
def test_a_missing_extra_exits_2_with_the_install_command_before_any_work(
    capsys, tmp_path, monkeypatch, verb, extra
):
    from autograd.extras import EXTRAS

    for module in EXTRAS[extra]:
        monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails
        status, out, err = _run(capsys, [verb, *VALID[verb], "--out", str(tmp_path / "out")])
        assert status == 2
        assert f"stepgrad {verb}: error: stepgrad {verb} needs {module}" in err
        assert f"pip install 'stepgrad[{extra}]'" in err
        assert out == "" and "Traceback" not in err
        assert not (tmp_path / "out").exists()
        monkeypatch.delitem(sys.modules, module)


def test_the_verbs_that_need_extras_are_known():
    assert ("train", "train") in EXTRA_VERBS


# ---- Ctrl-C --------------------------------------------------------------------------------------
# `grad` is not here: its player is one layout now (no `dot` run per frame), so even the longest
# expression it takes finishes in a fraction of a second, before it could be interrupted.
LONG_RUNS = {
    "train": (["train", "moons", "--epochs", "100000", "--quiet"], "training MLP"),
    "quiz": (["quiz", "w*x + b", "w=2", "x=3", "b=1"], "seed: f\u0305"),  # then it waits for an answer
}


@pytest.mark.parametrize("verb", sorted(LONG_RUNS))
def test_ctrl_c_prints_one_line_exits_130_and_leaves_no_file(tmp_path, verb):
    argv, started = LONG_RUNS[verb]
    out_dir = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "stepgrad", *argv, *(["--out", str(out_dir)] if verb in OUT_VERBS else [])],
        stdin=subprocess.PIPE,  # open, and nothing typed
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    for line in process.stdout:  # wait until the long part has begun
        if started in line:
            break
    time.sleep(0.5)
    assert process.poll() is None, "finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == f"stepgrad {verb}: interrupted"
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
