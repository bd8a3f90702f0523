"""Transfers on the real Asterisk: blind, to a queue and attended (both AttendedTransfer header
variants), and the agent who took the call over can act on it (issue 13, items 3 and 4)."""

from __future__ import annotations

import asyncio

from console.server import keys
from tests.live.floor import Console, LiveFloor, answered_call
from tests.live.sipp import SippLab


async def _two_agents(floor: LiveFloor, sipp: SippLab) -> tuple[Console, Console]:
    await floor.start()
    first, second = await floor.console("agent1001"), await floor.console("agent1002")
    await sipp.phone("1001", ring_ms=1000)
    await sipp.phone("1002", ring_ms=1500)
    await floor.log_in_queue("1001")
    return first, second


async def _target_takes_over(floor: LiveFloor, first: Console, second: Console, call: str, kind: str,
                             target_channel: str) -> None:
    """After the transfer: the target's card is intact, the target can hang up (as the agent),
    the board shows the call on the target, and the store has both parts."""
    await second.wait("answered", call=call, agent="1002")
    await first.wait("ended", call=call, agent="1001")
    registry = floor.app[keys.CALLS].get(call)
    assert registry is not None and not registry.ended and registry.talking("1002").channel == target_channel
    board = await floor.call_api("sup1", "GET", "/api/supervisor/agents")
    assert [c["call"] for c in next(a for a in board["agents"] if a["agent"] == "1002")["calls"]] == [call]
    # The first agent's ended never reaches the target's console (it cleared its card).
    assert all(f["event"]["agent"] != "1001" for f in second.of("ended", call=call))
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup", expect=(403, 404))
    await asyncio.sleep(2)  # the target talks to the customer
    await floor.call_api("agent1002", "POST", f"/api/calls/{call}/hangup")
    ended = await second.wait("ended", call=call, agent="1002")
    assert ended["event"]["hangup_by"] == "agent" and ended["event"]["talk_s"] > 1
    rows = await floor.recorded(call, count=2)
    first_part, second_part = rows
    assert (first_part.queue, first_part.agent_ext, first_part.outcome) == ("retail", "1001", "answered")
    assert (second_part.queue, second_part.agent_ext, second_part.outcome) == ("", "1002", "answered")
    assert second_part.caller_number == first_part.caller_number  # the customer stays the caller
    assert second_part.customer_id == first_part.customer_id == floor.ids["known"]
    moved = second.of("transferred", call=call)[0]["event"]
    assert (moved["kind"], moved["from_agent"], moved["to"]) == (kind, "1001", "1002")


async def test_blind_transfer_to_an_agent(floor: LiveFloor, sipp: SippLab) -> None:
    first, second = await _two_agents(floor, sipp)
    await floor.console("sup1")
    call, _caller = await answered_call(floor, sipp, first)
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/transfer", {"to": "1002", "kind": "blind"})
    blind = await floor.observer.wait("BlindTransfer")
    assert blind["Extension"] == "1002" and blind["Result"] == "Success"
    pop = await second.wait("pop", call=call)
    assert pop["customer"]["name"] == "赵敏"  # the customer's card, not the first agent's
    await second.wait("answered", call=call)
    target = floor.app[keys.CALLS].get(call).talking("1002").channel
    await _target_takes_over(floor, first, second, call, "blind", target)


async def test_transfer_to_a_queue(floor: LiveFloor, sipp: SippLab) -> None:
    first, second = await _two_agents(floor, sipp)
    await floor.log_in_queue("1002", "vip")
    call, _caller = await answered_call(floor, sipp, first)
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/transfer", {"to": "queue:vip", "kind": "blind"})
    join = await floor.observer.wait("QueueCallerJoin", Queue="vip", Linkedid=call)
    assert join["CallerIDNum"] == "13800138000"
    pop = await second.wait("pop", call=call)
    assert pop["ringing"]["queue"] == "vip"
    await second.wait("answered", call=call)
    await first.wait("ended", call=call, agent="1001")
    await floor.call_api("agent1002", "POST", f"/api/calls/{call}/hangup")
    await second.wait("ended", call=call, agent="1002")
    rows = await floor.recorded(call, count=2)
    assert [(r.queue, r.agent_ext, r.outcome) for r in rows] == [("retail", "1001", "answered"),
                                                                  ("vip", "1002", "answered")]


async def test_attended_transfer_reaches_its_target_whichever_headers_come(floor: LiveFloor, sipp: SippLab) -> None:
    """Asterisk 22 leaves TransferTarget* out some of the time (about one in two on a busy machine,
    fewer on a quiet one: one session met only one variant in 8 runs): run it until both variants
    have been met, at most 20 runs, and check every run."""
    first, second = await _two_agents(floor, sipp)
    await floor.console("sup1")
    variants: set[bool] = set()
    for run in range(20):
        call, _caller = await answered_call(floor, sipp, first)
        await floor.call_api("agent1001", "POST", f"/api/calls/{call}/transfer", {"to": "1002", "kind": "attended"})
        consult = await second.wait("pop", call=call)  # the consult rings 1002 with the customer's card
        assert consult["customer"]["name"] == "赵敏"
        leg = consult["ringing"]["agent_channel"]
        await floor.wait_until(
            lambda: any(c.startswith("PJSIP/1002") for c in floor.lab.channels())
            and floor.observer.events("DialEnd", DialStatus="ANSWER", DestChannel=leg),  # noqa: B023 - awaited here
            "1002 to answer the consult")
        await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup")  # completes the transfer
        transfer = await floor.observer.wait("AttendedTransfer", OrigTransfererLinkedid=call)
        variants.add("TransferTargetChannel" in transfer)
        await _target_takes_over(floor, first, second, call, "attended", consult["ringing"]["agent_channel"])
        for agent in ("agent1001", "agent1002"):
            await floor.call_api(agent, "POST", f"/api/interactions/{call}/wrapup", {"disposition": "transferred"})
        await floor.wait_until(lambda: not floor.lab.channels(), "the call to be over")
        await floor.wait_until(lambda: floor.state_of("1001", "retail") == "available", "1001 free again")
        if len(variants) == 2 and run >= 2:
            break
    assert variants == {True, False}, f"met only {variants} in {run + 1} runs"
    await asyncio.sleep(0)
