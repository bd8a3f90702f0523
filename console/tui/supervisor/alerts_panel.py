"""The alerts line under the boards: what needs the supervisor now."""

from __future__ import annotations

from textual.widgets import Static

from console.i18n import t
from console.tui.supervisor.board_state import Alert


class AlertsPanel(Static):
    def show(self, alerts: list[Alert]) -> None:
        self.set_class(bool(alerts), "-alerting")
        text = "\n".join(f"⚠ {a.text}" for a in alerts) if alerts else t("sup.alerts.none")
        if str(self.render()) != text:
            self.update(text)
