"""An account manager's customers, and handing them all over to another manager.

The list is a page of the customers (by client number) with the total; the hand-over moves every
customer at once (the server bumps each customer's version and audits each one), so a manager
who leaves can be disabled afterwards.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Select

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, install
from console.tui.supervisor.context import SupervisorContext
from console.tui.text import label

COLUMNS = ("client_no", "name", "tier", "branch")


class CustomersLoaded(Message):
    def __init__(self, page: dict[str, Any]) -> None:
        super().__init__()
        self.page = page


class CustomersDialog(ModalScreen[bool]):
    """True when customers were handed over (the staff screen reads the counts again)."""

    def __init__(self, ctx: SupervisorContext, member: dict[str, Any], managers: list[dict[str, Any]]) -> None:
        super().__init__()
        install(self, FORM_KEYS[:1])
        self.ctx, self.member, self.managers, self.moved = ctx, member, managers, False

    def compose(self) -> ComposeResult:
        with Vertical(id="customers-form", classes="form"):
            yield Label(t("staff.customers.title", username=self.member["username"], name=self.member["name"]),
                        classes="form-title")
            yield DataTable(id="customers-table", cursor_type="row", zebra_stripes=True)
            yield Label(t("staff.customers.loading"), id="customers-total")
            with Horizontal(classes="field-line"):
                yield Label(t("staff.customers.to"), classes="form-label")
                yield Select([(f"{m['username']} {m['name']}", int(m["id"])) for m in self.managers],
                             prompt=t("staff.customers.choose"), id="customers-to", compact=True)
            yield Label("", id="err-to", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("staff.customers.transfer"), id="customers-transfer", variant="primary")
                yield Button(t("staff.import.close"), id="customers-close")

    def on_mount(self) -> None:
        table = self.query_one("#customers-table", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"staff.customers.col.{column}"), key=column)
        self._error("")
        self.load()

    def _error(self, text: str) -> None:
        error = self.query_one("#err-to", Label)
        error.update(text)
        error.display = bool(text)

    @work(exclusive=True, group="customers-load")
    async def load(self) -> None:
        try:
            page = await self.ctx.client.manager_customers(int(self.member["id"]), limit=200)
        except ApiError as exc:
            self._error(exc.message)
            return
        self.post_message(CustomersLoaded(page))

    @on(CustomersLoaded)
    def _loaded(self, message: CustomersLoaded) -> None:
        table = self.query_one("#customers-table", DataTable)
        with self.app.batch_update():
            table.clear()  # a new page after a hand-over: the old rows are all gone
            for c in message.page["customers"]:
                table.add_row(c["client_no"], c["name"], label("tier", c["tier"]), c["branch"] or "—", key=str(c["id"]))
        self.query_one("#customers-total", Label).update(t("staff.customers.total", n=message.page["total"],
                                                           shown=len(message.page["customers"])))

    @on(Button.Pressed, "#customers-close")
    def action_cancel(self) -> None:
        self.dismiss(self.moved)

    @on(Button.Pressed, "#customers-transfer")
    def transfer(self) -> None:
        target = self.query_one("#customers-to", Select).value
        if not isinstance(target, int):  # nothing chosen yet (Select's blank marker)
            self._error(t("staff.customers.err.choose"))
            return
        self._error("")
        self._transfer(target)

    @work(exclusive=True, group="customers-transfer")
    async def _transfer(self, target: int) -> None:
        try:
            result = await self.ctx.client.transfer_customers(int(self.member["id"]), target)
        except ApiError as exc:
            self._error(exc.message)
            return
        self.moved = self.moved or bool(result["moved"])
        self.notify(t("staff.customers.moved", n=result["moved"], source=result["from"]["username"],
                      target=result["to"]["username"]))
        self.load()
