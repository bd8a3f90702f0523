"""My due follow-ups (and the caller's); Enter calls the customer back."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.message import Message
from textual.widgets import DataTable

from console.i18n import t
from console.tui.models import FollowUp
from console.tui.text import local_time


class FollowUpsPanel(DataTable):
    class FollowUpChosen(Message):
        def __init__(self, followup: FollowUp) -> None:
            super().__init__()
            self.followup = followup

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self._items: dict[str, FollowUp] = {}
        for key in ("due", "customer", "reason", "status"):
            self.add_column(t(f"console.followups.{key}"), key=key)

    def show(self, followups: list[FollowUp], tz: ZoneInfo) -> None:
        self.clear()
        self._items = {}
        for f in followups:
            self.add(f, tz)

    def add(self, followup: FollowUp, tz: ZoneInfo) -> None:
        key = str(followup.id)
        if key in self._items:
            return
        self._items[key] = followup
        self.add_row(local_time(followup.due_at, tz), followup.customer_name or str(followup.customer_id or "—"),
                     followup.reason[:40], followup.status, key=key)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        followup = self._items.get(str(event.row_key.value))
        if followup is not None:
            self.post_message(self.FollowUpChosen(followup))
