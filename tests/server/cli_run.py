"""``api_cli``: run a `calldesk …` command that goes through the API against the test server.

The command runs in a worker thread (it has its own event loop, as in a shell) while the server
answers on the test's loop. Its token file is private to the test (``CALLDESK_TOKEN_FILE``), its
log-in is ``CALLDESK_USER`` (default ``sup1``) with ``CALLDESK_PASSWORD``; ``user=`` runs one
command as someone else, ``env=`` sets or (None) removes more variables for that command.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def api_cli(client, monkeypatch, tmp_path: Path, capsys):
    from tests.server.conftest import PASSWORD  # here, not above: the conftest re-exports this fixture

    monkeypatch.chdir(tmp_path)
    for name in ("CALLDESK_CONFIG", "CALLDESK_TOKEN", "CALLDESK_DATABASE_URL", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CALLDESK_TOKEN_FILE", str(tmp_path / "run" / "calldesk" / "tokens.json"))
    monkeypatch.setenv("CALLDESK_USER", "sup1")
    monkeypatch.setenv("CALLDESK_PASSWORD", PASSWORD)
    server = f"http://127.0.0.1:{client.server.port}"

    async def run(*args: str, user: str | None = None, env: dict[str, str | None] | None = None,
                  stdin: str = "") -> Run:
        with monkeypatch.context() as m:
            m.setattr("sys.stdin", io.StringIO(stdin))
            if user is not None:
                m.setenv("CALLDESK_USER", user)
            for name, value in (env or {}).items():
                if value is None:
                    m.delenv(name, raising=False)
                else:
                    m.setenv(name, value)
            code = await asyncio.to_thread(main, [*args, "--server", server])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    run.server = server  # type: ignore[attr-defined]
    return run


def audit_rows(engine, prefix: str) -> list[dict]:
    """The audit rows whose action starts with ``prefix``, oldest first, detail decoded."""
    import json

    from sqlalchemy import select

    from console.store.models import AuditEvent

    a = AuditEvent.__table__.c
    with engine.connect() as conn:
        rows = conn.execute(select(a.action, a.actor_id, a.customer_id, a.detail).where(a.action.like(f"{prefix}%"))
                            .order_by(a.id)).all()
    return [{"action": r.action, "actor_id": r.actor_id, "customer_id": r.customer_id,
             "detail": json.loads(r.detail)} for r in rows]
