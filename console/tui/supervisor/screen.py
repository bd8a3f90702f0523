"""The live board: queues, agents, alerts, and the supervisor's actions on the selected agent.

Frames come in as messages (posted by the app's stream worker); snapshots are read by workers
that post :class:`BoardsLoaded`; only the handlers here touch the tables, inside
``batch_update()``, cell by cell.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from console.i18n import t
from console.tui.client import ApiError
from console.tui.keys import install
from console.tui.supervisor.agent_table import AgentTable
from console.tui.supervisor.alerts_panel import AlertsPanel
from console.tui.supervisor.board_state import BoardState
from console.tui.supervisor.context import SupervisorContext
from console.tui.supervisor.keys import ADMIN_KEYS, SUPERVISOR_KEYS
from console.tui.supervisor.messages import (
    AgentStateReceived,
    ConnectionStateChanged,
    QueueStatsReceived,
    StreamResynced,
    TicketEscalated,
)
from console.tui.supervisor.queue_table import QueueTable
from console.tui.text import label

# States in which the board shows a caller: entering or leaving them changes the agent's call.
CALL_STATES = {"ringing", "on_call"}


class BoardsLoaded(Message):
    def __init__(self, queues: list[dict[str, Any]] | None, agents: list[dict[str, Any]] | None) -> None:
        super().__init__()
        self.queues, self.agents = queues, agents


class BoardScreen(Screen[None]):
    def __init__(self, ctx: SupervisorContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.board = BoardState()
        install(self, SUPERVISOR_KEYS)
        if ctx.user.role == "admin":
            install(self, ADMIN_KEYS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="boards"):
            yield Label(t("sup.queues.title"), classes="board-title")
            yield QueueTable(id="queues")
            yield Label(t("sup.agents.title"), classes="board-title")
            yield AgentTable(id="agents")
            yield AlertsPanel(t("sup.alerts.none"), id="alerts")
        yield Static(t("sup.link.connecting"), id="link")
        yield Footer()

    def on_mount(self) -> None:
        self.load_boards()

    # --- input ------------------------------------------------------------------------------
    @work(exclusive=True, group="boards")
    async def load_boards(self, queues: bool = True, delay_s: float = 0.0) -> None:
        """Read the snapshots (all, or the agent board only); an exclusive worker, so a burst of
        agent changes reads the board once."""
        if delay_s:
            await asyncio.sleep(delay_s)
        client = self.ctx.client
        try:
            q = await client.queue_board() if queues else None
            a = await client.agent_board()
        except ApiError as exc:
            self.notify(exc.message, severity="error")
            return
        self.post_message(BoardsLoaded(q, a))

    @on(BoardsLoaded)
    def _loaded(self, message: BoardsLoaded) -> None:
        now = self.ctx.now()
        with self.app.batch_update():
            for stats in message.queues or ():
                self.board.queues[str(stats["queue"])] = stats
                self.query_one(QueueTable).show(stats, self.board, now)
            for row in message.agents or ():
                self.board.agents[str(row["agent"])] = row
                self.query_one(AgentTable).show(row, self.board, now)
            self._alerts(now)

    @on(QueueStatsReceived)
    def _queue_stats(self, message: QueueStatsReceived) -> None:
        now = self.ctx.now()
        self.board.queues[str(message.stats.get("queue"))] = message.stats
        with self.app.batch_update():
            self.query_one(QueueTable).show(message.stats, self.board, now)
            self._alerts(now)

    @on(TicketEscalated)
    def _ticket_escalated(self, message: TicketEscalated) -> None:
        ticket = message.ticket
        self.app.bell()
        self.notify(t("sup.ticket_escalated", number=ticket.get("number", ""), subject=ticket.get("subject", ""),
                      customer=ticket.get("customer_name") or "—", priority=label("priority", ticket.get("priority"))),
                    severity="warning", timeout=30)

    @on(AgentStateReceived)
    def _agent_state(self, message: AgentStateReceived) -> None:
        before = ((self.board.agents.get(str(message.event.get("agent"))) or {}).get("state") or {}).get("state")
        row = self.board.set_agent_state(message.event)
        if row is None:
            return
        now = self.ctx.now()
        with self.app.batch_update():
            self.query_one(AgentTable).show(row, self.board, now)
            self._alerts(now)
        if before in CALL_STATES or message.event.get("state") in CALL_STATES:
            self.load_boards(queues=False, delay_s=0.2)  # who the caller is, calls handled

    @on(StreamResynced)
    def _resynced(self) -> None:
        self.load_boards()

    @on(ConnectionStateChanged)
    def _link(self, message: ConnectionStateChanged) -> None:
        link = self.query_one("#link", Static)
        link.update(t(f"sup.link.{message.state}") + (f" ({message.detail})" if message.detail else ""))
        link.set_class(message.state in ("reconnecting", "signed_out"), "-lost")

    def tick(self) -> None:
        """Once a second: the waits and times in state that move with the clock, and the alerts."""
        now = self.ctx.now()
        with self.app.batch_update():
            self.query_one(QueueTable).tick(self.board, now)
            self.query_one(AgentTable).tick(self.board, now)
            self._alerts(now)

    def _alerts(self, now: float) -> None:
        self.query_one(AlertsPanel).show(self.board.alerts(now, self.ctx.thresholds))

    # --- actions ----------------------------------------------------------------------------
    def _agent(self) -> str | None:
        agent = self.query_one(AgentTable).selected_agent
        if agent is None:
            self.notify(t("sup.action.no_agent"), severity="warning")
        return agent

    def action_spy(self, mode: str) -> None:
        if (agent := self._agent()) is not None:
            self._act(t(f"sup.key.{mode}"), agent, self.ctx.client.spy(agent, mode))

    def action_pause_agent(self, paused: bool) -> None:
        if (agent := self._agent()) is not None:
            name = t("sup.key.pause" if paused else "sup.key.unpause")
            self._act(name, agent, self.ctx.client.pause_agent(agent, paused))

    def action_logout_agent(self) -> None:
        if (agent := self._agent()) is not None:
            self._act(t("sup.key.logout"), agent, self.ctx.client.logout_agent(agent))

    def action_refresh(self) -> None:
        self.load_boards()

    def action_report(self) -> None:
        from console.tui.supervisor.report_screen import ReportScreen

        self.app.push_screen(ReportScreen(self.ctx))

    def action_risk(self) -> None:
        from console.tui.supervisor.risk_screen import RiskScreen

        self.app.push_screen(RiskScreen(self.ctx))

    def action_qa(self) -> None:
        from console.tui.supervisor.qa_screen import QaScreen

        self.app.push_screen(QaScreen(self.ctx))

    def action_campaigns(self) -> None:
        from console.tui.supervisor.campaigns_screen import CampaignsScreen

        self.app.push_screen(CampaignsScreen(self.ctx))

    def action_staff(self) -> None:
        if self.ctx.user.role != "admin":  # the key is not bound for others; a remapped one still asks
            self.notify(t("cli.api.role_needed", role=t("staff.role.admin"), user=self.ctx.user.username,
                          their=t(f"staff.role.{self.ctx.user.role}")), severity="warning")
            return
        from console.tui.supervisor.staff_screen import StaffScreen

        self.app.push_screen(StaffScreen(self.ctx))

    @work(group="actions")
    async def _act(self, name: str, agent: str, request: Any) -> None:
        try:
            await request
        except ApiError as exc:
            self.notify(t("sup.action.failed", action=name, message=exc.message), severity="error")
            return
        self.notify(t("sup.action.done", action=name, agent=agent))



