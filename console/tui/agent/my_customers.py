"""An account manager's own customers in the console (Ctrl+K): the most at risk first, with
their churn reasons, open tickets, follow-ups due and last contact; Enter opens one on the card."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.text import label, local_time

COLUMNS = ("risk", "name", "client_no", "tier", "tickets", "followups", "last_contact", "reasons")


class MyCustomersDialog(ModalScreen[int | None]):
    def __init__(self, client: Client, tz: ZoneInfo) -> None:
        super().__init__()
        self.client, self.tz = client, tz
        install(self, FORM_KEYS)

    def compose(self) -> ComposeResult:
        with Vertical(id="my-customers"):
            yield Label(t("console.mine.title"), id="mine-title")
            yield DataTable(id="mine", zebra_stripes=True, cursor_type="row")
            yield Label(t("console.mine.hint"), id="mine-hint")

    def on_mount(self) -> None:
        table = self.query_one("#mine", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"console.mine.col.{column}"), key=column)
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        try:
            body = await self.client.my_customers()
        except ApiError as exc:
            self.query_one("#mine-hint", Label).update(exc.message)
            return
        table = self.query_one("#mine", DataTable)
        for c in body["customers"]:
            churn: dict[str, Any] = c.get("churn") or {}
            reasons = " · ".join(t(f"console.churn.{r['factor']}", n=round(r["value"]), value=r["value"])
                                 for r in churn.get("reasons", []))
            table.add_row(f"{t('console.churn.level.' + churn.get('level', 'low'))} {churn.get('score', 0)}",
                          c["name"], c["client_no"], label("tier", c["tier"]), str(c["open_tickets"]),
                          str(c["followups_due"]), local_time(c["last_contact"], self.tz) if c["last_contact"] else "—",
                          reasons, key=str(c["id"]))
        self.query_one("#mine-title", Label).update(t("console.mine.count", n=body["total"]))
        table.focus()

    @on(DataTable.RowSelected, "#mine")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.dismiss(int(str(event.row_key.value)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        table = self.query_one("#mine", DataTable)
        if table.row_count:
            self.dismiss(int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)))
