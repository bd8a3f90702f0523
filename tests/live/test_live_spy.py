"""Listen, whisper and barge on the real Asterisk: the supervisor's own phone (1009) rings and,
answered, spies on the agent's leg in the mode asked for; the call itself is not disturbed."""

from __future__ import annotations

import asyncio

import pytest

from tests.live.floor import LiveFloor, answered_call
from tests.live.sipp import SippLab

# ChanSpy's options per mode (telephony.actions): q quiet, E end with the spied-on call, w whisper,
# B barge; ChanSpyStart names the spy and the spied-on channel.
MODES = ("listen", "whisper", "barge")


async def test_listen_whisper_and_barge_ring_the_supervisors_phone(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.console("agent1001")
    await floor.console("sup1")
    await sipp.phone("1001", ring_ms=1000)
    await sipp.phone("1009", ring_ms=500)
    await floor.log_in_queue("1001")
    call, _caller = await answered_call(floor, sipp, agent)
    agent_leg = agent.of("pop", call=call)[0]["ringing"]["agent_channel"]
    for mode in MODES:
        mark = floor.observer.mark()
        await floor.call_api("sup1", "POST", "/api/supervisor/spy", {"agent": "1001", "mode": mode})
        start = await _after(floor, mark, "ChanSpyStart")
        assert start["SpyeeChannel"] == agent_leg and start["SpyerChannel"].startswith("Local/1009@agents")
        rang = [m for _, m in floor.observer.client.received[mark:] if m.get("Event") == "DialBegin"
                and m.get("DestChannel", "").startswith("PJSIP/1009")]
        assert rang, "the supervisor's phone was not rung"
        spying = [c.split("!") for c in floor.lab.cli("core show channels concise").splitlines() if "!ChanSpy!" in c]
        options = {row[6].split(",", 1)[1] for row in spying}
        assert {"listen": "qE", "whisper": "qEw", "barge": "qEB"}[mode] in options
    assert agent_leg in floor.lab.channels() and agent.of("ended", call=call) == []  # undisturbed
    # The spied-on call ends: every spy ends with it (ChanSpy's E option).
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup")
    await agent.wait("ended", call=call)
    await floor.wait_until(lambda: not any("1009" in c for c in floor.lab.channels()), "the spies to end")
    # Nobody to listen to now; an agent may not listen at all.
    await floor.call_api("sup1", "POST", "/api/supervisor/spy", {"agent": "1001", "mode": "listen"}, expect=409)
    await floor.call_api("agent1002", "POST", "/api/supervisor/spy", {"agent": "1001", "mode": "listen"}, expect=403)


async def _after(floor: LiveFloor, mark: int, event: str, timeout: float = 15) -> dict:
    async def seen() -> dict:
        while True:
            found = [m for _, m in floor.observer.client.received[mark:] if m.get("Event") == event]
            if found:
                return found[0]
            await asyncio.sleep(0.05)

    try:
        return await asyncio.wait_for(seen(), timeout)
    except TimeoutError:
        pytest.fail(f"Asterisk sent no {event} within {timeout} s")
