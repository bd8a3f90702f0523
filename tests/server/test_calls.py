"""Call actions over HTTP, checked by the AMI actions the PBX (the replay server) receives."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from console.store.models import Interaction
from tests.server.conftest import bearer, login, server_settings
from tests.server.floor import replay_floor

CALL = "1795372966.0"  # capture 01: 13800138000 (the known customer) rings 1001 at 3.17 s, answered 6.18 s
AGENT_CHANNEL = "PJSIP/1001-00000001"


def sent(floor, name: str) -> list[dict]:
    return [dict(a) for a in floor.server.actions if a.get("Action") == name]



async def _settle(floor) -> None:
    from console.server import keys

    await floor.client.app[keys.SERVICE].settle()


@pytest.fixture
async def talking(make_client, seed):
    """Capture 01 cut after the answer: agent1 is talking to the known customer."""
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels",
                            cut_at=7.0) as floor:
        await asyncio.wait_for(floor.server.finished.wait(), 20)
        await _settle(floor)
        yield floor


async def test_agent_hangs_up_own_call_only(talking) -> None:
    client = talking.client
    other = await client.post(f"/api/calls/{CALL}/hangup", headers=bearer(await login(client, "agent2")))
    assert other.status == 403 and (await other.json())["error"]["code"] == "forbidden"
    assert sent(talking, "Hangup") == []
    mine = await client.post(f"/api/calls/{CALL}/hangup", headers=bearer(await login(client, "agent1")))
    assert mine.status == 202
    assert [a["Channel"] for a in sent(talking, "Hangup")] == [AGENT_CHANNEL]
    supervisor = await client.post(f"/api/calls/{CALL}/hangup", headers=bearer(await login(client, "sup1")))
    assert supervisor.status == 202
    missing = await client.post("/api/calls/nope/hangup", headers=bearer(await login(client, "agent1")))
    assert missing.status == 404


async def test_transfer_targets(talking) -> None:
    client = talking.client
    headers = bearer(await login(client, "agent1"))
    cases = [({"to": "1002"}, "BlindTransfer", "1002"), ({"to": "manager"}, "BlindTransfer", "2001"),
             ({"to": "queue:vip"}, "BlindTransfer", "8002"), ({"to": "1003", "kind": "attended"}, "Atxfer", "1003")]
    for body, action, exten in cases:
        resp = await client.post(f"/api/calls/{CALL}/transfer", json=body, headers=headers)
        assert resp.status == 202, await resp.text()
        last = sent(talking, action)[-1]
        assert (last["Channel"], last["Exten"], last["Context"]) == (AGENT_CHANNEL, exten, "transfer-targets")
    for body, field in (({"to": "queue:nope"}, "to"), ({"to": "12ab"}, "to"), ({"to": "1002", "kind": "x"}, "kind")):
        resp = await client.post(f"/api/calls/{CALL}/transfer", json=body, headers=headers)
        assert resp.status == 400 and (await resp.json())["error"]["field"] == field


async def test_click_to_call_dials_from_the_agents_extension(talking, seed) -> None:
    client = talking.client
    headers = bearer(await login(client, "agent1"))
    resp = await client.post("/api/calls/originate", json={"customer_id": seed.known}, headers=headers)
    assert resp.status == 202
    (action,) = sent(talking, "Originate")
    assert (action["Channel"], action["Exten"], action["Context"]) == ("PJSIP/1001", "13800138000", "outbound")
    assert action["Async"] == "true"
    resp = await client.post("/api/calls/originate", json={"number": "1380013"}, headers=headers)
    assert resp.status == 400 and (await resp.json())["error"]["field"] == "number"


async def test_pause_and_queue_membership(talking) -> None:
    client = talking.client
    headers = bearer(await login(client, "agent1"))
    resp = await client.post("/api/agent/pause", json={"paused": True, "reason": "lunch"}, headers=headers)
    assert resp.status == 202
    pause = sent(talking, "QueuePause")[-1]
    assert (pause["Interface"], pause["Paused"], pause.get("Reason")) == ("PJSIP/1001", "true", "lunch")
    bad = await client.post("/api/agent/pause", json={"paused": True, "reason": "nap"}, headers=headers)
    assert bad.status == 400 and (await bad.json())["error"]["field"] == "reason"
    queues = "/api/agent/queues"
    assert (await client.post(queues, json={"queue": "vip", "member": True}, headers=headers)).status == 403
    assert (await client.post(queues, json={"queue": "retail", "member": True}, headers=headers)).status == 202
    assert sent(talking, "QueueAdd")[-1]["Queue"] == "retail"
    assert (await client.post(queues, json={"queue": "retail", "member": False}, headers=headers)).status == 202
    assert sent(talking, "QueueRemove")[-1]["Interface"] == "PJSIP/1001"


async def test_answer_asks_the_simulator_to_pick_up(make_client, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels",
                            cut_at=4.0) as floor:
        await asyncio.wait_for(floor.server.finished.wait(), 20)
        await _settle(floor)
        client = floor.client
        resp = await client.post(f"/api/calls/{CALL}/answer", headers=bearer(await login(client, "agent2")))
        assert resp.status == 403
        resp = await client.post(f"/api/calls/{CALL}/answer", headers=bearer(await login(client, "agent1")))
        assert resp.status == 202
        assert sent(floor, "CalldeskAnswer") == [{"Action": "CalldeskAnswer", "Interface": "PJSIP/1001",
                                                  "ActionID": sent(floor, "CalldeskAnswer")[0]["ActionID"]}]


async def test_actions_without_a_pbx_are_unavailable(client, agent_token) -> None:
    resp = await client.post("/api/agent/pause", json={"paused": False}, headers=bearer(agent_token))
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "unavailable"


async def test_wrapup_lands_on_the_recorded_call(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels") as floor:
        await floor.settle()
        client = floor.client
        headers = bearer(await login(client, "agent1"))
        resp = await client.post(f"/api/interactions/{CALL}/wrapup",
                                 json={"disposition": "resolved", "notes": "已告知成交回报"}, headers=headers)
        assert resp.status == 202, await resp.text()
        bad = await client.post(f"/api/interactions/{CALL}/wrapup", json={"disposition": "??"}, headers=headers)
        assert bad.status == 400
        other = await client.post(f"/api/interactions/{CALL}/wrapup", json={"disposition": "resolved"},
                                  headers=bearer(await login(client, "agent2")))
        assert other.status == 404
        await floor.settle()
    with seeded_engine.connect() as conn:
        row = conn.execute(select(Interaction).where(Interaction.linkedid == CALL)).one()
    assert (row.disposition, row.notes) == ("resolved", "已告知成交回报")


PBX_CONTEXTS = {"name": "main", "outbound_context": "from-crm", "transfer_context": "xfer",
                "queue_transfer_exten": {"retail": "7001", "wealth": "7005"}, "spy_context": "sup-phones"}


async def test_dialplan_contexts_and_queue_extensions_come_from_the_pbx_config(make_client, seed) -> None:
    """[[pbx]] outbound_context / transfer_context / queue_transfer_exten / spy_context, not constants."""
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels", cut_at=7.0,
                            settings=server_settings(pbx=[PBX_CONTEXTS])) as floor:
        await asyncio.wait_for(floor.server.finished.wait(), 20)
        await _settle(floor)
        client = floor.client
        headers = bearer(await login(client, "agent1"))
        resp = await client.post("/api/calls/originate", json={"number": "13800138000"}, headers=headers)
        assert resp.status == 202 and sent(floor, "Originate")[-1]["Context"] == "from-crm"
        resp = await client.post(f"/api/calls/{CALL}/transfer", json={"to": "queue:wealth"}, headers=headers)
        assert resp.status == 202, await resp.text()
        transfer = sent(floor, "BlindTransfer")[-1]
        assert (transfer["Exten"], transfer["Context"]) == ("7005", "xfer")
        resp = await client.post(f"/api/calls/{CALL}/transfer", json={"to": "queue:vip"}, headers=headers)
        assert resp.status == 400  # vip is not listed for this PBX
        sup = bearer(await login(client, "sup1"))
        resp = await client.post("/api/supervisor/spy", json={"agent": "1001", "mode": "listen"}, headers=sup)
        assert resp.status == 202 and sent(floor, "Originate")[-1]["Channel"] == "Local/1900@sup-phones"
