"""The agent's main screen: composition, and the handlers that turn stream messages into UI.

The stream worker (on the App) posts its messages here. Only these ``@on`` handlers change the
screen's reactives and widgets; what a call's start and end do to the card and the wrap-ups is
:mod:`.calls`, the dialogs and API calls are :mod:`.actions`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import TabbedContent, TabPane

from console.i18n import t
from console.tui import stream
from console.tui.agent.actions import AgentActions
from console.tui.agent.call_banner import CallBanner
from console.tui.agent.context import AgentContext
from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.kb_panel import KbPanel
from console.tui.agent.queue_states import QueueStates, Shown
from console.tui.agent.search import SearchPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.tickets_panel import TicketsPanel
from console.tui.agent.timeline import Timeline
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.agent.wrapups import WrapUps
from console.tui.keys import AGENT_KEYS, install
from console.tui.keys_footer import KeysFooter
from console.tui.models import Pop
from console.tui.phone_text import display_number


class AgentScreen(AgentActions):
    # idle | ringing | on_call | wrap_up. A var, not a reactive: a reactive on the screen repaints
    # the whole screen when it changes (every line re-rendered, twice per call); the watcher
    # updates the one widget that shows it, the banner.
    call_state: var[str] = var("idle")

    class PopShown(Message):
        """The pop of ``call`` is on screen (benchmarks and tests wait for this)."""

        def __init__(self, call: str, received: float) -> None:
            super().__init__()
            self.call, self.received = call, received

    def __init__(self, ctx: AgentContext) -> None:
        super().__init__()
        install(self, AGENT_KEYS)
        self.ctx = ctx
        self.pop: Pop | None = None
        self.wrapups = WrapUps()
        self.queue_states = QueueStates()
        self.transferred_to_me: str | None = None
        self.queue_waiting: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield StatusBar(self.ctx.agent_id, self.ctx.clock, id="status")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield CallBanner(id="banner")
                yield CustomerCard(id="card")
                yield Timeline(id="timeline")
                yield WrapUpPanel(self.ctx.clock, self.ctx.tz, id="wrapup")
            with TabbedContent(id="right"):
                with TabPane(t("console.tab.tickets"), id="tab-tickets"):
                    yield TicketsPanel(id="tickets")
                with TabPane(t("console.tab.followups"), id="tab-followups"):
                    yield FollowUpsPanel(id="followups")
                with TabPane(t("console.tab.search"), id="tab-search"):
                    yield SearchPanel(self.ctx.client.search if self.ctx.client else None, id="search")
                with TabPane(t("console.tab.kb"), id="tab-kb"):
                    yield KbPanel(self.ctx.client, id="kb")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(WrapUpPanel).display = False
        self.query_one(StatusBar).state_since = self.ctx.clock()
        self.query_one(CallBanner).show("idle")

    def watch_call_state(self, state: str) -> None:
        # The state classes live on the banner, a widget without children: a class on the card or
        # the screen would restyle every widget inside it (measured: 20-100 ms per pop).
        ring = self.pop.ringing if self.pop is not None and state != "idle" else None
        detail = ""
        if ring is not None and self.pop is not None:
            detail = f"{ring.queue or ''}  {display_number(self.pop.number)}"
        self.query_one(CallBanner).show(state, detail)

    # --- the stream -------------------------------------------------------------------------
    @on(stream.CallOffered)
    def _offered(self, message: stream.CallOffered) -> None:
        pop = message.pop
        if self.call_state == "on_call" and pop.call != self.live_call:
            return  # already on a call; a second ring is shown by the phone, not over this one
        # A call transferred to me is already up when its pop arrives (the server pops the target).
        self.show_call(pop, "on_call" if pop.call == self.transferred_to_me else "ringing")
        self.call_after_refresh(self.post_message, self.PopShown(pop.call, message.received))

    @on(stream.AgentStatesKnown)
    def _states_known(self, message: stream.AgentStatesKnown) -> None:
        self._show_agent_state(self.queue_states.reset(message.states))

    @on(stream.CallRestored)  # Textual routes a message to the handlers of its own class only
    def _restored(self, message: stream.CallRestored) -> None:
        self._show_agent_state(self.queue_states.reset(message.states))
        self.restore(message.calls, message.after_call)

    @on(stream.RingStopped)
    def _ring_stopped(self, message: stream.RingStopped) -> None:
        if message.call == self.live_call and self.call_state == "ringing":
            self.notify(t("console.notify.ring_stopped", reason=t(f"console.ring_stop.{message.reason}")))
            self.live_call_over(wrap_up=False)

    @on(stream.CallAnswered)
    def _answered(self, message: stream.CallAnswered) -> None:
        if message.call != self.live_call:
            return
        if message.agent == self.ctx.agent_id:
            self.call_state = "on_call"
        elif self.call_state == "ringing":
            self.live_call_over(wrap_up=False)  # a ring-all call taken by a colleague

    @on(stream.CallTransferred)
    def _transferred(self, message: stream.CallTransferred) -> None:
        if message.to == self.ctx.agent_id:
            self.transferred_to_me = message.call
        if message.call == self.live_call and message.from_agent == self.ctx.agent_id:
            self.notify(t("console.notify.transferred", to=message.to))
            self.live_call_over(wrap_up=True)

    @on(stream.CallEnded)
    def _ended(self, message: stream.CallEnded) -> None:
        if message.call == self.live_call:
            self.live_call_over(wrap_up=self.call_state == "on_call")

    @on(stream.AgentStateChanged)
    def _agent_state(self, message: stream.AgentStateChanged) -> None:
        self._show_agent_state(self.queue_states.update(message.state, message.reason, message.queue))

    def _show_agent_state(self, shown: Shown) -> None:
        bar = self.query_one(StatusBar)
        if bar.agent_state != shown.state:
            bar.agent_state, bar.state_since = shown.state, self.ctx.clock()
        bar.reason, bar.paused_in = shown.reason, shown.paused_in
        bar.set_class(shown.state == "paused" or bool(shown.paused_in), "-paused")

    @on(stream.QueueStatsUpdated)
    def _queue_stats(self, message: stream.QueueStatsUpdated) -> None:
        if not self.ctx.user.queues or message.queue in self.ctx.user.queues:
            self.queue_waiting[message.queue] = message.waiting
            self.query_one(StatusBar).waiting = sum(self.queue_waiting.values())

    @on(stream.FollowUpDue)
    def _followup_due(self, message: stream.FollowUpDue) -> None:
        self.query_one(FollowUpsPanel).add(message.followup, self.ctx.tz)
        self.query_one(StatusBar).followups_due = self.query_one(FollowUpsPanel).row_count
        self.app.bell()
        followup = message.followup
        self.notify(t("console.notify.followup_due", name=followup.customer_name or f"#{followup.customer_id}",
                      reason=followup.reason), timeout=30)

    @on(stream.CustomerAlert)
    def _customer_alert(self, message: stream.CustomerAlert) -> None:
        """I am this customer's account manager: their call or complaint, at once."""
        self.app.bell()
        key = {"complaint": "console.notify.my_customer_complaint",
               "callback": "console.notify.my_customer_callback",
               }.get(message.reason, "console.notify.my_customer_calls")
        self.notify(t(key, name=message.customer_name, client_no=message.client_no, agent=message.agent or "—",
                      ticket=message.ticket_number or ""), severity="warning", timeout=30)

    @on(stream.ConnectionStateChanged)
    def _link(self, message: stream.ConnectionStateChanged) -> None:
        self.query_one(StatusBar).link = message.state
        self.set_class(message.state in ("reconnecting", "signed_out"), "-reconnecting")
        if message.state == "connected":
            self.refresh_state()
        elif message.state == "signed_out":
            self.notify(t("console.notify.signed_out"), severity="error", timeout=24 * 3600)

    @on(stream.StreamResynced)
    def _resynced(self) -> None:
        self.refresh_state()

    @on(stream.OriginateFinished)
    def _originated(self, message: stream.OriginateFinished) -> None:
        self.notify(t("console.notify.originate", number=display_number(message.number),
                      outcome=t(f"console.outcome.{message.outcome}")))

    @on(stream.LeadOffered)
    def _lead_offered(self, message: stream.LeadOffered) -> None:
        from console.tui.agent.lead_offer import offer_lead

        self.lead_dialog = offer_lead(self, message)

    @on(stream.CallOffered)
    def _offer_yields_to_a_call(self, message: stream.CallOffered) -> None:
        # A call rings while a lead is offered: the lead goes back (skip), the caller comes first.
        # A campaign call (CALLDESK_LEAD) is the dialled lead's, or a late pop of it: no yield.
        dialog = getattr(self, "lead_dialog", None)
        if dialog is not None and dialog is self.app.screen and "CALLDESK_LEAD" not in message.pop.ringing.vars:
            dialog.dismiss("skip")
