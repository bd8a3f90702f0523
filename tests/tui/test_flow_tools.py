"""End to end, the agent's tools against the real server: search, profile, knowledge base,
ticket comments, and the call controls that reach the PBX (a replayed capture answering)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from textual.widgets import OptionList, Switch

from console.tui.agent.call_controls import DialDialog, QueuesDialog
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.search import SearchPanel
from console.tui.agent.ticket_detail import TicketDetail
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from tests.tui.floor import pause_for_lunch, until

pytestmark = pytest.mark.slow


async def test_search_as_you_type_opens_the_profile_and_suggests_articles(floor):
    await floor.start()
    app = await floor.console("agent1")
    shown: list[SearchPanel.ResultsShown] = []
    hook = lambda m: shown.append(m) if isinstance(m, SearchPanel.ResultsShown) else None  # noqa: E731
    async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
        screen = app.agent_screen
        await pilot.press("f3")
        await pilot.press("z", "m")  # initials of 赵敏
        await until(pilot, lambda: any(m.query == "zm" for m in shown))
        results = screen.query_one("#search-results", OptionList)
        assert results.option_count >= 1 and "赵敏" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")  # into the results
        await pilot.press("enter")  # open the first
        card = screen.query_one(CustomerCard)
        await until(pilot, lambda: card.customer is not None and card.customer.name == "赵敏"
                    and screen.query_one(Timeline).row_count > 0)
        assert screen.query_one(TicketsPanel).row_count == 1
        # A margin customer with an open complaint: the margin risk disclosure is pinned.
        pinned = screen.query_one("#kb-compliance")
        await until(pilot, lambda: pinned.display)
        assert "融资融券" in str(pinned.render())


async def test_a_comment_on_an_open_ticket_is_stored_with_its_version(floor, seeded_engine, seed):
    await floor.start()
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        await pilot.press("f3", "z", "m")
        await until(pilot, lambda: screen.query_one("#search-results", OptionList).option_count > 0)
        await pilot.press("enter", "enter")
        tickets = screen.query_one(TicketsPanel)
        await until(pilot, lambda: tickets.row_count == 1)
        tickets.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TicketDetail))
        app.screen.query_one("#detail-comment").value = "已联系清算部门，今日内回复"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TicketDetail))
    with seeded_engine.connect() as conn:
        bodies = conn.execute(text("SELECT body FROM ticket_event WHERE ticket_id = :t"),
                              {"t": seed.open_ticket}).scalars()
        assert "已联系清算部门，今日内回复" in list(bodies)


async def test_pause_queue_logout_and_click_to_call_reach_the_pbx(floor):
    await floor.start("08-agent-login-pause-logout", speed=None)
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: floor.replay.logins_ok >= 1)
        await pause_for_lunch(pilot, app)
        await until(pilot, lambda: any(a.get("Action") == "QueuePause" for a in floor.replay.actions))
        pause = next(a for a in floor.replay.actions if a.get("Action") == "QueuePause")
        assert pause.get("Paused", "").lower() == "true" and "lunch" in pause.get("Reason", "")

        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, QueuesDialog))
        app.screen.query_one("#queue-retail", Switch).value = False
        await pilot.click("#dialog-submit")
        await until(pilot, lambda: any(a.get("Action") == "QueueRemove" for a in floor.replay.actions))

        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, DialDialog))
        app.screen.query_one("#dial-number").value = "13700137000"
        await pilot.press("enter")
        await until(pilot, lambda: any(a.get("Action") == "Originate" for a in floor.replay.actions))
        originate = next(a for a in floor.replay.actions if a.get("Action") == "Originate")
        assert "13700137000" in originate.get("Exten", "")


async def test_transfer_and_hang_up_from_the_keyboard_reach_the_pbx(floor):
    from console.tui.agent.call_controls import TransferDialog

    await floor.start("01-answered-caller-hangup", speed=0.5)
    app = await floor.console("agent1")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: screen.call_state == "on_call")
        before = len(floor.replay.actions)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, TransferDialog))
        app.screen.query_one("#transfer-to").value = "1002"
        await pilot.press("enter")
        await until(pilot, lambda: len(floor.replay.actions) > before)
        sent = [a.get("Action") for a in floor.replay.actions[before:]]
        assert {"BlindTransfer", "Redirect"} & set(sent), sent
        await pilot.press("f6")
        await until(pilot, lambda: any(a.get("Action") == "Hangup" for a in floor.replay.actions))
