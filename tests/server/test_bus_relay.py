"""Two servers on one store and one NATS follow one PBX through its journal (issue 15).

Real parts throughout: the PBX simulator, two servers (create_app, each with its own bridge),
consoles on real WebSockets, the local NATS with JetStream (a fresh prefix per test, deleted
afterwards), the store on SQLite and PostgreSQL. Nothing is timed; waits have generous bounds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from console.server import keys
from telephony.bridge import Bridge
from tests.server.conftest import KNOWN_NUMBER, bearer, login, server_settings
from tests.server.floor import Console

pytestmark = [pytest.mark.bus, pytest.mark.slow]


async def until(check: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


AMI_SECRET = "Ami-Secret-bus"


@pytest.fixture
async def simulator() -> AsyncIterator[Any]:
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import Simulator, SimulatorConfig

    sim = Simulator(SimulatorConfig(seed=7, username="calldesk", secret=AMI_SECRET,
                                    agents=AgentSetup(count=2, manual={"1001", "1002"})))
    await sim.start()
    yield sim
    await sim.close()


def ring(sim: Any, number: str, extension: str = "1001") -> None:
    from telephony.simulator import inbound
    from telephony.simulator.model import CallSpec

    pbx = sim.pbx
    spec = CallSpec(number, did="95557", direct_to=extension, talk_s=None)
    pbx.clock.call_later(0, lambda: inbound.place_call(pbx, spec))


async def console(client: Any, username: str) -> Console:
    token = await login(client, username)
    ws = await client.ws_connect("/ws", headers=bearer(token))
    con = Console(username, ws)
    await con.read_until("hello")
    return con


async def test_two_servers_follow_one_link_and_the_second_takes_it_over(bus, simulator, make_client, tmp_path,
                                                                         seeded_engine):
    from sqlalchemy import text

    def bridge() -> Bridge:
        return Bridge("main", "127.0.0.1", simulator.port, simulator.config.username, simulator.config.secret)

    settings = server_settings(bus=bus)
    a = await make_client(settings=settings, bridges={"main": bridge()}, outbox_path=tmp_path / "a.sqlite3")
    bridge_a = a.app[keys.BRIDGES]["main"]
    await until(lambda: bridge_a.holding and bridge_a.conn.connected, what="server A holds the link")
    b = await make_client(settings=settings, bridges={"main": bridge()}, outbox_path=tmp_path / "b.sqlite3")
    bridge_b = b.app[keys.BRIDGES]["main"]
    await until(lambda: bridge_b.connected, what="server B follows the link")  # the holder's "up", by the journal
    assert not bridge_b.holding and not bridge_b.conn.connected
    assert len(simulator.server.sessions) == 1  # one AMI session for two servers

    agent_b = await console(b, "agent1")  # the agent is on server B, the link on server A
    auth = bearer(await login(b, "agent1"))
    ring(simulator, KNOWN_NUMBER)
    pop = await agent_b.read_until("pop")
    call = pop["call"]
    assert pop["customer"] is not None  # B looked the caller up in the shared store
    await until(lambda: a.app[keys.CALLS].get(call) is not None)  # A knows the call too

    resp = await b.post(f"/api/calls/{call}/answer", headers=auth)
    assert resp.status in (200, 202), await resp.text()
    await agent_b.read_until("answered")
    resp = await b.post(f"/api/calls/{call}/hangup", headers=auth)
    assert resp.status == 202, await resp.text()  # B's hang-up went to A's AMI link
    ended = await agent_b.read_until("ended")
    assert ended["event"]["hangup_by"] == "agent"  # the "expect" entry reached every tracker

    for server in (a, b):
        await server.app[keys.SERVICE].settle()
        await server.app[keys.RECORDER].idle()
    with seeded_engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM interaction WHERE linkedid = :c"), {"c": call}).scalar()
    assert rows == 1  # both servers recorded it; the store kept one
    # What one read of the socket brought (the snapshot at login, a call's frames) crossed the bus
    # as one message: far fewer stream messages than the frames A applied from the stream.
    relay_bus = a.app[keys.BUS]
    messages = (await relay_bus.js.stream_info(relay_bus.stream)).state.messages
    assert 0 < messages * 2 < bridge_a.events_in  # one message an entry: more messages than frames

    # Server A stops (cleanly: its lease is deleted); B takes the link over and pops the next call.
    await a.close()
    await until(lambda: bridge_b.holding and bridge_b.conn.connected, what="server B took the link over")
    ring(simulator, KNOWN_NUMBER)
    second = await agent_b.read_until("pop")
    assert second["call"] != call
    await agent_b.ws.close()


async def test_a_killed_link_holder_loses_no_call(bus, simulator, tmp_path, frozen_clock):
    """`kill -9` of the server holding the AMI link, mid-call: the other takes the link over within
    the lease's ttl, knows the call from the journal and the snapshot, and records it once."""
    import os
    import signal
    import sys
    import time

    import aiohttp
    from aiohttp.test_utils import TestClient, TestServer
    from sqlalchemy import text

    from console.server.app import create_app
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from tests.server.conftest import PASSWORD, seed_floor
    from tests.server.test_serve import free_port

    db = tmp_path / "shared.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed_floor(engine)
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db}"\n\n[server]\nport = {port}\n\n'
        f'[bus]\nurl = "{bus.url}"\nprefix = "{bus.prefix}"\nserver_id = "server-a"\nlease_ttl_s = {bus.lease_ttl_s}\n',
        encoding="utf-8")
    env = dict(os.environ, CALLDESK_AMI_SECRET=AMI_SECRET, CALLDESK_PBX_HOST="127.0.0.1",
               CALLDESK_PBX_PORT=str(simulator.port), PYTHONUNBUFFERED="1")
    log_path = tmp_path / "serve-a.log"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "--config", str(config), "serve",
            stdout=log_file, stderr=log_file, env=env, cwd=tmp_path)
    try:
        async with aiohttp.ClientSession() as http:
            async with asyncio.timeout(30):
                while True:
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)
        await until(lambda: len(simulator.server.sessions) == 1, what="server A holds the link")

        settings = server_settings(bus=bus.model_copy(update={"server_id": "server-b"}),
                                   pbx=[{"name": "main", "port": simulator.port}])
        bridge_b = Bridge("main", "127.0.0.1", simulator.port, "calldesk", AMI_SECRET)
        b = TestClient(TestServer(create_app(settings, engine=engine, bridges={"main": bridge_b}, clock=frozen_clock,
                                             outbox_path=tmp_path / "b.sqlite3"), host="127.0.0.1"))
        await b.start_server()
        await until(lambda: bridge_b.connected, what="server B follows the link")
        assert not bridge_b.holding

        agent = await console(b, "agent1")
        auth = bearer(await login(b, "agent1", PASSWORD))
        ring(simulator, KNOWN_NUMBER)
        call = (await agent.read_until("pop"))["call"]
        resp = await b.post(f"/api/calls/{call}/answer", headers=auth)
        assert resp.status == 202, await resp.text()
        await agent.read_until("answered")
        await asyncio.sleep(1.0)  # talking

        proc.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await proc.wait()
        await until(lambda: bridge_b.holding and bridge_b.conn.connected, what="server B took the link over")
        took_over_s = time.monotonic() - killed
        assert took_over_s < bus.lease_ttl_s + 5  # a bound, not a measurement: bench failover measures

        await b.app[keys.SERVICE].settle()
        assert b.app[keys.CALLS].get(call) is not None  # still up, known from the journal
        resp = await b.post(f"/api/calls/{call}/hangup", headers=auth)
        assert resp.status == 202, await resp.text()
        ended = (await agent.read_until("ended"))["event"]
        assert (ended["outcome"], ended["hangup_by"]) == ("answered", "agent") and ended["talk_s"] >= 1
        await b.app[keys.SERVICE].settle()
        await b.app[keys.RECORDER].idle()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT outcome FROM interaction WHERE linkedid = :c"), {"c": call}).all()
        assert [r.outcome for r in rows] == ["answered"]  # recorded once, by the server that saw it end
        await agent.ws.close()
        await b.close()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        engine.dispose()
