"""Follow-up routes: quick choices in the center's time zone, owners, due lists, complete, reassign."""

from __future__ import annotations

import asyncio
import datetime as dt

from tests.server.conftest import START, bearer, login
from tests.server.crm_helpers import error_of


async def create(client, token, **fields):
    resp = await client.post("/api/followups", json={"reason": "回电确认", **fields}, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def listed(client, token, **params):
    resp = await client.get("/api/followups", params=params, headers=bearer(token))
    assert resp.status == 200, await resp.text()
    return [f["id"] for f in (await resp.json())["followups"]]


async def test_quick_choices(client, seed, agent_token):
    in_1h = await create(client, agent_token, customer_id=seed.known, when="in_1h")
    assert dt.datetime.fromisoformat(in_1h["due_at"]) == START + dt.timedelta(hours=1)
    assert in_1h["owner_id"] == seed.staff["agent1"] and not in_1h["due"]
    # START is 10:00 on the 22nd in Shanghai: tomorrow 10:00 there is 02:00 UTC on the 23rd.
    tomorrow = await create(client, agent_token, customer_id=seed.known, when="tomorrow_10")
    assert dt.datetime.fromisoformat(tomorrow["due_at"]) == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    picked = await create(client, agent_token, customer_id=seed.known, due_at="2026-11-22T15:30:00+08:00")
    assert dt.datetime.fromisoformat(picked["due_at"]) == dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)


async def test_bad_times_and_owners_name_the_field(client, seed, agent_token):
    cases = [
        ({"when": "at"}, "due_at", "选择「指定时间」时须填写时间"),
        ({"due_at": "2026-11-22T01:00:00+00:00"}, "due_at", "回访时间须晚于现在"),
        ({"due_at": "2026-11-23T10:00:00"}, "due_at", "时间须带时区（如 2026-11-23T10:00:00+08:00）"),
        ({"when": "in_1h", "owner": "manager", "customer_id": seed.shared[0]}, "owner", "该客户没有客户经理"),
        ({"when": "in_1h", "owner": 999999}, "owner", "未知的负责人「999999」"),
    ]
    for extra, field, message in cases:
        body = {"customer_id": seed.known, **extra}
        resp = await client.post("/api/followups", json=body, headers=bearer(agent_token))
        assert resp.status == 400, extra
        assert await error_of(resp) == {"code": "invalid", "field": field, "message": message}
    resp = await client.post("/api/followups", json={"customer_id": 999999, "when": "in_1h"},
                             headers=bearer(agent_token))
    assert resp.status == 404


async def test_owners_and_due_lists(client, seed, agent_token, agent2_token, frozen_clock):
    to_manager = await create(client, agent_token, customer_id=seed.known, when="in_1h", owner="manager")
    assert to_manager["owner_id"] == seed.staff["mgr1"]
    pooled = await create(client, agent_token, customer_id=seed.known, when="in_1h", owner="pool")
    assert pooled["pool"] and pooled["owner_id"] is None
    mine = await create(client, agent_token, customer_id=seed.known, when="in_1h")
    assert mine["id"] in await listed(client, agent_token, owner="me")
    assert mine["id"] not in await listed(client, agent_token, owner="me", due=1)
    frozen_clock.advance(hours=1)
    due_now = await listed(client, agent_token, owner="me", due=1)
    assert mine["id"] in due_now and to_manager["id"] not in due_now
    assert pooled["id"] in await listed(client, agent2_token, owner="pool", due=1)
    resp = await client.get("/api/followups", params={"owner": "pool"}, headers=bearer(agent2_token))
    assert {f["customer_name"] for f in (await resp.json())["followups"]} == {"赵敏"}
    both = await listed(client, agent_token, owner="me,pool", due=1)
    assert mine["id"] in both and pooled["id"] in both and to_manager["id"] not in both
    # Agents see only their own and the pool's.
    for forbidden in ("all", "me,all", str(seed.staff["mgr1"])):
        resp = await client.get("/api/followups", params={"owner": forbidden}, headers=bearer(agent_token))
        assert resp.status == 403, forbidden


async def test_complete_once_only_and_only_by_the_owner(client, seed, agent_token, agent2_token, supervisor_token):
    mine = await create(client, agent_token, customer_id=seed.known, when="in_1h")
    resp = await client.post(f"/api/followups/{mine['id']}/complete", json={"result": "已回电"},
                             headers=bearer(agent2_token))
    assert resp.status == 403 and (await error_of(resp))["message"] == "只能处理自己的或公共池中的回访"
    resp = await client.post(f"/api/followups/{mine['id']}/complete", json={"result": "已回电"},
                             headers=bearer(agent_token))
    done = await resp.json()
    assert resp.status == 200 and done["status"] == "done" and done["result"] == "已回电"
    assert dt.datetime.fromisoformat(done["completed_at"]) == START
    resp = await client.post(f"/api/followups/{mine['id']}/complete", json={"result": "again"},
                             headers=bearer(agent_token))
    assert resp.status == 409
    resp = await client.post("/api/followups/999999/complete", json={"result": "x"}, headers=bearer(agent_token))
    assert resp.status == 404
    resp = await client.post(f"/api/followups/{mine['id']}/complete", json={}, headers=bearer(agent_token))
    assert resp.status == 400 and (await error_of(resp))["field"] == "result"


async def test_two_agents_taking_one_pool_callback(client, seed, agent_token, agent2_token):
    pooled = await create(client, agent_token, customer_id=seed.known, when="in_1h", owner="pool")
    first, second = await asyncio.gather(*(
        client.post(f"/api/followups/{pooled['id']}/complete", json={"result": "已回电"}, headers=bearer(t))
        for t in (agent_token, agent2_token)))
    assert sorted([first.status, second.status]) == [200, 409]


async def test_reassign(client, seed, agent_token, agent2_token, supervisor_token):
    mine = await create(client, agent_token, customer_id=seed.known, when="in_1h")
    reassign = f"/api/followups/{mine['id']}/reassign"
    resp = await client.post(reassign, json={"owner": "pool"}, headers=bearer(agent_token))
    assert resp.status == 200 and (await resp.json())["pool"]
    # From the pool, a colleague takes it.
    resp = await client.post(reassign, json={"owner": "me"}, headers=bearer(agent2_token))
    assert (await resp.json())["owner_id"] == seed.staff["agent2"]
    resp = await client.post(f"/api/followups/{mine['id']}/reassign", json={"owner": "me"}, headers=bearer(agent_token))
    assert resp.status == 403
    resp = await client.post(f"/api/followups/{mine['id']}/reassign", json={"owner": seed.staff["agent3"]},
                             headers=bearer(supervisor_token))
    assert resp.status == 200 and (await resp.json())["owner_id"] == seed.staff["agent3"]
    supervisor_view = await listed(client, supervisor_token, owner=str(seed.staff["agent3"]))
    assert mine["id"] in supervisor_view


async def test_tomorrow_ten_follows_the_configured_center_zone(make_client, seed):
    from tests.server.conftest import server_settings

    client = await make_client(settings=server_settings(center={"time_zone": "Europe/Berlin"}))
    token = await login(client, "agent1")
    tomorrow = await create(client, token, customer_id=seed.known, when="tomorrow_10")
    # START is 03:00 on the 22nd in Berlin (UTC+1): 10:00 Berlin on the 23rd is 09:00 UTC.
    assert dt.datetime.fromisoformat(tomorrow["due_at"]) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
