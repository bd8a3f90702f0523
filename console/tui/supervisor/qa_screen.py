"""QA in the supervisor app (F12): a day's answered calls, each with its latest score; Enter
opens the review of the selected call (console/tui/supervisor/qa_review.py)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import install
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.keys import QA_KEYS
from console.tui.text import label, local_time

COLUMNS = ("time", "agent", "queue", "talk", "hangup_by", "disposition", "recording", "csat", "score")


def cells(call: dict[str, Any], ctx: SupervisorContext) -> tuple[str, ...]:
    score = call.get("qa_score")
    return (
        local_time(call.get("started_at"), ctx.tz), f"{call.get('agent_ext') or ''} {call.get('agent_name') or ''}",
        call.get("queue") or "—", f"{call.get('talk_s') or 0:.0f}s", label("hangup_by", call.get("hangup_by")),
        label("disposition", call.get("disposition")), "▶" if call.get("recording") else "",
        str(call["csat"]) if call.get("csat") is not None else "—", "—" if score is None else f"{score:.1f}",
    )


class QaScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.calls: dict[str, dict[str, Any]] = {}
        self.form: dict[str, Any] | None = None
        # Held, not queried: the loading worker resumes after its await, perhaps on a screen
        # already taken down (the app closing): a query there raised NoMatches.
        self._table: DataTable[str] = DataTable(id="calls", zebra_stripes=True, cursor_type="row")
        self._status = Label("", id="qa-status")
        install(self, QA_KEYS)

    def compose(self) -> ComposeResult:
        today = self.ctx.clock().astimezone(self.ctx.tz).date().isoformat()
        yield Header()
        with Vertical(id="qa"):
            with Horizontal(id="qa-form"):
                yield Input(today, id="day", max_length=10)
                yield Input("", id="agent", max_length=16, placeholder=t("sup.qa.agent_hint"))
                yield Button(t("sup.qa.load"), id="load")
            yield self._status
            yield self._table
        yield Footer()

    def on_mount(self) -> None:
        for column in COLUMNS:
            self._table.add_column(t(f"sup.qa.col.{column}"), key=column)
        self.action_load_calls()

    def action_close(self) -> None:
        if self.ctx.user.role == "qa":  # the QA reviewer's only screen: leaving it is leaving the app
            self.app.exit()
            return
        self.app.pop_screen()

    @on(Button.Pressed, "#load")
    @on(Input.Submitted)
    def action_load_calls(self) -> None:
        self.load(self.query_one("#day", Input).value.strip(), self.query_one("#agent", Input).value.strip())

    @work(exclusive=True, group="qa")
    async def load(self, day: str, agent: str) -> None:
        status, table = self._status, self._table
        try:
            if self.form is None:
                self.form = await self.ctx.client.qa_form()
            calls = await self.ctx.client.qa_calls(day, agent or None)
        except ApiError as exc:
            if self.is_attached:
                status.update(exc.message)
            return
        if not self.is_attached:
            return  # the screen was closed while the calls were on their way
        table.clear()
        self.calls = {str(c["id"]): c for c in calls}
        for call in calls:
            table.add_row(*cells(call, self.ctx), key=str(call["id"]))
        status.update(t("sup.qa.count", n=len(calls), reviewed=sum(c.get("qa_score") is not None for c in calls)))
        if calls:
            table.focus()

    @on(DataTable.RowSelected, "#calls")
    def _review(self, event: DataTable.RowSelected) -> None:
        from console.tui.supervisor.qa_review import QaReviewDialog

        call = self.calls.get(str(event.row_key.value))
        if call is None or self.form is None:
            return

        def reviewed(review: dict[str, Any] | None) -> None:
            if review is None:
                return
            call["qa_score"] = review["score"]
            self._table.update_cell(str(call["id"]), "score", f"{review['score']:.1f}")
            self.notify(t("sup.qa.saved", score=f"{review['score']:.1f}"))
        self.app.push_screen(QaReviewDialog(self.ctx, call, self.form), reviewed)
