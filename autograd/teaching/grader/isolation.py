"""One submission's process, kept apart from the teacher's: what it sees, what it may use, how long.

`IsolatedProcess(limits)` starts the submission's process (`child.main`) under a warden
(`warden.py`) and gives it:

- a fresh temporary folder as its working folder, HOME and TMPDIR, removed afterwards;
- an environment of its own: PATH=/usr/bin:/bin, HOME, TMPDIR and a UTF-8 locale, none of the
  teacher's variables; Python in isolated mode (-I: no PYTHON* variables, no user site-packages,
  not the teacher's working folder on sys.path), not writing bytecode (-B); sys.path is the
  interpreter's own plus the folder that holds `autograd`;
- resource limits (`Limits`): address space, CPU seconds, file size, number of processes, no core
  files;
- its own session and process group; the warden, a child subreaper on Linux, kills the group and
  every process the submission started, escaped ones included, before `close()` returns;
- a time limit per question (`timeout`) and one for the whole submission (`deadline`).

It is not a sandbox: the process runs as the teacher's account and can read what that account can
read (docs: For teachers, "What is isolated").
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from autograd.teaching.grader.protocol import MAX_LINE, MAX_PENDING, ProtocolError, clean_text

__all__ = ["Limits", "DEFAULT_LIMITS", "MAX_TIMEOUT", "IsolatedProcess", "Unanswered"]

MAX_TIMEOUT = 3600.0
MAX_MEMORY = 1024 * 1024  # MiB (1 TiB)
MAX_FILE_SIZE = 1024 * 1024  # MiB
MAX_PROCESSES = 4096
STARTUP_TIMEOUT = 60.0  # seconds the process may take to start, before the file is imported
OUTPUT_KEPT = 4000  # characters of what the submission prints kept for its report
_GRACE = 0.5  # seconds to wait for an answer already on its way when the process ends
_ROOT = str(Path(__file__).resolve().parents[3])  # the folder that holds autograd (autograd/teaching/grader/)
_WARDEN = str(Path(__file__).with_name("warden.py"))
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); from autograd.teaching.grader.child import main; main()"
)


@dataclass(frozen=True)
class Limits:
    """What one submission may use: `timeout` seconds per question (importing the file, building
    a graph, one backward()), `deadline` seconds in all (also its CPU-time limit), `memory` MiB of
    address space, files of up to `file_size` MiB, and `processes` processes besides those the
    account already runs (Linux counts them per account; root is exempt)."""

    timeout: float = 10.0
    deadline: float = 120.0
    memory: int = 1024
    file_size: int = 16
    processes: int = 16

    def __post_init__(self) -> None:
        for name, most in (("timeout", MAX_TIMEOUT), ("deadline", MAX_TIMEOUT)):
            seconds = getattr(self, name)
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise TypeError(f"{name} must be a number of seconds, got {seconds!r}")
            if not (math.isfinite(seconds) and 0 < seconds <= most):
                raise ValueError(f"{name} must be in (0, {most:g}] seconds, got {seconds!r}")
        for name, most in (
            ("memory", MAX_MEMORY),
            ("file_size", MAX_FILE_SIZE),
            ("processes", MAX_PROCESSES),
        ):
            count = getattr(self, name)
            if isinstance(count, bool) or not isinstance(count, int):
                raise TypeError(f"{name} must be a whole number, got {count!r}")
            if not 1 <= count <= most:
                raise ValueError(f"{name} must be from 1 to {most}, got {count!r}")


DEFAULT_LIMITS = Limits()


class Unanswered(Exception):
    """A question got no answer: `kind` is 'timeout', 'deadline' or 'ended'; the text says more
    ('within 10 s', 'ended the checking process (exit status 3)')."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind


