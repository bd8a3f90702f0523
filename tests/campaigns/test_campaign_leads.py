"""Campaign administration and lead sources through the API, on SQLite and PostgreSQL: CSV upload
with bad rows, marketing suitability exclusions, the customer filter, callbacks as leads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from console.store.models import Customer, FollowUp, Lead
from tests.campaigns.floor import MONDAY_10, leads_of
from tests.server.conftest import (
    ABANDON_NUMBER,
    KNOWN_ACCOUNT,
    KNOWN_NUMBER,
    FrozenClock,
    bearer,
    login,
)


async def _supervisor(make_client, **kw):
    client = await make_client(**kw)
    return client, bearer(await login(client, "sup1"))


async def _create(client, headers, **spec) -> int:
    resp = await client.post("/api/campaigns", json={"name": "测试", **spec}, headers=headers)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["id"]


async def test_csv_upload_keeps_good_rows_and_reports_bad_ones_by_line(make_client, seeded_engine, seed) -> None:
    client, headers = await _supervisor(make_client)
    campaign = await _create(client, headers, kind="survey")
    text = (
        "number,client_no,priority,not_before\n"
        f"{KNOWN_NUMBER},{KNOWN_ACCOUNT},5,\n"          # line 2: linked by client number
        "12345,,,\n"                                      # 3: not a phone number
        "13700137000,999999999999,,\n"                    # 4: unknown client number
        "13911112222,,high,\n"                            # 5: priority not an integer
        "13911113333,,,2026-11-23T09:30:00\n"             # 6: no offset
        "13911114444,,\n"                                 # 7: too few fields
        "\n"
        "139 1111 5555,,,2026-11-23T09:30:00+08:00\n"     # 9: good, spaces and all
        f"{KNOWN_NUMBER},,,\n"                            # 10: already waiting in this campaign
    )
    resp = await client.post(f"/api/campaigns/{campaign}/leads/import", data=text.encode(),
                             headers={**headers, "Content-Type": "text/csv"})
    assert resp.status == 200, await resp.text()
    report = await resp.json()
    assert [e["line"] for e in report["errors"]] == [3, 4, 5, 6, 7]
    assert "12345" in report["errors"][0]["reason"] and "999999999999" in report["errors"][1]["reason"]
    assert (report["rows"], report["added"], report["duplicates"]) == (8, 2, 1)
    leads = leads_of(seeded_engine, campaign)
    assert set(leads) == {f"+86{KNOWN_NUMBER}", "+8613911115555"}
    assert (leads[f"+86{KNOWN_NUMBER}"].customer_id, leads[f"+86{KNOWN_NUMBER}"].priority) == (seed.known, 5)
    assert leads["+8613911115555"].next_attempt_at == dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC)
    bad = await client.post(f"/api/campaigns/{campaign}/leads/import", data=b"phone\n1\n",
                            headers={**headers, "Content-Type": "text/csv"})
    assert (await bad.json())["errors"][0]["line"] == 1


async def test_marketing_campaign_excludes_unsuitable_customers_and_reports_them(
        make_client, seeded_engine, seed) -> None:
    with seeded_engine.begin() as conn:  # 周杰: assessed C2 recently: too low for an R4 product
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.abandon).values(
            risk_level="C2", risk_assessed_on=dt.date(2026, 6, 1)))
    client, headers = await _supervisor(make_client)
    campaign = await _create(client, headers, kind="marketing", product_risk="R4", mode="preview")
    text = "number\n" + "\n".join([KNOWN_NUMBER, "13700137000", ABANDON_NUMBER, "13911116666"]) + "\n"
    resp = await client.post(f"/api/campaigns/{campaign}/leads/import", data=text.encode(),
                             headers={**headers, "Content-Type": "text/csv"})
    report = await resp.json()
    assert report["added"] == 1  # 单田芳: C5, assessed this year
    assert report["excluded"] == {"risk_assessment_expired": 1, "unsuitable_risk_level": 1, "no_risk_assessment": 1}
    leads = leads_of(seeded_engine, campaign)
    assert leads[f"+86{ABANDON_NUMBER}"].status == "excluded"
    assert leads[f"+86{ABANDON_NUMBER}"].exclusion_reason == "unsuitable_risk_level"
    stats = await (await client.get(f"/api/campaigns/{campaign}/stats", headers=headers)).json()
    assert stats["excluded"] == report["excluded"] and stats["leads"] == {"pending": 1, "excluded": 3}
    assert stats["leads_left"] == 1


async def test_customer_filter_risk_expiring_tier_branch(make_client, seeded_engine, seed) -> None:
    with seeded_engine.begin() as conn:  # assessed 2024-12-01: expires 2026-12-01, within 30 days
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id.in_([seed.known, seed.other]))
                     .values(risk_assessed_on=dt.date(2024, 12, 1)))
    client, headers = await _supervisor(make_client, clock=FrozenClock(MONDAY_10))
    campaign = await _create(client, headers, kind="compliance")
    resp = await client.post(f"/api/campaigns/{campaign}/leads/filter", json={"risk_expiring_days": 30},
                             headers=headers)
    assert (await resp.json())["matched"] == 2
    assert {lead.customer_id for lead in leads_of(seeded_engine, campaign).values()} == {seed.known, seed.other}
    narrow = await _create(client, headers, kind="compliance")
    resp = await client.post(f"/api/campaigns/{narrow}/leads/filter",
                             json={"risk_expiring_days": 30, "tiers": ["gold"], "branch": "上海浦东营业部"},
                             headers=headers)
    assert (await resp.json())["added"] == 1
    assert [lead.customer_id for lead in leads_of(seeded_engine, narrow).values()] == [seed.known]


async def test_a_retention_campaign_takes_the_customers_at_risk(make_client, seeded_engine, seed) -> None:
    with seeded_engine.begin() as conn:  # as the churn warning scored them (console/crm/churn.py)
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.known).values(churn_risk=0.62))
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.other).values(churn_risk=0.35))
    client, headers = await _supervisor(make_client, clock=FrozenClock(MONDAY_10))
    high = await _create(client, headers, kind="callback")
    resp = await client.post(f"/api/campaigns/{high}/leads/filter", json={"churn_level": "high"}, headers=headers)
    assert (await resp.json())["matched"] == 1
    assert [lead.customer_id for lead in leads_of(seeded_engine, high).values()] == [seed.known]
    medium = await _create(client, headers, kind="callback")
    resp = await client.post(f"/api/campaigns/{medium}/leads/filter", json={"churn_level": "medium"}, headers=headers)
    assert {lead.customer_id for lead in leads_of(seeded_engine, medium).values()} == {seed.known, seed.other}
    bad = await client.post(f"/api/campaigns/{medium}/leads/filter", json={"churn_level": "low"}, headers=headers)
    assert bad.status == 400


async def test_callbacks_become_leads_once_ahead_by_their_sla(make_client, seeded_engine, seed) -> None:
    with seeded_engine.begin() as conn:
        conn.execute(insert(FollowUp.__table__), [
            {"customer_id": seed.abandon, "due_at": MONDAY_10, "kind": "callback", "reason": "来电放弃",
             "status": "open", "created_at": MONDAY_10 - dt.timedelta(minutes=5)},
            {"customer_id": seed.callback, "due_at": MONDAY_10, "kind": "callback", "reason": "请求回拨",
             "status": "open", "created_at": MONDAY_10 - dt.timedelta(minutes=1)},
        ])
    client, headers = await _supervisor(make_client, clock=FrozenClock(MONDAY_10))
    campaign = await _create(client, headers, kind="callback")
    assert (await client.post(f"/api/campaigns/{campaign}/start", headers=headers)).status == 200
    from console.server import keys

    for _ in range(2):  # a second round adds nothing twice
        await client.app[keys.DIALER].tick()
    with seeded_engine.connect() as conn:
        rows = conn.execute(select(Lead.__table__).where(Lead.campaign_id == campaign)
                            .order_by(Lead.priority.desc())).all()
    # diamond (SLA 30 min) before gold (120 min) before the follow-up falling due at 03:00 UTC
    assert [(r.customer_id, r.source) for r in rows] == [
        (seed.callback, "followup"), (seed.abandon, "followup"), (seed.known, "followup")]
    assert rows[0].priority > rows[1].priority > rows[2].priority
    assert rows[2].next_attempt_at == dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)


async def test_campaign_admin_roles_and_moves(make_client, seed) -> None:
    client, headers = await _supervisor(make_client)
    agent = bearer(await login(client, "agent1"))
    assert (await client.post("/api/campaigns", json={"name": "x"}, headers=agent)).status == 403
    bad = await client.post("/api/campaigns", json={"name": "x", "mode": "turbo"}, headers=headers)
    assert bad.status == 400 and (await bad.json())["error"]["field"] == "mode"
    window = await client.post("/api/campaigns", json={"name": "x", "window_start": "20:00", "window_end": "09:00"},
                               headers=headers)
    assert window.status == 400
    campaign = await _create(client, headers)
    edited = await client.patch(f"/api/campaigns/{campaign}", json={"caller_id": "95555", "max_attempts": 5},
                                headers=headers)
    assert (await edited.json())["max_attempts"] == 5
    assert (await client.post(f"/api/campaigns/{campaign}/pause", headers=headers)).status == 409
    for action, status in (("start", "running"), ("pause", "paused"), ("start", "running"), ("stop", "stopped")):
        resp = await client.post(f"/api/campaigns/{campaign}/{action}", headers=headers)
        assert (await resp.json())["status"] == status
    assert (await client.post(f"/api/campaigns/{campaign}/start", headers=headers)).status == 409
    assert (await client.get("/api/campaigns/999/stats", headers=headers)).status == 404
    listed = await (await client.get("/api/campaigns", headers=headers)).json()
    assert [c["id"] for c in listed["campaigns"]] == [campaign]
