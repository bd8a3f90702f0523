"""A server restart in the middle of a campaign: no lead is lost, none is dialled twice."""

from __future__ import annotations

import asyncio

from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, attempts_recorded, campaign_floor, leads_of, start_simulator
from tests.server.conftest import FrozenClock


async def test_restart_mid_campaign_loses_and_repeats_nothing(make_client, seeded_engine, tmp_path) -> None:
    sim = await start_simulator(agents=4, speed=10.0)
    clock = FrozenClock(MONDAY_10)
    outbox = tmp_path / "outbox.sqlite3"
    talk = lambda number, nth: Dialout("answer", 1.0, 30.0)  # noqa: E731 - calls long enough to span the restart
    numbers = [f"1391111{i:04d}" for i in range(12)]
    try:
        async with campaign_floor(make_client, talk, agents=4, clock=clock, sim=sim, outbox_path=outbox) as first:
            campaign = await first.create(retry_failed_min=0)
            await first.import_csv(campaign, "number\n" + "\n".join(numbers) + "\n")
            await first.move(campaign, "start")
            async with asyncio.timeout(20):  # four customers talking to the four agents
                while sum(1 for f in first.dialer.flights if f.at_agent) < 4:
                    await asyncio.sleep(0.02)
            await first.client.close()  # the server stops with four calls up on the PBX
        async with campaign_floor(make_client, talk, agents=0, clock=clock, sim=sim, outbox_path=outbox) as second:
            second.dialer.orphans.grace_s = 10.0  # longer than a call: each one up is adopted when it ends
            stats = await second.until_done(campaign, timeout=60)
    finally:
        await sim.close()
    leads = leads_of(seeded_engine, campaign)
    recorded = attempts_recorded(seeded_engine, campaign)
    assert sorted(leads) == sorted(f"+86{n}" for n in numbers)
    for number, lead in leads.items():
        assert sim.dialled[number.removeprefix("+86")] == lead.attempts, number  # every dial was an attempt
        assert recorded[lead.id] == lead.attempts, number
    assert all(lead.status == "done" for lead in leads.values())
    assert all(lead.attempts == 1 for lead in leads.values())  # the calls up across the restart were adopted
    assert stats["connected"] == 12
