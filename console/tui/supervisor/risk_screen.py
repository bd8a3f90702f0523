"""Customers at risk of leaving, in the supervisor app (Ctrl+K): the churn warning's list, the
highest score first, with each customer's account manager and reasons (GET /api/customers/at-risk)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Select

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import install
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.keys import RISK_KEYS
from console.tui.text import label

COLUMNS = ("score", "name", "client_no", "tier", "manager", "reasons")


def reasons_text(churn: dict[str, Any]) -> str:
    return " · ".join(t(f"console.churn.{r['factor']}", n=round(r["value"]), value=r["value"])
                      for r in churn.get("reasons", []))


class RiskScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        install(self, RISK_KEYS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="risk"):
            with Horizontal(id="risk-form"):
                yield Select([(t(f"console.churn.level.{level}"), level) for level in ("high", "medium")],
                             value="high", allow_blank=False, id="level")
                yield Label("", id="risk-status")
            yield DataTable(id="at-risk", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#at-risk", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"sup.risk.col.{column}"), key=column)
        self.action_load()

    def action_close(self) -> None:
        self.app.pop_screen()

    @on(Select.Changed, "#level")
    def action_load(self) -> None:
        self.load(str(self.query_one("#level", Select).value))

    @work(exclusive=True, group="risk")
    async def load(self, level: str) -> None:
        status = self.query_one("#risk-status", Label)
        try:
            body = await self.ctx.client.request("GET", "/api/customers/at-risk", params={"level": level,
                                                                                          "limit": 500})
        except ApiError as exc:
            status.update(exc.message)
            return
        table = self.query_one("#at-risk", DataTable)
        table.clear()
        for c in body["customers"]:
            table.add_row(str(c["churn"]["score"]), c["name"], c["client_no"], label("tier", c["tier"]),
                          (c.get("manager") or {}).get("name") or "—", reasons_text(c["churn"]), key=str(c["id"]))
        status.update(t("sup.risk.count", n=len(body["customers"])))
