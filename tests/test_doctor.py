"""`stepgrad doctor`: dot, extras, the widget front end, and clashing import packages."""

import sys

from stepgrad import doctor
from stepgrad.cli import main


def test_doctor_reports_dot_extras_widget_and_no_clash(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "dot: dot - graphviz version" in out
    assert "  train      installed (tqdm " in out
    assert "notebook widget: anywidget" in out
    assert "import packages: autograd, nn, stepgrad come from stepgrad alone" in out


def test_doctor_without_dot_says_how_to_install_it_and_exits_1(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "dot: NOT FOUND" in out and "sudo apt-get install graphviz" in out


def test_doctor_names_a_missing_extra_with_its_command(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    main(["doctor"])
    assert (
        "  train      not installed (missing tqdm): pip install 'stepgrad[train]'" in capsys.readouterr().out
    )


def test_doctor_without_anywidget_says_so(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)
    main(["doctor"])
    out = capsys.readouterr().out
    assert "notebook widget: anywidget does not import (" in out and "pip install" in out


def test_doctor_finds_hips_autograd_installed_beside_stepgrad(capsys, tmp_path, monkeypatch):
    info = tmp_path / "autograd-1.7.0.dist-info"  # what `pip install autograd` leaves in site-packages
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.7.0\n")
    (info / "top_level.txt").write_text("autograd\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert doctor.clashes() == {"autograd": ["autograd"]}
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "CLASH: the import package 'autograd' is also installed by autograd 1.7.0" in out
    assert "HIPS autograd is a different library" in out
    assert "python -m venv .venv-stepgrad" in out
