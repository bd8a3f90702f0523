"""GET /api/tickets/defaults: what a new ticket would get, by the create route's own rules."""

from __future__ import annotations

import datetime as dt

from tests.server.conftest import START, bearer, server_settings
from tests.server.crm_helpers import error_of


async def defaults(client, token, **params):
    return await client.get("/api/tickets/defaults", params=params, headers=bearer(token))


async def test_defaults_are_what_the_created_ticket_then_gets(client, seed, agent_token):
    for customer_id, category in [(seed.known, "trading"), (seed.other, "complaint"), (seed.other, "trading")]:
        resp = await defaults(client, agent_token, customer_id=customer_id, category=category)
        assert resp.status == 200, await resp.text()
        shown = await resp.json()
        created = await client.post("/api/tickets", headers=bearer(agent_token), json={
            "customer_id": customer_id, "category": category, "subject": "x"})
        ticket = await created.json()
        assert shown == {k: ticket[k] for k in ("priority", "sla_due_at", "supervisor_attention")}


async def test_gold_trading_and_vip_complaint(client, seed, agent_token):
    gold = await (await defaults(client, agent_token, customer_id=seed.known, category="trading")).json()
    hours = server_settings().tickets.sla_for("trading", "gold")
    assert gold["priority"] == "normal" and not gold["supervisor_attention"]
    assert dt.datetime.fromisoformat(gold["sla_due_at"]) == START + dt.timedelta(hours=hours)
    vip = await (await defaults(client, agent_token, customer_id=seed.other, category="complaint")).json()
    assert vip["priority"] == "urgent" and vip["supervisor_attention"]


async def test_bad_requests_name_the_field(client, seed, agent_token):
    resp = await defaults(client, agent_token, customer_id=seed.known, category="stocks")
    assert resp.status == 400 and (await error_of(resp))["field"] == "category"
    resp = await defaults(client, agent_token, category="trading")
    assert resp.status == 400 and (await error_of(resp))["field"] == "customer_id"
    resp = await defaults(client, agent_token, customer_id=999999, category="trading")
    assert resp.status == 404 and (await error_of(resp))["message"] == "客户 999999 不存在"
    resp = await client.get("/api/tickets/defaults", params={"customer_id": seed.known, "category": "trading"})
    assert resp.status == 401
