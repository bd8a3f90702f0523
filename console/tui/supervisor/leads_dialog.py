"""Add leads to the selected campaign: by a customer filter, or from a CSV file on this machine.

The server decides every lead (do-not-call, suitability for a marketing campaign) and reports
what it did; the dialog shows that report (added, excluded by reason, bad rows by line) and stays
open, so a supervisor can fix the file and import again, or add by a second filter.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, install
from console.tui.supervisor import campaign_fields as cf
from console.tui.supervisor.context import SupervisorContext
from console.tui.text import label


def read_csv(path_text: str) -> str:
    """The text of a CSV file the supervisor named; ValueError with the message to show."""
    path = Path(path_text.strip()).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(t("camp.leads.err.read", path=path, reason=exc.strerror or exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(t("camp.leads.err.encoding", path=path)) from None


class LeadsDialog(ModalScreen[bool]):
    """Returns True when leads were added (the campaigns screen reads its figures again)."""

    def __init__(self, ctx: SupervisorContext, campaign: dict[str, Any]) -> None:
        super().__init__()
        install(self, FORM_KEYS[:1])  # Esc closes; two buttons, no single "submit"
        self.ctx, self.campaign, self.added = ctx, campaign, False

    def compose(self) -> ComposeResult:
        with Vertical(id="leads-form", classes="form"):
            yield Label(t("camp.leads.title", id=self.campaign["id"], name=self.campaign["name"]), classes="form-title")
            yield Label(t("camp.leads.by_filter"), classes="section")
            with Horizontal(classes="field-line"):
                yield Label(t("camp.leads.days"), classes="form-label")
                yield Input("", id="leads-days", max_length=4, restrict=r"\d*", compact=True)
                yield Label(t("camp.leads.days_hint"), classes="unit")
            yield Label("", id="err-days", classes="error")
            with Horizontal(classes="field-line", id="leads-tiers"):
                yield Label(t("camp.leads.tiers"), classes="form-label")
                for tier in cf.TIERS:
                    yield Checkbox(label("tier", tier), id=f"tier-{tier}", compact=True)
            with Horizontal(classes="field-line"):
                yield Label(t("camp.leads.branch"), classes="form-label")
                yield Input("", id="leads-branch", placeholder=t("camp.leads.branch_hint"), compact=True)
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.leads.add_filter"), id="leads-filter", variant="primary")
            yield Label(t("camp.leads.by_csv"), classes="section")
            with Horizontal(classes="field-line"):
                yield Label(t("camp.leads.file"), classes="form-label")
                yield Input("", id="leads-file", placeholder=t("camp.leads.file_hint"), compact=True)
            yield Label("", id="err-file", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.leads.import"), id="leads-import", variant="primary")
            yield Static("", id="leads-result")
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.leads.close"), id="leads-close")

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = False
        self._error("days", "")
        self._error("file", "")
        self.query_one("#leads-result").display = False  # until there is something to report
        self.query_one("#leads-days", Input).focus()

    def _error(self, name: str, text: str) -> None:
        error = self.query_one(f"#err-{name}", Label)
        error.update(text)
        error.display = bool(text)

    @on(Button.Pressed, "#leads-close")
    def action_cancel(self) -> None:
        self.dismiss(self.added)

    @on(Button.Pressed, "#leads-filter")
    def add_by_filter(self) -> None:
        tiers = [tier for tier in cf.TIERS if self.query_one(f"#tier-{tier}", Checkbox).value]
        body, errors = cf.lead_filter(self.query_one("#leads-days", Input).value, tiers,
                                      self.query_one("#leads-branch", Input).value)
        self._error("days", errors.get("days", ""))
        if not errors:
            self._send(self.ctx.client.add_leads_by_filter(int(self.campaign["id"]), **body))

    @on(Button.Pressed, "#leads-import")
    @on(Input.Submitted, "#leads-file")
    def import_file(self) -> None:
        path = self.query_one("#leads-file", Input).value
        self._error("file", "" if path.strip() else t("camp.leads.err.no_file"))
        if path.strip():
            self._import(path)

    @work(exclusive=True, group="leads-read")
    async def _import(self, path: str) -> None:
        try:
            text = await asyncio.to_thread(read_csv, path)
        except ValueError as exc:
            self._error("file", str(exc))
            return
        self._send(self.ctx.client.import_leads(int(self.campaign["id"]), text))

    @work(exclusive=True, group="leads-send")
    async def _send(self, request: Any) -> None:
        result = self.query_one("#leads-result", Static)
        result.update(t("camp.leads.working"))
        result.display = True
        try:
            report = await request
        except ApiError as exc:
            result.update(t("camp.form.err.server", message=exc.message))
            result.set_class(True, "-failed")
            return
        result.set_class(False, "-failed")
        self.added = self.added or bool(report.get("added"))
        result.update("\n".join(cf.lead_report(report)))
