"""`calldesk campaign …` against a real server (SQLite, then PostgreSQL): it logs in as a
supervisor and goes through the API, so every write is audited with its user; an agent is refused
in one line; bad CSV rows come back as FILE:LINE, the good rows kept."""

from __future__ import annotations

import json
from pathlib import Path

from tests.server.cli_run import audit_rows
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER


async def test_campaign_cli_round_trip(api_cli, tmp_path: Path, seeded_engine, seed) -> None:
    r = await api_cli("campaign", "create", "--name", "风险测评到期提醒", "--kind", "compliance", "--mode", "preview",
                      "--window", "09:30-18:00", "--script", "risk-reminder")
    assert r.code == 0 and "draft" in r.out and "09:30-18:00" in r.out and "无线索" in r.out
    campaign = r.out.split()[0]
    csv = tmp_path / "leads.csv"
    csv.write_text(f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\nnot-a-number,\n13911117777,\n", encoding="utf-8")
    r = await api_cli("campaign", "leads", "import", campaign, str(csv))
    assert r.code == 1 and r.err == f"{csv}:3: 号码 'not-a-number' 不是有效的电话号码\n"
    assert r.out == f"{csv}：新增线索 2，已在等待 0，拒绝 1 行；排除：无\n"
    r = await api_cli("campaign", "leads", "add-filter", campaign, "--tier", "diamond")
    assert r.code == 0 and r.out.startswith("筛选：匹配 2 位客户：新增线索 2")
    r = await api_cli("campaign", "leads", "add-filter", campaign, "--churn-level", "high")
    assert r.code == 0 and r.out.startswith("筛选：匹配 0 位客户")  # the floor's customers are not scored
    assert (await api_cli("campaign", "edit", campaign, "--max-attempts", "4")).code == 0
    r = await api_cli("campaign", "start", campaign)
    assert r.code == 0 and "running" in r.out
    r = await api_cli("campaign", "start", campaign)
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1
    assert r.err == f"calldesk: error: 活动 {campaign}: 活动 {campaign} 当前为进行中：不能开始（只能从草稿, 已暂停）\n"
    r = await api_cli("campaign", "stats", campaign, "--json")
    stats = json.loads(r.out)
    assert stats["leads"] == {"pending": 4} and stats["attempts"] == 0
    r = await api_cli("campaign", "stats", campaign)
    assert r.out.startswith(f"活动 {campaign}：拨打 0 次") and "  线索: pending 4" in r.out
    r = await api_cli("campaign", "create", "--name", "x", "--product-risk", "R9")
    assert r.code == 2 and r.err.startswith("calldesk: error: --product-risk: ") and "R1" in r.err
    r = await api_cli("campaign", "list")
    assert "running" in r.out and "pending 4" in r.out
    # Every write, audited with the supervisor who made it.
    rows = audit_rows(seeded_engine, "campaign.")
    assert [(row["action"], row["actor_id"]) for row in rows] == [
        (action, seed.staff["sup1"]) for action in ("campaign.create", "campaign.leads_import", "campaign.leads_filter",
                                                    "campaign.leads_filter", "campaign.update", "campaign.start")]
    assert {k: rows[1]["detail"][k] for k in ("campaign", "rows", "added", "refused")} == {
        "campaign": int(campaign), "rows": 3, "added": 2, "refused": 1}
    assert rows[3]["detail"]["filter"]["churn_level"] == "high"
    assert rows[4]["detail"]["changes"] == {"max_attempts": [3, 4]}
    assert rows[5]["detail"] == {"campaign": int(campaign), "from": "draft", "to": "running"}


async def test_campaign_agents_from_the_cli(api_cli) -> None:
    r = await api_cli("campaign", "create", "--name", "回访", "--queue", "outbound", "--agents", "1001, 1002")
    assert r.code == 0 and "坐席 1001,1002" in r.out
    campaign = r.out.split()[0]
    r = await api_cli("campaign", "edit", campaign, "--agents", "1001,10a2")
    assert r.code == 2 and r.err.startswith("calldesk: error: --agents: ") and "'10a2'" in r.err
    r = await api_cli("campaign", "edit", campaign, "--agents", "1001,1001")
    assert r.code == 2 and r.err.startswith("calldesk: error: --agents: ") and "坐席 1001 重复列出" in r.err
    r = await api_cli("campaign", "edit", campaign, "--agents", "")
    assert r.code == 0 and "坐席" not in r.out.split("(")[-1]  # every member of the queue
    r = await api_cli("campaign", "edit", campaign, "--window", "0930")
    assert r.code == 2 and r.err == "calldesk: error: --window 0930：格式应为 HH:MM-HH:MM，例如 09:00-20:00\n"


async def test_an_agent_is_refused_in_one_line_and_nothing_is_written(api_cli, seeded_engine, tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text(f"number\n{KNOWN_NUMBER}\n", encoding="utf-8")
    for args in (("campaign", "list"), ("campaign", "create", "--name", "x"), ("campaign", "start", "1"),
                 ("campaign", "leads", "import", "1", str(csv))):
        r = await api_cli(*args, user="agent1")
        assert (r.code, r.out) == (2, "") and r.err == "calldesk: error: 需要班长及以上角色：agent1 是坐席\n", args
    assert audit_rows(seeded_engine, "campaign.") == []


async def test_english_when_the_center_speaks_english(api_cli, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[center]\nlocale = "en"\n', encoding="utf-8")
    r = await api_cli("campaign", "create", "--name", "Callbacks")
    assert r.code == 0 and "no leads" in r.out
    r = await api_cli("campaign", "pause", r.out.split()[0])
    assert r.err.endswith(": cannot pause it (only from Running)\n")
    r = await api_cli("campaign", "list", user="agent1")
    assert r.err == "calldesk: error: the role Supervisor or above is needed: agent1 is Agent\n"
