"""The agent board: one row per agent, cells updated in place by row key (never rebuilt)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from console.i18n import t
from console.tui.phone_text import display_number
from console.tui.supervisor.board_state import BoardState
from console.tui.text import duration, label

COLUMNS = ("agent", "name", "state", "in_state", "caller", "tier", "reason", "handled")


def pause_reason(code: str | None) -> str:
    """A known reason in words (the agent console's own names); one typed on the PBX as it is."""
    return label("pause_reason", code)


def cells(row: dict[str, Any], board: BoardState, now: float) -> dict[str, str]:
    state = row.get("state") or {}
    name = state.get("state") or "logged_out"
    calls = row.get("calls") or []
    call = next((c for c in calls if c.get("answered")), calls[0] if calls else None)
    caller = "—"
    if call:
        caller = display_number(call.get("caller")) or "—"
        if call.get("customer_name"):
            caller = f"{call['customer_name']} {caller}"
    return {
        "agent": str(row.get("agent", "")),
        "name": row.get("name") or "",
        "state": label("state", name),
        "in_state": duration(board.in_state(str(row.get("agent")), now)) if state else "—",
        "caller": caller,
        "tier": label("tier", call.get("tier")) if call else "—",
        "reason": pause_reason(state.get("reason")) if name == "paused" else "—",
        "handled": str(row.get("handled_today") or 0),
    }


class AgentTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for column in COLUMNS:
            self.add_column(t(f"sup.col.{column}"), key=column)

    @property
    def selected_agent(self) -> str | None:
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return key.value

    def show(self, row: dict[str, Any], board: BoardState, now: float) -> None:
        key = str(row.get("agent"))
        values = cells(row, board, now)
        if key not in self.rows:
            self.add_row(*(values[c] for c in COLUMNS), key=key)
            return
        for column, value in values.items():
            if self.get_cell(key, column) != value:
                self.update_cell(key, column, value)

    def tick(self, board: BoardState, now: float) -> None:
        for agent, row in board.agents.items():
            if agent in self.rows and row.get("state"):
                value = duration(board.in_state(agent, now))
                if self.get_cell(agent, "in_state") != value:
                    self.update_cell(agent, "in_state", value)
