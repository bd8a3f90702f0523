"""The agent screen's shared state and helpers: the call on screen, server calls in workers,
clearing the pop, knowledge-base suggestions, loading a customer.

The base of :class:`~console.tui.agent.calls.AgentCalls`; nothing here is bound to a key.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.kb_panel import KbPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.client import ApiError
from console.tui.models import Customer


class AgentBase(Screen):
    # --- helpers ----------------------------------------------------------------------------
    def api(self, call: Awaitable[Any], done: str | None = None, then: Any = None) -> None:
        """Send a request in a worker; report a refusal, or ``done``, as a notification."""
        async def run() -> None:
            try:
                result = await call
            except ApiError as exc:
                self.notify(exc.message, severity="error", timeout=8)
                return
            if done:
                self.notify(done)
            if then is not None:
                then(result)
        self.run_worker(run(), group="api")

    @property
    def customer(self) -> Customer | None:
        return self.query_one(CustomerCard).customer

    @property
    def call(self) -> str | None:
        return self.pop.call if self.pop is not None and self.call_state != "idle" else None

    def clear_pop(self) -> None:
        self.pop = None
        self.call_state = "idle"
        self.query_one(CustomerCard).clear()
        self.query_one(Timeline).show([], self.ctx.tz)
        self.query_one(TicketsPanel).show([], self.ctx.tz)
        self.query_one(WrapUpPanel).hide()

    def suggest_kb(self, category: str | None) -> None:
        """Articles for this call: every-call scripts, plus the customer's products and risks."""
        customer = self.customer
        flags = ["always"]
        if customer is not None:
            active = set(customer.flags.active())
            flags += [f for f in ("margin", "star", "chinext") if f in active]
            flags += ["complaint"] if "open_complaint" in active else []
            flags += ["risk_expired"] if customer.risk_expired else []
        self.query_one(KbPanel).suggest(category, flags)

    def refresh_state(self) -> None:
        """After a reconnect or a resync: my state and my due follow-ups, fetched again."""
        client = self.ctx.client
        if client is None:
            return

        async def fetch() -> None:
            try:
                me = await client.me()
                followups = await client.followups(due=True, owner="me")
            except ApiError:
                return  # the stream reconnect will try again
            try:
                panel = self.query_one(FollowUpsPanel)
            except NoMatches:
                return  # the console is closing: its widgets go before its workers
            self.post_message(self._state_message(me))
            panel.show(followups, self.ctx.tz)
            self.query_one(StatusBar).followups_due = len(followups)
        self.run_worker(fetch(), group="refresh", exclusive=True)

    @staticmethod
    def _state_message(me: dict[str, Any]) -> Message:
        from console.tui.stream import AgentStatesKnown, agent_states

        return AgentStatesKnown(agent_states(me))

    def open_customer(self, customer: Customer) -> None:
        """Show a customer chosen from candidates or search, with history and open tickets."""
        client, call = self.ctx.client, self.call
        self.query_one(CustomerCard).show_customer(customer)
        if client is None:
            return

        async def fetch() -> None:
            try:
                profile = await client.customer(customer.id, call=call)
                contacts = await client.interactions(customer.id)
                tickets = await client.tickets(customer=customer.id)
            except ApiError as exc:
                self.notify(exc.message, severity="error")
                return
            self.query_one(CustomerCard).show_customer(profile, verified=bool(self.pop and self.pop.verified))
            self.query_one(Timeline).show(contacts, self.ctx.tz)
            open_tickets = [tk for tk in tickets if tk.status not in ("resolved", "closed")]
            self.query_one(TicketsPanel).show(open_tickets, self.ctx.tz)
            self.suggest_kb(None)
        self.run_worker(fetch(), group="customer", exclusive=True)

