"""What the agent does: call control, dialogs and their API calls, and the widget messages.

The base of :class:`~console.tui.agent.screen.AgentScreen`. Every server call runs in a worker
and reports a refusal as a notification with the server's own message; nothing is decided here
that the server decides (masking, permissions, defaults).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from textual import on
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import TabbedContent

from console.i18n import t
from console.tui.agent.candidates import CandidateList
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.kb_panel import KbPanel
from console.tui.agent.search import SearchPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.client import ApiError
from console.tui.models import Customer
from console.tui.text import choices, local_time


class AgentActions(Screen):
    # The dialogs are imported where they open: start-up only pays for the main screen.
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
        self.query_one(WrapUpPanel).close()

    def open_wrapup(self, call: str) -> None:
        self.call_state = "wrap_up"
        self.query_one(WrapUpPanel).open(call, choices(self.ctx.center.dispositions, "disposition"))

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
    def _state_message(me: dict[str, Any]) -> Any:
        from console.tui.stream import AgentStateChanged

        state = me.get("state")
        return AgentStateChanged(state.get("state", "logged_out") if isinstance(state, dict) else str(state or "logged_out"))

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
            self.query_one(TicketsPanel).show([tk for tk in tickets if tk.status not in ("resolved", "closed")], self.ctx.tz)
            self.suggest_kb(None)
        self.run_worker(fetch(), group="customer", exclusive=True)

    # --- widget messages --------------------------------------------------------------------
    @on(CandidateList.CandidateChosen)
    def _candidate(self, message: CandidateList.CandidateChosen) -> None:
        self.open_customer(message.customer)

    @on(SearchPanel.CustomerOpened)
    def _searched(self, message: SearchPanel.CustomerOpened) -> None:
        self.open_customer(message.customer)

    @on(TicketsPanel.TicketChosen)
    def _ticket(self, message: TicketsPanel.TicketChosen) -> None:
        from console.tui.agent.ticket_detail import TicketDetail

        def done(ticket: Any) -> None:
            if ticket is not None:
                self.query_one(TicketsPanel).upsert(ticket, self.ctx.tz)
        self.app.push_screen(TicketDetail(self.ctx.client, message.ticket, self.ctx.tz), done)

    @on(FollowUpsPanel.FollowUpChosen)
    def _followup(self, message: FollowUpsPanel.FollowUpChosen) -> None:
        f = message.followup
        if self.ctx.client is not None and f.customer_id is not None:
            self.api(self.ctx.client.originate("", customer_id=f.customer_id), t("console.notify.dialing"))

    @on(WrapUpPanel.WrapUpSubmitted)
    def _wrapup(self, message: WrapUpPanel.WrapUpSubmitted) -> None:
        client = self.ctx.client
        if client is None:
            self.clear_pop()
            return

        async def send() -> None:
            await client.wrapup(message.call, message.disposition, message.notes)
            self.clear_pop()
        self.api(send(), t("console.notify.wrapped_up"))

    # --- actions (keys, command palette) ----------------------------------------------------
    def action_show_keys(self) -> None:
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()

    def _tab(self, tab: str, widget: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(widget).focus()

    def action_focus_kb(self) -> None:
        self._tab("tab-kb", "#kb-input")

    def action_focus_search(self) -> None:
        self._tab("tab-search", "#search-input")

    def action_focus_tickets(self) -> None:
        self._tab("tab-tickets", "#tickets")

    def action_focus_followups(self) -> None:
        self._tab("tab-followups", "#followups")

    def action_focus_wrapup(self) -> None:
        if self.call_state == "wrap_up":
            self.query_one("#wrapup-disposition").focus()

    def action_answer(self) -> None:
        if self.ctx.client and self.pop and self.call_state == "ringing":
            self.api(self.ctx.client.answer(self.pop.call))

    def action_hangup(self) -> None:
        if self.ctx.client and self.call:
            self.api(self.ctx.client.hangup(self.call))

    def action_transfer(self) -> None:
        from console.tui.agent.call_controls import TransferChoice, TransferDialog

        call, client = self.call, self.ctx.client
        if call is None or client is None:
            self.notify(t("console.notify.no_call"), severity="warning")
            return
        customer = self.customer

        def chosen(choice: TransferChoice | None) -> None:
            if choice is not None:
                self.api(client.transfer(call, choice.to, choice.kind), t("console.notify.transferring", to=choice.to))
        self.app.push_screen(TransferDialog(bool(customer and customer.manager)), chosen)

    def action_pause(self) -> None:
        from console.tui.agent.call_controls import PauseDialog

        client = self.ctx.client
        if client is None:
            return
        if self.query_one(StatusBar).agent_state == "paused":
            self.api(client.pause(False))
            return
        reasons = choices(self.ctx.center.pause_reasons, "pause_reason")
        self.app.push_screen(PauseDialog(reasons),
                             lambda reason: reason is not None and self.api(client.pause(True, reason or None)))

    def action_dial(self) -> None:
        from console.tui.agent.call_controls import DialDialog

        client, customer = self.ctx.client, self.customer
        if client is None:
            return
        number = customer.phones[0].number if customer and customer.phones else ""
        number = "" if "*" in number else number  # masked: the server dials the customer's own number
        self.app.push_screen(DialDialog(number), lambda n: n is not None and self.api(
            client.originate(n, customer.id if customer else None), t("console.notify.dialing")))

    def action_queues(self) -> None:
        from console.tui.agent.call_controls import QueuesDialog

        client = self.ctx.client
        if client is None:
            return
        membership = getattr(self, "_membership", None) or {q: True for q in self.ctx.user.queues}

        def chosen(changes: dict[str, bool] | None) -> None:
            for queue, member in (changes or {}).items():
                membership[queue] = member
                self.api(client.queue_member(queue, member))
            self._membership = membership
        self.app.push_screen(QueuesDialog(membership), chosen)

    def action_new_ticket(self) -> None:
        from console.tui.agent.ticket_form import TicketForm, prefill

        customer = self.customer
        if customer is None:
            self.notify(t("console.notify.no_customer"), severity="warning")
            return
        pop = self.pop
        ring = pop.ringing if pop else None
        form = TicketForm(self.ctx.client, self.ctx.drafts, customer,
                          choices(self.ctx.center.ticket_categories, "category"), call=self.call,
                          prefill=prefill(customer, pop.number if pop else None, ring.queue if ring else None,
                                          self.ctx.clock().astimezone(self.ctx.tz)))

        def created(ticket: Any) -> None:
            if ticket is not None:
                self.query_one(TicketsPanel).upsert(ticket, self.ctx.tz)
                self.notify(t("console.notify.ticket_created", number=ticket.number or ticket.id,
                              sla=local_time(ticket.sla_due_at, self.ctx.tz)))
                self.suggest_kb(ticket.category)
        self.app.push_screen(form, created)

    def action_new_followup(self) -> None:
        from console.tui.agent.followup_form import FollowUpForm

        customer = self.customer
        if customer is None:
            self.notify(t("console.notify.no_customer"), severity="warning")
            return
        self.app.push_screen(FollowUpForm(self.ctx.client, customer, self.ctx.clock, self.ctx.tz),
                             lambda f: f is not None and self.notify(t("console.notify.followup_created")))

    def action_verify(self) -> None:
        from console.tui.agent.verify import VerifyScreen

        customer, call = self.customer, self.call
        if customer is None or call is None:
            self.notify(t("console.notify.no_call"), severity="warning")
            return

        def verified(profile: Customer | None) -> None:
            if profile is not None:
                self.query_one(CustomerCard).show_customer(profile, verified=True)
                self.notify(t("console.notify.verified"))
        self.app.push_screen(VerifyScreen(self.ctx.client, customer, call), verified)
