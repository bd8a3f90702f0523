"""The open tickets of the customer on the line; Enter opens one (comment, change status)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.message import Message
from textual.widgets import DataTable

from console.i18n import t
from console.tui.models import Ticket
from console.tui.text import label, local_time


class TicketsPanel(DataTable):
    class TicketChosen(Message):
        def __init__(self, ticket: Ticket) -> None:
            super().__init__()
            self.ticket = ticket

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self._tickets: dict[str, Ticket] = {}
        for key in ("number", "category", "priority", "status", "subject", "sla"):
            self.add_column(t(f"console.tickets.{key}"), key=key)

    def show(self, tickets: list[Ticket], tz: ZoneInfo) -> None:
        self.clear()
        self._tickets = {str(tk.id): tk for tk in tickets}
        for tk in tickets:
            self.add_row(tk.number or str(tk.id), label("category", tk.category),
                         label("priority", tk.priority), label("ticket_status", tk.status),
                         tk.subject[:30], local_time(tk.sla_due_at, tz), key=str(tk.id))

    def upsert(self, ticket: Ticket, tz: ZoneInfo) -> None:
        tickets = dict(self._tickets)
        tickets[str(ticket.id)] = ticket
        self.show(list(tickets.values()), tz)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        ticket = self._tickets.get(str(event.row_key.value))
        if ticket is not None:
            self.post_message(self.TicketChosen(ticket))
