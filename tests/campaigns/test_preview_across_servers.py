"""A preview lead offered by the one dialer (server A holds its lease) to an agent whose console is
on server B: the offer reaches B's console (announced over the bus), and the agent's dial and
skip, sent to B, reach A's dialer (a request over the bus). One dialer dials: its lease is the
bus's (console/server/kv_lease.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio

import pytest

from console.server import keys
from telephony.bridge import Bridge
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor, leads_of
from tests.campaigns.test_dialer_preview import next_frame
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, FrozenClock, bearer, login, server_settings

pytestmark = [pytest.mark.bus, pytest.mark.slow]


async def test_an_agent_on_another_server_dials_and_skips_the_dialers_offer(bus, make_client, seeded_engine,
                                                                              seed, tmp_path) -> None:
    talk = lambda number, nth: Dialout("answer", 0.5, 2.0)  # noqa: E731
    settings = server_settings(bus=bus)
    clock = FrozenClock(MONDAY_10)
    async with campaign_floor(make_client, talk, agents=1, clock=clock, settings=settings) as floor:
        bridge_b = Bridge("main", "127.0.0.1", floor.sim.port, "calldesk", "calldesk")
        b = await make_client(settings=settings, bridges={"main": bridge_b}, clock=clock,
                              outbox_path=tmp_path / "outbox-b.sqlite3")
        async with asyncio.timeout(15):
            while not bridge_b.connected:
                await asyncio.sleep(0.05)
        campaign = await floor.create(mode="preview")
        await floor.import_csv(campaign, f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\n13933334444,\n")
        token = await login(b, "agent1")  # on server B
        ws = await b.ws_connect("/ws", headers=bearer(token))
        await floor.move(campaign, "start")
        offer = await next_frame(ws, "preview")  # made by A's dialer, announced to B's hub
        assert floor.dialer.offered_to("1001") == offer["lead"]["id"]
        assert b.app[keys.DIALER].offered_to("1001") is None  # B's dialer does not dial
        resp = await b.post(f"/api/campaigns/{campaign}/leads/{offer['lead']['id']}/dial", headers=bearer(token))
        assert resp.status == 202, await resp.text()
        pop = await next_frame(ws, "pop")
        assert pop["lead"]["id"] == offer["lead"]["id"]
        await next_frame(ws, "ended")
        resp = await b.post(f"/api/interactions/{pop['call']}/wrapup", json={"disposition": "resolved"},
                            headers=bearer(token))
        assert resp.status == 202, await resp.text()
        second = await next_frame(ws, "preview")
        resp = await b.post(f"/api/campaigns/{campaign}/leads/{second['lead']['id']}/skip", headers=bearer(token))
        assert resp.status == 200, await resp.text()
        resp = await b.post(f"/api/campaigns/{campaign}/leads/{offer['lead']['id']}/dial", headers=bearer(token))
        assert resp.status == 409  # done: offered on no server
        await ws.close()
    leads = leads_of(seeded_engine, campaign)
    assert (leads[f"+86{KNOWN_NUMBER}"].status, leads["+8613933334444"].last_result) == ("done", "skipped")
    assert floor.dialled == {KNOWN_NUMBER: 1}
