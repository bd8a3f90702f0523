"""Inbound calls on the real Asterisk: pop, answer and hang-up with the IVR account."""

from __future__ import annotations

from tests.live.floor import KNOWN_ACCOUNT, KNOWN_NUMBER, LiveFloor
from tests.live.sipp import SippLab


async def test_pop_answer_caller_hangs_up(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.console("agent1001")
    await sipp.phone("1001", ring_ms=1500)
    await floor.log_in_queue("1001")

    caller = await sipp.caller(KNOWN_NUMBER, keys=KNOWN_ACCOUNT + "#", hold_ms=6000)
    pop = await agent.wait("pop")
    call = pop["ringing"]["call"] if "ringing" in pop else pop["call"]
    print(pop)
    await agent.wait("answered", call=call)
    ended = await agent.wait("ended", call=call, timeout=30)
    assert await caller.wait(10) == 0, caller.error_text()
    print(ended)
    rows = await floor.recorded(call)
    print(rows)
