"""One call's QA review: the call's facts and what was done with the customer on it (the audit
trail: viewed masked, verified, unmasked…), each criterion of the form marked pass / fail / n/a,
a comment; Ctrl+R plays its recording, Ctrl+S sends the review. A refusal is shown above the
buttons and everything marked stays."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, install
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.keys import QA_REVIEW_KEYS
from console.tui.text import label, local_time

MARKS = ("pass", "fail", "na")


class QaReviewDialog(ModalScreen[dict[str, Any] | None]):
    def __init__(self, ctx: SupervisorContext, call: dict[str, Any], form: dict[str, Any]) -> None:
        super().__init__()
        self.ctx, self.call, self.form = ctx, call, form
        install(self, FORM_KEYS)
        install(self, QA_REVIEW_KEYS)

    def compose(self) -> ComposeResult:
        call = self.call
        with VerticalScroll(id="qa-review"):
            yield Label(t("sup.qa.title", agent=f"{call.get('agent_ext')} {call.get('agent_name') or ''}",
                          time=local_time(call.get("started_at"), self.ctx.tz)), id="qa-title")
            yield Static(t("sup.qa.facts", queue=call.get("queue") or "—", wait=f"{call.get('wait_s') or 0:.0f}",
                           talk=f"{call.get('talk_s') or 0:.0f}", hangup_by=label("hangup_by", call.get("hangup_by")),
                           disposition=label("disposition", call.get("disposition")), notes=call.get("notes") or "—"),
                         id="qa-facts")
            yield Static(t("sup.qa.trail_loading"), id="qa-trail")
            for criterion in self.form["criteria"]:
                with Horizontal(classes="qa-criterion"):
                    yield Label(f"{criterion['label']}{' ⚠' if criterion['fatal'] else ''} ({criterion['weight']:g})")
                    yield Select([(t(f"sup.qa.mark.{m}"), m) for m in MARKS], value="pass", allow_blank=False,
                                 id=f"mark-{criterion['id']}")
            yield Input("", id="qa-comment", placeholder=t("sup.qa.comment"), max_length=4000)
            yield Label("", id="qa-error")
            with Horizontal():
                yield Button(t("console.form.submit"), id="submit", variant="primary")
                yield Button(t("console.form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.load_trail()

    @work(group="qa-trail")
    async def load_trail(self) -> None:
        box = self.query_one("#qa-trail", Static)
        try:
            trail = await self.ctx.client.call_trail(int(self.call["id"]))
        except ApiError as exc:
            box.update(exc.message)
            return
        lines = [f"{local_time(e['at'], self.ctx.tz)}  {e.get('actor') or '—'}  {label('audit', e['action'])}"
                 + (f" ({t('sup.qa.masked')})" if e["detail"].get("masked") else "") for e in trail]
        box.update(t("sup.qa.trail") + "\n" + ("\n".join(lines) if lines else t("sup.qa.trail_none")))

    def marks(self) -> dict[str, str]:
        return {c["id"]: str(self.query_one(f"#mark-{c['id']}", Select).value) for c in self.form["criteria"]}

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        self.send(self.marks(), self.query_one("#qa-comment", Input).value.strip())

    @work(exclusive=True, group="qa-send")
    async def send(self, marks: dict[str, str], comment: str) -> None:
        try:
            review = await self.ctx.client.review_call(int(self.call["id"]), marks, comment)
        except ApiError as exc:
            self.query_one("#qa-error", Label).update(exc.message)
            return
        self.dismiss(review)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_play_recording(self) -> None:
        if not self.call.get("recording"):
            self.notify(t("console.recording.none"), severity="warning")
            return
        player = self.ctx.recordings
        if player is None:
            return

        async def fetch() -> None:
            try:
                fetched = await player.fetch(self.call["id"])
            except ApiError as exc:
                self.notify(exc.message, severity="error", timeout=8)
                return
            self.notify(fetched.said(), timeout=10)
        self.notify(t("console.recording.fetching"))
        self.run_worker(fetch(), group="qa-recording")
