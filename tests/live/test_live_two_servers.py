"""Two calldesk servers share the real Asterisk through NATS JetStream (issue 15): one AMI link.

The proof of tests/server/test_bus_relay.py on the lab's Asterisk 22 with sipp phones and callers:
two servers on one store and one bus (a fresh prefix per test, deleted afterwards), both
configured with the lab as PBX ``main``. One of them holds the AMI link (Asterisk shows one
``calldesk`` manager session); the agent's console is on the other, which learns the call from
the journal, pops it, and sends its actions (QueueAdd, Hangup, QueuePause) to the holder over
NATS. When the holder goes away, cleanly or by ``kill -9``, the other server takes the link over,
still knows the call in progress, and its end is popped and recorded once.

Nothing is timed: every wait has a generous bound. Skipped, as every live test, without the lab
Asterisk or sipp (tests/live/conftest.py), and without a local NATS with JetStream, as
tests/server/test_bus_relay.py is. ``CALLDESK_LIVE_SLOT`` keeps a session's phones apart from
another session's on the same machine (tests/live/lab.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.config import BusSettings
from console.server import keys
from tests.live.floor import LOCAL_MEMBER, PASSWORD, LiveFloor, answered_call, live_settings
from tests.live.lab import AMI_SECRET, AMI_USER, Lab, free_port
from tests.live.sipp import SippLab

# tests/live/conftest.py marks every test here live and slow.
pytestmark = [pytest.mark.bus]

LEASE_TTL_S = 3.0
WAIT_S = 60.0  # generous: a bound, not a measurement


@pytest.fixture
def bus_ttl() -> float:
    return LEASE_TTL_S


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """What the in-process servers log at WARNING and above (printed at the end, for the reader)."""
    caplog.set_level(logging.WARNING)
    return caplog


def ami_sessions(lab: Lab, user: str = AMI_USER) -> int:
    """How many manager sessions Asterisk has for ``user`` (``manager show connected``)."""
    out = lab.cli("manager show connected")
    return sum(1 for line in out.splitlines() if line.split()[:1] == [user])


def settings_of(lab: Lab, bus: BusSettings, server_id: str) -> Any:
    return live_settings(lab, bus=bus.model_copy(update={"server_id": server_id}))


def serve_config(lab: Lab, bus: BusSettings, db: Path, port: int, server_id: str) -> str:
    """config.toml of a `calldesk serve` on the lab: what live_settings says, and the bus."""
    queues = "".join(f'\n[[queues]]\nname = "{name}"\nservice_level_s = 20\ntarget_pct = 80\nwrapup_s = 3\n'
                     for name in ("retail", "vip", "ringall", "margin"))
    return (f'[database]\nurl = "sqlite:///{db}"\n\n[server]\nport = {port}\n\n'
            f'[[pbx]]\nname = "main"\nhost = "127.0.0.1"\nport = {lab.ami_port}\nusername = "{AMI_USER}"\n'
            f'ping_interval_s = 5\nping_timeout_s = 5\n'
            f'state_interfaces = {{ "{LOCAL_MEMBER}" = "PJSIP/1004" }}\n'
            f'{queues}\n'
            f'[recordings]\nroot = "{lab.monitor}"\npbx_folder = "{lab.monitor}"\n\n'
            f'[bus]\nurl = "{bus.url}"\nprefix = "{bus.prefix}"\nserver_id = "{server_id}"\n'
            f'lease_ttl_s = {bus.lease_ttl_s}\n')


class Served:
    """A `calldesk serve` subprocess: its address, its log, and an HTTP session to it."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int, log: Path) -> None:
        self.proc, self.port, self.log = proc, port, log
        self.http = aiohttp.ClientSession(base_url=f"http://127.0.0.1:{port}")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def healthy(self, timeout: float = WAIT_S) -> None:
        try:
            async with asyncio.timeout(timeout):
                while True:
                    assert self.proc.returncode is None, f"calldesk serve exited:\n{self.log_text()}"
                    try:
                        async with self.http.get("/healthz") as resp:
                            if resp.status == 200:
                                return
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)
        except TimeoutError:
            raise AssertionError(f"calldesk serve not healthy within {timeout} s:\n{self.log_text()}") from None

    async def get(self, username: str, path: str) -> Any:
        async with self.http.post("/api/login", json={"username": username, "password": PASSWORD}) as resp:
            assert resp.status == 200, await resp.text()
            token = (await resp.json())["token"]
        async with self.http.get(path, headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def close(self) -> None:
        await self.kill()
        await self.http.close()


async def serve(lab: Lab, bus: BusSettings, engine: Any, tmp_path: Path, server_id: str) -> Served:
    db = Path(engine.url.database)  # the floor's store: one SQLite file for both servers
    port = free_port()
    home = tmp_path / server_id
    home.mkdir()
    config = home / "config.toml"
    config.write_text(serve_config(lab, bus, db, port, server_id), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLDESK_")}
    env.update(CALLDESK_AMI_SECRET=AMI_SECRET, PYTHONUNBUFFERED="1")
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "--config", str(config), "serve",
            stdout=out, stderr=out, stdin=asyncio.subprocess.DEVNULL, env=env, cwd=home)
    return Served(proc, port, log)


def pop_audits(engine: Any, call: str) -> int:
    """The audit rows of the call's screen pop (console/server/pop_audit.py: written by the holder)."""
    from sqlalchemy import func, select

    from console.crm import audit
    from console.store.models import AuditEvent
    from console.store.tables import table_of

    rows = table_of(AuditEvent)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(rows).where(
            rows.c.linkedid == call, rows.c.action == audit.POP)).scalar_one())


