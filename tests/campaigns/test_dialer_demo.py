"""Demo campaigns (made by `calldesk seed`) dial only the PBX simulator, unless the center allows it.

The bridge tells the simulator from a real Asterisk by CoreSettings' AsteriskVersion, read at each
login; a real Asterisk's is set on the bridge here as the live test (tests/live/test_live_outbound)
sees it come from the shared Asterisk.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from console.config import Settings
from console.store.models import Campaign
from telephony.simulator.actions import SIMULATOR_VERSION
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, Floor, campaign_floor
from tests.server.conftest import FrozenClock

ANSWER = Dialout("answer", 0.5, 1.0)
REAL_ASTERISK = "22.10.1"


async def _demo_campaign(floor: Floor, engine, n: int = 2) -> int:
    campaign = await floor.create(name="演示外呼")
    await floor.import_csv(campaign, "number\n" + "".join(f"1390000{i:04d}\n" for i in range(n)))
    with engine.begin() as conn:
        conn.execute(update(Campaign.__table__).where(Campaign.__table__.c.id == campaign).values(demo=True))
    return campaign


async def _login_done(floor: Floor) -> None:
    async with asyncio.timeout(5):
        while floor.bridge.pbx_version is None:
            await asyncio.sleep(0.02)


async def test_the_bridge_knows_the_simulator_and_demo_campaigns_dial_on_it(make_client, seeded_engine) -> None:
    async with campaign_floor(make_client, lambda n, k: ANSWER, clock=FrozenClock(MONDAY_10)) as floor:
        await _login_done(floor)
        assert floor.bridge.pbx_version == SIMULATOR_VERSION and floor.bridge.on_simulator
        campaign = await _demo_campaign(floor, seeded_engine)
        await floor.move(campaign, "start")
        stats = await floor.until_done(campaign)
        assert stats["connected"] == 2 and sum(floor.dialled.values()) == 2


async def test_a_demo_campaign_is_neither_started_nor_dialled_on_a_real_pbx(make_client, seeded_engine) -> None:
    async with campaign_floor(make_client, lambda n, k: ANSWER, clock=FrozenClock(MONDAY_10)) as floor:
        await _login_done(floor)
        floor.bridge.pbx_version = REAL_ASTERISK
        assert not floor.bridge.on_simulator and not floor.dialer.demo_allowed()
        campaign = await _demo_campaign(floor, seeded_engine)
        resp = await floor.client.post(f"/api/campaigns/{campaign}/start", headers=floor.headers)
        assert resp.status == 409
        error = (await resp.json())["error"]
        assert error["code"] == "conflict" and f"外呼任务 {campaign}" in error["message"]
        assert "allow_demo_campaigns" in error["message"]
        # Started behind the server's back (`calldesk campaign start` writes the store): still not dialled.
        with seeded_engine.begin() as conn:
            conn.execute(update(Campaign.__table__).where(Campaign.__table__.c.id == campaign).values(status="running"))
        for _ in range(3):
            await floor.dialer.tick()
        await asyncio.sleep(0.2)
        assert not floor.dialled and (await floor.stats(campaign))["leads"] == {"pending": 2}
        # A campaign of the center's own leads dials as always.
        own = await floor.create(name="自有名单")
        await floor.import_csv(own, "number\n13900009999\n")
        await floor.move(own, "start")
        assert (await floor.until_done(own))["connected"] == 1
        assert set(floor.dialled) == {"13900009999"}


async def test_allow_demo_campaigns_lets_them_dial_a_real_pbx(make_client, seeded_engine) -> None:
    settings = Settings(dialer={"allow_demo_campaigns": True})
    async with campaign_floor(make_client, lambda n, k: ANSWER, clock=FrozenClock(MONDAY_10),
                              settings=settings) as floor:
        await _login_done(floor)
        floor.bridge.pbx_version = REAL_ASTERISK
        campaign = await _demo_campaign(floor, seeded_engine)
        await floor.move(campaign, "start")
        assert (await floor.until_done(campaign))["connected"] == 2
