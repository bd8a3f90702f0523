"""`calldesk campaign …` on a seeded database (SQLite, then PostgreSQL), in-process."""

from __future__ import annotations

import json
from pathlib import Path

from console.cli import main
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER


def run(monkeypatch, capsys, engine, *args: str) -> tuple[int, str, str]:
    monkeypatch.delenv("CALLDESK_CONFIG", raising=False)
    monkeypatch.setenv("CALLDESK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_campaign_cli_round_trip(monkeypatch, capsys, tmp_path: Path, seeded_engine, seed) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "create", "--name", "风险测评到期提醒",
                       "--kind", "compliance", "--mode", "preview", "--window", "09:30-18:00", "--script", "risk-reminder")
    assert code == 0 and "draft" in out and "09:30-18:00" in out
    campaign = out.split()[0]
    csv = tmp_path / "leads.csv"
    csv.write_text(f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\nnot-a-number,\n13911117777,\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, seeded_engine, "campaign", "leads", "import", campaign, str(csv))
    assert code == 1 and err.strip() == f"{csv}:3: number 'not-a-number' is not a valid phone number"
    assert "2 leads added" in out
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "leads", "add-filter", campaign, "--tier", "diamond")
    assert code == 0 and "2 customers matched" in out and "2 leads added" in out
    assert run(monkeypatch, capsys, seeded_engine, "campaign", "edit", campaign, "--max-attempts", "4")[0] == 0
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "start", campaign)
    assert code == 0 and "running" in out
    code, _, err = run(monkeypatch, capsys, seeded_engine, "campaign", "start", campaign)
    assert code == 2 and "cannot start" in err
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "stats", campaign, "--json")
    stats = json.loads(out)
    assert stats["leads"] == {"pending": 4} and stats["attempts"] == 0
    code, _, err = run(monkeypatch, capsys, seeded_engine, "campaign", "create", "--name", "x", "--product-risk", "R9")
    assert code == 2 and "--product-risk" in err
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "list")
    assert "running" in out and "pending 4" in out


async def test_campaign_agents_from_the_cli(monkeypatch, capsys, tmp_path: Path, seeded_engine) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "create", "--name", "回访", "--queue", "outbound",
                       "--agents", "1001, 1002")
    assert code == 0 and "agents 1001,1002" in out
    campaign = out.split()[0]
    code, _, err = run(monkeypatch, capsys, seeded_engine, "campaign", "edit", campaign, "--agents", "1001,10a2")
    assert code == 2 and "--agents" in err and "'10a2'" in err
    code, _, err = run(monkeypatch, capsys, seeded_engine, "campaign", "edit", campaign, "--agents", "1001,1001")
    assert code == 2 and "1001 is listed twice" in err
    code, out, _ = run(monkeypatch, capsys, seeded_engine, "campaign", "edit", campaign, "--agents", "")
    assert code == 0 and "agents" not in out.split("(")[-1]  # every member of the queue
