"""Verify the caller's identity: a checklist of questions, then the server unmasks the profile."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.models import Customer

QUESTIONS = ("name", "id_last4", "phone", "recent_trade")
REQUIRED = 3  # three of four answered correctly, as the compliance desk asks


class VerifyScreen(ModalScreen[Customer | None]):
    def __init__(self, client: Client | None, customer: Customer, call: str) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.client, self.customer, self.call = client, customer, call

    def compose(self) -> ComposeResult:
        with Vertical(id="verify-form", classes="form"):
            yield Label(t("console.verify.title", name=self.customer.name), classes="form-title")
            yield Label(t("console.verify.hint", n=REQUIRED))
            for q in QUESTIONS:
                yield Checkbox(t(f"console.verify.q_{q}"), id=f"verify-{q}")
            yield Label("", id="verify-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.verify.submit"), id="verify-submit", variant="primary", disabled=True)
                yield Button(t("console.form.cancel"), id="verify-cancel")

    def on_mount(self) -> None:
        self.query_one("#verify-error").display = False
        self.query_one(Checkbox).focus()

    def answered(self) -> list[str]:
        return [q for q in QUESTIONS if self.query_one(f"#verify-{q}", Checkbox).value]

    @on(Checkbox.Changed)
    def _ticked(self) -> None:
        self.query_one("#verify-submit", Button).disabled = len(self.answered()) < REQUIRED

    @on(Button.Pressed, "#verify-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#verify-submit")
    def action_submit(self) -> None:
        if len(self.answered()) >= REQUIRED:
            self._send(self.answered())

    @work(exclusive=True, group="verify")
    async def _send(self, answers: list[str]) -> None:
        if self.client is None:
            return
        try:
            customer = await self.client.verify(self.customer.id, self.call, answers)
        except ApiError as exc:
            error = self.query_one("#verify-error", Label)
            error.update(exc.message)
            error.display = True
            return
        self.dismiss(customer)
