"""`calldesk demo` in a pseudo-terminal: a fresh directory, a call with a customer's name on
screen, then quit, and no process of the demo left behind (checked by pid)."""

from __future__ import annotations

import importlib.util
import os
import pty
import re
import select
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 180.0  # a deadline for a slow machine, not a measurement


def _read_until(fd: int, found, deadline: float, out: bytearray) -> bool:
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child side closed
                return found(out.decode("utf-8", "replace"))
            if not chunk:
                return found(out.decode("utf-8", "replace"))
            out.extend(chunk)
        if found(out.decode("utf-8", "replace")):
            return True
    return False


def _processes_in(directory: Path) -> set[int]:
    """Every live process whose working directory is ``directory`` (the demo and its children)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd") == str(directory) and "Z" not in (entry / "stat").read_text().split()[2]:
                    pids.add(int(entry.name))
            except OSError:
                pass
    return pids


def _customer_names(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM customer")}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["product", "product-ctrl-c", "events"])
def test_demo_shows_a_call_and_stops_cleanly(tmp_path: Path, mode: str) -> None:
    """``product``: server + console (Ctrl+Q quits the console); ``product-ctrl-c``: the same quit
    with Ctrl-C (during a call the console asks first: Y); ``events``: live events (Ctrl-C)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLDESK_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="160", LINES="48")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the demo, with this pty as its terminal
        os.chdir(tmp_path)
        extra = ["--events"] if mode == "events" else []
        os.execve(sys.executable, [sys.executable, "-m", "console", "demo", "--customers", "100",
                                   "--rate", "1800", *extra], env)
    out = bytearray()
    try:
        db = tmp_path / "var" / "calldesk.db"
        assert _read_until(fd, lambda text: "calldesk.db" in text and db.exists(), time.monotonic() + WAIT_S, out)
        assert _read_until(fd, lambda text: bool(re.search("就绪|Ready", text)), time.monotonic() + WAIT_S, out), \
            out.decode("utf-8", "replace")[-3000:]
        names = _customer_names(db)

        def shown(text: str) -> bool:  # a ring (console banner, or the event line) and a customer's name
            return bool(re.search("来电振铃|振铃|ringing", text)) and any(name in text for name in names)

        assert _read_until(fd, shown, time.monotonic() + WAIT_S, out), out.decode("utf-8", "replace")[-3000:]
        running = _processes_in(tmp_path)
        assert len(running) >= 2, "the demo and at least the simulator run"
        text = out.decode("utf-8", "replace")
        full = "calldesk console" in text  # the full product prints how to open another console
        if mode.startswith("product") and importlib.util.find_spec("console.cli.serve") is not None:
            assert full, "with calldesk serve installed the demo runs the server and the console"
        if mode == "events":
            assert not full
        if mode == "product-ctrl-c" and full:
            mark = len(out)
            os.write(fd, b"\x03")
            # A call is probably still up: the console asks before quitting; if it was idle, it just quits.
            assert _read_until(fd, lambda _: bool(re.search("退出坐席台|Quit the console|没有遗留进程|no process left",
                                                             out[mark:].decode("utf-8", "replace"))),
                               time.monotonic() + WAIT_S, out), out.decode("utf-8", "replace")[-3000:]
            if re.search("退出坐席台|Quit the console", out[mark:].decode("utf-8", "replace")):
                os.write(fd, b"y")
        else:
            os.write(fd, b"\x11" if full else b"\x03")  # the console's quit key (ctrl+q), or Ctrl-C
        assert _read_until(fd, lambda t: bool(re.search("没有遗留进程|no process left", t)),
                           time.monotonic() + WAIT_S, out), out.decode("utf-8", "replace")[-3000:]
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        left = [p for p in running if Path(f"/proc/{p}").exists()
                and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
        assert left == [], f"processes left behind: {left}"
        assert _processes_in(tmp_path) == set()
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        for leftover in _processes_in(tmp_path):
            os.kill(leftover, signal.SIGKILL)
        os.close(fd)
