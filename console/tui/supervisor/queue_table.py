"""The wallboard: one row per queue, cells updated in place by row key (never rebuilt)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from console.i18n import t
from console.tui.supervisor.board_state import BoardState, pct, secs, sparkline

COLUMNS = ("queue", "waiting", "longest", "sl", "target", "asa", "aht", "abandon_rate", "csat",
           "offered", "answered", "abandoned", "agents", "trend")


def cells(stats: dict[str, Any], board: BoardState, now: float) -> dict[str, Any]:
    """The text of each cell of a queue's row."""
    sl, target = stats.get("service_level"), stats.get("target_pct")
    below = sl is not None and target is not None and sl * 100 < target
    agents = stats.get("agents") or {}
    name = str(stats.get("queue", ""))
    return {
        "queue": name,
        "waiting": str(stats.get("waiting") or 0),
        "longest": secs(board.waited(name, now)),
        "sl": Text(("⚠ " if below else "") + pct(sl), style="bold reverse" if below else ""),
        "target": "—" if target is None else f"{target:.0f}% / {stats.get('service_level_s') or 0:.0f}s",
        "asa": secs(stats.get("asa_s")),
        "aht": secs(stats.get("aht_s")),
        "abandon_rate": pct(stats.get("abandon_rate")),
        "csat": "—" if stats.get("csat") is None else f"{stats['csat']:.1f} ({stats.get('csat_answers') or 0})",
        "offered": str(stats.get("offered") or 0),
        "answered": str(stats.get("answered") or 0),
        "abandoned": str(stats.get("abandoned") or 0),
        "agents": f"{agents.get('available', 0)}/{agents.get('on_call', 0) + agents.get('ringing', 0)}"
                  f"/{agents.get('paused', 0)}",
        "trend": sparkline(list(stats.get("sparkline") or [])),
    }


class QueueTable(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for column in COLUMNS:
            self.add_column(t(f"sup.col.{column}"), key=column)

    def show(self, stats: dict[str, Any], board: BoardState, now: float) -> None:
        """Put a queue's figures on the board: a new row once, changed cells after that."""
        self._apply(str(stats.get("queue", "")), cells(stats, board, now))

    def tick(self, board: BoardState, now: float) -> None:
        """The one cell that moves with the clock: the longest wait."""
        for name in board.queues:
            if name in self.rows:
                self._apply(name, {"longest": secs(board.waited(name, now))})

    def _apply(self, key: str, values: dict[str, Any]) -> None:
        if key not in self.rows:
            self.add_row(*(values.get(c, "") for c in COLUMNS), key=key)
            return
        for column, value in values.items():
            if self.get_cell(key, column) != value:
                self.update_cell(key, column, value)
