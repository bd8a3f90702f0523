"""End to end: a real capture replayed as the PBX -> the real server -> the agent console.

Capture 01: 13800138000 keys account 310012345678 (赵敏 in the seeded floor), rings agent 1001,
who answers; the caller hangs up. The console pops the customer, follows the call, opens the
wrap-up and sends the disposition back to the server.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.stream import CallOffered
from tests.tui.floor import until

pytestmark = pytest.mark.slow


async def test_pop_follow_call_and_wrap_up(floor, seeded_engine):
    await floor.start("01-answered-caller-hangup", speed=1.0)
    app = await floor.console("agent1")
    offered: list[CallOffered] = []
    hook = lambda m: offered.append(m) if isinstance(m, CallOffered) else None  # noqa: E731
    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: screen.call_state == "ringing")
        card = screen.query_one(CustomerCard)
        assert card.customer is not None and card.customer.name == "赵敏"
        assert screen.query_one("#card-tier").has_class("-gold")
        assert screen.query_one("#card-risk-warning").display  # assessed 2023-01-05: expired
        banner = screen.query_one("#banner")
        assert banner.has_class("-ringing")
        # History and tickets follow the card by a frame.
        await until(pilot, lambda: screen.query_one(Timeline).row_count >= 5)
        assert screen.query_one(TicketsPanel).row_count == 1  # the open complaint, not the closed one
        assert offered[0].pop.ivr.account == "310012345678"

        await until(pilot, lambda: screen.call_state == "on_call")
        assert banner.has_class("-on-call") and not banner.has_class("-ringing")

        await until(pilot, lambda: screen.call_state == "wrap_up")
        wrapup = screen.query_one(WrapUpPanel)
        assert wrapup.display
        await pilot.click("#wrapup-submit")  # no disposition yet: refused inline
        assert screen.query_one("#wrapup-error").display
        wrapup.query_one("#wrapup-disposition").value = "resolved"
        wrapup.query_one("#wrapup-notes").value = "客户咨询两融，已解答"
        # A button ignores clicks while it shows the previous press (0.2 s).
        await until(pilot, lambda: not screen.query_one("#wrapup-submit").has_class("-active"))
        await pilot.click("#wrapup-submit")
        await until(pilot, lambda: screen.call_state == "idle")
        assert not wrapup.display and card.customer is None

    def stored() -> tuple | None:
        with seeded_engine.connect() as conn:
            return conn.execute(text("SELECT disposition, notes FROM interaction WHERE linkedid = :c"),
                                {"c": offered[0].pop.call}).first()

    for _ in range(100):  # the server writes through its outbox: give it a moment
        if (row := stored()) is not None and row[0]:
            break
        await asyncio.sleep(0.05)
    assert stored() == ("resolved", "客户咨询两融，已解答")
