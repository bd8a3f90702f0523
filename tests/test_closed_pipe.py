"""`calldesk … | head`: output into a pipe whose reader is gone ends quietly, exit 141 (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.cli import CLOSED_PIPE_EXIT
from tests.server.tls_certs import source_env

CAPTURE = Path(__file__).parent / "fixtures" / "ami-transcripts" / "01-answered-caller-hangup.jsonl"


def _run_into_closed_pipe(*argv: str) -> subprocess.CompletedProcess[bytes]:
    # The read end is closed before the child starts: its first write meets a pipe nobody reads,
    # as `| head` leaves it once head has its lines (deterministically, whatever the timing).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "console", *argv], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60, env=source_env(), check=False)
    finally:
        os.close(write_end)


def test_output_into_a_closed_pipe_exits_quietly() -> None:
    done = _run_into_closed_pipe("replay", "--json", str(CAPTURE))
    assert done.stderr.decode() == ""
    assert done.returncode == CLOSED_PIPE_EXIT == 141


def test_the_same_command_into_a_reader_prints_everything() -> None:
    done = subprocess.run([sys.executable, "-m", "console", "replay", "--json", str(CAPTURE)],
                          capture_output=True, timeout=60, env=source_env(), check=False)
    assert done.returncode == 0 and done.stdout.count(b"\n") > 3
