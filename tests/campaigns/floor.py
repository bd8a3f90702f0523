"""A campaign floor: the PBX simulator (faster than real time) as the PBX, the real Bridge inside a
real server, a supervisor's token, and helpers to create campaigns and wait for them to finish."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from console.server import keys
from console.server.dialer_service import DialerService
from console.store.models import Interaction, Lead
from telephony.bridge import Bridge
from telephony.simulator.center import AgentSetup
from telephony.simulator.dialout import Dialout
from telephony.simulator.model import QueueConfig
from telephony.simulator.runner import Simulator, SimulatorConfig
from tests.server.conftest import bearer, login

MONDAY_10 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, a Monday


@dataclass
class Floor:
    client: TestClient
    sim: Simulator
    bridge: Bridge
    headers: dict[str, str]
    dialled: Counter[str] = field(default_factory=Counter)  # national number -> times the PBX rang it

    @property
    def dialer(self) -> DialerService:
        return self.client.app[keys.DIALER]

    async def create(self, **spec: Any) -> int:
        body = {"name": "回访", "kind": "survey", "queue": "retail", "mode": "progressive", "retry_busy_min": 0,
                "retry_noanswer_min": 0, "retry_failed_min": 0, **spec}
        resp = await self.client.post("/api/campaigns", json=body, headers=self.headers)
        assert resp.status == 201, await resp.text()
        return (await resp.json())["id"]

    async def import_csv(self, campaign: int, text: str) -> dict[str, Any]:
        resp = await self.client.post(f"/api/campaigns/{campaign}/leads/import", data=text.encode(),
                                      headers={**self.headers, "Content-Type": "text/csv"})
        assert resp.status == 200, await resp.text()
        return await resp.json()

    async def move(self, campaign: int, action: str) -> None:
        resp = await self.client.post(f"/api/campaigns/{campaign}/{action}", headers=self.headers)
        assert resp.status == 200, await resp.text()

    async def stats(self, campaign: int) -> dict[str, Any]:
        resp = await self.client.get(f"/api/campaigns/{campaign}/stats", headers=self.headers)
        assert resp.status == 200, await resp.text()
        return await resp.json()

    async def until_done(self, campaign: int, timeout: float = 60.0) -> dict[str, Any]:
        """Wait until no lead is pending or dialing and every result is written."""
        async with asyncio.timeout(timeout):
            while True:
                await self.client.app[keys.OUTBOX].drained()
                stats = await self.stats(campaign)
                if stats["leads_left"] == 0:
                    return stats
                await asyncio.sleep(0.1)


def scripted(plan: Callable[[str, int], Dialout], dialled: Counter[str]) -> Callable[[str], Dialout]:
    """The simulator's customers: ``plan(number, nth call to it)``; counts every call placed."""
    def dialout(number: str) -> Dialout:
        dialled[number] += 1
        return plan(number, dialled[number])

    return dialout


async def start_simulator(agents: int = 5, speed: float = 50.0, extra_queues: tuple[str, ...] = ()) -> Simulator:
    """Agents in queue retail answering after 0.3 s; events carry the simulator's own time
    (Timestamp), so waits and talk times are in simulated seconds whatever the speed.
    ``extra_queues`` exist with no members (a campaign's own queue)."""
    # Queue retail without app_queue's wrap-up timer: a campaign's agents wrap up by pausing, so
    # an agent the AMI shows free is free to the queue as well.
    queues = [QueueConfig(name, "rrmemory", wrapuptime=0.0) for name in ("retail", *extra_queues)]
    sim = Simulator(SimulatorConfig(agents=AgentSetup(count=agents, ring_delay=0.3, queues=("retail",)),
                                    queues=queues, speed=speed, seed=7, timestamps=True))
    await sim.start()
    return sim


@asynccontextmanager
async def campaign_floor(make_client: Any, plan: Callable[[str, int], Dialout], *, agents: int = 5,
                         speed: float = 50.0, clock: Any = None, engine: Any = None,
                         outbox_path: Any = None, sim: Simulator | None = None,
                         settings: Any = None) -> AsyncIterator[Floor]:
    own_sim = sim is None
    if sim is None:
        sim = await start_simulator(agents, speed)
    dialled: Counter[str] = getattr(sim, "dialled", None) or Counter()
    sim.dialled = dialled  # type: ignore[attr-defined] - one count across servers (restart tests)
    sim.pbx.dialout = scripted(plan, dialled)
    bridge = Bridge("main", "127.0.0.1", sim.port, "calldesk", "calldesk")
    client = await make_client(bridges={"main": bridge}, clock=clock, engine=engine, outbox_path=outbox_path,
                               settings=settings)
    # The PBX's clock is the simulator's (events carry its Timestamp), faster than the wall's.
    client.app[keys.DIALER].abandons.pbx_time = sim.clock.live_unix
    headers = bearer(await login(client, "sup1"))
    floor = Floor(client, sim, bridge, headers, dialled)
    try:
        async with asyncio.timeout(10):
            while len(floor.dialer.free_agents("retail")) < agents:
                await asyncio.sleep(0.02)
        yield floor
    finally:
        if own_sim:
            await sim.close()


def leads_of(engine: Any, campaign: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return {r.number: r for r in conn.execute(select(Lead.__table__).where(Lead.campaign_id == campaign))}


def attempts_recorded(engine: Any, campaign: int) -> Counter[int]:
    with engine.connect() as conn:
        rows = conn.execute(select(Interaction.lead_id).where(Interaction.campaign_id == campaign)).scalars()
        return Counter(rows)
