"""The top line: who I am, my state (and why I am paused) and for how long, calls waiting, my
follow-ups, the wrap-ups I still owe, the link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from console.i18n import t
from console.tui.text import duration, label

Clock = Callable[[], dt.datetime]


class StatusBar(Static):
    agent_state: reactive[str] = reactive("logged_out")
    reason: reactive[str | None] = reactive(None)  # why I am paused (shown only then)
    paused_in: reactive[tuple[tuple[str, str | None], ...]] = reactive(())  # free, but paused in these queues
    state_since: reactive[dt.datetime | None] = reactive(None)
    waiting: reactive[int] = reactive(0)
    link: reactive[str] = reactive("connecting")
    followups_due: reactive[int] = reactive(0)
    wrapups_pending: reactive[int] = reactive(0)

    def __init__(self, agent: str, clock: Clock, **kwargs) -> None:
        super().__init__(**kwargs)
        self.agent, self.clock = agent, clock

    def on_mount(self) -> None:
        # Time in state is the one thing that changes every second.
        self.set_interval(1.0, self.refresh)

    def watch_link(self, link: str) -> None:
        self.set_class(link != "connected", "-link-down")

    def render(self) -> Text:
        since = self.state_since
        in_state = duration((self.clock() - since).total_seconds()) if since else "--:--"
        parts = Text(no_wrap=True, overflow="ellipsis")
        parts.append(f" {self.agent} ", style="bold")
        parts.append(" │ ")
        state = label("state", self.agent_state)
        if self.agent_state == "paused" and self.reason:
            state = f"{state} · {label('pause_reason', self.reason)}"
        for queue, reason in self.paused_in:
            state = f"{state} · {t('console.status.paused_in', queue=queue, reason=label('pause_reason', reason))}"
        parts.append(t("console.status.state", state=state, time=in_state))
        parts.append(" │ ")
        parts.append(t("console.status.waiting", n=self.waiting),
                     style="bold" if self.waiting else "")
        parts.append(" │ ")
        parts.append(t("console.status.followups", n=self.followups_due))
        parts.append(" │ ")
        if self.wrapups_pending:
            parts.append(t("console.status.wrapups", n=self.wrapups_pending), style="bold")
            parts.append(" │ ")
        parts.append(label("link", self.link), style="bold reverse" if self.link != "connected" else "")
        return parts
