"""The churn warning through the server: AUM snapshots imported, scores following tickets and
abandoned calls, customers listed by risk, the pop's reasons, a nightly recompute."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from console.store.models import AumSnapshot, Customer
from tests.server.conftest import KNOWN_ACCOUNT, TRANSFER_ACCOUNT, bearer, login
from tests.server.crm_helpers import audit_rows


def churn_of(engine: Any, customer_id: int) -> tuple[float, list[str]]:
    with engine.connect() as conn:
        row = conn.execute(select(Customer.churn_risk, Customer.churn_reasons).where(Customer.id == customer_id)).one()
    return row.churn_risk, [r["factor"] for r in json.loads(row.churn_reasons or "[]")]


AUM_CSV = (
    "client_no,as_of,aum\n"
    f"{KNOWN_ACCOUNT},2026-08-20,1000000.00\n"
    f"{KNOWN_ACCOUNT},2026-11-20,600000\n"
    "999999999999,2026-11-20,1\n"          # line 4: no such customer
    f"{TRANSFER_ACCOUNT},2026-13-01,5\n"     # line 5: not a date
    f"{TRANSFER_ACCOUNT},2026-12-30,5\n"     # line 6: after today (the frozen clock: 2026-11-22)
    f"{TRANSFER_ACCOUNT},2026-11-20,-3\n"    # line 7: negative
    f"{TRANSFER_ACCOUNT},2026-11-20,3.001\n"  # line 8: three decimals
    f"{KNOWN_ACCOUNT},2026-11-20,600000\n"   # line 9: given twice
).encode()


async def test_aum_snapshots_are_imported_by_line_and_rescore_their_customers(client, seed, seeded_engine) -> None:
    token = await login(client, "mgr1")
    resp = await client.post("/api/churn/aum", data=AUM_CSV, headers=bearer(token))
    assert resp.status == 200, await resp.text()
    report = await resp.json()
    assert (report["rows"], report["added"], report["updated"], report["rescored"]) == (8, 2, 0, 1)
    assert [(e["line"], e["reason"]) for e in report["errors"]] == [
        (4, "客户号 999999999999 不存在"),
        (5, "as_of「2026-13-01」不是日期（应为 YYYY-MM-DD）"),
        (6, "as_of 2026-12-30 晚于今天（2026-11-22）"),
        (7, "aum「-3」不是金额（非负，最多两位小数）"),
        (8, "aum「3.001」不是金额（非负，最多两位小数）"),
        (9, f"客户号 {KNOWN_ACCOUNT} 在 2026-11-20 的资产已在第 3 行给出"),
    ]
    risk, factors = churn_of(seeded_engine, seed.known)
    assert "aum_decline" in factors and risk >= 0.4  # 40 % down
    # Again with one figure changed: an update, the others unchanged.
    again = AUM_CSV.replace(b"2026-11-20,600000\n999", b"2026-11-20,700000\n999")
    report = await (await client.post("/api/churn/aum", data=again, headers=bearer(token))).json()
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 1, 1)
    with seeded_engine.connect() as conn:
        aum = conn.execute(select(AumSnapshot.aum).where(AumSnapshot.as_of == dt.date(2026, 11, 20))).scalar_one()
        assert aum == 700000
    rows = [r for r in audit_rows(seeded_engine) if r["action"] == "churn.aum_import"]
    assert [(r["actor_id"], r["detail"]["added"], r["detail"]["errors"]) for r in rows] == [
        (seed.staff["mgr1"], 2, 6), (seed.staff["mgr1"], 0, 6)]
    refused = await client.post("/api/churn/aum", data=AUM_CSV, headers=bearer(await login(client, "sup1")))
    assert refused.status == 403


async def test_a_bad_header_imports_nothing(client) -> None:
    resp = await client.post("/api/churn/aum", data=b"client,date,amount\n1,2,3\n",
                             headers=bearer(await login(client, "mgr1")))
    report = await resp.json()
    assert report["rows"] == 0 and report["errors"][0]["line"] == 1
    assert report["errors"][0]["reason"].startswith("未知列：client, date, amount")


async def test_the_score_follows_tickets_as_they_are_written(client, seed, seeded_engine) -> None:
    token = await login(client, "agent1")
    assert churn_of(seeded_engine, seed.transfer) == (0.0, [])
    resp = await client.post("/api/tickets", json={"customer_id": seed.transfer, "category": "transfer_out",
                                                   "subject": "咨询转户到其他券商"}, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    risk, factors = churn_of(seeded_engine, seed.transfer)
    assert factors == ["transfer_out"] and risk == 0.35
    ticket = await resp.json()
    assert ticket["priority"] == "urgent"  # transfer_out is high, one up for a platinum customer
    resp = await client.post("/api/tickets", json={"customer_id": seed.transfer, "category": "complaint",
                                                   "subject": "投诉佣金"}, headers=bearer(token))
    assert churn_of(seeded_engine, seed.transfer) == (0.55, ["transfer_out", "complaints"])


async def test_customers_at_risk_highest_first_with_reasons(client, seed, seeded_engine) -> None:
    agent = await login(client, "agent1")
    for category in ("transfer_out", "complaint"):
        await client.post("/api/tickets", json={"customer_id": seed.transfer, "category": category,
                                                "subject": "s"}, headers=bearer(agent))
    await client.post("/api/tickets", json={"customer_id": seed.other, "category": "transfer_out", "subject": "s"},
                      headers=bearer(agent))
    sup = await login(client, "sup1")
    high = await (await client.get("/api/customers/at-risk", headers=bearer(sup))).json()
    assert [(c["id"], c["churn"]["score"]) for c in high["customers"]] == [(seed.transfer, 55)]
    assert [r["factor"] for r in high["customers"][0]["churn"]["reasons"]] == ["transfer_out", "complaints"]
    assert high["customers"][0]["manager"]["id"] == seed.staff["mgr1"]
    medium = await (await client.get("/api/customers/at-risk", params={"level": "medium"},
                                     headers=bearer(sup))).json()
    assert [c["id"] for c in medium["customers"]] == [seed.transfer, seed.other]
    mine = await (await client.get("/api/customers/at-risk", params={"level": "medium", "manager": "me"},
                                   headers=bearer(await login(client, "mgr1")))).json()
    assert [c["id"] for c in mine["customers"]] == [seed.transfer]
    bad = await client.get("/api/customers/at-risk", params={"level": "huge"}, headers=bearer(sup))
    assert bad.status == 400 and (await bad.json())["error"]["field"] == "level"
    assert (await client.get("/api/customers/at-risk", headers=bearer(agent))).status == 403


async def test_the_profile_carries_the_score_and_its_heaviest_reasons(client, seed) -> None:
    agent = await login(client, "agent1")
    for category in ("transfer_out", "complaint", "complaint"):
        await client.post("/api/tickets", json={"customer_id": seed.transfer, "category": category,
                                                "subject": "s"}, headers=bearer(agent))
    profile = await (await client.get(f"/api/customers/{seed.transfer}", headers=bearer(agent))).json()
    assert profile["churn"] == {"score": 75, "level": "high", "reasons": [
        {"factor": "complaints", "points": 40.0, "value": 2.0},
        {"factor": "transfer_out", "points": 35.0, "value": 1.0},
    ]}
    assert profile["flags"]["churn_risk"] is True


async def test_the_nightly_recompute_scores_everyone_from_the_stored_facts(client, seed, seeded_engine) -> None:
    admin = await login(client, "admin")
    first = await (await client.post("/api/churn/recompute", headers=bearer(admin))).json()
    assert first["customers"] == 7 and first["changed"] >= 1
    _, factors = churn_of(seeded_engine, seed.known)  # the seeded open complaint
    assert "complaints" in factors
    again = await (await client.post("/api/churn/recompute", headers=bearer(admin))).json()
    assert again["changed"] == 0
    assert (await client.post("/api/churn/recompute", headers=bearer(await login(client, "mgr1")))).status == 403


async def test_the_churn_cli_goes_through_the_api(client, seed, seeded_engine, monkeypatch, tmp_path, capsys) -> None:
    import asyncio

    from console.cli import main
    from tests.server.conftest import PASSWORD

    monkeypatch.chdir(tmp_path)
    for name in ("CALLDESK_CONFIG", "CALLDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CALLDESK_PASSWORD", PASSWORD)
    server = f"http://127.0.0.1:{client.server.port}"

    async def run(user: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("CALLDESK_USER", user)
        code = await asyncio.to_thread(main, ["churn", args[0], "--server", server, *args[1:]])
        out = capsys.readouterr()
        return code, out.out, out.err

    (tmp_path / "aum.csv").write_bytes(AUM_CSV)
    code, out, err = await run("mgr1", "import-aum", "aum.csv")
    assert code == 1 and err.splitlines()[0] == "aum.csv:4: 客户号 999999999999 不存在" and len(err.splitlines()) == 6
    assert out == "资产快照 8 行：新增 2，更新 0，未变 0，错误 6；重新评分 1 位客户\n"
    code, out, err = await run("admin", "recompute")
    assert code == 0 and out.startswith("已为 7 位客户重新计算流失风险")
    code, out, _ = await run("sup1", "list", "--level", "medium")
    # 40 % down: the cap, 30; a complaint, 20.
    assert code == 0 and out.splitlines()[0].split("\t")[:3] == ["50", KNOWN_ACCOUNT, "赵敏"]
    assert "资产下降% 40" in out.splitlines()[0] and "投诉 1" in out.splitlines()[0]
    code, _, err = await run("agent1", "list")
    assert code == 2 and "需要班长及以上角色" in err
    imports = [r for r in audit_rows(seeded_engine) if r["action"] == "churn.aum_import"]
    assert [r["actor_id"] for r in imports] == [seed.staff["mgr1"]]
