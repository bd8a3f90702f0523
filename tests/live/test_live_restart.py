"""The PBX goes away mid-call: `core restart now` and SIGKILL on the real Asterisk. The call is
recorded once, by the system, with the talk it had up to then (not the outage); the bridge says
it reconnected and the floor works again (issue 13, item 8)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import pytest

from tests.live.floor import LiveFloor, answered_call
from tests.live.sipp import SippLab


async def _reconnected(floor: LiveFloor, before: int) -> None:
    await floor.wait_until(lambda: floor.bridge.reconnects > before and floor.bridge.connected,
                           "the bridge to log in to the restarted Asterisk", timeout=40)


async def test_core_restart_mid_call_is_a_system_hang_up(floor: LiveFloor, sipp: SippLab,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="telephony")
    await floor.start()
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent)
    await asyncio.sleep(2)
    before = floor.bridge.reconnects
    floor.lab.cli("core restart now")
    ended = await agent.wait("ended", call=call, timeout=20)
    assert (ended["event"]["outcome"], ended["event"]["hangup_by"]) == ("answered", "system")
    assert 1.5 <= ended["event"]["talk_s"] <= 5
    shutdown = await floor.observer.wait("Shutdown")
    assert shutdown["Restart"] == "True"
    [row] = await floor.recorded(call)
    assert (row.hangup_by, row.outcome, row.agent_ext) == ("system", "answered", "1001")
    await _reconnected(floor, before)
    assert any("reconnected and logged in again" in r.getMessage() for r in caplog.records)
    # Members persist across the restart (persistentmembers): calls reach 1001 again.
    await floor.wait_until(lambda: floor.state_of("1001", "retail") in ("available", "wrap_up"), "1001 back")
    await floor.call_api("agent1001", "POST", f"/api/interactions/{call}/wrapup", {"disposition": "other"})
    second, _ = await answered_call(floor, sipp, agent, hold_ms=1500)
    await agent.wait("ended", call=second)


async def test_sigkill_mid_call_ends_the_call_once_without_the_outage(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.agent_at_phone(sipp, "1001")
    call, _caller = await answered_call(floor, sipp, agent)
    await asyncio.sleep(3)
    before = floor.bridge.reconnects
    pid = floor.lab.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    await floor.wait_until(lambda: not floor.bridge.connected, "the bridge to see the link drop")
    await asyncio.sleep(6)  # the PBX stays down a while
    floor.lab.start()
    await _reconnected(floor, before)
    ended = await agent.wait("ended", call=call, timeout=20)
    assert (ended["event"]["outcome"], ended["event"]["hangup_by"]) == ("answered", "system")
    # Talk up to the kill (about 3 s), not the 6 s the PBX was down.
    assert 2 <= ended["event"]["talk_s"] <= 5
    rows = await floor.recorded(call)
    await asyncio.sleep(1)
    assert len(floor.interactions()) == len(rows) == 1 and rows[0].hangup_by == "system"
    assert len(agent.of("ended", call=call)) == 1
