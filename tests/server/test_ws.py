"""The WebSocket hub over a real socket: hello, per-user seq, catch-up with since=, resync."""

from __future__ import annotations

import aiohttp
import pytest

from console.server import keys
from tests.server.conftest import bearer, login


async def _frames(ws: aiohttp.ClientWebSocketResponse, n: int) -> list[dict]:
    return [await ws.receive_json(timeout=5) for _ in range(n)]


async def test_a_forged_bearer_token_is_refused_before_the_upgrade(client) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws", headers=bearer("forged"))
    assert info.value.status == 401


async def test_hello_then_frames_in_seq_order(client, seed, agent_token) -> None:
    hub = client.app[keys.HUB]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws:
        hello = await ws.receive_json(timeout=5)
        assert hello["kind"] == "hello" and hello["seq"] == 0
        assert hello["user"]["username"] == "agent1"
        assert hello["server_time"].startswith("2026-11-22T02:00:00")
        for n in range(3):
            hub.publish([seed.staff["agent1"]], "test", {"n": n})
        frames = await _frames(ws, 3)
    assert [(f["seq"], f["kind"], f["n"]) for f in frames] == [(1, "test", 0), (2, "test", 1), (3, "test", 2)]


async def test_reconnect_with_since_gets_what_was_missed(client, seed, agent_token) -> None:
    hub = client.app[keys.HUB]
    me = seed.staff["agent1"]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws:
        await ws.receive_json(timeout=5)
        hub.publish([me], "test", {"n": 1})
        last = (await ws.receive_json(timeout=5))["seq"]
    for n in (2, 3):  # published while the console was away
        hub.publish([me], "test", {"n": n})
    async with client.ws_connect(f"/ws?since={last}", headers=bearer(agent_token)) as ws:
        hello, *missed = await _frames(ws, 3)
        assert hello["kind"] == "hello" and hello["seq"] == 3
        assert [(f["seq"], f["n"]) for f in missed] == [(2, 2), (3, 3)]
        hub.publish([me], "test", {"n": 4})
        assert (await ws.receive_json(timeout=5))["seq"] == 4


async def test_since_older_than_the_buffer_gets_resync(make_client, seed) -> None:
    from tests.server.conftest import server_settings

    client = await make_client(settings=server_settings(server={"ws_buffer": 3}))
    token = await login(client, "agent1")
    hub = client.app[keys.HUB]
    for n in range(10):
        hub.publish([seed.staff["agent1"]], "test", {"n": n})
    async with client.ws_connect("/ws?since=2", headers=bearer(token)) as ws:
        _hello, resync = await _frames(ws, 2)
        assert resync["kind"] == "resync" and resync["seq"] == 10
    async with client.ws_connect("/ws?since=7", headers=bearer(token)) as ws:  # 8, 9, 10 still buffered
        frames = await _frames(ws, 4)
        assert [f["seq"] for f in frames[1:]] == [8, 9, 10]
    async with client.ws_connect("/ws?since=99", headers=bearer(token)) as ws:  # a seq from before a restart
        assert [f["kind"] for f in await _frames(ws, 2)] == ["hello", "resync"]
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws?since=x", headers=bearer(token))
    assert info.value.status == 400


async def test_each_user_has_its_own_stream(client, seed, agent_token, agent2_token) -> None:
    hub = client.app[keys.HUB]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws1, \
            client.ws_connect("/ws", headers=bearer(agent2_token)) as ws2:
        await ws1.receive_json(timeout=5)
        await ws2.receive_json(timeout=5)
        hub.publish([seed.staff["agent2"]], "test", {"to": "agent2"})
        hub.publish([seed.staff["agent1"]], "test", {"to": "agent1"})
        assert (await ws1.receive_json(timeout=5)) == {"seq": 1, "kind": "test", "to": "agent1"}
        assert (await ws2.receive_json(timeout=5)) == {"seq": 1, "kind": "test", "to": "agent2"}


