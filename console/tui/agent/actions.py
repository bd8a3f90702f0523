"""What the agent does: the key actions, the dialogs they open, and the widget messages.

The base of :class:`~console.tui.agent.screen.AgentScreen`. Every server call runs in a worker
and reports a refusal as a notification with the server's own message; nothing is decided here
that the server decides (masking, permissions, defaults). The dialogs are imported where they
open: start-up only pays for the main screen.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import TabbedContent

from console.i18n import t
from console.tui.agent.calls import AgentCalls
from console.tui.agent.candidates import CandidateList
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.search import SearchPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.models import Customer
from console.tui.text import choices, local_time


class AgentActions(AgentCalls):
    class WrapUpSaved(Message):
        """The server accepted the wrap-up of ``call``."""

        def __init__(self, call: str) -> None:
            super().__init__()
            self.call = call

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
        client, saved = self.ctx.client, self.WrapUpSaved(message.call)
        if client is None:
            self.post_message(saved)
            return
        self.api(client.wrapup(message.call, message.disposition, message.notes), t("console.notify.wrapped_up"),
                 then=lambda _: self.post_message(saved))

    @on(WrapUpSaved)
    def _wrapup_saved(self, message: WrapUpSaved) -> None:
        self.wrapup_saved(message.call)

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
        self.toggle_wrapup()

    def action_my_customers(self) -> None:
        """An account manager's own customers; the one chosen opens on the card."""
        from console.tui.agent.my_customers import MyCustomersDialog

        client = self.ctx.client
        if client is None:
            return

        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.api(client.customer(customer_id), then=self.open_customer)
        self.app.push_screen(MyCustomersDialog(client, self.ctx.tz), chosen)

    def action_my_reviews(self) -> None:
        """The agent's own QA scores."""
        from console.tui.agent.my_reviews import MyReviewsDialog

        if self.ctx.client is not None:
            self.app.push_screen(MyReviewsDialog(self.ctx.client, self.ctx.tz))

    def action_play_recording(self) -> None:
        """The selected contact's recording: saved through the API, then the configured player."""
        contact = self.query_one(Timeline).selected()
        if contact is None or contact.id is None:
            self.notify(t("console.recording.pick"), severity="warning")
            return
        if not contact.recording:
            self.notify(t("console.recording.none"), severity="warning")
            return
        player = self.ctx.recordings
        if player is None:
            return
        self.notify(t("console.recording.fetching"))

        self.api(player.fetch(contact.id), then=lambda fetched: self.notify(fetched.said(), timeout=10))

    def action_answer(self) -> None:
        if self.ctx.client and self.pop and self.call_state == "ringing":
            self.api(self.ctx.client.answer(self.pop.call))

    def action_hangup(self) -> None:
        if self.ctx.client and self.live_call:
            self.api(self.ctx.client.hangup(self.live_call))

    def action_transfer(self) -> None:
        from console.tui.agent.call_controls import TransferChoice, TransferDialog

        call, client = self.live_call, self.ctx.client
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
        bar = self.query_one(StatusBar)
        if bar.agent_state == "paused" or bar.paused_in:  # paused anywhere (an auto-pause in one queue): resume
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
        membership = getattr(self, "_membership", None) or dict.fromkeys(self.ctx.user.queues, True)

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
                          choices(self.ctx.center.ticket_categories, "category"), call=self.call, tz=self.ctx.tz,
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
