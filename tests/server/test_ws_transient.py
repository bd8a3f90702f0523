"""queue_stats is a transient "latest state" frame: it never crowds the catch-up buffer, and a
console that (re)connects gets the newest one per queue right after hello."""

from __future__ import annotations

import aiohttp

from console.server import keys
from tests.server.conftest import bearer, login, server_settings


async def _frames(ws: aiohttp.ClientWebSocketResponse, n: int) -> list[dict]:
    return [await ws.receive_json(timeout=5) for _ in range(n)]


def stats(queue: str, waiting: int) -> dict:
    return {"event": {"name": "queue_stats", "queue": queue, "waiting": waiting}}


async def test_a_flood_of_queue_stats_does_not_push_a_pop_out_of_the_buffer(make_client, seed) -> None:
    client = await make_client(settings=server_settings(server={"ws_buffer": 5}))
    token = await login(client, "agent1")
    hub, me = client.app[keys.HUB], seed.staff["agent1"]
    async with client.ws_connect("/ws", headers=bearer(token)) as ws:
        await ws.receive_json(timeout=5)
        hub.publish([me], "test", {"n": 1})
        last = (await ws.receive_json(timeout=5))["seq"]
        hub.publish([me], "queue_stats", stats("retail", 0), latest="retail")
        live = await ws.receive_json(timeout=5)
        assert (live["kind"], live["seq"]) == ("queue_stats", last)  # carries the seq, uses none
    hub.publish([me], "pop", {"call": "c1"})  # while the console is away: a pop, then ~3 min of stats
    for n in range(180):
        for queue in ("retail", "vip"):
            hub.publish([me], "queue_stats", stats(queue, n), latest=queue)
    async with client.ws_connect(f"/ws?since={last}", headers=bearer(token)) as ws:
        hello, pop, *latest = await _frames(ws, 4)
        assert hello["kind"] == "hello" and hello["seq"] == last + 1
        assert (pop["kind"], pop["seq"], pop["call"]) == ("pop", last + 1, "c1")
        assert sorted((f["event"]["queue"], f["event"]["waiting"], f["seq"]) for f in latest) == [
            ("retail", 179, last + 1), ("vip", 179, last + 1)]
        hub.publish([me], "test", {"n": 2})
        assert (await ws.receive_json(timeout=5))["seq"] == last + 2  # nothing else was queued


async def test_a_first_connection_gets_the_latest_stats_after_hello(client, seed, agent_token) -> None:
    hub, me = client.app[keys.HUB], seed.staff["agent1"]
    hub.publish([me], "queue_stats", stats("retail", 3), latest="retail")
    hub.publish([me], "queue_stats", stats("retail", 4), latest="retail")
    async with client.ws_connect("/ws", headers=bearer(agent_token)) as ws:
        hello, latest = await _frames(ws, 2)
    assert hello["kind"] == "hello" and (latest["kind"], latest["event"]["waiting"]) == ("queue_stats", 4)


def test_a_frame_for_many_users_is_the_same_json_with_each_ones_seq():
    """The hub serialises a frame once and gives each user their own seq (issue 15: a queue's
    figures go to hundreds of users on every step of every call)."""
    import json

    from console.server.hub import Hub

    hub = Hub(10)
    hub.publish([1], "agent_state", {"event": {"state": "available"}})
    body = {"event": {"queue": "retail", "waiting": 2, "名字": "张伟"}}
    hub.publish([1, 2], "queue_stats", body, latest="retail")
    hub.publish([1, 2], "pop", {"call": "1.1", "kind": "pop"})
    frames = {user: [json.loads(text) for _, text in hub._channels[user].buffer] for user in (1, 2)}
    assert frames[1][-1] == {"seq": 2, "kind": "pop", "call": "1.1"}
    assert frames[2][-1] == {"seq": 1, "kind": "pop", "call": "1.1"}
    assert hub._channels[2].latest[("queue_stats", "retail")] == ("queue_stats", body)