async def test_websocket_clients_are_counted(client, agent_token) -> None:
    metrics = client.app[keys.METRICS]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws:
        await ws.receive_json(timeout=5)
        assert client.app[keys.HUB].clients == 1
        assert metrics.registry.get_sample_value("calldesk_websocket_clients") == 1


async def test_agent_states_reach_the_agent_and_the_supervisors_of_its_queues(make_client, seed) -> None:
    from tests.server.floor import replay_floor

    async with replay_floor(make_client, "08-agent-login-pause-logout") as floor:
        await floor.connect("agent1", "agent3", "sup1")
        await floor.go()
        await floor.settle()
        frames = {name: [f["event"] for f in await c.drain() if f["kind"] == "agent_state"]
                  for name, c in floor.consoles.items()}
        board = await (await floor.client.get(
            "/api/supervisor/agents", headers=bearer(await login(floor.client, "sup1")))).json()
    own = frames["agent3"]
    assert {e["agent"] for e in own} == {"1003"}
    assert [(e["state"], e["reason"], e["queue"]) for e in own][-2:] == [("logged_out", None, "vip"),
                                                                          ("logged_out", None, "retail")]
    assert ("paused", "lunch", "retail") in [(e["state"], e["reason"], e["queue"]) for e in own]
    supervised = frames["sup1"]
    assert {e["queue"] for e in supervised} == {"retail"}  # sup1 supervises retail, not vip
    assert {e["agent"] for e in supervised} == {"1003", "1004"}
    assert frames["agent1"] == []  # another agent's state is not this agent's business
    by_agent = {a["agent"]: a for a in board["agents"]}
    assert by_agent["1003"]["state"]["state"] == "logged_out"
    assert sorted((e["queue"], e["state"]) for e in by_agent["1003"]["states"]) == [("retail", "logged_out"),
                                                                                     ("vip", "logged_out")]


async def test_a_followup_falling_due_is_pushed_to_its_owner(client, seed, frozen_clock, agent_token,
                                                             agent2_token) -> None:
    reminders = client.app[keys.REMINDERS]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws1, \
            client.ws_connect("/ws", headers=bearer(agent2_token)) as ws2:
        await ws1.receive_json(timeout=5)
        await ws2.receive_json(timeout=5)
        frozen_clock.advance(minutes=30)
        assert await reminders.check() == 0  # due at 03:00, it is 02:30
        frozen_clock.advance(minutes=31)
        assert await reminders.check() == 1
        frame = await ws1.receive_json(timeout=5)
        assert frame["kind"] == "followup_due"
        assert frame["followup"]["reason"] == "回访两融风险提示" and frame["followup"]["customer_name"] == "赵敏"
        assert frame["followup"]["owner_id"] == seed.staff["agent1"]
        assert await reminders.check() == 0  # pushed once
        hub = client.app[keys.HUB]
        assert hub.last_seq(seed.staff["agent2"]) == 0  # not someone else's follow-up


async def test_a_since_numbered_by_another_server_gets_resync_not_its_frames(client, seed, agent_token) -> None:
    """A console failing over from another server (or resuming after a restart) sends that server's
    epoch with its seq: frames that merely share the numbers must not be replayed as if missed."""
    hub = client.app[keys.HUB]
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws:
        hello = await ws.receive_json(timeout=5)
    assert hello["kind"] == "hello" and hello["epoch"] == hub.epoch
    user = hello["user"]["id"]
    for n in range(3):
        hub.publish([user], "note", {"n": n})
    query = {"since": "1", "epoch": hub.epoch}
    async with client.ws_connect("/ws", params=query, headers=bearer(agent_token)) as ws:
        frames = [await ws.receive_json(timeout=5) for _ in range(3)]
    assert [f["kind"] for f in frames] == ["hello", "note", "note"]  # the same server: what was missed
    async with client.ws_connect("/ws", params=query | {"epoch": "another-server"}, headers=bearer(agent_token)) as ws:
        frames = [await ws.receive_json(timeout=5) for _ in range(2)]
    assert [f["kind"] for f in frames] == ["hello", "resync"]
