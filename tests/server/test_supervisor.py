"""Supervisor actions checked by the AMI actions the PBX (the replay server) receives; roles;
the agent board's fields; the report route."""

from __future__ import annotations

import asyncio

import pytest

from console.server import keys
from tests.server.conftest import bearer, login
from tests.server.floor import replay_floor

AGENT_CHANNEL = "PJSIP/1001-00000001"  # capture 01: agent1 talking to the known customer


def sent(floor, name: str) -> list[dict]:
    return [dict(a) for a in floor.server.actions if a.get("Action") == name]


@pytest.fixture
async def talking(make_client, seed):
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels",
                            cut_at=7.0) as floor:
        await asyncio.wait_for(floor.server.finished.wait(), 20)
        await floor.client.app[keys.SERVICE].settle()
        yield floor


async def test_listen_whisper_barge_ring_the_supervisor_into_chanspy(talking) -> None:
    headers = bearer(await login(talking.client, "sup1"))
    for mode, options in (("listen", "qE"), ("whisper", "qEw"), ("barge", "qEB")):
        resp = await talking.client.post("/api/supervisor/spy", json={"agent": "1001", "mode": mode}, headers=headers)
        assert resp.status == 202, await resp.text()
        spy = sent(talking, "Originate")[-1]
        assert (spy["Channel"], spy["Application"], spy["Data"]) == ("Local/1900@agents", "ChanSpy",
                                                                      f"{AGENT_CHANNEL},{options}")
    idle = await talking.client.post("/api/supervisor/spy", json={"agent": "1002", "mode": "listen"}, headers=headers)
    assert idle.status == 409
    bad = await talking.client.post("/api/supervisor/spy", json={"agent": "1001", "mode": "shout"}, headers=headers)
    assert bad.status == 400 and len(sent(talking, "Originate")) == 3


async def test_force_pause_and_queue_logout(talking) -> None:
    headers = bearer(await login(talking.client, "sup1"))
    resp = await talking.client.post("/api/supervisor/agents/1002/pause", json={"reason": "supervisor"},
                                     headers=headers)
    assert resp.status == 202
    pause = sent(talking, "QueuePause")[-1]
    assert (pause["Interface"], pause["Paused"], pause["Reason"]) == ("PJSIP/1002", "true", "supervisor")
    resp = await talking.client.post("/api/supervisor/agents/1002/pause", json={"paused": False}, headers=headers)
    assert resp.status == 202 and sent(talking, "QueuePause")[-1]["Paused"] == "false"
    resp = await talking.client.post("/api/supervisor/agents/1003/logout", json={"queue": "retail"}, headers=headers)
    assert resp.status == 202 and [a["Queue"] for a in sent(talking, "QueueRemove")] == ["retail"]
    # vip is one of 1003's queues but not sup1's; nope is nobody's
    for queue in ("vip", "nope"):
        resp = await talking.client.post("/api/supervisor/agents/1003/logout", json={"queue": queue}, headers=headers)
        assert resp.status == 400 and (await resp.json())["error"]["field"] == "queue"
    resp = await talking.client.post("/api/supervisor/agents/1003/logout", headers=headers)
    assert resp.status == 202
    assert [a["Queue"] for a in sent(talking, "QueueRemove")] == ["retail", "retail"]  # not vip: not sup1's
    manager = bearer(await login(talking.client, "mgr1"))
    assert (await talking.client.post("/api/supervisor/agents/1003/logout", headers=manager)).status == 202
    assert sorted(a["Queue"] for a in sent(talking, "QueueRemove")[2:]) == ["retail", "vip"]


async def test_agents_get_403_and_nothing_reaches_the_pbx(talking) -> None:
    headers = bearer(await login(talking.client, "agent2"))
    for path, body in (("/api/supervisor/spy", {"agent": "1001", "mode": "listen"}),
                       ("/api/supervisor/agents/1001/pause", {}), ("/api/supervisor/agents/1001/logout", None)):
        resp = await talking.client.post(path, json=body, headers=headers)
        assert resp.status == 403, path
        assert (await resp.json())["error"]["code"] == "forbidden"
    for path in ("/api/supervisor/report", "/api/supervisor/queues", "/api/supervisor/agents"):
        assert (await talking.client.get(path, headers=headers)).status == 403, path
    assert not sent(talking, "Originate") and not sent(talking, "QueuePause") and not sent(talking, "QueueRemove")


async def test_agent_board_shows_the_caller_and_the_calls_handled_today(talking) -> None:
    headers = bearer(await login(talking.client, "sup1"))
    body = await (await talking.client.get("/api/supervisor/agents", headers=headers)).json()
    one = next(a for a in body["agents"] if a["agent"] == "1001")
    assert one["state"]["state"] == "on_call" and one["handled_today"] == 0
    (call,) = one["calls"]
    assert (call["caller"], call["answered"], call["customer_name"], call["tier"]) == (
        "13800138000", True, "赵敏", "gold")


async def test_report_route_checks_its_parameters_and_the_supervisors_queues(client, supervisor_token) -> None:
    headers = bearer(supervisor_token)
    ok = await client.get("/api/supervisor/report", params={"by": "queue"}, headers=headers)
    body = await ok.json()
    assert ok.status == 200 and [r["key"] for r in body["rows"]] == ["retail"]  # sup1 runs retail only
    assert body["rows"][0]["offered"] == 0 and body["rows"][0]["service_level"] is None
    resp = await client.get("/api/supervisor/report", params={"interval": "1h"}, headers=headers)
    rows = (await resp.json())["rows"]
    assert len(rows) == 24 and rows[0]["key"].endswith("00:00") and rows[1]["key"].endswith("01:00")
    for params, field in (({"by": "day"}, "by"), ({"interval": "7m"}, "interval"), ({"from": "2026-13-01"}, "from"),
                          ({"from": "2026-11-23", "to": "2026-11-22"}, "to"), ({"queue": "vip"}, "queue")):
        resp = await client.get("/api/supervisor/report", params=params, headers=headers)
        assert resp.status in (400, 403) and (await resp.json())["error"]["field"] == field, params
