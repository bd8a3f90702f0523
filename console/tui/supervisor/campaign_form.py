"""Create or edit a campaign inside the supervisor app (a dialog over the campaigns screen).

Every field of the API's campaign, two to a row. Obvious mistakes are named under their field
before anything is sent; a refusal from the server is shown the same way (its ``field``), or
above the buttons when it names none, and the dialog stays open with everything as typed. A
create POSTs the whole form; an edit PATCHes only the fields that changed.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select

from console.i18n import get_locale, t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, install
from console.tui.supervisor import campaign_fields as cf
from console.tui.supervisor.context import SupervisorContext

# The fields of each row; one name alone takes the whole row. Compact inputs (one line each):
# the whole form fits a 36-line terminal with room for the messages under the fields.
ROWS: tuple[tuple[str, ...], ...] = (
    ("name",), ("kind", "mode"), ("queue", "product_risk"), ("window_start", "window_end"),
    ("max_attempts", "caller_id"), ("retry_busy_min", "retry_noanswer_min", "retry_failed_min"),
    ("script_slug",), ("agents",),
)
CHOICES = {"kind": cf.KINDS, "mode": cf.MODES}


class CampaignForm(ModalScreen[dict[str, Any] | None]):
    """Returns the campaign as the server saved it, or None when cancelled (or nothing changed)."""

    def __init__(self, ctx: SupervisorContext, campaign: dict[str, Any] | None = None) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.ctx, self.campaign = ctx, campaign
        self.start = cf.form_values(campaign) if campaign else dict(cf.NEW)
        self.judged: dict[str, str | None] = {}

    # --- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = (t("camp.form.edit", id=self.campaign["id"], name=self.campaign["name"]) if self.campaign
                 else t("camp.form.new"))
        with Vertical(id="campaign-form", classes="form"):
            yield Label(title, classes="form-title")
            with VerticalScroll(id="campaign-fields"):
                for row in ROWS:
                    yield Horizontal(*(self._field(name) for name in row), classes="form-row")
                    if "product_risk" in row:
                        yield Label(t("camp.form.risk_hint"), id="hint-product_risk", classes="hint")
                    if "window_end" in row:
                        yield Label(t("camp.form.window_hint", tz=self.ctx.center.time_zone), classes="hint")
                    if "agents" in row:
                        yield Label(t("camp.form.agents_hint"), classes="hint")
            yield Label(t("camp.form.loading"), id="campaign-form-status")
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.form.save"), id="campaign-save", variant="primary")
                yield Button(t("camp.form.cancel"), id="campaign-cancel")

    def _field(self, name: str) -> Widget:
        parts: list[Widget] = [Label(t(f"camp.form.{name}"), classes="form-label"), self._input(name)]
        if name in cf.NUMBERS and name != "max_attempts":
            parts.append(Label(t("camp.form.minutes"), classes="unit"))
        return Vertical(Horizontal(*parts, classes="field-line"), Label("", id=f"err-{name}", classes="error"),
                        classes="field")

    def _input(self, name: str) -> Widget:
        value, wid = self.start.get(name), f"f-{name}"
        if name in CHOICES:
            return Select([(t(f"camp.{name}.{c}"), c) for c in CHOICES[name]], value=value, allow_blank=False,
                          id=wid, compact=True)
        if name == "product_risk":
            options = [(t("camp.form.risk_none"), "")] + [(r, r) for r in cf.PRODUCT_RISKS]
            return Select(options, value=value or "", allow_blank=False, id=wid, compact=True)
        if name in ("queue", "script_slug"):  # the real choices arrive from the server (_load)
            none = [(t("camp.form.script_none"), "")] if name == "script_slug" else []
            return Select(none + ([(value, value)] if value else []), value=value or "", allow_blank=False, id=wid,
                          compact=True)
        longest = {"name": cf.NAME_MAX, "caller_id": cf.CALLER_ID_MAX}.get(name, 0)
        return Input(value or "", id=wid, max_length=longest, compact=True)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = False
        for label in self.query(".error"):
            label.display = False
        self._kind_changed()
        self.query_one("#f-name", Input).focus()
        self._load()

    # --- choices from the server -----------------------------------------------------------
    @work(exclusive=True, group="campaign-form-load")
    async def _load(self) -> None:
        client = self.ctx.client
        status = self.query_one("#campaign-form-status", Label)
        try:
            queues = await client.queue_names()
            articles = await client.kb_articles()
        except ApiError as exc:
            status.update(exc.message)
            return
        status.update("")
        current = self.start
        queue_names = sorted(set(queues) | {current["queue"] or cf.NEW["queue"]})
        self._options("queue", [(q, q) for q in queue_names])
        english = get_locale() == "en"
        scripts = [(t("camp.form.script_none"), "")] + [
            (f"{(a.title_en if english else a.title) or a.slug} ({a.slug})", a.slug) for a in articles]
        if current["script_slug"] and current["script_slug"] not in {a.slug for a in articles}:
            scripts.append((current["script_slug"], current["script_slug"]))  # an article since removed
        self._options("script_slug", scripts)

    def _options(self, name: str, options: list[tuple[str, str]]) -> None:
        select = self.query_one(f"#f-{name}", Select)
        keep = select.value
        select.set_options(options)
        select.value = keep

    # --- input ------------------------------------------------------------------------------
    def values(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name in cf.FIELDS:
            value = self.query_one(f"#f-{name}").value  # type: ignore[attr-defined]
            out[name] = None if value is Select.BLANK or value is None else str(value)
        return out

    @on(Select.Changed, "#f-kind")
    def _kind_changed(self) -> None:
        self.query_one("#hint-product_risk").display = self.query_one("#f-kind", Select).value == "marketing"

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        """A field being corrected loses its message (the others keep theirs until the next save)."""
        name = (event.control.id or "").removeprefix("f-")
        if name in cf.FIELDS and self.values()[name] != self.judged.get(name):
            self.query_one(f"#err-{name}", Label).display = False

    def show_errors(self, errors: dict[str, str], other: str = "") -> None:
        self.judged = self.values()  # what the messages are about
        for name in cf.FIELDS:
            label = self.query_one(f"#err-{name}", Label)
            label.update(errors.get(name, ""))
            label.display = name in errors
        self.query_one("#campaign-form-status", Label).update(other)
        first = next((name for name in cf.FIELDS if name in errors), None)
        if first is not None:
            widget = self.query_one(f"#f-{first}")
            widget.focus()
            if isinstance(widget, Input):
                widget.select_all()  # typing replaces what was wrong (it may have had the focus already)

    @on(Button.Pressed, "#campaign-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#campaign-save")
    def action_submit(self) -> None:
        body, errors = cf.parse(self.values())
        self.show_errors(errors)
        if errors:
            return
        if self.campaign is None:
            self._save(cf.create_body(body))
            return
        changed = cf.changes(self.campaign, body)
        if not changed:
            self.notify(t("camp.form.unchanged"))
            self.dismiss(None)
            return
        self._save(changed)

    @work(exclusive=True, group="campaign-form-save")
    async def _save(self, body: dict[str, Any]) -> None:
        client = self.ctx.client
        try:
            if self.campaign is None:
                row = await client.create_campaign(body)
            else:
                row = await client.edit_campaign(int(self.campaign["id"]), body)
        except ApiError as exc:
            field = (exc.field or "").split(".")[0]
            if field in cf.FIELDS:
                self.show_errors({field: exc.message})  # under the field, which gets the focus
            else:
                self.show_errors({}, t("camp.form.err.server", message=exc.message))
                self.notify(exc.message, severity="error", timeout=8)
            return
        if self.campaign is None:
            self.notify(t("camp.form.created", id=row["id"], name=row["name"]))
        else:
            fields = t("camp.form.sep").join(t(f"camp.form.{f}") for f in body)
            self.notify(t("camp.form.saved", id=row["id"], fields=fields))
        self.dismiss(row)
