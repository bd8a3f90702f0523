"""End to end, the whole call as an agent lives it: pop -> verify -> ticket -> follow-up -> wrap-up.

Capture 01 replayed at half speed (the agent needs the call to last while she works), the real
server and its CRM routes, the seeded customer 赵敏 (id 310101198001011234, mobile 13800138000).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followup_form import FollowUpForm
from console.tui.agent.ticket_form import TicketForm
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.verify import VerifyScreen
from tests.tui.floor import until

pytestmark = pytest.mark.slow


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


async def test_pop_verify_ticket_followup_wrapup(floor, seeded_engine, seed):
    await floor.start("01-answered-caller-hangup", speed=0.5)
    app = await floor.console("agent1")
    followups_before = count(seeded_engine, "SELECT count(*) FROM follow_up WHERE customer_id = :c", c=seed.known)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.agent_screen
        card = screen.query_one(CustomerCard)
        await until(pilot, lambda: screen.call_state in ("ringing", "on_call"))
        assert "*" in (card.customer.id_number or "")  # masked until verified

        # Verify: a wrong answer is refused by the server, the right ones unmask the profile.
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, VerifyScreen))
        verify = app.screen
        verify.query_one("#verify-id_number").value = "310101198001011234"
        verify.query_one("#verify-phone").value = "13800138000"
        await pilot.pause()
        await pilot.click("#verify-submit")
        await until(pilot, lambda: not isinstance(app.screen, VerifyScreen))
        assert card.customer.id_number == "310101198001011234"

        # Ticket: inline validation first, then created with the server's SLA.
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, TicketForm))
        form = app.screen
        await pilot.press("ctrl+s")
        assert form.query_one("#ticket-category-error").display and form.query_one("#ticket-subject-error").display
        form.query_one("#ticket-category").value = "margin"
        form.query_one("#ticket-subject").value = "两融额度调整"
        form.query_one("#ticket-description").text = "客户希望提高融资额度"
        await pilot.pause()
        assert floor.tmp_path.joinpath("drafts-agent1.json").read_text(encoding="utf-8").count("两融额度调整") == 1
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, TicketForm))
        assert screen.query_one(TicketsPanel).row_count == 2
        assert "两融额度调整" not in floor.tmp_path.joinpath("drafts-agent1.json").read_text(encoding="utf-8")

        # Follow-up: in one hour, mine.
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, FollowUpForm))
        app.screen.query_one("#followup-reason").value = "回电确认额度"
        await pilot.click("#followup-submit")
        await until(pilot, lambda: not isinstance(app.screen, FollowUpForm))
        assert count(seeded_engine, "SELECT count(*) FROM follow_up WHERE customer_id = :c",
                     c=seed.known) == followups_before + 1

        await until(pilot, lambda: screen.call_state == "wrap_up")
        screen.query_one("#wrapup-disposition").value = "ticket_created"
        await pilot.click("#wrapup-submit")
        await until(pilot, lambda: screen.call_state == "idle")
