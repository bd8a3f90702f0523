"""A disposition sent while the PBX link is down (a failover takes a few seconds): the agent's
after-call pause is released once the link is back, not minutes later by the sweep.

Real parts: the PBX simulator, the server with its bridge, the agent's console on a WebSocket.
The link is kept down by having the simulator refuse the bridge's logins, then let back in."""

from __future__ import annotations

import asyncio

from console.server import keys
from telephony.bridge import Bridge
from tests.server.conftest import KNOWN_NUMBER, bearer, login
from tests.server.test_bus_relay import AMI_SECRET, console, simulator, until  # noqa: F401 - the fixture


async def test_a_release_the_pbx_could_not_take_is_done_once_the_link_is_back(simulator, make_client,  # noqa: F811
                                                                                 tmp_path) -> None:
    from telephony.simulator import inbound
    from telephony.simulator.model import CallSpec

    bridge = Bridge("main", "127.0.0.1", simulator.port, simulator.config.username, simulator.config.secret)
    client = await make_client(bridges={"main": bridge}, outbox_path=tmp_path / "outbox.sqlite3")
    await until(lambda: bridge.connected)
    agent = await console(client, "agent1")
    auth = bearer(await login(client, "agent1"))
    pbx = simulator.pbx
    pbx.clock.call_later(0, lambda: inbound.place_call(pbx, CallSpec(KNOWN_NUMBER, queue="retail", talk_s=None)))
    pop = await agent.read_until("pop")
    call = pop["call"]
    resp = await client.post(f"/api/calls/{call}/answer", headers=auth)
    assert resp.status in (200, 202), await resp.text()
    await agent.read_until("answered")
    resp = await client.post(f"/api/calls/{call}/hangup", headers=auth)
    assert resp.status == 202, await resp.text()
    await agent.read_until("ended")
    member = pbx.queues["retail"].members["PJSIP/1001"]
    await until(lambda: member.paused)  # held for the disposition

    simulator.server.secret = "not-the-secret"  # the link goes and stays down
    for session in list(simulator.server.sessions):
        session.close()
    await until(lambda: not bridge.connected)
    resp = await client.post(f"/api/interactions/{call}/wrapup", json={"disposition": "resolved"}, headers=auth)
    assert resp.status == 202, await resp.text()
    await asyncio.sleep(1.5)  # the release was refused meanwhile
    assert member.paused

    simulator.server.secret = AMI_SECRET  # the link comes back
    await until(lambda: bridge.connected, timeout=30)
    await until(lambda: not member.paused, timeout=30)
    assert client.app[keys.AFTER_CALL].pending("1001") is None
    await agent.ws.close()