def warnings_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if " WARNING " in line or " ERROR " in line or " CRITICAL " in line]


def report(name: str, lines: list[str]) -> None:
    """Say what a server warned about (pytest -rP shows it); the test does not judge it."""
    print(f"--- {name}: {len(lines)} warning(s) or error(s)")
    for line in lines:
        print(f"    {line}")


async def test_a_killed_link_holder_on_the_real_asterisk_loses_no_call(
        floor: LiveFloor, sipp: SippLab, bus: BusSettings, tmp_path: Path,
        warnings_logged: pytest.LogCaptureFixture) -> None:
    """Server A (`calldesk serve`, a subprocess) holds the AMI link; server B (in this process)
    follows. The agent's console is on B: the pop, the answer and the queue log-in go through B,
    Asterisk hears them from A. A is killed with SIGKILL mid-call; B takes the link over, still
    knows the call, the agent hangs it up through B: ended once, recorded once."""
    lab = floor.lab
    a = await serve(lab, bus, floor.engine, tmp_path, "server-a")
    try:
        await a.healthy()  # /healthz is 200 once A's own AMI link is up: A holds it
        assert "holds the AMI link now" in a.log_text()
        await floor.wait_until(lambda: ami_sessions(lab) == 1, "Asterisk to show A's AMI session")

        await floor.start(settings_of(lab, bus, "server-b"))  # waits for B's bridge.connected: the journal's "up"
        bridge = floor.bridge
        assert not bridge.holding and not bridge.conn.connected
        assert ami_sessions(lab) == 1  # two servers, one manager session

        # The agent on B: the queue log-in (QueueAdd) goes to A's link; B's tracker sees it done.
        agent = await floor.agent_at_phone(sipp, "1001")
        call, _caller = await answered_call(floor, sipp, agent)
        pop = agent.of("pop", call=call)[0]
        assert pop["customer"]["name"] == "赵敏"  # B looked the caller up in the shared store
        assert floor.observer is not None
        connect = await floor.observer.wait("AgentConnect", Linkedid=call)
        assert connect["Interface"] == "PJSIP/1001"  # Asterisk connected the agent's phone
        assert floor.app[keys.CALLS].get(call) is not None  # B knows the call
        # A knows it too: its supervisor view of agent 1001 (A's call registry) shows it answered.
        agents = (await a.get("sup1", "/api/supervisor/agents"))["agents"]
        [on_a] = [c for ag in agents if ag["agent"] == "1001" for c in ag["calls"]]
        assert (on_a["call"], on_a["answered"]) == (call, True)
        assert not bridge.holding and ami_sessions(lab) == 1
        # The pop was audited once, by the holder (A), though the console it was shown on is B's.
        await floor.wait_until(lambda: pop_audits(floor.engine, call) == 1, "A to audit the pop", timeout=WAIT_S)

        await asyncio.sleep(2)  # talking
        await a.kill()
        await floor.wait_until(lambda: bridge.holding and bridge.conn.connected, "B to take the AMI link over",
                               timeout=WAIT_S)
        await floor.wait_until(lambda: ami_sessions(lab) == 1, "Asterisk to show B's session alone")
        await floor.app[keys.SERVICE].settle()
        assert floor.app[keys.CALLS].get(call) is not None  # still up, known from the journal and the snapshot
        assert agent.of("ended", call=call) == []  # the take-over ended nothing
        assert len(lab.channels()) >= 2  # the caller and the agent still talk on the PBX

        await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup", expect=202)
        ended = (await agent.wait("ended", call=call, timeout=WAIT_S))["event"]
        assert (ended["outcome"], ended["hangup_by"], ended["agent"]) == ("answered", "agent", "1001")
        assert ended["talk_s"] >= 2  # the talk before the kill and after it
        complete = await floor.observer.wait("AgentComplete", Linkedid=call)
        assert complete["Interface"] == "PJSIP/1001"
        [row] = await floor.recorded(call)
        assert (row.outcome, row.hangup_by, row.agent_ext, row.customer_id) == (
            "answered", "agent", "1001", floor.ids["known"])
        await asyncio.sleep(2)  # nothing else arrives: one ended, one row
        await floor.app[keys.SERVICE].settle()
        await floor.app[keys.RECORDER].idle()
        assert len(floor.interactions()) == 1 and len(agent.of("ended", call=call)) == 1
        assert pop_audits(floor.engine, call) == 1  # B, the holder now, did not pop or audit it again
        assert len(agent.of("pop", call=call)) == 1
        assert a.log_text().count("holds the AMI link now") == 1
    finally:
        await a.close()
        report("server A (calldesk serve, killed)", warnings_of(a.log_text()))
        report("server B (in process)", [f"{r.levelname} {r.name}: {r.getMessage()}"
                                        for r in warnings_logged.records if r.levelno >= logging.WARNING])


