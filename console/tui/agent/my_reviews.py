"""The agent's own QA reviews (Ctrl+J): newest first, the score, what failed, the comment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from console.i18n import t
from console.tui.client import ApiError, Client
from console.tui.keys import FORM_KEYS, install
from console.tui.text import local_time

COLUMNS = ("when", "score", "failed", "reviewer", "comment")


class MyReviewsDialog(ModalScreen[None]):
    def __init__(self, client: Client, tz: ZoneInfo) -> None:
        super().__init__()
        self.client, self.tz = client, tz
        install(self, FORM_KEYS)

    def compose(self) -> ComposeResult:
        with Vertical(id="my-reviews"):
            yield Label(t("console.qa.title"), id="qa-title")
            yield DataTable(id="reviews", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#reviews", DataTable)
        for column in COLUMNS:
            table.add_column(t(f"console.qa.col.{column}"), key=column)
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        try:
            body = await self.client.request("GET", "/api/qa/reviews", params={"agent": "me"})
        except ApiError as exc:
            self.query_one("#qa-title", Label).update(exc.message)
            return
        labels = {c["id"]: c["label"] for c in body["form"]["criteria"]}
        table = self.query_one("#reviews", DataTable)
        for review in body["reviews"]:
            failed = [labels.get(k, k) for k, mark in review["marks"].items() if mark == "fail"]
            score = f"{review['score']:.1f}" + (f" ({t('console.qa.fatal')})" if review["fatal"] else "")
            table.add_row(local_time(review["created_at"], self.tz), score, "、".join(failed) or "—",
                          review.get("reviewer") or "—", review.get("comment") or "", key=str(review["id"]))
        scores = [r["score"] for r in body["reviews"]]
        mean = f"{sum(scores) / len(scores):.1f}" if scores else "—"
        self.query_one("#qa-title", Label).update(t("console.qa.summary", n=len(scores), mean=mean,
                                                    pass_mark=f"{body['form']['pass_mark']:g}"))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        self.dismiss(None)
