"""The report inside the supervisor app: the same rows as `calldesk report`, and a chart of the
calls offered per interval (a day's shape says more as a line than as 96 table rows)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Sparkline

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import install
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.keys import REPORT_KEYS

COLUMNS = ("key", "queue", "offered", "answered", "abandoned", "short_abandoned", "service_level",
           "asa_s", "aht_s", "longest_wait_s", "abandon_rate")
RATIOS = {"service_level", "abandon_rate"}


def cell(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if column in RATIOS:
        return f"{value * 100:.1f}%"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


class ReportLoaded(Message):
    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__()
        self.body = body


class ReportScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        install(self, REPORT_KEYS)

    def compose(self) -> ComposeResult:
        today = self.ctx.clock().astimezone(self.ctx.tz).date().isoformat()
        yield Header()
        with Vertical(id="report"):
            with Horizontal(id="report-form"):
                yield Input(today, id="from", max_length=10)
                yield Input(today, id="to", max_length=10)
                yield Select([(t(f"sup.report.by.{b}"), b) for b in ("interval", "queue", "agent")],
                             value="interval", allow_blank=False, id="by")
                yield Button(t("sup.report.load"), id="run")
            yield Label(t("sup.report.chart"), id="chart-title")
            yield Sparkline([], id="chart")
            yield DataTable(id="rows", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rows", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"report.col.{column}"), key=column)
        for box in self.query(Input):
            box.cursor_blink = False
        self.action_run_report()

    @on(Button.Pressed, "#run")
    def action_run_report(self) -> None:
        self.load(self.query_one("#from", Input).value.strip(), self.query_one("#to", Input).value.strip(),
                  str(self.query_one("#by", Select).value))

    def action_close(self) -> None:
        self.app.pop_screen()

    @work(exclusive=True, group="report")
    async def load(self, first: str, last: str, by: str) -> None:
        try:
            body = await self.ctx.client.report(first, last, by)
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.post_message(ReportLoaded(body))

    @on(ReportLoaded)
    def _loaded(self, message: ReportLoaded) -> None:
        rows = message.body.get("rows", [])
        by = message.body.get("by")
        # Rows with no call in them say nothing on a 96-line table; the chart keeps the whole day.
        shown = [r for r in rows if r["offered"] or r["short_abandoned"]] if by == "interval" else rows
        table = self.query_one("#rows", DataTable)
        with self.app.batch_update():
            table.clear()
            for n, row in enumerate(shown):
                table.add_row(*(cell(c, row.get(c)) for c in COLUMNS), key=f"{row['key']}|{row.get('queue')}|{n}")
            chart = self.query_one("#chart", Sparkline)
            chart.display = by == "interval"
            self.query_one("#chart-title", Label).display = by == "interval"
            if by == "interval":
                per_slot: dict[str, int] = {}
                for row in rows:
                    per_slot[row["key"]] = per_slot.get(row["key"], 0) + int(row["offered"])
                chart.data = list(per_slot.values())
        self.sub_title = t("sup.report.title", start=message.body.get("from"), end=message.body.get("to"))


