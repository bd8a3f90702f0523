"""The caller's contact history, newest first: when, which way, who, how it ended, what was said."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from console.i18n import t
from console.tui.models import Interaction
from console.tui.text import label, local_time


class Timeline(DataTable):
    def on_mount(self) -> None:
        self.border_title = t("console.timeline.title")
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key in ("when", "direction", "agent", "outcome", "disposition", "recording", "notes"):
            self.add_column(t(f"console.timeline.{key}"), key=key)
        self._contacts: dict[str, Interaction] = {}

    def show(self, contacts: list[Interaction], tz: ZoneInfo) -> None:
        self.clear()
        self._contacts = {str(c.id): c for c in contacts if c.id is not None}
        for c in contacts:
            self.add_row(
                local_time(c.started_at, tz), label("direction", c.direction), c.agent_name or c.agent or "—",
                label("outcome", c.outcome), label("disposition", c.disposition),
                "▶" if c.recording else "", (c.notes or "")[:40], key=str(c.id) if c.id is not None else None,
            )

    def selected(self) -> Interaction | None:
        """The contact under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._contacts.get(key or "")
