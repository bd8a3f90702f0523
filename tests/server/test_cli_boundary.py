"""The CLI's write commands, run as a shell runs them (a fresh interpreter against a real server),
never load a database driver or the store: whatever ``CALLDESK_DATABASE_URL`` says is not theirs
to open (issue 17; the static side of this is tests/test_boundaries.py)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.server.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from console.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules
                  if m.startswith(("sqlalchemy", "sqlmodel", "console.store", "console.server", "alembic")))}))
"""


async def _run(args: list[str], env: dict[str, str]) -> dict:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", PROBE, *args, cwd=env["HOME"], env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return json.loads(out.decode().splitlines()[-1])


async def test_write_commands_load_no_store(client, seeded_engine, tmp_path: Path):
    if seeded_engine.dialect.name != "sqlite":
        pytest.skip("what the CLI loads does not depend on the server's database")
    server = f"http://127.0.0.1:{client.server.port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLDESK_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT), CALLDESK_TOKEN_FILE=str(tmp_path / "tokens.json"),
               CALLDESK_DATABASE_URL="postgresql://nobody@127.0.0.1:1/not-for-the-cli",
               CALLDESK_USER="admin", CALLDESK_PASSWORD=PASSWORD)
    leads = tmp_path / "leads.csv"
    leads.write_text("number\n13911117777\n", encoding="utf-8")
    customers = tmp_path / "customers.csv"
    customers.write_text("client_no,name\n310099990001,单田芳\n", encoding="utf-8")
    commands = [
        ["login"], ["campaign", "create", "--name", "边界"], ["campaign", "list"], ["campaign", "start", "1"],
        ["campaign", "leads", "import", "1", str(leads)], ["campaign", "stats", "1"],
        ["report", "--from", "2026-11-20", "--to", "2026-11-20", "--format", "csv"],
        ["import", "customers", str(customers)], ["staff", "list"], ["logout"],
    ]
    for command in commands:
        result = await _run([*command, "--server", server], env)
        assert result == {"code": 0, "loaded": []}, command