async def test_two_in_process_servers_record_a_call_once_and_hand_the_link_over(
        floor: LiveFloor, sipp: SippLab, bus: BusSettings, tmp_path: Path,
        warnings_logged: pytest.LogCaptureFixture) -> None:
    """Two apps in this process: both call registries know the call the agent on B answers; the
    caller hangs up; both servers record it, the store keeps one row. A stops cleanly (its lease
    deleted), B takes the link over at once and pops, answers and hangs up the next call."""
    from aiohttp.test_utils import TestClient, TestServer

    from console.cli.serve import bridges_from_settings
    from console.server.app import create_app

    lab = floor.lab
    settings_a = settings_of(lab, bus, "server-a")
    a = TestClient(TestServer(create_app(settings_a, engine=floor.engine, bridges=bridges_from_settings(settings_a),
                                         outbox_path=tmp_path / "a-outbox.sqlite3"), host="127.0.0.1"))
    await a.start_server()
    try:
        bridge_a = a.app[keys.BRIDGES]["main"]
        await floor.wait_until(lambda: bridge_a.holding and bridge_a.conn.connected, "A to hold the AMI link",
                               timeout=WAIT_S)
        await floor.start(settings_of(lab, bus, "server-b"))
        bridge_b = floor.bridge
        assert not bridge_b.holding and not bridge_b.conn.connected
        await floor.wait_until(lambda: ami_sessions(lab) == 1, "Asterisk to show one calldesk session")

        agent = await floor.agent_at_phone(sipp, "1001")
        mark = len(agent.frames)
        caller = await sipp.caller("13800138000", keys="310012345678#", hold_ms=8000)  # hangs up after some talk
        call = (await agent.wait("pop", after=mark))["call"]
        await agent.wait("answered", call=call, after=mark)
        # Both registries know the call while it is up; only B has the agent's console.
        await floor.wait_until(lambda: a.app[keys.CALLS].get(call) is not None, "A to know the call")
        assert floor.app[keys.CALLS].get(call) is not None
        ended = (await agent.wait("ended", call=call, timeout=WAIT_S))["event"]
        assert (ended["outcome"], ended["hangup_by"]) == ("answered", "caller")
        assert await caller.wait(20) == 0, caller.error_text()
        for app in (a.app, floor.app):  # both servers saw it end and recorded it
            await app[keys.SERVICE].settle()
            await app[keys.RECORDER].idle()
        [row] = await floor.recorded(call)
        assert (row.outcome, row.hangup_by, row.agent_ext) == ("answered", "caller", "1001")
        # The after-call hold is B's (the console is there); the wrap-up's QueuePause goes to A's link.
        await floor.call_api("agent1001", "POST", f"/api/interactions/{call}/wrapup", {"disposition": "resolved"})
        await floor.wait_until(lambda: floor.state_of("1001", "retail") == "available", "1001 free again")

        await a.close()  # a clean stop: the lease is deleted, B takes over without waiting for its ttl
        await floor.wait_until(lambda: bridge_b.holding and bridge_b.conn.connected, "B to take the AMI link over",
                               timeout=WAIT_S)
        await floor.wait_until(lambda: ami_sessions(lab) == 1, "Asterisk to show B's session alone")
        await floor.wait_until(lambda: floor.state_of("1001", "retail") == "available", "1001 still available")
        second, _caller = await answered_call(floor, sipp, agent)
        assert second != call
        await floor.call_api("agent1001", "POST", f"/api/calls/{second}/hangup", expect=202)
        ended = (await agent.wait("ended", call=second, timeout=WAIT_S))["event"]
        assert ended["hangup_by"] == "agent"
        [row2] = await floor.recorded(second)
        assert (row2.outcome, row2.hangup_by) == ("answered", "agent")
        await asyncio.sleep(2)
        await floor.app[keys.RECORDER].idle()
        assert [r.linkedid for r in floor.interactions()] == [call, second]
        assert pop_audits(floor.engine, call) == pop_audits(floor.engine, second) == 1
        assert len(agent.of("ended", call=call)) == len(agent.of("ended", call=second)) == 1
    finally:
        await a.close()
        report("servers A and B (in process)", [f"{r.levelname} {r.name}: {r.getMessage()}"
                                                for r in warnings_logged.records if r.levelno >= logging.WARNING])
