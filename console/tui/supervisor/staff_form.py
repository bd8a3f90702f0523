"""Create or edit a staff account (a dialog over the staff screen).

User name and name, role and extension, the queues (one box per configured queue), and for a new
account an optional password typed twice. What is obviously wrong is named under its field before
anything is sent; a refusal from the server (the password policy, an extension someone holds, the
last administrator) is shown under the field it names, or above the buttons, and the dialog stays
open with everything as typed. An edit PATCHes only what changed.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import FORM_KEYS, install
from console.tui.supervisor import staff_fields as sf
from console.tui.supervisor.context import SupervisorContext

ROWS: tuple[tuple[str, ...], ...] = (("username", "name"), ("role", "extension"), ("queues",))
PASSWORD_ROW = ("password", "password2")


class StaffForm(ModalScreen[dict[str, Any] | None]):
    """Returns the account as the server saved it, or None when cancelled (or nothing changed)."""

    def __init__(self, ctx: SupervisorContext, member: dict[str, Any] | None = None) -> None:
        super().__init__()
        install(self, FORM_KEYS)
        self.ctx, self.member = ctx, member
        self.start = sf.form_values(member)
        self.queues = list(dict.fromkeys([*ctx.center.queues, *self.start["queues"]]))
        self.rows = ROWS + (() if member else (PASSWORD_ROW,))
        self.fields = [name for row in self.rows for name in row]
        self.judged: dict[str, Any] = {}  # the values the messages shown are about

    def compose(self) -> ComposeResult:
        title = (t("staff.form.edit", username=self.member["username"], name=self.member["name"]) if self.member
                 else t("staff.form.new"))
        with Vertical(id="staff-form", classes="form"):
            yield Label(title, classes="form-title")
            for row in self.rows:
                yield Horizontal(*(self._field(name) for name in row), classes="form-row")
                if "extension" in row:
                    yield Label(t("staff.form.extension_hint"), classes="hint")
                if "password" in row:
                    yield Label(t("staff.form.password_hint"), classes="hint")
            yield Label("", id="staff-form-status")
            with Horizontal(classes="form-buttons"):
                yield Button(t("camp.form.save"), id="staff-save", variant="primary")
                yield Button(t("camp.form.cancel"), id="staff-cancel")

    def _field(self, name: str) -> Widget:
        return Vertical(Horizontal(Label(t(f"staff.form.{name}"), classes="form-label"), self._input(name),
                                   classes="field-line"),
                        Label("", id=f"err-{name}", classes="error"), classes="field")

    def _input(self, name: str) -> Widget:
        value = self.start[name]
        if name == "role":
            roles = self.ctx.center.roles or [value]
            return Select([(sf.role_label(r), r) for r in roles], value=value, allow_blank=False, id="f-role",
                          compact=True)
        if name == "queues":
            return Horizontal(*(Checkbox(queue, queue in value, id=f"q-{i}", compact=True)
                                for i, queue in enumerate(self.queues)), id="f-queues")
        if name in PASSWORD_ROW:
            return Input("", id=f"f-{name}", password=True, compact=True)
        limits = {"username": 32, "name": 64, "extension": 16}
        return Input(value, id=f"f-{name}", max_length=limits[name], compact=True,
                     restrict=r"\d*" if name == "extension" else None)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = False
        for label in self.query(".error"):
            label.display = False
        self.query_one("#f-name" if self.member else "#f-username", Input).focus()

    # --- input ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.query_one(f"#f-{name}", Input).value
                               for name in self.fields if name not in ("role", "queues")}
        role = self.query_one("#f-role", Select).value
        out["role"] = role if isinstance(role, str) else None  # not Select's blank marker
        out["queues"] = [q for i, q in enumerate(self.queues) if self.query_one(f"#q-{i}", Checkbox).value]
        return out

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        """A field being corrected loses its message (the others keep theirs until the next save)."""
        name = (event.control.id or "").removeprefix("f-")
        if name in self.fields and event.value != self.judged.get(name):
            self.query_one(f"#err-{name}", Label).display = False

    def show_errors(self, errors: dict[str, str], other: str = "") -> None:
        self.judged = self.values()
        for name in self.fields:
            label = self.query_one(f"#err-{name}", Label)
            label.update(errors.get(name, ""))
            label.display = name in errors
        self.query_one("#staff-form-status", Label).update(other)
        first = next((name for name in self.fields if name in errors), None)
        if first is not None and first != "queues":
            widget = self.query_one(f"#f-{first}")
            widget.focus()
            if isinstance(widget, Input):
                widget.select_all()

    @on(Button.Pressed, "#staff-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#staff-save")
    def action_submit(self) -> None:
        body, errors = sf.parse(self.values(), new=self.member is None)
        self.show_errors(errors)
        if errors:
            return
        if self.member is None:
            self._save(sf.create_body(body))
            return
        changed = sf.changes(self.member, body)
        if not changed:
            self.notify(t("camp.form.unchanged"))
            self.dismiss(None)
            return
        self._save(changed)

    @work(exclusive=True, group="staff-form-save")
    async def _save(self, body: dict[str, Any]) -> None:
        client = self.ctx.client
        try:
            if self.member is None:
                row = await client.create_staff(body)
            else:
                row = await client.edit_staff(int(self.member["id"]), body)
        except ApiError as exc:
            field = (exc.field or "").split(".")[0]
            if field in self.fields:
                self.show_errors({field: exc.message})
            else:
                self.show_errors({}, exc.message)
            return
        key = "staff.form.created" if self.member is None else "staff.form.saved"
        self.notify(t(key, username=row["username"], name=row["name"]))
        self.dismiss(row)
