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
        for key in ("when", "direction", "agent", "outcome", "disposition", "notes"):
            self.add_column(t(f"console.timeline.{key}"), key=key)

    def show(self, contacts: list[Interaction], tz: ZoneInfo) -> None:
        self.clear()
        for c in contacts:
            self.add_row(
                local_time(c.started_at, tz), label("direction", c.direction), c.agent_name or c.agent or "—",
                label("outcome", c.outcome), label("disposition", c.disposition),
                (c.notes or "")[:40], key=str(c.id) if c.id is not None else None,
            )
