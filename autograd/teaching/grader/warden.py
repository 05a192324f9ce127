"""The warden: the small process between the grader and one submission's process.

Run by `isolation` as `python -I -B warden.py CONFIG` (standard library only, nothing of the
submission's). It makes itself a child subreaper (Linux), so every process the submission starts
and abandons (a double fork, a new session) becomes its child instead of init's; starts the
submission's process in a session of its own, with resource limits set before its Python starts;
says `started PID` and, when that process ends, `exit STATUS` on its standard output; and when its
standard input closes (the grader is done, or gone), kills the submission's process group and every
process descended from the warden, and waits until none is left before it exits itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main"]

PR_SET_CHILD_SUBREAPER = 36  # prctl option (linux/prctl.h)
MIB = 1024 * 1024
CLEANUP_SECONDS = 10.0  # how long the warden keeps killing what the submission started


def main() -> None:
    """Start the submission's process as `sys.argv[1]` (JSON) says, watch it, end it all on EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grader's to act on
    config = json.loads(sys.argv[1])
    subreaper = _become_subreaper()
    questions, answers, output = config["fds"]
    child = subprocess.Popen(
        config["argv"],
        cwd=config["cwd"],
        env=config["env"],
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        pass_fds=(questions, answers),
        start_new_session=True,  # its own session and process group
        preexec_fn=_limiter(config["limits"]),  # (the warden has no threads yet)
    )
    for fd in (questions, answers, output):
        os.close(fd)
    _say(f"started {child.pid} {'subreaper' if subreaper else 'group'}")
    threading.Thread(target=lambda: _say(f"exit {child.wait()}"), daemon=True).start()
    sys.stdin.buffer.read()  # until the grader closes it
    _end_everything(child.pid)


def _say(line: str) -> None:
    with contextlib.suppress(OSError):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _limiter(limits: dict[str, int]) -> Callable[[], None]:
    """The function that sets the submission's resource limits, in its process before exec."""
    wanted = {
        resource.RLIMIT_AS: limits["memory"] * MIB,
        resource.RLIMIT_CPU: limits["cpu"],
        resource.RLIMIT_FSIZE: limits["file_size"] * MIB,
        resource.RLIMIT_CORE: 0,
    }
    if hasattr(resource, "RLIMIT_NPROC"):  # counts every process (thread) of the account
        wanted[resource.RLIMIT_NPROC] = _tasks_of_this_user() + limits["processes"]

    def limit() -> None:
        for which, value in wanted.items():
            hard = resource.getrlimit(which)[1]
            top = value + 1 if which == resource.RLIMIT_CPU else value  # SIGXCPU, then SIGKILL
            if hard != resource.RLIM_INFINITY:
                value, top = min(value, hard), min(top, hard)
            with contextlib.suppress(ValueError, OSError):  # (a limit this system does not enforce)
                resource.setrlimit(which, (value, top))

    return limit


def _tasks_of_this_user() -> int:
    """The threads the account runs now (what RLIMIT_NPROC counts); 0 where /proc cannot say."""
    uid, count = str(os.getuid()), 0
    for status in Path("/proc").glob("[0-9]*/status"):
        fields: dict[str, Any] = {}
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                key, _, value = line.partition(":")
                fields[key] = value.split()
        if fields.get("Uid", [None])[0] == uid:
            count += int(fields.get("Threads", ["1"])[0])
    return count


def _descendants(root: int) -> list[int]:
    """Every living process below `root`, from /proc's parent ids (Linux); [] elsewhere."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            parent = int(text[text.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            found.append(pid)
            todo.append(pid)
    return found


def _end_everything(child: int) -> None:
    """Kill the submission's process group and every descendant, and reap them, until the warden
    has no child left (or CLEANUP_SECONDS pass)."""
    give_up = time.monotonic() + CLEANUP_SECONDS
    while True:
        with contextlib.suppress(OSError):
            os.killpg(child, signal.SIGKILL)
        for pid in _descendants(os.getpid()):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:  # no child left: with the subreaper, nothing below us at all
            return
        if time.monotonic() > give_up:
            return
        time.sleep(0.01)


if __name__ == "__main__":
    main()
