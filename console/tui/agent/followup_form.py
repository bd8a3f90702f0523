"""Book a call back: when (in an hour, tomorrow 10:00, or a time typed), who, and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.models import Customer, FollowUp

WHEN = ("in_1h", "tomorrow_10", "pick")
OWNERS = ("me", "manager", "pool")


def picked_time(typed: str, now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A typed time in the center's zone; ValueError("format") or ValueError("past").

    Quick choices are left to the server's clock; only a typed time is read here.
    """
    try:
        picked = dt.datetime.strptime(typed.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        raise ValueError("format") from None
    if picked <= now:
        raise ValueError("past")
    return picked


class FollowUpForm(ModalScreen[FollowUp | None]):
    def __init__(self, client: Client | None, customer: Customer, clock: Callable[[], dt.datetime],
                 tz: ZoneInfo, reason: str = "") -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.client, self.customer, self.clock, self.tz, self.reason = client, customer, clock, tz, reason

    def compose(self) -> ComposeResult:
        with Vertical(id="followup-form", classes="form"):
            yield Label(t("console.followup.for", name=self.customer.name), classes="form-title")
            with Horizontal(classes="form-row"):
                yield Label(t("console.followup.when"), classes="form-label")
                with RadioSet(id="followup-when"):
                    for i, choice in enumerate(WHEN):
                        yield RadioButton(t(f"console.followup.{choice}"), value=i == 0, id=f"when-{choice}")
            with Horizontal(classes="form-row"):
                yield Label(t("console.followup.time"), classes="form-label")
                yield Input(placeholder="2026-11-23 15:30", id="followup-time")
            yield Label("", id="followup-time-error", classes="error")
            with Horizontal(classes="form-row"):
                yield Label(t("console.followup.owner"), classes="form-label")
                with RadioSet(id="followup-owner"):
                    for i, owner in enumerate(OWNERS):
                        yield RadioButton(t(f"console.followup.owner_{owner}"), value=i == 0, id=f"owner-{owner}",
                                          disabled=owner == "manager" and self.customer.manager is None)
            with Horizontal(classes="form-row"):
                yield Label(t("console.followup.reason"), classes="form-label")
                yield Input(self.reason, id="followup-reason")
            yield Label("", id="followup-reason-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.form.submit"), id="followup-submit", variant="primary")
                yield Button(t("console.form.cancel"), id="followup-cancel")

    def on_mount(self) -> None:
        for error in self.query(".error"):
            error.display = False
        self.query_one("#followup-reason").focus()

    def _pressed(self, radio_set: str) -> str:
        button = self.query_one(radio_set, RadioSet).pressed_button
        return (button.id or "").split("-", 1)[1] if button else ""

    def _error(self, name: str, text: str | None) -> None:
        label = self.query_one(f"#followup-{name}-error", Label)
        label.update(text or "")
        label.display = bool(text)

    @on(Button.Pressed, "#followup-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#followup-submit")
    def action_submit(self) -> None:
        reason = self.query_one("#followup-reason", Input).value.strip()
        self._error("reason", None if reason else t("console.followup.need_reason"))
        when, due = self._pressed("#followup-when"), None
        if when == "pick":
            try:
                due = picked_time(self.query_one("#followup-time", Input).value, self.clock(), self.tz)
            except ValueError as exc:
                self._error("time", t("console.followup.past" if str(exc) == "past" else "console.followup.bad_time"))
                return
        self._error("time", None)
        if reason:
            self._send("at" if due else when, due, self._pressed("#followup-owner"), reason)

    @work(exclusive=True, group="followup-submit")
    async def _send(self, when: str, due: dt.datetime | None, owner: str, reason: str) -> None:
        if self.client is None:
            return
        try:
            followup = await self.client.create_followup(self.customer.id, when, owner, reason,
                                                         due.isoformat() if due else None)
        except ApiError as exc:
            self._error("time" if exc.field == "due_at" else "reason", exc.message)
            return
        self.dismiss(followup)
