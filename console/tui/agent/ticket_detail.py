"""An existing ticket: its history, a comment, a status change.

Changes carry the ticket's ``version``; when someone else changed it first (409), the ticket
is reloaded and the agent's comment is kept in the box to send again.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.models import Ticket
from console.tui.text import label, local_time

STATUSES = ("new", "open", "pending", "resolved", "closed")  # console/crm/tickets.py


class TicketDetail(ModalScreen[Ticket | None]):
    def __init__(self, client: Client | None, ticket: Ticket, tz: ZoneInfo) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.client, self.ticket, self.tz = client, ticket, tz

    def compose(self) -> ComposeResult:
        with Vertical(id="ticket-detail", classes="form"):
            yield Label("", id="detail-head", classes="form-title")
            with VerticalScroll(id="detail-events"):
                yield Static("", id="detail-log")
            with Horizontal(classes="form-row"):
                yield Label(t("console.detail.status"), classes="form-label")
                yield Select([(label("ticket_status", s), s) for s in STATUSES], allow_blank=False,
                             value=self.ticket.status if self.ticket.status in STATUSES else STATUSES[0],
                             id="detail-status")
            with Horizontal(classes="form-row"):
                yield Label(t("console.detail.comment"), classes="form-label")
                yield Input(id="detail-comment")
            yield Label("", id="detail-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.form.submit"), id="detail-submit", variant="primary")
                yield Button(t("console.form.cancel"), id="detail-cancel")

    def on_mount(self) -> None:
        self.query_one("#detail-error").display = False
        self.show(self.ticket)
        self.query_one("#detail-comment").focus()
        self._reload()

    def show(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.query_one("#detail-head", Label).update(
            f"{ticket.number or ticket.id}  {ticket.subject}  ·  {label('priority', ticket.priority)}"
            f"  ·  SLA {local_time(ticket.sla_due_at, self.tz)}")
        lines = [f"{local_time(e.at, self.tz)}  {e.author or ''}  {label('ticket_event', e.kind)}  "
                 f"{label('ticket_status', e.to) if e.to else ''} {e.body or ''}"
                 for e in ticket.events]
        self.query_one("#detail-log", Static).update("\n".join(lines) or ticket.description)

    @work(exclusive=True, group="ticket-detail")
    async def _reload(self) -> None:
        if self.client is not None:
            try:
                self.show(await self.client.ticket(self.ticket.id))
            except ApiError as exc:
                self._error(exc.message)

    def _error(self, text: str) -> None:
        error = self.query_one("#detail-error", Label)
        error.update(text)
        error.display = True

    @on(Button.Pressed, "#detail-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#detail-submit")
    @on(Input.Submitted, "#detail-comment")
    def action_submit(self) -> None:
        status = str(self.query_one("#detail-status", Select).value)
        comment = self.query_one("#detail-comment", Input).value.strip()
        if not comment and status == self.ticket.status:
            self._error(t("console.detail.nothing"))
            return
        self._send(status, comment)

    @work(exclusive=True, group="ticket-detail")
    async def _send(self, status: str, comment: str) -> None:
        if self.client is None:
            return
        ticket = self.ticket
        try:
            if comment:
                ticket = await self.client.comment(ticket.id, ticket.version, comment)
                self.query_one("#detail-comment", Input).value = ""
            if status != ticket.status:
                ticket = await self.client.update_ticket(ticket.id, ticket.version, status=status)
        except ApiError as exc:
            self._error(t("console.detail.conflict") if exc.code == "conflict" else exc.message)
            self._reload()
            return
        self.dismiss(ticket)
