"""Capture 12 with the simulator: a clean `core restart now` mid-call, a reconnect, then a crash
mid-call and a reconnect — recorded in the capture format and replayed like the capture."""

from __future__ import annotations

from pathlib import Path

from telephony.replay import replay
from telephony.simulator import inbound
from telephony.simulator.model import CallSpec
from telephony.simulator.scenarios import Scenario
from tests.simulator.conformance import CAPTURES, reduce
from tests.simulator.harness import EPOCH, SECRET, USER, make_simulator
from tests.simulator.recorder import Recorder

CAPTURE = CAPTURES / "12-restart-and-reconnect.jsonl"
LAB = Scenario("restart", None, [("retail", "1001", ""), ("retail", "1002", "")], [], 0.0,
               ring_delays={"1001": 2.0, "1002": 2.0}, late_device_state=(True, False))


def _caller(number: str, account: str) -> CallSpec:
    return CallSpec(number, account=account, ivr_s=3.05, talk_s=None)


async def _login(recorder: Recorder, port: int, *snapshot: str):
    client = await recorder.connect(port)
    await client.action({"Action": "Login", "Username": USER, "Secret": SECRET})
    for action in snapshot:
        await client.action({"Action": action})
    return client


async def test_restart_and_crash_give_the_captures_domain_events(tmp_path: Path) -> None:
    sim = make_simulator(LAB)
    recorder = Recorder(EPOCH)
    async with sim:
        first = await _login(recorder, sim.port, "QueueStatus")
        sim.clock.run_until(0.12)
        inbound.place_call(sim.pbx, _caller("13844445555", "310044445555"))
        sim.clock.run_until(8.352)
        await first.drain()
        await sim.restart(clean=True, down_s=0.05)
        await first.closed()
        second = await _login(recorder, sim.port, "QueueStatus")
        sim.clock.run_until(12.1)
        inbound.place_call(sim.pbx, _caller("13844446666", "310044446666"))
        sim.clock.run_until(19.166)
        await second.drain()
        await sim.restart(clean=False, down_s=0.05)
        await second.closed()
        third = await _login(recorder, sim.port, "QueueStatus", "CoreShowChannels")
        await third.close()
    path = recorder.write(tmp_path / "simulated-12.jsonl")
    ours = reduce(replay(path, wrapup_s=3.0))
    expected = reduce(replay(CAPTURE, wrapup_s=3.0))
    assert ours == expected
    assert [e[0] for e in ours].count("ended") == 2
