"""The demo's child processes: one process group, health checks, and a shutdown that leaves nothing.

The simulator and the server run in a background process group of their own (so a Ctrl-C typed
at the console reaches only the console and the demo, which then stops the group in order): SIGTERM
to the group, wait, SIGKILL after a timeout. ``stop`` is idempotent and registered with atexit
and for SIGTERM/SIGHUP, so the group goes away however the demo ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from console.errors import CalldeskError
from console.i18n import t


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ChildGroup:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []
        self.pgid: int | None = None
        atexit.register(self.stop)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stop()
        raise SystemExit(128 + signum)

    def start(self, what: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{what}.log"
        with open(log, "wb") as out:
            # A group of their own in the demo's session (a group in another session cannot be
            # joined): the terminal's Ctrl-C reaches only the foreground group, the demo's.
            group = {"process_group": 0 if self.pgid is None else self.pgid}
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    env=env, preexec_fn=_die_with_parent, **group)  # noqa: PLW1509 - no threads yet
        if self.pgid is None:
            self.pgid = proc.pid
        self.procs.append((what, proc, log))
        return proc

    def pids(self) -> list[int]:
        return [p.pid for _, p, _ in self.procs]

    def wait_ready(self, what: str, check: Callable[[], bool], seconds: float = 60.0) -> None:
        """Poll ``check()`` until it is true; fail with the child's log if it exits or times out."""
        _, proc, log = next(entry for entry in self.procs if entry[0] == what)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-1500:]
                raise CalldeskError(t("demo.child_failed", what=what, code=proc.returncode, log=log, tail=tail))
            if check():
                return
            time.sleep(0.1)
        raise CalldeskError(t("demo.child_timeout", what=what, seconds=int(seconds), log=log))

    def stop(self, timeout: float = 5.0) -> None:
        if self.pgid is None:
            return
        pgid, self.pgid = self.pgid, None
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _, proc, _ in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.0, deadline - time.monotonic()))
        _signal_group(pgid, signal.SIGKILL)  # anything still there, children of children included
        for _, proc, _ in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(2.0)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the demo itself is killed (SIGKILL leaves no handler to run)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def ami_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            return s.recv(64).startswith(b"Asterisk Call Manager/")
    except OSError:
        return False


def http_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1.0) as response:
            return response.status == 200
    except OSError:
        return False
