"""Verify the caller's identity: ask the checklist's questions, type what the caller says.

The server compares the answers with the record (console/crm/verification.py: at least two
right and none wrong) and only then sends the unmasked profile. The console never sees the
answers it checks against.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.models import Customer

QUESTIONS = ("id_number", "birth_date", "phone")
REQUIRED = 2


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
                with Horizontal(classes="form-row"):
                    yield Label(t(f"console.verify.q_{q}"), classes="form-label")
                    yield Input(id=f"verify-{q}", placeholder=t(f"console.verify.p_{q}"))
            yield Label("", id="verify-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("console.verify.submit"), id="verify-submit", variant="primary", disabled=True)
                yield Button(t("console.form.cancel"), id="verify-cancel")

    def on_mount(self) -> None:
        self.query_one("#verify-error").display = False
        self.query_one(Input).focus()

    def answers(self) -> list[dict[str, str]]:
        typed = {q: self.query_one(f"#verify-{q}", Input).value.strip() for q in QUESTIONS}
        return [{"question": q, "answer": a} for q, a in typed.items() if a]

    @on(Input.Changed)
    def _typed(self) -> None:
        self.query_one("#verify-submit", Button).disabled = len(self.answers()) < REQUIRED

    @on(Button.Pressed, "#verify-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#verify-submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        if len(self.answers()) >= REQUIRED:
            self._send(self.answers())

    @work(exclusive=True, group="verify")
    async def _send(self, answers: list[dict[str, str]]) -> None:
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
