"""The project's own AMI connection code (telephony.bridge.Bridge, MD5 login) against the
simulator, exactly as against Asterisk: connect, resync, and a call's domain events."""

from __future__ import annotations

import asyncio

from telephony.bridge import Bridge
from telephony.simulator import center, inbound
from telephony.simulator.model import CallSpec
from telephony.simulator.runner import Simulator, SimulatorConfig


async def test_bridge_sees_a_call_from_the_simulator() -> None:
    config = SimulatorConfig(username="calldesk", secret="pw", manual_clock=True,
                             agents=center.AgentSetup(count=2))
    async with Simulator(config) as sim:
        bridge = Bridge("sim", "127.0.0.1", sim.port, "calldesk", "pw", auth="md5")
        events = bridge.events()
        runner = asyncio.create_task(bridge.run())
        try:
            async def first(name: str):
                async for event in events:
                    if event.name == name:
                        return event

            states = await asyncio.wait_for(first("agent_state"), 10)  # the QueueStatus resync
            assert states.agent in ("1001", "1002")
            inbound.place_call(sim.pbx, CallSpec("13800138000", name="张三丰", account="310012345678", talk_s=20.0))
            sim.clock.run_until(5.0)
            ringing = await asyncio.wait_for(first("ringing"), 10)
            assert (ringing.caller, ringing.caller_name, ringing.queue) == ("13800138000", "张三丰", "retail")
            assert ringing.vars.get("CUSTOMER_ACCOUNT") == "310012345678"
            sim.clock.run_until(60.0)
            ended = await asyncio.wait_for(first("ended"), 10)
            assert (ended.outcome, ended.hangup_by, ended.agent) == ("answered", "caller", ringing.agent)
        finally:
            runner.cancel()
            await bridge.close()
