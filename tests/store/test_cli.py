"""The database commands: one clear line and a non-zero exit on every error a user can cause."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from console.cli import main
from console.store.migrate import head_revision


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def calldesk(tmp_path: Path, monkeypatch, capsys):
    """Runs the real CLI entry point in-process (a subprocess per call costs seconds)."""
    monkeypatch.chdir(tmp_path)
    for name in ("CALLDESK_CONFIG", "CALLDESK_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, url: str | None = None) -> Result:
        monkeypatch.setenv("CALLDESK_DATABASE_URL", url or f"sqlite:///{tmp_path / 'cd.db'}")
        code = main(list(args))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def _one_error_line(result: Result) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_seed_refuses_a_database_without_schema(calldesk) -> None:
    line = _one_error_line(calldesk("seed", "--customers", "20"))
    assert "no calldesk schema" in line and "run `calldesk db upgrade`" in line


def test_seed_refuses_a_schema_that_is_behind(calldesk, tmp_path: Path) -> None:
    assert calldesk("db", "upgrade").returncode == 0
    assert calldesk("db", "downgrade").returncode == 0
    status = calldesk("db", "status")
    assert status.returncode == 1 and "behind" in status.stdout
    line = _one_error_line(calldesk("seed", "--customers", "20"))
    assert f"< {head_revision()[:4]})" in line and "run `calldesk db upgrade`" in line


def test_upgrade_then_seed_then_reseed(calldesk) -> None:
    upgraded = calldesk("db", "upgrade")
    assert upgraded.returncode == 0 and head_revision() in upgraded.stdout
    seeded = calldesk("seed", "--customers", "30", "--quiet")
    assert seeded.returncode == 0, seeded.stderr
    assert "customer 30" in seeded.stdout and "password 'calldesk'" in seeded.stdout
    line = _one_error_line(calldesk("seed", "--customers", "30"))
    assert "already holds 30 customers" in line and "--replace" in line
    line = _one_error_line(calldesk("seed", "--customers", "30", "--agents", "150", "--replace"))
    assert "--agents must be between 1 and 99" in line
    fixed = calldesk("seed", "--customers", "30", "--replace", "--now", "2026-11-22T16:00:00+08:00", "--quiet")
    assert fixed.returncode == 0, fixed.stderr


@pytest.mark.parametrize("url", [
    "postgresql://nobody@127.0.0.1:1/none", "mysql+nodriver://x/y", "postgresql+psycopg2://x@127.0.0.1/y", "not a url",
])
def test_unreachable_or_malformed_database(calldesk, url: str) -> None:
    line = _one_error_line(calldesk("db", "status", url=url))
    assert line.startswith("calldesk: error: ")
    assert "database" in line
