"""The administrator's staff screen: every account; new, edit, password, disable/enable, CSV
import, an account manager's customers (dialogs: staff_form, staff_dialogs), and unlocking an
account locked after too many failed log-ins (F9).

Only administrators reach it (the board installs its key for them alone, and the server answers
every staff route to admins only). A worker reads the list and posts :class:`StaffLoaded`; rows
are updated in place by key, a new account's row is added and selected.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import KeySpec, install
from console.tui.supervisor import staff_fields as sf
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.staff_dialogs import ConfirmDialog, CustomersDialog, ImportDialog, PasswordDialog
from console.tui.supervisor.staff_form import StaffForm

STAFF_KEYS: tuple[KeySpec, ...] = (
    KeySpec("staff.back", "escape", "close", "staff.key.back"),
    KeySpec("staff.new", "f2", "new", "staff.key.new"),
    KeySpec("staff.edit", "f3", "edit", "staff.key.edit"),
    KeySpec("staff.password", "f4", "password", "staff.key.password"),
    KeySpec("staff.refresh", "f5", "refresh", "staff.key.refresh"),
    KeySpec("staff.toggle", "f6", "toggle_active", "staff.key.toggle"),
    KeySpec("staff.import", "f7", "import_csv", "staff.key.import"),
    KeySpec("staff.customers", "f8", "customers", "staff.key.customers"),
    KeySpec("staff.unlock", "f9", "unlock", "staff.key.unlock"),
)


class StaffLoaded(Message):
    def __init__(self, staff: list[dict[str, Any]]) -> None:
        super().__init__()
        self.staff = staff


class StaffScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.staff: dict[int, dict[str, Any]] = {}  # by id, as last listed
        self.select_after_load: str | None = None
        install(self, STAFF_KEYS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="staff"):
            yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            yield Label("", id="staff-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("staff.title")
        table = self.query_one("#staff-table", DataTable)
        for column in sf.COLUMNS:
            table.add_column(t(f"staff.col.{column}"), key=column)
        self.load()

    # --- the list ---------------------------------------------------------------------------
    @work(exclusive=True, group="staff")
    async def load(self) -> None:
        try:
            staff = await self.ctx.client.staff()
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.post_message(StaffLoaded(staff))

    @on(StaffLoaded)
    def _loaded(self, message: StaffLoaded) -> None:
        table = self.query_one("#staff-table", DataTable)
        with self.app.batch_update():
            for member in message.staff:
                self.staff[int(member["id"])] = member
                key, cells = str(member["id"]), sf.row_cells(member)
                if key in table.rows:
                    for column, value in zip(sf.COLUMNS, cells, strict=True):
                        table.update_cell(key, column, value)
                else:
                    table.add_row(*cells, key=key)
            if self.select_after_load in table.rows:
                table.move_cursor(row=table.get_row_index(self.select_after_load))
                self.select_after_load = None
            self._detail()

    @on(DataTable.RowHighlighted, "#staff-table")
    def _detail(self) -> None:
        member = self.selected()
        self.query_one("#staff-detail", Label).update(sf.detail_line(member) if member else t("staff.none"))

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one("#staff-table", DataTable)
        if table.row_count == 0:
            return None
        return self.staff.get(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _chosen(self) -> dict[str, Any] | None:
        member = self.selected()
        if member is None:
            self.notify(t("staff.no_selection"), severity="warning")
        return member

    # --- actions ----------------------------------------------------------------------------
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_new(self) -> None:
        self.app.push_screen(StaffForm(self.ctx), self._saved)

    def action_edit(self) -> None:
        if (member := self._chosen()) is not None:
            self.app.push_screen(StaffForm(self.ctx, member), self._saved)

    def action_password(self) -> None:
        if (member := self._chosen()) is not None:
            self.app.push_screen(PasswordDialog(self.ctx, member), lambda done: self.load() if done else None)

    def action_import_csv(self) -> None:
        self.app.push_screen(ImportDialog(self.ctx), lambda changed: self.load() if changed else None)

    def action_customers(self) -> None:
        if (member := self._chosen()) is None:
            return
        if member["role"] != "manager" and not member.get("customers"):
            self.notify(t("staff.customers.not_manager", username=member["username"]), severity="warning")
            return
        managers = [m for m in self.staff.values()
                    if m["role"] == "manager" and m["active"] and m["id"] != member["id"]]
        self.app.push_screen(CustomersDialog(self.ctx, member, managers), lambda moved: self.load() if moved else None)

    def action_toggle_active(self) -> None:
        if (member := self._chosen()) is None:
            return
        if not member["active"]:
            self.set_active(member, True)
            return
        dialog = ConfirmDialog(t("staff.disable.title", username=member["username"], name=member["name"]),
                               t("staff.disable.body"), t("staff.disable.yes"))
        self.app.push_screen(dialog, lambda yes: self.set_active(member, False) if yes else None)

    def action_unlock(self) -> None:
        if (member := self._chosen()) is not None:
            self.unlock(member)

    @work(group="staff-actions")
    async def unlock(self, member: dict[str, Any]) -> None:
        try:
            done = await self.ctx.client.unlock_staff(member["username"])
        except ApiError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.notify(t("staff.unlocked" if done["was_locked"] else "staff.not_locked", username=done["username"]))
        self.load()

    @work(group="staff-actions")
    async def set_active(self, member: dict[str, Any], active: bool) -> None:
        try:
            row = await self.ctx.client.edit_staff(int(member["id"]), {"active": active})
        except ApiError as exc:
            self.notify(exc.message, severity="error", timeout=8)
            return
        self.notify(t("staff.enabled" if row["active"] else "staff.disabled", username=row["username"]))
        self.load()

    def _saved(self, row: dict[str, Any] | None) -> None:
        if row is not None:
            self.select_after_load = str(row["id"])
            self.load()
