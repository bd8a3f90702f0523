"""Wrap-up overlap (issue 13, item 11): a call rings while the last call's wrap-up is still open.

End to end with the PBX simulator as the PBX and the real server: the callers dial agent 1001's
extension directly (a direct line rings the phone whether or not the queues hold the agent for
a disposition), placed by the test at the moments the flow needs. Offline, real frames through
the stream's decoder: two wrap-ups owed are done in the order their calls ended.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from textual.widgets import Select

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.wrapup import WrapUpPanel
from tests.server.conftest import KNOWN_NUMBER
from tests.tui import frames
from tests.tui.floor import ring_direct, until
from tests.tui.offline import feed, offline_app, settle

OTHER_NUMBER = "13700137000"  # 单田芳 in the seeded floor (赵敏 is KNOWN_NUMBER)


def dispositions(engine, *calls: str) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT linkedid, disposition FROM interaction WHERE agent_ext = '1001'")).all()
    return {linkedid: disposition for linkedid, disposition in rows if linkedid in calls}


@pytest.mark.slow
async def test_a_call_ringing_over_an_open_wrap_up_keeps_its_card_and_keys(floor, seeded_engine):
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig

    await floor.start_simulated(SimulatorConfig(seed=7, agents=AgentSetup(count=1, manual={"1001"})))
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        card, panel, bar = screen.query_one(CustomerCard), screen.query_one(WrapUpPanel), screen.query_one(StatusBar)
        await until(pilot, lambda: bar.link == "connected")
        ring_direct(floor, KNOWN_NUMBER)
        await until(pilot, lambda: screen.call_state == "ringing")
        call_a = screen.pop.call
        await pilot.press("f5")
        await until(pilot, lambda: screen.call_state == "on_call")
        await pilot.press("f6")
        await until(pilot, lambda: screen.call_state == "wrap_up" and panel.display)
        panel.query_one("#wrapup-disposition", Select).value = "info_given"
        await pilot.pause()

        ring_direct(floor, OTHER_NUMBER)  # B rings over A's wrap-up
        await until(pilot, lambda: screen.call_state == "ringing")
        call_b = screen.pop.call
        assert call_b != call_a and card.customer is not None and card.customer.name == "单田芳"
        assert not panel.display and bar.wrapups_pending == 1  # A's wrap-up waits, counted
        await pilot.press("f5")  # answers B
        await until(pilot, lambda: screen.call_state == "on_call")

        await pilot.press("f11")  # back to A's wrap-up, over B's call
        assert panel.display and panel.call == call_a
        assert panel.query_one("#wrapup-disposition", Select).value == "info_given"  # the draft was kept
        assert "赵敏" in str(panel.border_title)
        await pilot.click("#wrapup-submit")
        await until(pilot, lambda: bar.wrapups_pending == 0)
        # B is untouched: its card, its state, and F6 hangs it up.
        assert not panel.display
        assert screen.call_state == "on_call" and screen.live_call == call_b
        assert card.customer is not None and card.customer.name == "单田芳"
        await pilot.press("f6")
        await until(pilot, lambda: screen.call_state == "wrap_up")
        assert panel.call == call_b and panel.display  # one wrap-up, B's own

    for _ in range(100):  # the server writes through its outbox
        stored = dispositions(seeded_engine, call_a, call_b)
        if stored.get(call_a) and call_b in stored:
            break
        await asyncio.sleep(0.05)
    assert dispositions(seeded_engine, call_a, call_b) == {call_a: "info_given", call_b: None}


A, B = "1700000000.1", "1700000001.1"


def answered_and_ended(call: str) -> list[dict]:
    return [frames.event("answered", call=call, agent="1001"),
            frames.event("ended", call=call, caller="13800000001", agent="1001", queue="vip",
                         outcome="answered", hangup_by="caller", talk_s=30)]


async def test_two_wrap_ups_owed_are_done_in_the_order_their_calls_ended(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        panel, bar = screen.query_one(WrapUpPanel), screen.query_one(StatusBar)
        await feed(pilot, frames.pop("known", call=A), *answered_and_ended(A))
        assert panel.call == A
        other = frames.customer(id=43, name="张珊", client_no="310000654321")
        await feed(pilot, frames.pop("known", call=B, number="+8613900000002", customer=other))
        assert screen.call_state == "ringing" and not panel.display
        await feed(pilot, *answered_and_ended(B))
        # Never a second panel: A's (the older) is on screen, with A's card; B waits.
        assert screen.call_state == "wrap_up" and panel.call == A and bar.wrapups_pending == 2
        assert screen.query_one(CustomerCard).customer.name == "张三"
        panel.query_one("#wrapup-disposition", Select).value = "resolved"
        await pilot.click("#wrapup-submit")
        await pilot.pause()
        assert panel.call == B and panel.display and bar.wrapups_pending == 1
        assert screen.query_one(CustomerCard).customer.name == "张珊"
        assert panel.query_one("#wrapup-disposition", Select).is_blank()  # A's choice stayed with A
        panel.query_one("#wrapup-disposition", Select).value = "resolved"
        # A button ignores clicks while it shows the previous press (0.2 s).
        await until(pilot, lambda: not panel.query_one("#wrapup-submit").has_class("-active"))
        await pilot.click("#wrapup-submit")
        await pilot.pause()
        assert screen.call_state == "idle" and not panel.display and bar.wrapups_pending == 0


async def test_the_wrap_up_comes_back_by_itself_when_the_call_over_it_rings_out(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        panel = screen.query_one(WrapUpPanel)
        await feed(pilot, frames.pop("known", call=A), *answered_and_ended(A))
        panel.query_one("#wrapup-notes").value = "客户咨询两融"
        await feed(pilot, frames.pop("unknown", call=B),
                   frames.event("ring_stopped", call=B, agent="1001", reason="caller_left"))
        assert screen.call_state == "wrap_up" and panel.display and panel.call == A
        assert panel.query_one("#wrapup-notes").value == "客户咨询两融"
        assert screen.query_one(CustomerCard).customer.name == "张三"
