"""Atomic file writes."""

import os

import pytest

from autograd.files import check_writable_directory, write_atomic


def test_writes_text_and_bytes_and_creates_dirs(tmp_path):
    p = write_atomic(tmp_path / "a" / "b.txt", "héllo")
    assert p.read_text(encoding="utf-8") == "héllo"
    write_atomic(p, b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01"
    assert sorted(os.listdir(p.parent)) == ["b.txt"]  # no temporary file left behind


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    p = tmp_path / "model.json"
    write_atomic(p, "old")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(p, "new")
    assert p.read_text() == "old"
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_permissions_open_would_give(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        by_open = tmp_path / "by-open"
        by_open.write_text("x")
        written = write_atomic(tmp_path / "sub" / "player.html", "<html>")
    finally:
        os.umask(old)
    assert (by_open.stat().st_mode & 0o777) == mode
    assert (written.stat().st_mode & 0o777) == mode


def test_replacing_a_file_keeps_its_mode(tmp_path):
    p = tmp_path / "model.json"
    p.write_text("old")
    p.chmod(0o640)
    write_atomic(p, "new")
    assert p.read_text() == "new" and (p.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize(
    ("path", "data", "error"), [(3, "x", TypeError), (None, "x", TypeError), ("", "x", ValueError)]
)
def test_bad_arguments_name_the_argument(path, data, error):
    with pytest.raises(error, match="write_atomic: path"):
        write_atomic(path, data)
    with pytest.raises(TypeError, match="write_atomic: data must be str or bytes"):
        write_atomic("unused.txt", 3)


def test_checking_a_directory_leaves_nothing_behind(tmp_path):
    target = tmp_path / "a" / "b"
    assert check_writable_directory(target) == target
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError) as error:
        check_writable_directory(tmp_path / "f" / "out")
    assert error.value.filename == str(tmp_path / "f")
