"""Outbound calls on the real Asterisk: click-to-call with each customer outcome, and progressive
and predictive campaigns against the lab's customers (137… busy, 136… never answer, 135… 480,
others answer after 2 s and talk 8 s) — issue 13, items 5 and 6."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select

from console.server import keys
from console.store.models import Interaction, Lead
from telephony.events import QueueStats
from tests.live.floor import Console, LiveFloor, live_settings
from tests.live.sipp import SippLab

OPEN_ALL_DAY = {"weekdays": [1, 2, 3, 4, 5, 6, 7], "window_start": "00:00", "window_end": "23:59", "holidays": []}


async def _click_to_call(floor: LiveFloor, console: Console, number: str) -> tuple[dict[str, Any], Any]:
    mark = len(console.frames)
    reply = await floor.call_api(console.username, "POST", "/api/calls/originate", {"number": number})
    result = await console.wait("originate_result", after=mark, timeout=45, action_id=reply["action_id"])
    call = result["event"]["call"]
    [row] = await floor.recorded(call)
    return result["event"], row


async def test_click_to_call_says_and_records_what_happened_to_the_customer(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 0}))
    agent = await floor.console("agent1001")
    slow = await floor.console("agent1002")
    await sipp.phone("1001", ring_ms=500)
    await sipp.phone("1002", ring_ms=500)
    await sipp.customers()
    # The never-answering customer takes the outbound context's 30 s Dial timeout: on 1002 meanwhile.
    never = asyncio.create_task(_click_to_call(floor, slow, "13600136002"))
    result, row = await _click_to_call(floor, agent, "13900139002")
    assert (result["outcome"], result["number"]) == ("answered", "13900139002")
    assert (row.direction, row.agent_ext, row.outcome, row.caller_number) == (
        "outbound", "1001", "answered", "13900139002")
    assert 6 <= row.talk_s <= 10 and row.hangup_by == "caller"  # the customer hangs up after 8 s
    response = floor.observer.events("OriginateResponse", Exten="13900139002")[0]
    assert response["Reason"] == "4"
    result, row = await _click_to_call(floor, agent, "13700137002")
    # Asterisk said the Originate succeeded (the agent's phone answered): the customer was busy.
    assert floor.observer.events("OriginateResponse", Exten="13700137002")[0]["Reason"] == "4"
    assert (result["outcome"], row.outcome, row.agent_ext, row.direction) == ("busy", "busy", "1001", "outbound")
    result, row = await _click_to_call(floor, agent, "13500135002")
    assert (result["outcome"], row.outcome, row.cause) == ("no_answer", "no_answer", 19)  # 480
    result, row = await never
    assert (result["outcome"], row.outcome, row.agent_ext) == ("no_answer", "no_answer", "1002")
    assert row.wait_s >= 29


async def _campaign(floor: LiveFloor, mode: str, numbers: list[str], agents: list[str]) -> int:
    created = await floor.call_api("sup1", "POST", "/api/campaigns", {
        "name": f"回访-{mode}", "kind": "callback", "mode": mode, "queue": "retail", "agents": agents,
        "window_start": "00:00", "window_end": "23:59", "max_attempts": 1, "caller_id": "95555",
        "retry_busy_min": 0, "retry_noanswer_min": 0, "retry_failed_min": 0}, expect=201)
    campaign = created["id"]
    assert floor.client is not None
    token = await floor.login("sup1")
    body = ("number\n" + "\n".join(numbers)).encode()
    resp = await floor.client.post(f"/api/campaigns/{campaign}/leads/import", data=body,
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["added"] == len(numbers)
    await floor.call_api("sup1", "POST", f"/api/campaigns/{campaign}/start")
    return campaign


def _leads(floor: LiveFloor, campaign: int) -> dict[str, Any]:
    with floor.engine.connect() as conn:
        leads = Lead.__table__
        return {r.number: r for r in conn.execute(select(leads).where(leads.c.campaign_id == campaign))}


def _attempts(floor: LiveFloor, campaign: int) -> list[Any]:
    with floor.engine.connect() as conn:
        return list(conn.execute(select(Interaction.__table__).where(Interaction.__table__.c.campaign_id == campaign)))


def _leads_text(floor: LiveFloor, campaign: int) -> str:
    with floor.engine.connect() as conn:
        rows = conn.execute(select(Lead.__table__).where(Lead.__table__.c.campaign_id == campaign))
        return "\n".join(f"lead {r.id} {r.number} {r.status} attempts={r.attempts} last={r.last_result} "
                         f"result={r.result}" for r in rows)


async def _until_done(floor: LiveFloor, campaign: int, timeout: float) -> dict[str, Any]:
    async def done() -> dict[str, Any]:
        while True:
            stats = await floor.call_api("sup1", "GET", f"/api/campaigns/{campaign}/stats")
            if stats["leads_left"] == 0:
                return stats
            await asyncio.sleep(0.5)

    return await asyncio.wait_for(done(), timeout)


async def test_a_progressive_campaign_against_every_kind_of_customer(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start(live_settings(floor.lab, dialer=OPEN_ALL_DAY, wrapup={"hold_max_s": 0}))
    agent = await floor.console("agent1001")
    await sipp.phone("1001", ring_ms=1000)
    await sipp.customers()
    numbers = ["13900139010", "13700137010", "13500135010", "13600136010"]
    campaign = await _campaign(floor, "progressive", numbers, ["1001"])
    await floor.wait_until(lambda: "PJSIP/1001" in floor.lab.members("retail"), "the dialer to make 1001 a member")
    pop = await agent.wait("pop", timeout=30)
    # The campaign call's pop: the customer's number (not the center's 95555), with the lead;
    # masked, as every number calldesk took from the store (issue 17: console/server/frame_masking.py).
    assert pop["ringing"]["caller"] == "139****9010" and pop["number"].endswith("139****9010")
    assert pop["campaign"]["id"] == campaign and pop["lead"]["number"].startswith("139")
    stats = await _until_done(floor, campaign, timeout=90)
    leads = {n.removeprefix("+86"): lead for n, lead in _leads(floor, campaign).items()}
    assert {n: (lead.status, lead.attempts) for n, lead in leads.items()} == {
        "13900139010": ("done", 1), "13700137010": ("failed", 1), "13500135010": ("failed", 1),
        "13600136010": ("failed", 1)}
    outcomes = {r.caller_number.removeprefix("+86"): r.outcome for r in _attempts(floor, campaign)}
    assert outcomes == {"13900139010": "answered", "13700137010": "busy", "13500135010": "no_answer",
                        "13600136010": "no_answer"}
    assert stats["attempts"] == 4 and stats["connected"] == 1
    # Asterisk: the busy customer's Hangup (cause 17) and the Originate's Reason 0.
    responses = floor.observer.events("OriginateResponse", Channel="PJSIP/13700137010@carrier")
    assert any(r["Reason"] == "0" for r in responses)
    await floor.call_api("sup1", "POST", f"/api/campaigns/{campaign}/stop")
    await floor.wait_until(lambda: "PJSIP/1001" not in floor.lab.members("retail"), "the dialer to remove 1001")


async def test_a_predictive_campaign_keeps_two_agents_busy_without_abandons(floor: LiveFloor, sipp: SippLab,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    # Seen twice in ~30 runs, under heavy load: a third customer dialled for two agents, abandoned on
    # answer. A failure prints every pacing round that dialled and every call event the dialer read.
    caplog.set_level(logging.DEBUG, logger="console.server.dialer_service")
    await floor.start(live_settings(floor.lab, dialer=OPEN_ALL_DAY, wrapup={"hold_max_s": 0}))
    read: list[str] = []

    async def follow() -> None:
        async for event in floor.app[keys.SERVICE].followed():
            if not isinstance(event, QueueStats):
                read.append(f"{event.t:.2f} {event.name} {getattr(event, 'call', '')} "
                            f"{getattr(event, 'agent', '')} {getattr(event, 'state', '')}")

    follower = asyncio.create_task(follow())
    for ext in ("1001", "1002"):
        await floor.console(f"agent{ext}")
        await sipp.phone(ext, ring_ms=500)
    await sipp.customers()
    numbers = [f"139001390{n:02d}" for n in range(20, 26)] + ["13700137020", "13500135020"]
    campaign = await _campaign(floor, "predictive", numbers, ["1001", "1002"])
    stats = await _until_done(floor, campaign, timeout=150)
    follower.cancel()
    rows = _attempts(floor, campaign)
    answered = [r for r in rows if r.outcome == "answered"]
    seen = "\n".join(f"{r.caller_number} {r.outcome} agent={r.agent_ext} wait={r.wait_s} talk={r.talk_s} "
                     f"lead={r.lead_id} linkedid={r.linkedid}" for r in rows)
    pacing = "\n".join(r.getMessage() for r in caplog.records if r.name == "console.server.dialer_service")
    story = f"{stats}\n{seen}\n{_leads_text(floor, campaign)}\n{pacing}\n" + "\n".join(read)
    assert len(answered) == 6 and {r.agent_ext for r in answered} == {"1001", "1002"}, story
    assert [r.outcome for r in rows if r.outcome != "answered"].count("abandoned") == 0, story
    assert stats["attempts"] == 8
    # Never more customers on the line than agents to take them: nobody waited for an agent long.
    assert max(r.wait_s for r in answered) < 10


async def test_a_busy_customer_is_busy_whichever_of_hangup_and_response_comes_first(floor: LiveFloor,
                                                                                     sipp: SippLab) -> None:
    """Asterisk sends the busy leg's Hangup (cause 17) before or after the OriginateResponse
    (Reason 0) from run to run: dial until both orders were met (issue 13, item 5)."""
    from telephony.events import OriginateResult

    await floor.start()
    await sipp.customers()
    results: dict[str, OriginateResult] = {}
    stream = floor.bridge.events()

    async def collect() -> None:
        async for event in stream:
            if isinstance(event, OriginateResult):
                results[event.action_id] = event

    collector = asyncio.create_task(collect())
    orders: dict[bool, str] = {}
    try:
        for n in range(30):
            mark = floor.observer.mark()
            action_id = await floor.bridge.originate(
                "PJSIP/13700137030@carrier", exten="s", context="campaign", caller_id="95555",
                variables={"CALLDESK_QUEUE": "retail", "CALLDESK_NUMBER": "13700137030"}, action_id=f"busy-{n}")
            await floor.wait_until(lambda: action_id in results, f"the result of {action_id}")  # noqa: B023 - awaited here
            await floor.wait_until(lambda: not floor.lab.channels(), "the leg to be gone")
            names = [m.get("Event") for _, m in floor.observer.client.received[mark:]]
            hangup_first = names.index("Hangup") < names.index("OriginateResponse")
            orders.setdefault(hangup_first, action_id)
            result = results[action_id]
            assert (result.outcome, result.number) == ("busy", "13700137030"), result
            linkedid = next(m["Linkedid"] for _, m in floor.observer.client.received[mark:]
                            if m.get("Event") == "Newchannel")
            assert result.call == linkedid  # the real call, not a made-up id
            if len(orders) == 2:
                break
    finally:
        collector.cancel()
    assert set(orders) == {True, False}, f"met only {orders} in {n + 1} calls"


async def test_a_seeded_demo_campaign_is_not_started_on_the_real_asterisk(floor: LiveFloor) -> None:
    """Issue 14's safe default: campaigns `calldesk seed` made dial only the PBX simulator; the
    bridge knows the real Asterisk by its CoreSettings."""
    from sqlalchemy import update

    from console.store.models import Campaign

    await floor.start(live_settings(floor.lab, dialer=OPEN_ALL_DAY))
    await floor.wait_until(lambda: floor.bridge.pbx_version is not None, "the bridge to read the PBX's version")
    assert floor.bridge.pbx_version.startswith("22.") and not floor.bridge.on_simulator
    created = await floor.call_api("sup1", "POST", "/api/campaigns", {
        "name": "演示外呼", "kind": "callback", "mode": "progressive", "queue": "retail"}, expect=201)
    with floor.engine.begin() as conn:
        conn.execute(update(Campaign.__table__).where(Campaign.__table__.c.id == created["id"]).values(demo=True))
    refused = await floor.call_api("sup1", "POST", f"/api/campaigns/{created['id']}/start", expect=409)
    assert "allow_demo_campaigns" in refused["error"]["message"]
    rows = await floor.call_api("sup1", "GET", "/api/campaigns")
    assert next(c for c in rows["campaigns"] if c["id"] == created["id"])["status"] == "draft"