class IsolatedProcess:
    """The submission's process and its two pipes (questions in, answers out); a context manager.

    `ask(line, timeout)` sends one question and returns the answer's raw bytes, or raises
    Unanswered; `output` is the start of what the process printed (cleaned).
    """

    _open: ClassVar[set[IsolatedProcess]] = set()  # (for close_all)
    _open_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._ended = ""  # how the process ended, once it has
        self._printed = bytearray()
        self._threads: list[threading.Thread] = []
        self._folder = Path(tempfile.mkdtemp(prefix="stepgrad-grading-"))
        self._started = time.monotonic()
        self._clock_running = False
        self._abandoned = False  # a question went unanswered
        try:
            self._warden = self._start()
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        with self._open_lock:
            self._open.add(self)

    @classmethod
    def close_all(cls) -> None:
        """Close every process still open (from any thread): Ctrl-C during a batch."""
        with cls._open_lock:
            processes = list(cls._open)
        for process in processes:
            process.close()

    def _start(self) -> subprocess.Popen:
        home, work, tmp = (self._folder / name for name in ("home", "work", "tmp"))
        for folder in (home, work, tmp):
            folder.mkdir()
        questions_read, questions_write = os.pipe()
        answers_read, answers_write = os.pipe()
        output_read, output_write = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(tmp), "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8"}  # fmt: skip
        config = {
            "argv": [
                sys.executable,
                "-I",
                "-B",
                "-c",
                _CHILD,
                _ROOT,
                str(questions_read),
                str(answers_write),
            ],
            "cwd": str(work),
            "env": env,
            "fds": [questions_read, answers_write, output_write],
            "limits": {
                "memory": self.limits.memory,
                "cpu": math.ceil(self.limits.deadline) + 1,
                "file_size": self.limits.file_size,
                "processes": self.limits.processes,
            },
        }
        try:
            warden = subprocess.Popen(
                [sys.executable, "-I", "-B", _WARDEN, json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=str(work),
                env=env,
                pass_fds=(questions_read, answers_write, output_write),
                start_new_session=True,  # Ctrl-C in the terminal is the grader's, which ends it
            )
        finally:
            for fd in (questions_read, answers_write, output_write):
                os.close(fd)
        self._questions = os.fdopen(questions_write, "wb", buffering=0)
        self._child_pid = 0
        self._watch(self._read_answers, os.fdopen(answers_read, "rb"))
        self._watch(self._read_output, os.fdopen(output_read, "rb"))
        self._watch(self._read_warden, warden.stdout)
        return warden

    def _watch(self, read: Any, stream: Any) -> None:
        thread = threading.Thread(target=read, args=(stream,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _read_answers(self, stream: Any) -> None:
        with stream:
            while True:
                line = stream.readline(MAX_LINE + 1)
                if not line:
                    self._events.put(("eof", None))
                    return
                if not line.endswith(b"\n") and len(line) > MAX_LINE:
                    self._events.put(("oversized", None))
                    return
                if self._events.qsize() > MAX_PENDING:  # (one question at a time: answers nobody asked for)
                    self._events.put(("flood", None))
                    return
                self._events.put(("answer", line.rstrip(b"\n")))

    def _read_output(self, stream: Any) -> None:
        with stream:
            while chunk := stream.read1(65_536):
                room = 4 * OUTPUT_KEPT - len(self._printed)
                if room > 0:
                    self._printed += chunk[:room]

    def _read_warden(self, stream: Any) -> None:
        for line in stream:
            words = line.decode("ascii", "replace").split()
            if words[:1] == ["started"] and len(words) > 1:
                self._child_pid = int(words[1])
            elif words[:1] == ["exit"] and len(words) > 1:
                self._events.put(("exit", int(words[1])))
        self._events.put(("warden gone", None))

    @property
    def output(self) -> str:
        """The start of what the submission printed, cleaned (line breaks kept)."""
        return clean_text(self._printed.decode("utf-8", "replace"), OUTPUT_KEPT, lines=True).strip()

    def start_the_clock(self) -> None:
        """The deadline counts from now (the process has started; its file is about to be imported)."""
        self._started = time.monotonic()
        self._clock_running = True

    def seconds_left(self) -> float:
        """Seconds left of the deadline."""
        return self.limits.deadline - (time.monotonic() - self._started)

    def ask(self, line: str, timeout: float) -> bytes:
        """Send the question `line` and return its answer (raw bytes), waiting at most `timeout`
        seconds and never past the deadline; Unanswered when none comes, ProtocolError for an
        answer over MAX_LINE bytes."""
        if self._ended:
            raise Unanswered("ended", self._ended)
        with contextlib.suppress(OSError):  # (a process that has ended: its exit status follows)
            self._questions.write(line.encode("utf-8"))
        wait = min(timeout, self.seconds_left() if self._clock_running else timeout)
        kind = "deadline" if wait < timeout else "timeout"
        give_up = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                event, data = self._events.get(timeout=max(give_up - time.monotonic(), 0.0))
            except queue.Empty:
                self._abandoned = True  # (its answer may still come, late)
                raise Unanswered(kind, f"within {timeout:g} s" if kind == "timeout" else "") from None
            if event == "answer":
                return data
            if event == "oversized":
                raise ProtocolError(f"an answer of over {MAX_LINE:,} bytes")
            if event == "flood":
                raise ProtocolError(f"over {MAX_PENDING} answers nobody asked for")
            if event in ("exit", "warden gone"):
                self._ended = _ended_text(data if event == "exit" else None, self.limits)
                with contextlib.suppress(queue.Empty):  # an answer written just before the end
                    event, data = self._events.get(timeout=_GRACE)
                    if event == "answer":
                        return data
                raise Unanswered("ended", self._ended)
            # "eof": every copy of the answer pipe is closed; the exit status follows

    def unasked(self) -> bool:
        """Whether an answer came that no question asked for (checked when the grading is over;
        not after a question went unanswered, whose answer may come late)."""
        if self._abandoned or self._ended:
            return False
        time.sleep(0.05)  # (a line written with the last answer)
        while True:
            try:
                event, _ = self._events.get_nowait()
            except queue.Empty:
                return False
            if event in ("answer", "oversized", "flood"):
                return True

    def close(self) -> None:
        """End the submission: the warden kills its process group and every process it started,
        then exits; the temporary folder is removed. Closing twice does nothing more."""
        with self._open_lock:
            if self not in self._open:
                return
            self._open.discard(self)
        with contextlib.suppress(OSError):
            self._questions.close()
        with contextlib.suppress(OSError):
            self._warden.stdin.close()  # type: ignore[union-attr]
        try:
            self._warden.wait(timeout=30)
        except subprocess.TimeoutExpired:  # (should not happen: the warden gives up after 10 s)
            self._warden.kill()
            self._warden.wait()
        if self._warden.returncode != 0 and self._child_pid:  # the warden was killed: end what it can't
            with contextlib.suppress(OSError):
                os.killpg(self._child_pid, signal.SIGKILL)
        for thread in self._threads:
            thread.join(timeout=5)
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> IsolatedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ended_text(status: int | None, limits: Limits) -> str:
    """'ended the checking process (exit status 3)', naming the limit a signal stands for."""
    if status is None:
        return "ended the checking process (its warden was stopped)"
    if status >= 0:
        return f"ended the checking process (exit status {status})"
    name = signal.Signals(-status).name if -status in signal.valid_signals() else f"signal {-status}"
    why = {
        "SIGXCPU": f": over its CPU-time limit of {math.ceil(limits.deadline) + 1} s",
        "SIGXFSZ": f": a file over the size limit of {limits.file_size} MiB",
        "SIGSEGV": ": a crash (out of memory or stack, or a bug in a C extension)",
    }.get(name, "")
    return f"ended the checking process (killed by {name}{why})"
