"""The ticket form shows the default priority and SLA due time as soon as a category is chosen.

Against a real server (its clock frozen at 10:00 in Shanghai): the form asks
``GET /api/tickets/defaults`` and shows the answer in the center's time zone.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Select

from console.i18n import set_locale
from console.tui.agent.ticket_form import TicketForm
from console.tui.models import Customer
from tests.server.conftest import START, server_settings
from tests.tui.floor import until


def sla_text(category: str, tier: str) -> str:
    due = START + dt.timedelta(hours=server_settings().tickets.sla_for(category, tier))
    return due.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%m-%d %H:%M")


async def test_category_change_shows_default_priority_and_sla(floor, seed):
    await floor.start_server()
    app = await floor.console("agent1")
    set_locale("zh_CN")
    async with app.run_test(size=(140, 45)) as pilot:
        customer = Customer(id=seed.known, client_no="310000000000", name="赵敏", tier="gold")
        form = TicketForm(app.ctx.client, app.ctx.drafts, customer,
                          [("交易", "trading"), ("投诉", "complaint")], tz=app.ctx.tz)
        await app.push_screen(form)
        sla = form.query_one("#ticket-sla")
        assert "选择类别" in str(sla.render())

        form.query_one("#ticket-category", Select).value = "trading"
        await until(pilot, lambda: "SLA" in str(sla.render()) and sla_text("trading", "gold") in str(sla.render()))
        priority = form.query_one("#ticket-priority", Select)
        assert priority.value == "" and "默认：普通" in str(priority._options[0][0])
        assert "主管关注" not in str(sla.render())

        form.query_one("#ticket-category", Select).value = "complaint"
        await until(pilot, lambda: sla_text("complaint", "gold") in str(sla.render())
                    and "主管关注" in str(sla.render()))
        assert "默认：高" in str(priority._options[0][0]) and priority.value == ""

        # A priority the agent chose stays chosen when the category changes.
        priority.value = "low"
        form.query_one("#ticket-category", Select).value = "trading"
        await until(pilot, lambda: "默认：普通" in str(priority._options[0][0]))
        assert priority.value == "low"
