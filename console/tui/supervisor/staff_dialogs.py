"""The staff screen's smaller dialogs: a yes/no question, a password reset, a CSV import.

The customers of an account manager have their own dialog (staff_customers). Each dialog keeps
what was typed when the server refuses it, and says why where the mistake is.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, KeySpec, install
from console.tui.supervisor import staff_fields as sf
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.staff_customers import CustomersDialog

__all__ = ["ConfirmDialog", "CustomersDialog", "ImportDialog", "PasswordDialog", "read_file"]

CONFIRM_KEYS: tuple[KeySpec, ...] = (
    KeySpec("confirm.yes", "y", "yes", "staff.confirm.yes_key"),
    KeySpec("confirm.no", "escape,n", "no", "staff.confirm.no"),
)


class ConfirmDialog(ModalScreen[bool]):
    """A question with a yes that does something and a no that is the default (Enter keeps things)."""

    def __init__(self, title: str, body: str, yes: str) -> None:
        super().__init__()
        self.title_text, self.body_text, self.yes_text = title, body, yes
        install(self, CONFIRM_KEYS)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-form", classes="form"):
            yield Label(self.title_text, classes="form-title")
            yield Label(self.body_text)
            with Horizontal(classes="form-buttons"):
                yield Button(self.yes_text, id="confirm-yes", variant="error")
                yield Button(t("staff.confirm.no"), id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


class PasswordDialog(ModalScreen[bool]):
    """Set a new password, typed twice; True once the server took it."""

    def __init__(self, ctx: SupervisorContext, member: dict[str, Any]) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.ctx, self.member = ctx, member

    def compose(self) -> ComposeResult:
        with Vertical(id="password-form", classes="form"):
            yield Label(t("staff.password.title", username=self.member["username"], name=self.member["name"]),
                        classes="form-title")
            for name in ("password", "password2"):
                with Horizontal(classes="field-line"):
                    yield Label(t(f"staff.form.{name}"), classes="form-label")
                    yield Input("", id=f"f-{name}", password=True, compact=True)
                yield Label("", id=f"err-{name}", classes="error")
            yield Label(t("staff.password.hint"), classes="hint")
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.form.save"), id="password-save", variant="primary")
                yield Button(t("camp.form.cancel"), id="password-cancel")

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = False
        self._errors({})
        self.query_one("#f-password", Input).focus()

    def _errors(self, errors: dict[str, str]) -> None:
        for name in ("password", "password2"):
            label = self.query_one(f"#err-{name}", Label)
            label.update(errors.get(name, ""))
            label.display = name in errors

    @on(Button.Pressed, "#password-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#password-save")
    @on(Input.Submitted, "#f-password2")
    def action_submit(self) -> None:
        password, again = (self.query_one(f"#f-{n}", Input).value for n in ("password", "password2"))
        errors = sf.password_errors(password, again)
        self._errors(errors)
        if not errors:
            self._save(password)

    @work(exclusive=True, group="password-save")
    async def _save(self, password: str) -> None:
        try:
            await self.ctx.client.set_staff_password(int(self.member["id"]), password)
        except ApiError as exc:
            self._errors({"password": exc.message})
            self.query_one("#f-password", Input).focus()
            return
        self.notify(t("staff.password.done", username=self.member["username"]))
        self.dismiss(True)


def read_file(path_text: str) -> bytes:
    """The bytes of a file the administrator named; ValueError with the message to show. The
    server decodes it line by line, so a line that is not UTF-8 is reported by its number."""
    path = Path(path_text.strip()).expanduser()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(t("staff.import.err.read", path=path, reason=exc.strerror or exc)) from None


class ImportDialog(ModalScreen[bool]):
    """Import accounts from a CSV file on this machine; the report stays on screen (True: changed)."""

    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        install(self, FORM_KEYS[:1])
        self.ctx, self.changed = ctx, False

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-import-form", classes="form"):
            yield Label(t("staff.import.title"), classes="form-title")
            yield Label(t("staff.import.columns"), classes="hint")
            with Horizontal(classes="field-line"):
                yield Label(t("staff.import.file"), classes="form-label")
                yield Input("", id="import-file", placeholder=t("staff.import.file_hint"), compact=True)
            yield Label("", id="err-file", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("staff.import.run"), id="import-run", variant="primary")
                yield Button(t("staff.import.close"), id="import-close")
            yield Static("", id="import-result")

    def on_mount(self) -> None:
        self.query_one("#import-file", Input).cursor_blink = False
        self._error("")
        self.query_one("#import-result").display = False
        self.query_one("#import-file", Input).focus()

    def _error(self, text: str) -> None:
        label = self.query_one("#err-file", Label)
        label.update(text)
        label.display = bool(text)

    @on(Button.Pressed, "#import-close")
    def action_cancel(self) -> None:
        self.dismiss(self.changed)

    @on(Button.Pressed, "#import-run")
    @on(Input.Submitted, "#import-file")
    def run_import(self) -> None:
        path = self.query_one("#import-file", Input).value
        self._error("" if path.strip() else t("staff.import.err.no_file"))
        if path.strip():
            self._import(path)

    @work(exclusive=True, group="staff-import")
    async def _import(self, path: str) -> None:
        try:
            data = await asyncio.to_thread(read_file, path)
        except ValueError as exc:
            self._error(str(exc))
            return
        result = self.query_one("#import-result", Static)
        result.update(t("staff.import.working"))
        result.display = True
        try:
            report = await self.ctx.client.import_staff(data)
        except ApiError as exc:
            result.update(exc.message)
            result.set_class(True, "-failed")
            return
        result.set_class(False, "-failed")
        self.changed = self.changed or bool(report.get("added") or report.get("updated"))
        result.update("\n".join(sf.import_report(report)))
