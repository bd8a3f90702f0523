"""The small dialogs of call control: transfer, pause reason, click-to-call, queue membership.

Each returns what the agent chose; the agent screen sends it to the server, so these hold no
client and decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Switch

from console.i18n import t
from console.tui.keys import FORM_KEYS, install


@dataclass(frozen=True)
class TransferChoice:
    to: str  # extension digits, "queue:NAME" or "manager" (docs/API.md)
    kind: str  # blind | attended


class _Dialog(ModalScreen):
    def __init__(self) -> None:
        super().__init__()
        install(self, FORM_KEYS)

    def buttons(self, submit: str) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button(submit, id="dialog-submit", variant="primary")
            yield Button(t("console.form.cancel"), id="dialog-cancel")

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#dialog-submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:  # pragma: no cover - each dialog defines it
        raise NotImplementedError


class TransferDialog(_Dialog):
    def __init__(self, has_manager: bool) -> None:
        super().__init__()
        self.has_manager = has_manager

    def compose(self) -> ComposeResult:
        with Vertical(id="transfer-form", classes="form"):
            yield Label(t("console.transfer.title"), classes="form-title")
            with RadioSet(id="transfer-target"):
                yield RadioButton(t("console.transfer.extension"), value=True, id="target-extension")
                yield RadioButton(t("console.transfer.queue"), id="target-queue")
                yield RadioButton(t("console.transfer.manager"), id="target-manager", disabled=not self.has_manager)
            yield Input(placeholder=t("console.transfer.placeholder"), id="transfer-to")
            with RadioSet(id="transfer-kind"):
                yield RadioButton(t("console.transfer.blind"), value=True, id="kind-blind")
                yield RadioButton(t("console.transfer.attended"), id="kind-attended")
            yield Label("", id="transfer-error", classes="error")
            yield from self.buttons(t("console.transfer.submit"))

    def on_mount(self) -> None:
        self.query_one("#transfer-error").display = False
        self.query_one("#transfer-to").focus()

    def action_submit(self) -> None:
        target = (self.query_one("#transfer-target", RadioSet).pressed_button.id or "").removeprefix("target-")
        kind = (self.query_one("#transfer-kind", RadioSet).pressed_button.id or "").removeprefix("kind-")
        typed = self.query_one("#transfer-to", Input).value.strip()
        if target == "manager":
            self.dismiss(TransferChoice("manager", kind))
        elif not typed:
            error = self.query_one("#transfer-error", Label)
            error.update(t("console.transfer.need_target"))
            error.display = True
        else:
            self.dismiss(TransferChoice(f"queue:{typed}" if target == "queue" else typed, kind))


class PauseDialog(_Dialog):
    def __init__(self, reasons: list[tuple[str, str]]) -> None:
        super().__init__()
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(id="pause-form", classes="form"):
            yield Label(t("console.pause.title"), classes="form-title")
            yield Select(self.reasons, allow_blank=not self.reasons, id="pause-reason")
            yield from self.buttons(t("console.pause.submit"))

    def action_submit(self) -> None:
        value = self.query_one("#pause-reason", Select).value
        self.dismiss("" if value is Select.NULL else str(value))


class DialDialog(_Dialog):
    def __init__(self, number: str = "") -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        with Vertical(id="dial-form", classes="form"):
            yield Label(t("console.dial.title"), classes="form-title")
            yield Input(self.number, placeholder=t("console.dial.placeholder"), id="dial-number")
            yield from self.buttons(t("console.dial.submit"))

    def action_submit(self) -> None:
        # Empty is allowed from a profile: the server then dials the customer's first phone.
        self.dismiss(self.query_one("#dial-number", Input).value.strip())


class QueuesDialog(_Dialog):
    """Switches for each of my queues; returns {queue: member} for the ones changed."""

    def __init__(self, queues: dict[str, bool]) -> None:
        super().__init__()
        self.queues = queues

    def compose(self) -> ComposeResult:
        with Vertical(id="queues-form", classes="form"):
            yield Label(t("console.queues.title"), classes="form-title")
            for queue, member in self.queues.items():
                with Horizontal(classes="form-row"):
                    yield Label(queue, classes="form-label")
                    yield Switch(member, id=f"queue-{queue}")
            yield from self.buttons(t("console.form.submit"))

    def action_submit(self) -> None:
        chosen = {q: self.query_one(f"#queue-{q}", Switch).value for q in self.queues}
        self.dismiss({q: m for q, m in chosen.items() if m != self.queues[q]})
