"""Preview mode on the simulator: the agent is offered a lead, dials it (the pop shows the customer,
the lead, the campaign and its script) or skips it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from console.store.models import Customer
from telephony.events import AgentState
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor, leads_of
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, FrozenClock, bearer, login


async def next_frame(ws, kind: str) -> dict:
    async with asyncio.timeout(15):
        while True:
            frame = await ws.receive_json()
            if frame["kind"] == kind:
                return frame


async def test_preview_offer_dial_pop_and_skip(make_client, seeded_engine, seed) -> None:
    talk = lambda number, nth: Dialout("answer", 0.5, 2.0)  # noqa: E731
    async with campaign_floor(make_client, talk, agents=1, clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create(mode="preview", script_slug="risk-reassessment-reminder")
        await floor.import_csv(campaign, f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\n13933334444,\n")
        token = await login(floor.client, "agent1")  # extension 1001, the simulator's only agent
        ws = await floor.client.ws_connect("/ws", headers=bearer(token))
        await floor.move(campaign, "start")
        offer = await next_frame(ws, "preview")
        assert offer["campaign"]["id"] == campaign and offer["script"] == "risk-reassessment-reminder"
        lead = offer["lead"]
        assert (lead["customer_id"], lead["number"], lead["source"]) == (seed.known, "138****8000", "csv")
        with seeded_engine.connect() as conn:
            name = conn.execute(select(Customer.name).where(Customer.id == seed.known)).scalar()
        assert offer["customer"] == {"id": seed.known, "name": name}  # an unverified caller's view: the name shows
        other = await floor.client.post(f"/api/campaigns/{campaign}/leads/{lead['id']}/dial",
                                        headers=bearer(await login(floor.client, "agent2")))
        assert other.status == 409  # offered to agent1, not to agent2
        resp = await floor.client.post(f"/api/campaigns/{campaign}/leads/{lead['id']}/dial", headers=bearer(token))
        assert resp.status == 202, await resp.text()
        pop = await next_frame(ws, "pop")
        # The call ends; the agent owes its wrap-up and is held out of the queue (no next lead)
        # until they send it, as the console does.
        await next_frame(ws, "ended")
        # Even while the member shows free (the hold's pause not landed yet), no lead is offered
        # over the open wrap-up.
        await floor.dialer.observe(AgentState(t=0.0, agent="1001", queue="retail", state="available"))
        assert floor.dialer.owes_wrapup("1001") and "1001" not in floor.dialer.free_agents("retail")
        await floor.dialer.tick()
        assert floor.dialer.offered_to("1001") is None
        resp = await floor.client.post(f"/api/interactions/{pop['call']}/wrapup", json={"disposition": "resolved"},
                                       headers=bearer(token))
        assert resp.status == 202, await resp.text()
        second = await next_frame(ws, "preview")
        assert (pop["match"], pop["customer"]["id"]) == ("known", seed.known)
        assert pop["lead"]["id"] == lead["id"] and pop["campaign"]["id"] == campaign
        assert pop["script"] == "risk-reassessment-reminder"
        assert second["lead"]["id"] != lead["id"] and second["lead"]["customer_id"] is None
        assert second["customer"] is None
        resp = await floor.client.post(f"/api/campaigns/{campaign}/leads/{second['lead']['id']}/skip",
                                       headers=bearer(token))
        assert resp.status == 200
        async with asyncio.timeout(15):
            while (await floor.stats(campaign))["leads"].get("done") != 1:
                await asyncio.sleep(0.05)
        await ws.close()
    leads = leads_of(seeded_engine, campaign)
    assert (leads[f"+86{KNOWN_NUMBER}"].status, leads[f"+86{KNOWN_NUMBER}"].attempts) == ("done", 1)
    skipped = leads["+8613933334444"]
    assert (skipped.status, skipped.attempts, skipped.last_result) == ("pending", 0, "skipped")
    assert floor.dialled == {KNOWN_NUMBER: 1}
