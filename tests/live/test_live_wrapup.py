"""Wrap-up on the real Asterisk: the queue's wrap-up ends by the clock on a silent PBX, and the
agent is held out of the queues until the disposition is in (issue 13, items 1 and 11)."""

from __future__ import annotations

import asyncio

from tests.live.floor import OTHER_ACCOUNT, OTHER_NUMBER, LiveFloor, answered_call, live_settings
from tests.live.sipp import SippLab


async def test_the_queues_wrap_up_ends_by_the_clock_with_no_traffic(floor: LiveFloor, sipp: SippLab) -> None:
    """No hold (hold_max_s 0): the queue's 3 s wrapuptime; Asterisk sends nothing after it."""
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 0}))
    agent = await floor.agent_at_phone(sipp, "1001")
    sup = await floor.console("sup1")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=3000)
    await agent.wait("ended", call=call)
    wrap = await agent.wait("agent_state", state="wrap_up", queue="retail")
    available = await agent.wait("agent_state", state="available", queue="retail",
                                 after=agent.frames.index(wrap), timeout=10)
    assert 2.9 <= available["event"]["t"] - wrap["event"]["t"] <= 3.5  # retail's wrapuptime
    # Nothing Asterisk sent moved it: its last event came well before the wrap-up ended.
    stamps = [float(m["Timestamp"]) for _, m in floor.observer.client.received if "Timestamp" in m]
    assert max(stamps) < available["event"]["t"] - 1.0
    await sup.wait("agent_state", agent="1001", state="available", queue="retail")
    agents = await floor.call_api("sup1", "GET", "/api/supervisor/agents")
    board = next(a for a in agents["agents"] if a["agent"] == "1001")
    assert board["state"]["state"] == "available"


async def test_the_agent_is_held_out_of_the_queues_until_the_disposition(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 60}))
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=2000)
    await agent.wait("ended", call=call)
    await agent.wait("agent_state", state="wrap_up", reason="after_call", queue="retail")
    await floor.wait_until(lambda: "paused:after_call" in floor.lab.members("retail")["PJSIP/1001"],
                           "Asterisk to show 1001 paused for after-call work")
    # The next caller waits: the PBX does not ring the agent over the open wrap-up.
    mark = len(agent.frames)
    await sipp.caller(OTHER_NUMBER, keys=OTHER_ACCOUNT + "#")
    await floor.wait_until(lambda: floor.lab.waiting("retail") == 1, "the second caller to wait")
    await asyncio.sleep(4)  # retail's own 3 s wrapuptime is long over
    assert agent.of("pop")[-1]["call"] == call and floor.lab.waiting("retail") == 1
    assert floor.state_of("1001", "retail") == "wrap_up"
    await floor.call_api("agent1001", "POST", f"/api/interactions/{call}/wrapup",
                         {"disposition": "resolved", "notes": "已解答"})
    # Released: the waiting caller rings 1001 now.
    pop = await agent.wait("pop", after=mark, timeout=15)
    assert pop["call"] != call and pop["ringing"]["caller"] == OTHER_NUMBER
    [row] = await floor.recorded(call)
    assert (row.disposition, row.notes) == ("resolved", "已解答")
    assert 4 <= row.acw_s <= 20  # from the hang-up to the disposition (about 6 s), on the PBX's clock


async def test_a_hold_runs_out_after_its_maximum(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 5}))
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=2000)
    await agent.wait("ended", call=call)
    held = await agent.wait("agent_state", state="wrap_up", reason="after_call", queue="retail")
    free = await agent.wait("agent_state", state="available", queue="retail", after=agent.frames.index(held),
                            timeout=15)
    assert 4 <= free["event"]["t"] - held["event"]["t"] <= 7
    assert "paused" not in floor.lab.members("retail")["PJSIP/1001"]
    await floor.wait_until(lambda: floor.interactions() and floor.interactions()[0].acw_s == 5.0,
                           "the maximum recorded as the call's after-call work")
    # The disposition sent late still lands; it does not change the after-call work.
    await floor.call_api("agent1001", "POST", f"/api/interactions/{call}/wrapup", {"disposition": "info_given"})
    await floor.wait_until(lambda: floor.interactions()[0].disposition == "info_given", "the late disposition")
    assert floor.interactions()[0].acw_s == 5.0


async def test_an_agent_who_pauses_during_the_hold_stays_paused(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 60}))
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=2000)
    await agent.wait("agent_state", state="wrap_up", reason="after_call", queue="retail")
    await floor.call_api("agent1001", "POST", "/api/agent/pause", {"paused": True, "reason": "lunch"})
    await agent.wait("agent_state", state="paused", reason="lunch", queue="retail")
    await floor.call_api("agent1001", "POST", f"/api/interactions/{call}/wrapup", {"disposition": "resolved"})
    await asyncio.sleep(1.5)
    assert "paused:lunch" in floor.lab.members("retail")["PJSIP/1001"]
    assert floor.state_of("1001", "retail") == "paused"


async def test_a_server_that_stops_lets_the_agents_it_holds_take_calls(floor: LiveFloor, sipp: SippLab) -> None:
    """Seen on the real Asterisk: a server stopped while it held an agent for a disposition left
    the agent paused in Asterisk with no one to end it, and the next caller abandoned. A stop
    releases its holds while the AMI link is still up."""
    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 600}))
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=2000)
    await agent.wait("ended", call=call)
    await floor.wait_until(lambda: "paused:after_call" in floor.lab.members("retail")["PJSIP/1001"],
                           "Asterisk to show 1001 paused for after-call work")
    await floor.stop()
    assert "paused" not in floor.lab.members("retail")["PJSIP/1001"]


async def test_a_hold_no_server_ends_is_released_by_the_link_holder(floor: LiveFloor, sipp: SippLab) -> None:
    """A server killed while it held an agent leaves the pause in Asterisk: the server holding the
    PBX's link releases a disposition pause twice as old as the longest hold (minutely)."""
    from console.server import keys

    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 1}))
    await floor.agent_at_phone(sipp, "1001")
    # What a killed server leaves behind: the member paused for after-call work, no hold here.
    await floor.bridge.queue_pause("PJSIP/1001", True, "after_call", queue="retail")
    await floor.wait_until(lambda: floor.state_of("1001", "retail") == "wrap_up", "1001 in wrap-up for nobody")
    after_call = floor.app[keys.AFTER_CALL]
    assert await after_call.sweep() == 0  # not stale yet
    await asyncio.sleep(2.2)
    assert await after_call.sweep() == 1
    await floor.wait_until(lambda: "paused" not in floor.lab.members("retail")["PJSIP/1001"], "1001 released")
    await floor.wait_until(lambda: floor.state_of("1001", "retail") == "available", "1001 available")
