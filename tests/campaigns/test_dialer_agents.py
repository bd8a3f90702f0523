"""A campaign's own agents: only they are paced for, offered leads and reached, and the dialer makes
them members of the campaign queue while it runs (QueueAdd), removing exactly those it added
(QueueRemove) when it pauses; a member it did not add stays. On the PBX simulator over real TCP."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select

from console.crm.campaigns import plan_members
from console.store.models import Campaign, Interaction
from telephony.simulator import members
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor, start_simulator
from tests.campaigns.test_dialer_preview import next_frame
from tests.server.conftest import FrozenClock, bearer, login

TALK = Dialout("answer", 0.5, 3.0)


def outbound_members(sim) -> set[str]:
    return set(sim.pbx.queues["outbound"].members)


async def until(predicate, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_a_campaign_dials_for_its_agents_only_and_removes_the_members_it_added(make_client, seeded_engine,
                                                                                     caplog) -> None:
    caplog.set_level(logging.INFO, "console.server.dialer_members")
    sim = await start_simulator(agents=5, speed=10.0, extra_queues=("outbound",))
    members.add(sim.pbx, "outbound", "PJSIP/1005", "刘洋")  # a member the dialer did not add (static, say)
    changes: list[tuple[str, str]] = []  # (event, interface) of queue outbound, as the PBX sent them
    sim.pbx.subscribers.append(lambda fields: changes.append((dict(fields)["Event"], dict(fields)["Interface"]))
                               if dict(fields).get("Event") in ("QueueMemberAdded", "QueueMemberRemoved")
                               and dict(fields).get("Queue") == "outbound" else None)
    try:
        async with campaign_floor(make_client, lambda n, k: TALK, sim=sim, clock=FrozenClock(MONDAY_10)) as floor:
            # 1999 has no phone: Asterisk adds it all the same, as an invalid device (never available).
            campaign = await floor.create(queue="outbound", agents=["1001", "1002", "1005", "1999"])
            await floor.import_csv(campaign, "number\n" + "\n".join(f"1395555{i:04d}" for i in range(12)) + "\n")
            assert outbound_members(sim) == {"PJSIP/1005"}  # nothing added before the start
            await floor.move(campaign, "start")
            stats = await floor.until_done(campaign, timeout=120)
            assert stats["connected"] == 12
            assert outbound_members(sim) == {"PJSIP/1001", "PJSIP/1002", "PJSIP/1005", "PJSIP/1999"}
            assert floor.dialer.members.added() == {("outbound", "1001"): campaign, ("outbound", "1002"): campaign,
                                                    ("outbound", "1999"): campaign}
            # Paced on its three agents only (retail's five others were free all along).
            rounds = [r for r in floor.dialer.decisions if r[0] == campaign]
            assert rounds and max(free for _, free, _, _ in rounds) <= 3
            assert max(in_flight + dial for _, _, in_flight, dial in rounds) <= 3
            with seeded_engine.connect() as conn:
                assert conn.execute(select(Campaign.members_added).where(Campaign.id == campaign)).scalar() \
                    == ["1001", "1002", "1999"]

            await floor.move(campaign, "pause")
            await until(lambda: outbound_members(sim) == {"PJSIP/1005"})
            await until(lambda: not floor.dialer.members.added())
            with seeded_engine.connect() as conn:
                agents = set(conn.execute(select(Interaction.agent_ext)
                                          .where(Interaction.campaign_id == campaign)).scalars())
                assert conn.execute(select(Campaign.members_added).where(Campaign.id == campaign)).scalar() == []
    finally:
        await sim.close()
    assert agents <= {"1001", "1002", "1005"} and len(agents) >= 2
    # 1999 shows as logged out (invalid device): added again once, refused, not every round.
    assert sum("QueueAdd of 1999" in r.getMessage() for r in caplog.records) <= 1
    assert changes == [("QueueMemberAdded", "PJSIP/1001"), ("QueueMemberAdded", "PJSIP/1002"),
                       ("QueueMemberAdded", "PJSIP/1999"), ("QueueMemberRemoved", "PJSIP/1001"),
                       ("QueueMemberRemoved", "PJSIP/1002"), ("QueueMemberRemoved", "PJSIP/1999")]


async def test_preview_offers_go_to_the_listed_agents_only(make_client, seeded_engine) -> None:
    async with campaign_floor(make_client, lambda n, k: TALK, agents=2, clock=FrozenClock(MONDAY_10)) as floor:
        campaign = await floor.create(mode="preview", agents=["1002"])
        await floor.import_csv(campaign, "number\n13966660001\n13966660002\n")
        ws1 = await floor.client.ws_connect("/ws", headers=bearer(await login(floor.client, 'agent1')))
        token2 = await login(floor.client, "agent2")
        ws2 = await floor.client.ws_connect("/ws", headers=bearer(token2))
        await floor.move(campaign, "start")
        offer = await next_frame(ws2, "preview")
        await floor.dialer.tick()
        assert floor.dialer.offered_to("1001") is None and floor.dialer.offered_to("1002") == offer["lead"]["id"]
        refused = await floor.client.post(f"/api/campaigns/{campaign}/leads/{offer['lead']['id']}/dial",
                                          headers=bearer(await login(floor.client, "agent1")))
        assert refused.status == 409
        await ws1.close()
        await ws2.close()
        assert floor.dialer.members.added() == {}  # 1002 was a member of retail already


def test_plan_members_adds_hands_over_and_removes_only_its_own() -> None:
    members_now = {("q", "1001"), ("q", "1009")}
    plan = plan_members([(1, "q", ["1001", "1002"]), (2, "q", ["1002", "1003"])], {}, members_now)
    assert plan.add == [(1, "q", "1002"), (2, "q", "1003")] and plan.remove == plan.hand_over == []
    owned = {("q", "1002"): 1, ("q", "1003"): 2}
    # Campaign 1 paused: 1002 is still wanted by 2 (handed over, not removed and added again).
    plan = plan_members([(2, "q", ["1002", "1003"])], owned, members_now | set(owned))
    assert plan.hand_over == [(1, 2, "q", "1002")] and plan.add == plan.remove == []
    # Both stopped: only the two it added go; 1001 and 1009 were members before.
    plan = plan_members([], owned, members_now | set(owned))
    assert plan.remove == [(1, "q", "1002"), (2, "q", "1003")] and plan.add == []
    # 1003 was removed behind the dialer's back while campaign 2 runs: added again, still its own.
    plan = plan_members([(2, "q", ["1002", "1003"])], owned, members_now | {("q", "1002")})
    assert plan.readd == [(2, "q", "1003")] and plan.add == plan.remove == []


async def test_agents_in_the_api(client, supervisor_token) -> None:
    headers = bearer(supervisor_token)
    resp = await client.post("/api/campaigns", json={"name": "甲", "queue": "outbound", "agents": ["1001"]},
                             headers=headers)
    assert resp.status == 201 and (await resp.json())["agents"] == ["1001"]
    campaign = (await resp.json())["id"]
    resp = await client.patch(f"/api/campaigns/{campaign}", json={"agents": ["1001", "1002"]}, headers=headers)
    assert resp.status == 200 and (await resp.json())["agents"] == ["1001", "1002"]
    resp = await client.patch(f"/api/campaigns/{campaign}", json={"agents": ["1001", "x"]}, headers=headers)
    assert resp.status == 400 and "'x'" in await resp.text()
    resp = await client.patch(f"/api/campaigns/{campaign}", json={"agents": [str(2000 + i) for i in range(201)]},
                              headers=headers)
    assert resp.status == 400 and "200" in await resp.text()
    listed = (await (await client.get("/api/campaigns", headers=headers)).json())["campaigns"]
    assert [(c["agents"], c["members_added"]) for c in listed if c["id"] == campaign] == [(["1001", "1002"], [])]


async def test_after_a_restart_the_members_it_added_are_still_removed(make_client, seeded_engine, tmp_path) -> None:
    sim = await start_simulator(agents=3, speed=10.0, extra_queues=("outbound",))
    clock, outbox = FrozenClock(MONDAY_10), tmp_path / "outbox.sqlite3"
    try:
        async with campaign_floor(make_client, lambda n, k: TALK, agents=3, sim=sim, clock=clock,
                                  outbox_path=outbox) as first:
            campaign = await first.create(queue="outbound", agents=["1001", "1002"])
            await first.move(campaign, "start")
            await until(lambda: outbound_members(sim) == {"PJSIP/1001", "PJSIP/1002"})
            await first.client.close()  # the server stops; the PBX keeps the members
        async with campaign_floor(make_client, lambda n, k: TALK, agents=3, sim=sim, clock=clock,
                                  outbox_path=outbox) as second:
            await second.dialer.ready.wait()
            await second.dialer.tick()  # start-up: they are members already, and known as its own
            assert second.dialer.members.added() == {("outbound", "1001"): campaign, ("outbound", "1002"): campaign}
            members.remove(sim.pbx, "outbound", "PJSIP/1002")  # someone removed it meanwhile
            await until(lambda: ("outbound", "1002") not in second.dialer.members.present())
            await second.dialer.tick()  # the campaign still runs: it is added again, still its own
            await until(lambda: outbound_members(sim) == {"PJSIP/1001", "PJSIP/1002"})
            assert second.dialer.members.added() == {("outbound", "1001"): campaign, ("outbound", "1002"): campaign}
            await second.move(campaign, "stop")
            await until(lambda: outbound_members(sim) == set())
    finally:
        await sim.close()
