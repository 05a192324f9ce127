"""Writing files atomically: a crash, a full disk or Ctrl-C never leaves half a file.

A file written here ends with the permissions `open(path, "w")` would give it
(0o666 minus the umask), or keeps the mode of the file it replaces. Only a regular file is
replaced: a directory, FIFO, device or socket at the path is refused, named (as root,
`save(model, "/dev/null")` would otherwise replace /dev/null).

The temporary file is `.NAME.<8 hex digits>.tmp` beside the target. One left by a process that
was killed mid-write (kill -9, power loss) is removed by the next write into that folder once it
is an hour old and ours (same owner); a younger one may be another write in progress.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["write_atomic", "write_atomic_set", "check_writable_directory", "as_path", "STALE_SECONDS"]

#: A temporary file of ours older than this (seconds since its last change) is a leftover.
STALE_SECONDS = 3600
_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")
_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a FIFO",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def as_path(path: object, function: str, argument: str = "path") -> Path:
    """`path` as a Path; TypeError naming the function and argument if it is not a str or PathLike."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{function}: {argument} must be a str or os.PathLike, got {type(path).__name__}")
    if not str(path):
        raise ValueError(f"{function}: {argument} is empty")
    return Path(path)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write `data` to `path` all at once: to a temporary file beside it, then rename.

    The rename is atomic on POSIX and Windows, so readers see either the old file
    or the complete new one. Parent directories are created. Returns the path.
    """
    target = as_path(path, "write_atomic")
    with _naming(target):
        tmp = _written_beside(target, data, "write_atomic")
        try:
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return target


def write_atomic_set(files: Mapping[str | os.PathLike[str], str | bytes]) -> list[Path]:
    """Write several files as one set, {path: data}: all of them or none.

    Every file is first written whole to its temporary file; only then are they renamed over
    their targets, one after the other, with Ctrl-C held back until the last rename (it is
    raised then). So an interruption or a full disk leaves the old set, never old and new files
    mixed. Should a rename itself fail, the error says which files were already replaced.
    Returns the paths, in order.
    """
    targets = [as_path(path, "write_atomic_set") for path in files]
    pending: list[Path] = []  # the temporary files, one per target
    try:
        for target, data in zip(targets, files.values()):
            with _naming(target):
                pending.append(_written_beside(target, data, "write_atomic_set"))
        replaced: list[str] = []
        with _interrupts_held():
            for tmp, target in zip(pending, targets):
                try:
                    os.replace(tmp, target)
                except OSError as error:
                    done = ", ".join(replaced) or "none"
                    raise type(error)(
                        error.errno, f"{error.strerror} (already replaced: {done})", str(target)
                    ) from error
                replaced.append(str(target))
    finally:
        for tmp in pending:
            tmp.unlink(missing_ok=True)
    return targets


def _written_beside(target: Path, data: str | bytes, function: str) -> Path:
    """A temporary file beside `target` holding `data`, synced to disk, with the mode the target
    should get; `target` must be missing or a regular file."""
    if not isinstance(data, str | bytes):
        raise TypeError(f"{function}: data must be str or bytes, got {type(data).__name__}")
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        status = os.stat(target)
    except FileNotFoundError:
        mode = None
    else:
        _check_regular(target, status.st_mode)
        mode = stat.S_IMODE(status.st_mode)  # replacing a file keeps its mode
    _remove_leftovers(target.parent)
    tmp, fd = _create_beside(target)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


@contextmanager
def _naming(target: Path) -> Iterator[None]:
    """An OSError raised in the block names `target`, not the temporary file it was about."""
    try:
        yield
    except OSError as error:
        if error.errno is None or error.filename == str(target):
            raise
        raise type(error)(error.errno, error.strerror, str(target)) from error


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block ends, then deliver it; only the main thread
    receives signals, so elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(*caught[0])  # the default handler raises KeyboardInterrupt


def _check_regular(target: Path, mode: int) -> None:
    """An OSError naming `target` if it is a directory, FIFO, device or socket."""
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
    raise OSError(errno.EEXIST, f"{kind}, not a regular file: refusing to replace it", str(target))


def _remove_leftovers(folder: Path) -> None:
    """Delete our temporary files in `folder` that are older than STALE_SECONDS (see above)."""
    cutoff = time.time() - STALE_SECONDS
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # the write itself will report what is wrong with the folder
    for entry in entries:
        if not (entry.name.startswith(".") and _TEMPORARY.fullmatch(entry.name)):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and status.st_mtime < cutoff and uid in (None, status.st_uid):
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove


def _create_beside(target: Path) -> tuple[Path, int]:
    """A new hidden file next to `target`, created with mode 0o666 so the umask applies as for open()."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file next to {target}")


def check_writable_directory(path: str | os.PathLike[str]) -> Path:
    """Make sure files can be written into directory `path`, before any work; leave nothing behind.

    Missing directories are created for the check and removed again. Raises OSError
    (NotADirectoryError, PermissionError, FileNotFoundError, ...) whose `filename` is the
    path that is in the way.
    """
    target = as_path(path, "check_writable_directory")
    missing = []
    existing = target
    while not existing.exists() and existing != existing.parent:
        missing.append(existing)
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "a file, not a directory", str(existing))
    created: list[Path] = []
    try:
        for directory in reversed(missing):
            directory.mkdir()
            created.append(directory)
        fd, probe = tempfile.mkstemp(prefix=".stepgrad-probe-", dir=target)
        os.close(fd)
        os.unlink(probe)
    finally:
        for directory in reversed(created):
            directory.rmdir()
    return target
