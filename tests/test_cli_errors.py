"""The error paths one by one, as a user meets them in a terminal."""

import re

import pytest

from stepgrad.cli import main

SMALL = ["--samples", "20", "--hidden", "4", "--epochs", "3", "--quiet"]


def run(capsys, *argv):
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("dataset", ["moons", "xor"])
def test_train_with_mse_reports_the_loss_without_an_accuracy_and_writes_everything(capsys, tmp_path, dataset):
    status, out, err = run(capsys, "train", dataset, "--loss", "mse", *SMALL, "--validation", "0.25",
                           "--out", str(tmp_path))  # fmt: skip
    assert status == 0, err
    assert re.search(r"^final training loss \d+\.\d{4}$", out, flags=re.MULTILINE)
    assert re.search(r"^validation loss \d+\.\d{4}$", out, flags=re.MULTILINE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.png", "loss.png", "model.json"]


def test_train_checks_out_before_training(capsys, tmp_path):
    (tmp_path / "taken").write_text("")
    status, out, err = run(capsys, "train", "moons", *SMALL, "--out", str(tmp_path / "taken"))
    assert status == 2 and out == ""  # no "training ..." line: refused before the work
    assert f"--out {tmp_path / 'taken'}: cannot write files there: a file, not a directory" in err


@pytest.mark.parametrize(
    ("expression", "message", "caret"),
    [
        ("x^2", "column 2: operator '^' is not allowed (use ** for powers)", "     ^"),
        ("w*x +", "column 6: syntax error: the expression is incomplete", "         ^"),
        ("2w*x", "column 1: a number directly followed by a name (2w): write 2*w for a product", "    ^"),
    ],
)
def test_expression_errors_say_what_to_write_and_point_at_it(capsys, tmp_path, expression, message, caret):
    status, _, err = run(capsys, "grad", expression, "x=1", "w=2", "--out", str(tmp_path / "o"))
    assert status == 2
    lines = err.splitlines()
    assert lines[0] == f"stepgrad grad: error: {message}"
    assert lines[1:] == [f"    {expression}", caret]


@pytest.mark.parametrize("argv", [["grad", "-x*y", "x=1", "y=2"], ["grad", "-x"]])
def test_an_expression_starting_with_minus_is_told_to_go_after_double_dash(capsys, argv):
    status, _, err = run(capsys, *argv)
    assert status == 2 and "usage: stepgrad grad" in err
    assert f"a value that starts with '-' goes after '--', as in: stepgrad grad -- '{argv[1]}'" in err


def test_after_double_dash_the_expression_works(capsys, tmp_path):
    status, out, _ = run(capsys, "grad", "--out", str(tmp_path), "--", "-x*y", "x=1", "y=2")
    assert status == 0 and "x\u0305 = " in out


def test_a_huge_learning_rate_is_stopped_by_name(capsys, tmp_path):
    status, out, err = run(capsys, "train", "moons", *SMALL, "--lr", "1e9", "--out", str(tmp_path))
    assert status == 1
    assert "training diverged in epoch" in err and "the loss grew from" in err and "max_loss_growth" in err
    assert "final training loss" not in out and list(tmp_path.iterdir()) == []


def test_momentum_with_adam_is_refused(capsys, tmp_path):
    status, out, err = run(
        capsys, "train", "moons", "--optimizer", "adam", "--momentum", "0.9", "--out", str(tmp_path)
    )
    assert status == 2 and out == ""
    assert "--momentum is for --optimizer sgd" in err


def test_a_misspelled_option_gets_the_verbs_usage_and_the_right_name(capsys):
    status, _, err = run(capsys, "train", "moons", "--optimiser", "adam")
    assert status == 2
    assert err.startswith("usage: stepgrad train")
    assert "unrecognized arguments: --optimiser adam" in err and "did you mean --optimizer?" in err


def test_without_dot_the_cli_names_the_file_written_and_the_install_command(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    status, out, err = run(capsys, "wxb", "--out", str(tmp_path / "o"))
    assert status == 1
    assert f"The graph's DOT source is in {tmp_path / 'o' / 'graph.dot'}" in err
    assert "sudo apt-get install graphviz" in err and "brew install graphviz" in err
    assert "graph.source" not in err and "save_graph" not in err  # no Python calls for a CLI user
    assert f"dot    {tmp_path / 'o' / 'graph.dot'}" in out


def test_a_write_that_fails_midway_exits_1_naming_the_file_and_leaves_no_part(capsys, tmp_path, monkeypatch):
    import errno
    import os

    real_replace = os.replace

    def disk_full(src, dst):
        if str(dst).endswith("graph.svg"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", disk_full)
    status, _, err = run(capsys, "wxb", "--out", str(tmp_path))
    assert status == 1
    assert err.strip() == f"stepgrad wxb: error: No space left on device: {tmp_path / 'graph.svg'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot"]  # no temporary file left


def test_a_closed_output_pipe_ends_quietly_with_141(tmp_path):
    """`stepgrad wxb | head -1`: the reader has gone; no 'Broken pipe' error, status 141."""
    import os
    import subprocess
    import sys

    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line, as when `head` has exited
    try:
        command = [sys.executable, "-m", "stepgrad", "wxb", "--out", str(tmp_path / "out")]
        run = subprocess.run(command, stdout=writer, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(writer)
    assert (run.returncode, run.stderr.decode()) == (141, "")


def test_closed_standard_output_is_refused_before_any_work(tmp_path):
    """`stepgrad wxb >&-`: nothing can be printed, so say so on stderr and exit 2, writing nothing."""
    import subprocess
    import sys

    command = f"exec {sys.executable} -m stepgrad wxb --out {tmp_path / 'out'} >&-"
    run = subprocess.run(["bash", "-c", command], stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    assert run.returncode == 2
    assert (
        run.stderr
        == "stepgrad: error: standard output is closed, so nothing could be printed; nothing was done\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "verb",
    [
        ["wxb"],
        ["grad", "x*y", "x=1", "y=2"],
        ["train", "moons"],
        ["worksheet", "--count", "1", "--seed", "1"],
    ],
)
def test_an_empty_out_is_refused(capsys, tmp_path, monkeypatch, verb):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, *verb, "--out", "")
    assert status == 2 and out == ""
    assert "--out: expected a directory, got an empty path (for the current folder: .)" in err
    assert list(tmp_path.iterdir()) == []


def test_train_interrupted_while_making_its_files_leaves_the_previous_set(capsys, tmp_path, monkeypatch):
    """Ctrl-C after model.json was written left it beside the previous run's loss.png and boundary.png."""
    from matplotlib.figure import Figure

    assert run(capsys, "train", "moons", *SMALL, "--out", str(tmp_path))[0] == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_savefig, calls = Figure.savefig, []

    def interrupted_on_the_second(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_savefig(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", interrupted_on_the_second)
    status, _, err = run(capsys, "train", "moons", *SMALL, "--seed", "2", "--out", str(tmp_path))
    assert (status, err.strip()) == (130, "stepgrad train: interrupted")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
