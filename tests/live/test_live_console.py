"""The agent's Textual console on the real Asterisk (Textual's own Pilot): started during a call
it restores the call from the server's hello (issue 13, item 12); F6 hangs it up as the agent;
the wrap-up holds the agent out of the queue until it is sent (item 11)."""

from __future__ import annotations

from tests.live.floor import PASSWORD, LiveFloor, answered_call, live_settings
from tests.live.sipp import SippLab
from tests.tui.floor import until


async def _console(floor: LiveFloor, username: str):  # an AgentApp, not yet running
    from console.tui.agent.context import AgentContext
    from console.tui.agent.drafts import DraftStore
    from console.tui.app import AgentApp
    from console.tui.client import Client
    from tests.tui.frames import frozen_clock

    assert floor.client is not None
    client = Client(f"http://127.0.0.1:{floor.client.server.port}")
    await client.login(username, PASSWORD)
    center = await client.config()
    assert client.user is not None
    ctx = AgentContext(user=client.user, center=center, client=client, clock=frozen_clock,
                       drafts=DraftStore(floor.tmp_path / f"drafts-{username}.json"))
    return AgentApp(ctx), client


async def test_a_console_started_mid_call_restores_it_and_hangs_it_up(floor: LiveFloor, sipp: SippLab) -> None:
    from console.tui.agent.customer_card import CustomerCard
    from console.tui.agent.status_bar import StatusBar
    from console.tui.agent.wrapup import WrapUpPanel

    await floor.start(live_settings(floor.lab, wrapup={"hold_max_s": 120}))
    watcher = await floor.console("agent1001")  # another of the agent's screens, to watch the stream
    await sipp.phone("1001", ring_ms=1000)
    await floor.log_in_queue("1001")
    call, _caller = await answered_call(floor, sipp, watcher)
    app, client = await _console(floor, "agent1001")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            screen = app.agent_screen
            bar = screen.query_one(StatusBar)
            await until(pilot, lambda: bar.link == "connected")
            await until(pilot, lambda: screen.call_state == "on_call")
            assert screen.live_call == call
            assert screen.query_one(CustomerCard).customer.name == "赵敏"
            await pilot.press("f6")  # the agent hangs up, on the real PBX
            await until(pilot, lambda: screen.call_state == "wrap_up")
            ended = await watcher.wait("ended", call=call)
            assert ended["event"]["hangup_by"] == "agent"
            await floor.wait_until(lambda: "paused:after_call" in floor.lab.members("retail")["PJSIP/1001"],
                                   "Asterisk to hold 1001 for the wrap-up")
            panel = screen.query_one(WrapUpPanel)
            assert panel.call == call
            panel.query_one("#wrapup-disposition").value = "resolved"
            await pilot.click("#wrapup-submit")
            await until(pilot, lambda: screen.call_state == "idle")
            await floor.wait_until(lambda: "paused" not in floor.lab.members("retail")["PJSIP/1001"],
                                   "the hold released")
    finally:
        await client.close()
    [row] = await floor.recorded(call)
    await floor.wait_until(lambda: floor.interactions()[0].disposition == "resolved", "the disposition stored")
    assert row.hangup_by == "agent" and floor.interactions()[0].acw_s is not None
