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


@pytest.mark.parametrize("kind", ["fifo", "directory", "socket"])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(tmp_path, kind):
    import socket

    target = tmp_path / "model.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    expected = {"fifo": "a FIFO", "directory": "a directory", "socket": "a socket"}[kind]
    with pytest.raises(OSError, match=f"{expected}, not a regular file") as caught:
        write_atomic(target, "new")
    assert caught.value.filename == str(target)
    assert not target.is_file() and target.exists()  # still the FIFO, directory or socket
    assert os.listdir(tmp_path) == ["model.json"]


def test_a_character_device_is_refused(tmp_path):
    # Through a link of our own: were the check missing, the link would be replaced, never /dev/null.
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    with pytest.raises(OSError, match=r"a character device, not a regular file") as caught:
        write_atomic(link, "x")
    assert caught.value.filename == str(link)
    assert link.is_symlink() and link.is_char_device()


def test_stale_temporary_files_of_ours_are_removed_on_the_next_write(tmp_path):
    from autograd.files import STALE_SECONDS

    stale, fresh = tmp_path / ".model.json.0badc0de.tmp", tmp_path / ".loss.png.12345678.tmp"
    other = tmp_path / ".notes.tmp"  # not a name we make
    for path in (stale, fresh, other):
        path.write_text("half a file")
    old = os.path.getmtime(stale) - STALE_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_atomic(tmp_path / "boundary.png", b"png")
    assert sorted(os.listdir(tmp_path)) == sorted([fresh.name, other.name, "boundary.png"])


def test_a_failed_write_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    import errno

    def full(src, dst):  # as os.replace reports it: both names, the temporary one first
        raise OSError(errno.ENOSPC, "No space left on device", src, None, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as caught:
        write_atomic(tmp_path / "model.json", "x")
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(tmp_path / "model.json")
    assert ".tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def _old_set(folder):
    files = {
        folder / "model.json": "old model",
        folder / "loss.png": b"old loss",
        folder / "boundary.png": b"old b",
    }
    for path, data in files.items():
        write_atomic(path, data)
    return {path: (data.encode() if isinstance(data, str) else data) for path, data in files.items()}


def _contents(folder):
    return {path: path.read_bytes() for path in folder.iterdir()}


def test_a_set_is_written_whole(tmp_path):
    from autograd.files import write_atomic_set

    _old_set(tmp_path)
    new = {
        tmp_path / "model.json": "new model",
        tmp_path / "loss.png": b"new loss",
        tmp_path / "boundary.png": b"new b",
    }
    assert write_atomic_set(new) == list(new)
    assert _contents(tmp_path) == {path: (d.encode() if isinstance(d, str) else d) for path, d in new.items()}


def test_a_set_that_fails_while_written_leaves_the_old_set(tmp_path, monkeypatch):
    import errno

    from autograd.files import write_atomic_set

    old = _old_set(tmp_path)
    real_fsync, calls = os.fsync, []

    def full_on_the_last(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_last)
    with pytest.raises(OSError, match="No space left") as caught:
        write_atomic_set({path: b"new" for path in old})
    assert caught.value.filename == str(tmp_path / "boundary.png")
    assert _contents(tmp_path) == old  # nothing replaced, no temporary file left


def test_ctrl_c_during_the_renames_is_held_until_the_set_is_complete(tmp_path, monkeypatch):
    import signal

    from autograd.files import write_atomic_set

    old = _old_set(tmp_path)
    real_replace = os.replace

    def interrupted(src, dst):
        real_replace(src, dst)
        if str(dst).endswith("model.json"):  # Ctrl-C right after the first file is replaced
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic_set({path: b"new" for path in old})
    assert _contents(tmp_path) == {path: b"new" for path in old}  # all three, then the interrupt
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_rename_that_fails_midway_says_which_files_were_replaced(tmp_path, monkeypatch):
    import errno

    from autograd.files import write_atomic_set

    old = _old_set(tmp_path)
    real_replace = os.replace

    def failing(src, dst):
        if str(dst).endswith("loss.png"):
            raise OSError(errno.EIO, "Input/output error", src, None, dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match=rf"already replaced: {tmp_path / 'model.json'}\)") as caught:
        write_atomic_set({path: b"new" for path in old})
    assert caught.value.filename == str(tmp_path / "loss.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.png", "loss.png", "model.json"]
