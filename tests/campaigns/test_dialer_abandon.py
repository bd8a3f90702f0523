"""Abandon on answer on the PBX simulator over TCP: a customer who answers while no agent is free
is redirected after ``abandon_after_s`` to the apology context (app_queue reports an abandon, the
dialplan hangs up), the attempt is recorded abandoned and the lead retried like a failed call.
With no abandon context the customer waits in the queue for an agent, as before."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from console.config import Settings
from console.server.dialer_abandon import waiting_channel
from console.store.models import Interaction
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor, leads_of
from tests.server.conftest import FrozenClock

LATE = Dialout("answer", 5.0, 3.0)  # answers 5 s after the dial: time to take the only agent away


def pbx_log(sim, names: set[str]) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    sim.pbx.subscribers.append(lambda fields: seen.append(dict(fields)) if dict(fields).get("Event") in names else None)
    return seen


async def the_agent_pauses_once_dialled(floor) -> None:
    async with asyncio.timeout(15):
        while not floor.dialer.dialled:
            await asyncio.sleep(0.01)
    await floor.bridge.queue_pause("PJSIP/1001", True, "午休")  # before the customer answers


async def test_a_customer_with_no_agent_is_redirected_and_the_lead_retried(make_client, seeded_engine) -> None:
    async with campaign_floor(make_client, lambda n, k: LATE, agents=1, speed=10.0,
                              clock=FrozenClock(MONDAY_10)) as floor:
        seen = pbx_log(floor.sim, {"QueueCallerAbandon", "QueueCallerLeave", "SoftHangupRequest", "HangupRequest"})
        campaign = await floor.create(max_attempts=3)
        await floor.import_csv(campaign, "number\n13977770001\n")
        await floor.move(campaign, "start")
        await the_agent_pauses_once_dialled(floor)
        async with asyncio.timeout(30):  # abandoned, recorded, back to pending for a retry
            while (lead := (await asyncio.to_thread(leads_of, seeded_engine, campaign))["+8613977770001"]) \
                    .status != "pending" or lead.last_result is None:
                await asyncio.sleep(0.05)
        assert (lead.attempts, lead.last_result) == (1, "failed")
        first = await floor.stats(campaign)
        assert (first["attempts"], first["contacts"], first["abandoned"], first["connected"]) == (1, 1, 1, 0)
        assert floor.dialer.window(campaign).abandoned == 1  # the pacer's window counts it too
        # app_queue's abandon, with no HangupRequest: the PBX (the apology's Hangup) ended the call.
        assert [e["Event"] for e in seen] == ["QueueCallerAbandon", "QueueCallerLeave", "SoftHangupRequest"]
        assert float(seen[0]["HoldTime"]) >= 2
        await floor.bridge.queue_pause("PJSIP/1001", False)  # back: the retry reaches the agent
        stats = await floor.until_done(campaign)
    assert (stats["attempts"], stats["abandoned"], stats["connected"]) == (2, 1, 1)
    assert floor.dialled == {"13977770001": 2}
    with seeded_engine.connect() as conn:
        outcomes = conn.execute(select(Interaction.outcome).where(Interaction.campaign_id == campaign)
                                .order_by(Interaction.id)).scalars().all()
    assert outcomes == ["abandoned", "answered"]


@pytest.mark.parametrize(("abandon_after_s", "abandoned"), [(1.0, 1), (30.0, 0)])
async def test_with_no_abandon_context_the_customer_waits_for_an_agent(make_client, seeded_engine,
                                                                         abandon_after_s, abandoned) -> None:
    settings = Settings(dialer={"abandon_context": "", "abandon_after_s": abandon_after_s})
    async with campaign_floor(make_client, lambda n, k: LATE, agents=1, speed=10.0, settings=settings,
                              clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create()
        await floor.import_csv(campaign, "number\n13977770002\n")
        await floor.move(campaign, "start")
        await the_agent_pauses_once_dialled(floor)
        async with asyncio.timeout(15):  # the customer is in the queue, waiting
            while not floor.sim.pbx.queues["retail"].entries:
                await asyncio.sleep(0.02)
        clock, joined = floor.sim.clock, floor.sim.pbx.queues["retail"].entries[0].joined_at
        async with asyncio.timeout(15):  # well past abandon_after_s: still waiting, not redirected
            while clock.live_unix() < clock.epoch + joined + 4:
                await asyncio.sleep(0.02)
            await floor.dialer.tick()
        assert floor.sim.pbx.queues["retail"].entries
        await floor.bridge.queue_pause("PJSIP/1001", False)
        stats = await floor.until_done(campaign)
    # Connected after a 4 s wait: an abandon by a 1 s threshold, not by a 30 s one (the
    # statistics go by the configured abandon_after_s, as the dialer does).
    assert (stats["attempts"], stats["connected"], stats["abandoned"]) == (1, 1, abandoned)


def test_the_waiting_channel_is_the_calls_channel_in_queue() -> None:
    channels = [{"Channel": "PJSIP/carrier-00000001", "Linkedid": "1.1", "Application": "Queue"},
                {"Channel": "PJSIP/1001-00000002", "Linkedid": "1.1", "Application": "AppDial"},
                {"Channel": "PJSIP/carrier-00000003", "Linkedid": "1.3", "Application": "Queue"}]
    assert waiting_channel(channels, "1.3") == "PJSIP/carrier-00000003"
    assert waiting_channel(channels[1:2], "1.1") is None
