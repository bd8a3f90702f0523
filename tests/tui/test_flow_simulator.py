"""End to end with the PBX simulator: the agent answers from the console (F5, the simulator's
CalldeskAnswer), hangs up (F6) and wraps up, on random traffic from the simulated callers."""

from __future__ import annotations

import pytest

from console.tui.agent.wrapup import WrapUpPanel
from tests.tui.floor import until

pytestmark = pytest.mark.slow


async def test_answer_hang_up_and_wrap_up_on_the_simulator(floor):
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig
    from telephony.simulator.traffic import TrafficConfig

    # One agent, 1001, who answers only when told to: every caller rings the console under test.
    traffic = TrafficConfig(calls_per_hour=1800, break_every_s=0, exit_key_share=0, ring_no_answer_share=0,
                            patience_mean_s=600, direct_share=0, ringall_share=0)
    await floor.start_simulated(SimulatorConfig(seed=7, agents=AgentSetup(count=1, manual={"1001"}), traffic=traffic))
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: screen.call_state == "ringing", timeout_s=60)
        await pilot.press("f5")
        await until(pilot, lambda: screen.call_state == "on_call")
        await pilot.press("f6")
        await until(pilot, lambda: screen.call_state == "wrap_up")
        screen.query_one("#wrapup-disposition").value = "info_given"
        await pilot.click("#wrapup-submit")
        await until(pilot, lambda: not screen.query_one(WrapUpPanel).display)


async def test_a_surveyed_caller_answers_after_the_agent_hangs_up_on_the_simulator(floor, seeded_engine):
    """The simulator's survey hotline (95559, docs/simulator.md): the agent hangs up with F6, the
    caller stays for the survey and presses a key; the answer lands on that call's Interaction."""
    from sqlalchemy import select

    from console.store.models import Interaction
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig
    from telephony.simulator.traffic import TrafficConfig

    traffic = TrafficConfig(calls_per_hour=1800, break_every_s=0, exit_key_share=0, ring_no_answer_share=0,
                            patience_mean_s=600, direct_share=0, ringall_share=0, survey_share=1.0,
                            survey_answer_share=1.0)
    await floor.start_simulated(SimulatorConfig(seed=7, agents=AgentSetup(count=1, manual={"1001"}), traffic=traffic))
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: screen.call_state == "ringing", timeout_s=60)
        call = screen.pop.call
        await pilot.press("f5")
        await until(pilot, lambda: screen.call_state == "on_call")
        await pilot.press("f6")
        await until(pilot, lambda: screen.call_state == "wrap_up")

        def answered() -> int | None:
            with seeded_engine.connect() as conn:
                return conn.execute(select(Interaction.csat).where(Interaction.linkedid == call)).scalar()
        await until(pilot, lambda: answered() is not None, timeout_s=30)
        assert 1 <= answered() <= 5
