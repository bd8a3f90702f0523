"""A new ticket, pre-filled from the call and the customer, validated as the agent types.

Every change is kept as a local draft (``ticket:<call or customer>``), so a crash or a lost
link loses nothing; the draft is dropped only once the server has the ticket. The server's
own validation errors land under the field they name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from console.i18n import t
from console.tui.agent.drafts import DraftStore
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.models import Customer, Ticket
from console.tui.phone_text import display_number
from console.tui.text import label, local_time

PRIORITIES = ("low", "normal", "high", "urgent")
FIELDS = ("category", "priority", "subject", "description")


class TicketForm(ModalScreen[Ticket | None]):
    def __init__(self, client: Client | None, drafts: DraftStore, customer: Customer,
                 categories: list[tuple[str, str]], call: str | None = None,
                 prefill: dict[str, str] | None = None, draft_key: str | None = None,
                 tz: ZoneInfo | None = None) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.client, self.drafts, self.customer, self.call = client, drafts, customer, call
        self.categories = categories
        self.tz = tz or ZoneInfo("UTC")  # the center's zone: SLA times are shown in it
        self.defaults_for: str | None = None  # the category whose defaults are shown
        self.draft_key = draft_key or f"ticket:{call or customer.id}"
        self.values: dict[str, Any] = {**(prefill or {}), **(drafts.get(self.draft_key) or {})}

    def compose(self) -> ComposeResult:
        with Vertical(id="ticket-form", classes="form"):
            yield Label(t("console.ticket.for", name=self.customer.name, client_no=self.customer.client_no),
                        classes="form-title")
            yield from self._row("category", Select(self.categories, prompt=t("console.ticket.choose_category"),
                                                    id="ticket-category", value=self._select_value("category")))
            priorities = [(t("console.ticket.priority_default"), "")] + [(label("priority", p), p) for p in PRIORITIES]
            yield from self._row("priority", Select(priorities, allow_blank=False, id="ticket-priority",
                                                    value=self.values.get("priority") or ""))
            yield from self._row("subject", Input(self.values.get("subject", ""), id="ticket-subject"))
            yield from self._row("description", TextArea(self.values.get("description", ""),
                                                         id="ticket-description", soft_wrap=True))
            # Offline (no server) the defaults cannot be asked for: say when they will be known.
            yield Label(t("console.ticket.sla_choose" if self.client is not None else "console.ticket.sla_after"),
                        id="ticket-sla")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.form.submit"), id="ticket-submit", variant="primary")
                yield Button(t("console.form.cancel"), id="ticket-cancel")

    def _row(self, name: str, field: Any) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(t(f"console.ticket.{name}"), classes="form-label")
            yield field
        yield Label("", id=f"ticket-{name}-error", classes="error")

    def _select_value(self, name: str) -> Any:
        value = self.values.get(name)
        return value if value in {v for _, v in self.categories} else Select.NULL

    def on_mount(self) -> None:
        for name in FIELDS:
            self.query_one(f"#ticket-{name}-error").display = False
        self.query_one("#ticket-subject" if self.values.get("category") else "#ticket-category").focus()
        self._category_changed()

    # --- the server's defaults for the chosen category --------------------------------------
    @on(Select.Changed, "#ticket-category")
    def _category_changed(self) -> None:
        category = self.current()["category"]
        if self.client is not None and category and category != self.defaults_for:
            self.defaults_for = category
            self._fetch_defaults(category)

    @work(exclusive=True, group="ticket-defaults")
    async def _fetch_defaults(self, category: str) -> None:
        assert self.client is not None
        try:
            defaults = await self.client.ticket_defaults(self.customer.id, category)
        except ApiError as exc:
            self.defaults_for = None  # ask again on the next change
            self.query_one("#ticket-sla", Label).update(exc.message)
            return
        if self.defaults_for != category:
            return  # the agent has moved on to another category
        self.show_defaults(defaults)

    def show_defaults(self, defaults: dict[str, Any]) -> None:
        """The default priority named in the picker, the SLA due time in the center's zone."""
        box = self.query_one("#ticket-priority", Select)
        chosen = box.value
        default_text = t("console.ticket.priority_default_is", priority=label("priority", defaults.get("priority")))
        with box.prevent(Select.Changed):  # not the agent's change: no draft save
            box.set_options([(default_text, "")] + [(label("priority", p), p) for p in PRIORITIES])
            box.value = chosen if chosen in PRIORITIES else ""
        text = t("console.ticket.sla_due", time=local_time(defaults.get("sla_due_at"), self.tz))
        if defaults.get("supervisor_attention"):
            text += t("console.ticket.attention")
        self.query_one("#ticket-sla", Label).update(text)

    # --- drafts and inline validation ---------------------------------------------------
    def current(self) -> dict[str, Any]:
        category = self.query_one("#ticket-category", Select).value
        return {
            "category": None if category is Select.NULL else category,
            "priority": self.query_one("#ticket-priority", Select).value or "",
            "subject": self.query_one("#ticket-subject", Input).value,
            "description": self.query_one("#ticket-description", TextArea).text,
        }

    @on(Select.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.drafts.save(self.draft_key, self.current())
        for name, problem in self.problems().items():
            if problem is None:
                self.query_one(f"#ticket-{name}-error").display = False

    def problems(self) -> dict[str, str | None]:
        values = self.current()
        subject = values["subject"].strip()
        return {
            "category": None if values["category"] else t("console.ticket.need_category"),
            "priority": None,
            "subject": (t("console.ticket.need_subject") if not subject
                        else t("console.ticket.subject_long") if len(subject) > 200 else None),
            "description": None if values["description"].strip() else t("console.ticket.need_description"),
        }

    def show_error(self, name: str, text: str) -> None:
        error = self.query_one(f"#ticket-{name}-error" if name in FIELDS else "#ticket-sla", Label)
        error.update(text)
        error.display = True

    # --- submit ---------------------------------------------------------------------------
    @on(Button.Pressed, "#ticket-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)  # the draft stays: the agent may come back to it

    @on(Button.Pressed, "#ticket-submit")
    def action_submit(self) -> None:
        problems = {k: v for k, v in self.problems().items() if v}
        for name, text in problems.items():
            self.show_error(name, text)
        if problems:
            self.query_one(f"#ticket-{next(iter(problems))}").focus()
            return
        self._send(self.current())

    @work(exclusive=True, group="ticket-submit")
    async def _send(self, values: dict[str, Any]) -> None:
        if self.client is None:
            return
        try:
            ticket = await self.client.create_ticket(
                customer_id=self.customer.id, category=values["category"], priority=values["priority"] or None,
                subject=values["subject"].strip(), description=values["description"].strip(), call=self.call)
        except ApiError as exc:
            self.show_error(exc.field or "sla", exc.message)
            return
        self.drafts.discard(self.draft_key)
        self.dismiss(ticket)


def prefill(customer: Customer, number: str | None, queue: str | None, when: dt.datetime) -> dict[str, str]:
    """What the form starts with: the call's facts in the description, ready to be edited."""
    line = t("console.ticket.prefill", time=when.strftime("%Y-%m-%d %H:%M"), number=display_number(number) or "—",
             queue=queue or "—", name=customer.name)
    return {"subject": "", "description": line + "\n"}
