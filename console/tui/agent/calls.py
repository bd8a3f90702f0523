"""The call on screen and the wrap-ups owed: what a pop, the end of a call, a submitted wrap-up
and the server's ``hello`` do to the card, the call keys and the wrap-up panel.

One call is *live* at a time (ringing or in talk): it owns the card and answer / hang-up /
transfer. A call that ends answered leaves a :class:`PendingWrapUp` in ``wrapups``, oldest
first. With no live call the oldest is on screen (its card, the panel, ``call_state ==
"wrap_up"``); a call that rings meanwhile takes the screen while the wrap-up waits with its
draft, counted in the status bar, brought back by F11 or by itself once that call is over.
Only the screen's message handlers call these.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import TabbedContent

from console.tui.agent.base import AgentBase
from console.tui.agent.candidates import CandidateList
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.search import SearchPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.agent.wrapups import PendingWrapUp, WrapUps
from console.tui.models import AfterCall, LiveCall, Pop
from console.tui.phone_text import dialable_digits
from console.tui.text import choices


class AgentCalls(AgentBase):
    wrapups: WrapUps

    @property
    def live_call(self) -> str | None:
        """The call ringing or in talk: the one answer, hang-up and transfer act on."""
        return self.pop.call if self.pop is not None and self.call_state in ("ringing", "on_call") else None

    def show_call(self, pop: Pop, state: str) -> None:
        """``pop`` becomes the live call; a wrap-up on screen steps aside and waits."""
        if self.call_state == "wrap_up":
            self.query_one(WrapUpPanel).hide()
        self.pop = pop
        # The card first, alone in its frame: who is calling must be on screen at once. The
        # history and tickets (tables, which re-flow the screen) follow in the next frame.
        self.query_one(CustomerCard).show_pop(pop, self.ctx.tz)
        self.call_state = state
        self.call_after_refresh(self._show_context, pop)

    def _show_context(self, pop: Pop) -> None:
        if self.pop is not pop:
            return  # already cleared or replaced
        self._show_history(pop)
        for followup in pop.followups:
            self.query_one(FollowUpsPanel).add(followup, self.ctx.tz)
        if pop.match == "ambiguous":
            self.query_one("#card-candidates", CandidateList).focus()
        elif pop.match == "unknown":
            self.query_one(TabbedContent).active = "tab-search"
            self.query_one(SearchPanel).start(dialable_digits(pop.number))
        else:
            self.query_one(TabbedContent).active = "tab-tickets"
            self.suggest_kb(None)

    def _show_history(self, pop: Pop) -> None:
        if self.pop is pop:
            self.query_one(Timeline).show(pop.contacts, self.ctx.tz)
            self.query_one(TicketsPanel).show(pop.tickets, self.ctx.tz)

    def live_call_over(self, wrap_up: bool, ended: dt.datetime | None = None) -> None:
        """The live call ended (or rang out, or was transferred away); ``wrap_up``: it was answered
        here and its disposition is owed."""
        pop = self.pop
        if wrap_up and pop is not None:
            card = self.query_one(CustomerCard)
            self.wrapups.add(PendingWrapUp(pop.call, ended or self.ctx.clock(), pop, card.customer, card.verified))
        self.show_next_wrapup()

    def show_next_wrapup(self) -> None:
        """No live call: the oldest wrap-up owed takes the screen, or the screen goes idle."""
        head = self.wrapups.head
        self.query_one(StatusBar).wrapups_pending = len(self.wrapups)
        if head is None:
            self.clear_pop()
            return
        if self.pop is not head.pop:  # not the call just ended: show the one this wrap-up is for
            card = self.query_one(CustomerCard)
            self.pop = head.pop
            if head.pop is None:
                card.clear()
            else:
                card.show_pop(head.pop, self.ctx.tz)
                if head.customer is not None:
                    card.show_customer(head.customer, verified=head.verified)
            self.query_one(Timeline).show([], self.ctx.tz)
            self.query_one(TicketsPanel).show([], self.ctx.tz)
            if head.pop is not None:
                self.call_after_refresh(self._show_history, head.pop)
        self.call_state = "wrap_up"
        self.query_one(WrapUpPanel).show(head, choices(self.ctx.center.dispositions, "disposition"))

    def wrapup_saved(self, call: str) -> None:
        """The server has this call's wrap-up: it leaves the queue; the live call is not touched."""
        if self.wrapups.remove(call) is None:
            return  # sent twice
        panel = self.query_one(WrapUpPanel)
        if panel.call == call:
            panel.hide()
        if self.live_call is None:
            self.show_next_wrapup()
        else:
            self.query_one(StatusBar).wrapups_pending = len(self.wrapups)

    def toggle_wrapup(self) -> None:
        """F11: to the wrap-up owed (shown over a live call too); again, from inside it, away."""
        head, panel = self.wrapups.head, self.query_one(WrapUpPanel)
        if head is None:
            return
        if self.live_call is not None and panel.display and panel.has_focus_within:
            panel.hide()
            return
        panel.show(head, choices(self.ctx.center.dispositions, "disposition"))

    def restore(self, calls: list[LiveCall] | None, after_call: AfterCall | None) -> None:
        """What the server says is live, on (re)connect. ``calls`` None: it did not say, keep the screen."""
        ended = None
        if after_call is not None and after_call.ended_t is not None:
            ended = dt.datetime.fromtimestamp(after_call.ended_t, dt.UTC)
        if calls is not None:
            live = {c.pop.call for c in calls}
            shown = self.live_call
            if shown is not None and shown not in live:
                # It ended while the stream was down (its frames are gone with a resync): a ring
                # is simply over, a call in talk still owes its wrap-up.
                self.live_call_over(wrap_up=self.call_state == "on_call",
                                    ended=ended if after_call is not None and after_call.call == shown else None)
            chosen = next((c for c in calls if c.talking), calls[0] if calls else None)
            if chosen is not None:
                state = "on_call" if chosen.talking else "ringing"
                if chosen.pop.call == self.live_call:
                    self.call_state = state  # the same call: keep the card as the agent left it
                else:
                    self.show_call(chosen.pop, state)
        if after_call is not None and after_call.call != self.live_call:
            self.wrapups.add(PendingWrapUp(after_call.call, ended or self.ctx.clock()))
        if self.live_call is None and self.wrapups:
            self.show_next_wrapup()
        else:
            self.query_one(StatusBar).wrapups_pending = len(self.wrapups)
