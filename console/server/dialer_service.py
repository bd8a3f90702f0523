"""The outbound dialer: per running campaign, pick due leads, pace, claim, originate, record.

It runs on a tick (the injected clock decides what is due and whether the window is open) and
on the PBX events that change the picture: ``agent_state`` (an agent freed up),
``originate_result`` and ``ended`` (a line freed up). It reads the bridges' domain events on a
subscription of its own, so the floor's pops never wait for it.

* Pacing is ``telephony.dialer.decide``: free agents are the campaign queue's ``available``
  members in the live agent states (only the campaign's own agents when it lists any, made
  members while it runs: dialer_members.py); in flight are its calls not yet at an agent
  (dialer_flight.py).
* Every lead is claimed in the database before it is dialled (dialer_records.claim) and its
  do-not-call status is checked again right then. The Originate carries our own ActionID, so
  its result can never arrive before we know whose it is.
* A call counts as abandoned-on-answer when the customer picked up but no agent took the call
  within ``abandon_after_s`` (the queue's wait) — that is what the predictive cap bounds; it
  is then redirected to the apology (dialer_abandon.py).
* Calls placed before a restart are adopted as their events come (dialer_adopt.py).
* Channel, contexts and thresholds are the ``[dialer]`` settings (``dialer=`` overrides them).
* Preview campaigns dial nothing by themselves: a free agent is offered one lead at a time
  (``preview`` frame, dialer_preview.py) and dials or skips it (routes/campaigns.py).

The service receives its collaborators (dialer_deps.DialerDeps), not the app; the parts above
are small objects it holds and calls, each owning its state.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from console.crm.campaigns import after_attempt
from console.crm.masking import mask_phone, national_digits
from console.server import dialer_records as rec
from console.server.dialer_abandon import Abandons
from console.server.dialer_adopt import LEAD_VAR, Orphans, lead_of_action
from console.server.dialer_deps import DialerDeps
from console.server.dialer_flight import Flight, Flights
from console.server.dialer_members import QueueMembers
from console.server.dialer_preview import Previews
from console.server.dialer_rows import CampaignRow, DueLead, LeadRow, StuckLead
from console.store.models import Lead
from console.store.outage import OutageNotice, unreachable
from console.store.tables import table_of
from telephony.dialer import PacingInput, Window, decide
from telephony.events import AgentState, Answered, DomainEvent, Ended, OriginateResult, Ringing

if TYPE_CHECKING:
    from console.config import DialerSettings

log = logging.getLogger(__name__)
CAMPAIGN_VAR = "CALLDESK_CAMPAIGN"
QUEUE_VAR = "CALLDESK_QUEUE"  # the campaign context queues the answered customer here
# The customer's national number: the campaign context puts it back as the caller ID (the channel
# presents the center's number to the customer); the pop takes it from the lead either way.
NUMBER_VAR = "CALLDESK_NUMBER"
CALLBACK_SCAN_S = 30.0
LEAD_READ_TIMEOUT_S = 2.0  # a campaign call's lead read for its pop (as console.server.pop's lookup)


class DialerService:
    def __init__(self, deps: DialerDeps, *, tick_s: float = 1.0, window_size: int = 200,
                 orphan_grace_s: float = 300.0, pbx_time: Callable[[], float] = time.time,
                 dialer: DialerSettings | None = None) -> None:
        """``dialer``: the ``[dialer]`` settings to use instead of the configured ones (tests);
        ``pbx_time``: the PBX's clock (Unix seconds, what event times are in)."""
        self._engine, self._clock, self._settings = deps.engine, deps.clock, deps.settings
        self._bridges, self._calls, self._events, self._outbox = deps.bridges, deps.calls, deps.events, deps.outbox
        self._after_call, self._lease = deps.after_call, deps.lease
        self.config = dialer or deps.settings.dialer
        self.tick_s, self.abandon_after_s, self.window_size = tick_s, self.config.abandon_after_s, window_size
        self.flights = Flights()
        self.members = QueueMembers(deps.engine, deps.settings, deps.bridges, deps.directory)
        self.previews = Previews(deps.engine, self.flights, deps.directory, deps.hub, self.owes_wrapup)
        self.orphans = Orphans(deps.engine, deps.clock, self.flights, deps.bridges, orphan_grace_s)
        self.abandons = Abandons(self.config, self.flights, deps.bridges, self.wake, pbx_time)
        self._demo_refused: set[int] = set()  # demo campaigns not dialled on a real PBX (said once)
        self._windows: dict[int, deque[tuple[bool, bool]]] = {}  # campaign -> (answered, abandoned)
        self._campaigns: dict[int, CampaignRow] = {}
        self._elsewhere: dict[str, tuple[LeadRow, CampaignRow | None] | None] = {}  # lead id -> from the store
        self._stuck_read: asyncio.Future[Any] | None = None
        """A lead read the store has not answered past its timeout: until it ends, no other starts."""
        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self.ready = asyncio.Event()
        """Set once start-up reconciliation is done (the first round follows)."""
        self._lock = asyncio.Lock()
        self._outage = OutageNotice("dialer", log)
        self._tasks: list[asyncio.Task[None]] = []
        self.dialled: deque[tuple[int, str, dt.datetime]] = deque(maxlen=10000)  # (lead, number, when)
        self._callbacks_at: dict[int, float] = {}  # campaign -> loop time follow-ups were last taken in
        self.decisions: deque[tuple[int, int, int, int]] = deque(maxlen=1000)
        """Recent pacing rounds: (campaign, free agents, in flight, dialled)."""

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        # Subscribe before any await: the bridges' first agent states (the resync) are not missed.
        # Events come after the service handled them (Service.followed): an agent whose call
        # ended is already held for its wrap-up when the dialer hears of the end.
        stream = self._events()
        for event in self._calls.agent_states():
            await self.observe(event)  # what the service saw before we subscribed
        self._tasks.append(asyncio.create_task(self._listen(stream), name="dialer-events"))
        self._tasks.append(asyncio.create_task(self._run(), name="dialer"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._lease.release()

    def _reconcile(self) -> list[StuckLead]:
        with self._engine.begin() as conn:
            campaigns = {r.id: r for r in rec.campaign_rows(conn)}
            self._campaigns.update(campaigns)
            self.members.load_added(campaigns.values())
            return rec.reconcile(conn, self._clock(), campaigns, lambda c: rec.window_for(self._settings, c))

    def wake(self) -> None:
        self._wake.set()

    async def _recover(self) -> None:
        """Before the first round: results journalled before a stop land first, then the leads
        still ``dialing`` are reconciled. Retried while the database is away (never blocks start-up)."""
        while True:
            try:
                await self._outbox.drained()
                orphans = await asyncio.to_thread(self._reconcile)
                break
            except Exception as exc:  # the database is down: try again
                log.warning("dialer: start-up reconciliation failed, retrying: %s", str(exc).splitlines()[0])
                await asyncio.sleep(self.tick_s * 5)
        self.orphans.found(orphans)
        if orphans:
            log.info("dialer: %d leads were dialing at start-up; their calls are adopted as they report", len(orphans))
        self.ready.set()

    async def _run(self) -> None:
        """Rounds while this server holds the dialer's lease (console/server/lease.py): on several
        servers one dials, the others follow the PBX and take over when it goes. Start-up
        reconciliation runs once the lease is held, so the leads another server is dialling are
        never taken for a dead server's."""
        holding = False
        while True:
            if await self._lease.acquire():
                if not holding:
                    holding = True
                    await self._recover()
                await self._round()
            elif holding:
                holding = False
                log.warning("dialer: lease lost; another server dials until this one holds it again")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick_s)

    async def _round(self) -> None:
        try:
            await self.tick()
            self._outage.succeeded()
        except Exception as exc:  # a bad round must not stop the dialer
            if unreachable(exc):
                self._outage.failed(exc)  # said once, not a traceback every round
            else:
                log.exception("dialer: a round failed")

    # --- one round --------------------------------------------------------------------------
    async def tick(self) -> None:
        async with self._lock:
            now = self._clock()
            await self.orphans.release_expired(now, self._campaigns)
            campaigns = await asyncio.to_thread(self._running)
            self._campaigns.update({c.id: c for c in campaigns})
            await self.members.sync(campaigns)
            await self.abandons.redirect_overdue()
            for campaign in campaigns:
                if not rec.window_for(self._settings, campaign).is_open(now) or not self._may_dial(campaign):
                    continue
                if campaign.kind == "callback" and self._callbacks_due(campaign.id):
                    await asyncio.to_thread(self._import_callbacks, campaign, now)
                if campaign.mode == "preview":
                    await self.previews.offer(campaign, now, self.free_agents(campaign.queue, campaign.agents))
                else:
                    await self._pace(campaign, now)

    def demo_allowed(self) -> bool:
        """Seeded (demo) campaigns dial only the PBX simulator, unless the center allows it."""
        bridges = self._bridges.values()
        return self.config.allow_demo_campaigns or (
            bool(bridges) and all(b.on_simulator for b in bridges))

    def _may_dial(self, campaign: CampaignRow) -> bool:
        if not campaign.demo or self.demo_allowed():
            return True
        if campaign.id not in self._demo_refused:
            self._demo_refused.add(campaign.id)
            log.warning("dialer: campaign %s (%s) has demo leads and the PBX is not the simulator: not dialled "
                        "([dialer] allow_demo_campaigns)", campaign.id, campaign.name)
        return False

    def _running(self) -> Sequence[CampaignRow]:
        with self._engine.connect() as conn:
            return rec.campaign_rows(conn, running=True)

    def _callbacks_due(self, campaign_id: int) -> bool:
        """Follow-ups are taken in every CALLBACK_SCAN_S, not every round (the table is large)."""
        loop_now = asyncio.get_running_loop().time()
        last = self._callbacks_at.get(campaign_id)
        if last is not None and loop_now - last < CALLBACK_SCAN_S:
            return False
        self._callbacks_at[campaign_id] = loop_now
        return True

    def _import_callbacks(self, campaign: CampaignRow, now: dt.datetime) -> None:
        from console.crm.campaign_leads import add_leads, callback_leads

        with self._engine.begin() as conn:
            sla_minutes: dict[str, int] = dict(self._settings.callbacks.sla_minutes.items())
            leads = callback_leads(conn, campaign.id, now, sla_minutes)
            if leads:
                add_leads(conn, campaign, leads, now, valid_days=self._settings.risk.assessment_valid_days,
                          tz=self._settings.center.time_zone)

    def free_agents(self, queue: str, agents: Sequence[str] | None = ()) -> list[str]:
        """The queue's members whose state is ``available`` and who have none of our calls; only
        those of ``agents`` when it lists any (a campaign's own agents)."""
        ours = self.flights.agents()
        listed = set(agents or ())
        return sorted(a for a in self.members.available(queue)
                      if a not in ours and (not listed or a in listed) and not self.owes_wrapup(a))

    def owes_wrapup(self, agent: str) -> bool:
        """The agent's console still owes a call's disposition (the after-call hold): the member
        may show free for a moment before the hold's pause lands; they are not free for us."""
        return self._after_call.pending(agent) is not None

    def window(self, campaign_id: int) -> Window:
        recent = self._windows.get(campaign_id, ())
        return Window(len(recent), sum(1 for a, _ in recent if a), sum(1 for _, b in recent if b))

    def _due(self, campaign_id: int, now: dt.datetime, limit: int) -> Sequence[DueLead]:
        with self._engine.connect() as conn:
            return rec.due_leads(conn, campaign_id, now, limit)

    def _free_for(self, campaign: CampaignRow) -> int:
        """Campaigns sharing a queue share its free agents: each sees those that the calls of the
        others (still to reach an agent, from this round or an earlier one) do not already need.
        The one with the lower id paces first in a round, so it is served first."""
        others = sum(1 for f in self.flights.in_flight() if f.campaign_id != campaign.id
                     and (other := self._campaigns.get(f.campaign_id)) is not None and other.queue == campaign.queue)
        return max(0, len(self.free_agents(campaign.queue, campaign.agents)) - others)

    async def _pace(self, campaign: CampaignRow, now: dt.datetime) -> None:
        free = self._free_for(campaign)
        if free == 0:
            return
        due = await asyncio.to_thread(self._due, campaign.id, now, free * 3 + 1)
        # The free agents and the calls in flight are counted at one instant, after the await:
        # events are handled meanwhile, and a call that rang an agent then is no longer in flight
        # and its agent no longer free. Counted before and after (the free agents before), that
        # agent was both free and not needed, and the round dialled a customer for nobody (the
        # likely cause of a live flake, 2 runs in ~30 under load: a third customer for two agents).
        free = self._free_for(campaign)
        if free == 0:
            return
        flying = [f for f in self.flights.in_flight() if f.campaign_id == campaign.id]
        # Calls still ringing from an earlier round are not a fair sample: busy and unreachable
        # numbers fail at once, so the survivors answer far more often than the window's rate.
        # The predictive pacer counts them as answers to come (each holding a free agent) and
        # spends its over-dial on this round's new calls only.
        survivors = sum(1 for f in flying if f.rounds > 0) if campaign.mode == "predictive" else 0
        for f in flying:
            f.rounds += 1
        decision = decide(PacingInput(
            mode=campaign.mode, free_agents=max(0, free - survivors), in_flight=len(flying) - survivors,
            leads_ready=len(due), window=self.window(campaign.id),
            abandon_cap=self.config.abandon_cap,
        ))
        self.decisions.append((campaign.id, free, len(flying), decision.dial))
        if decision.dial and log.isEnabledFor(logging.DEBUG):
            log.debug("dialer: campaign %s dials %d (%s): free %s, agents %s, in flight %s", campaign.id,
                      decision.dial, decision.reason, self.free_agents(campaign.queue, campaign.agents),
                      self.members.states(campaign.queue),
                      [(f.number, f.call, f.agent, f.at_agent) for f in flying])
        placed = 0
        for lead in due:
            if placed >= decision.dial:
                break
            if await self._claim_and_dial(campaign, lead, now):
                placed += 1

    async def _claim_and_dial(self, campaign: CampaignRow, lead: LeadRow, now: dt.datetime,
                              agent: str | None = None) -> bool:
        claimed = await asyncio.to_thread(self._claim, lead)
        if not claimed:
            return False
        await self._originate(campaign, lead, now, agent)
        return True

    def _claim(self, lead: LeadRow) -> bool:
        with self._engine.begin() as conn:
            reason = rec.dnc_reason(conn, lead.number, lead.customer_id)
            if reason is not None:
                rec.exclude(conn, lead.id, lead.version, reason)
                return False
            return rec.claim(conn, lead.id, lead.version)

    def _account(self, customer_id: int | None) -> str | None:
        if customer_id is None:
            return None
        with self._engine.connect() as conn:
            return rec.account_of(conn, customer_id)

    async def _originate(self, campaign: CampaignRow, lead: LeadRow, now: dt.datetime, agent: str | None) -> None:
        pbx = next(iter(self._bridges), "")
        action_id = f"dialer-{campaign.id}-{lead.id}-{lead.attempts + 1}-{next(self._ids)}"
        flight = Flight(action_id, pbx, campaign.id, lead.id, lead.number, lead.customer_id, lead.attempts + 1,
                        lead.followup_id, now, agent=agent)
        self.flights.add(flight)
        self.dialled.append((lead.id, lead.number, now))
        variables = {LEAD_VAR: str(lead.id), CAMPAIGN_VAR: str(campaign.id), QUEUE_VAR: campaign.queue,
                     NUMBER_VAR: national_digits(lead.number)}
        account = await asyncio.to_thread(self._account, lead.customer_id)
        if account:
            variables["CUSTOMER_ACCOUNT"] = account
        context, exten = (self.config.context, "s") if agent is None else (self.config.direct_context, agent)
        try:
            bridge = self._bridges[pbx]
            await bridge.originate(self.config.channel.format(number=national_digits(lead.number)), exten=exten,
                                   context=context, caller_id=campaign.caller_id or None, variables=variables,
                                   action_id=action_id)
        except Exception as exc:  # no PBX, or it refused: a failed attempt
            log.warning("dialer: originate of lead %s failed: %s", lead.id, exc)
            await self._finish(flight, "failed", reached=False, t=now.timestamp())

    # --- preview ----------------------------------------------------------------------------
    def offered_to(self, agent: str) -> int | None:
        return self.previews.offered_to(agent)

    async def preview_dial(self, campaign_id: int, lead_id: int, agent: str) -> bool:
        async with self._lock:
            self.previews.withdraw(agent)
            campaign = self._campaigns.get(campaign_id)
            with self._engine.connect() as conn:
                lead = rec.lead_by_id(conn, lead_id)
            if campaign is None or lead is None:
                return False
            return await self._claim_and_dial(campaign, lead, self._clock(), agent)

    def preview_skip(self, agent: str) -> None:
        self.previews.withdraw(agent)
        self.wake()

    async def decide_preview(self, campaign_id: int, lead_id: int, agent: str, dial: bool) -> bool | None:
        """The agent dials (``dial``) or skips the lead this dialer offered them: None when it
        offered them no such lead (another server's dialer may have); False when the lead is gone."""
        if self.offered_to(agent) != lead_id:
            return None
        if dial:
            return await self.preview_dial(campaign_id, lead_id, agent)
        self.preview_skip(agent)
        await asyncio.to_thread(self._skip, lead_id)
        return True

    def _skip(self, lead_id: int) -> None:
        """A skipped lead waits the no-answer delay before it is offered again."""
        with self._engine.begin() as conn:
            rec.skip_lead(conn, lead_id, self._clock())

    # --- events -----------------------------------------------------------------------------
    async def _listen(self, stream: AsyncIterator[DomainEvent]) -> None:
        async for event in stream:
            try:
                await self.observe(event)
            except Exception:
                log.exception("dialer: failed to handle %s", event.name)

    async def observe(self, event: DomainEvent) -> None:
        if isinstance(event, AgentState):
            if event.queue:
                self.members.observe(event.agent, event.queue, event.state)
            if event.state == "available":
                self.wake()
            return
        if isinstance(event, OriginateResult):
            flight = self.flights.get(event.action_id) or self.orphans.adopt(lead_of_action(event.action_id))
            if flight is None:
                return
            if event.outcome == "answered" and event.call:
                flight.answered_t = event.t
                self.flights.answered(flight, event.call)
                self.abandons.watch(flight)
            else:
                result = event.outcome if event.outcome in ("busy", "no_answer") else "failed"
                await self._finish(flight, result, reached=False, t=event.t, linkedid=event.call)
            return
        call: str | None = getattr(event, "call", None)
        if not call:
            return
        flight = self.flights.of_call(call)
        if flight is None and self.orphans.waiting():
            flight = self.orphans.adopt_call(event, call)
        if flight is None:
            return
        # At an agent from its first ring. That agent's own state may still say "available" for a
        # moment (device states lag behind the dial): free_agents() leaves out our calls' agents.
        if isinstance(event, Ringing):
            flight.at_agent, flight.agent = True, event.agent
        elif isinstance(event, Answered):
            flight.at_agent, flight.agent, flight.wait_s = True, event.agent, event.wait_s
        elif isinstance(event, Ended):
            await self._finish(flight, "answered", reached=True, t=event.t, ended=event)

    async def _finish(self, flight: Flight, result: str, *, reached: bool, t: float,
                      linkedid: str | None = None, ended: Ended | None = None) -> None:
        self.flights.finish(flight)
        agent_took = ended is not None and ended.outcome == "answered" and ended.agent is not None
        abandoned = reached and (not agent_took or (ended.wait_s if ended else 0) > self.abandon_after_s)
        window = self._windows.setdefault(flight.campaign_id, deque(maxlen=self.window_size))
        window.append((reached, abandoned))
        result = rec.attempt_result(ended.queue if ended else None, ended.outcome if ended else result, agent_took) \
            if reached else result
        campaign = self._campaigns[flight.campaign_id]
        now = self._clock()
        step = after_attempt(result, flight.attempts, rec.policy_of(campaign),
                             rec.window_for(self._settings, campaign), now)
        record = flight.record(result, step, now, t, linkedid, ended)
        await self._outbox.submit("campaign_attempt", record)
        self.wake()

    # --- the screen pop ---------------------------------------------------------------------
    def _flight_of(self, variables: dict[str, str]) -> Flight | None:
        # By the lead, not the call: the service pops on its own schedule, before we have read the
        # originate_result, or after we have seen the call end (a short call, a slow lookup).
        lead_id = variables.get(LEAD_VAR)
        return self.flights.of_lead(lead_id) if lead_id else None

    def number_of(self, variables: dict[str, str]) -> str | None:
        """The customer's number of a campaign call as the PBX shows callers (national digits):
        its caller ID is the center's own unless the dialplan put the customer's back. A call
        another server's dialer placed is known once ``read_lead`` has read its lead."""
        flight = self._flight_of(variables)
        if flight is not None:
            return national_digits(flight.number)
        elsewhere = self._placed_elsewhere(variables)
        return national_digits(elsewhere[0].number) if elsewhere is not None else None

    def awaits_lead(self, variables: dict[str, str]) -> bool:
        """A campaign call another server placed whose lead ``read_lead`` has not read yet."""
        lead_id = variables.get(LEAD_VAR) or ""
        return lead_id.isdigit() and self._flight_of(variables) is None and lead_id not in self._elsewhere

    def pop_extras(self, variables: dict[str, str]) -> dict[str, Any]:
        """``campaign``, ``lead`` and ``script`` for the pop of a campaign call, else nothing."""
        flight = self._flight_of(variables)
        if flight is not None:
            campaign, lead = self._campaigns.get(flight.campaign_id), flight.lead_json()
        elif (elsewhere := self._placed_elsewhere(variables)) is not None:
            row, campaign = elsewhere
            lead = {"id": row.id, "number": mask_phone(row.number), "customer_id": row.customer_id,
                    "attempt": row.attempts, "followup_id": row.followup_id}
        else:
            return {}
        return {
            "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind} if campaign else None,
            "lead": lead, "script": campaign.script_slug if campaign else None,
        }

    async def read_lead(self, variables: dict[str, str]) -> None:
        """Read from the store, off the event loop, the lead and campaign of a campaign call
        another server's dialer placed (several servers, docs/bus.md), once per lead. A store that
        does not answer within ``LEAD_READ_TIMEOUT_S`` leaves it unread: the pop shows the call
        without its lead, and the next ring of that lead tries again. While such a read has not
        ended, the next pops do not wait for another (nor take another thread and connection):
        they go out at once without their lead, as console.server.pop does with its lookups."""
        if not self.awaits_lead(variables):
            return
        lead_id = variables[LEAD_VAR]
        if self._stuck_read is not None and not self._stuck_read.done():
            return

        def read() -> tuple[LeadRow, CampaignRow | None] | None:
            with self._engine.connect() as conn:
                row = rec.lead_by_id(conn, int(lead_id))
                if row is None:
                    return None
                leads = table_of(Lead).c
                campaign_id = conn.execute(select(leads.campaign_id).where(leads.id == row.id)).scalar()
                return row, next((c for c in rec.campaign_rows(conn) if c.id == campaign_id), None)

        reading = asyncio.ensure_future(asyncio.to_thread(read))
        try:
            found = await asyncio.wait_for(asyncio.shield(reading), LEAD_READ_TIMEOUT_S)
        except (TimeoutError, SQLAlchemyError) as exc:
            if not reading.done():
                self._stuck_read = reading
                reading.add_done_callback(_retrieved)
            log.warning("campaign call of lead %s: its lead not read from the store (%s)", lead_id,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        self._elsewhere[lead_id] = found
        while len(self._elsewhere) > 1000:
            del self._elsewhere[next(iter(self._elsewhere))]

    def _placed_elsewhere(self, variables: dict[str, str]) -> tuple[LeadRow, CampaignRow | None] | None:
        """A campaign call another server's dialer placed, as ``read_lead`` read it (or None)."""
        return self._elsewhere.get(variables.get(LEAD_VAR) or "")


def _retrieved(future: asyncio.Future[Any]) -> None:
    """A read given up on ends later, maybe failing: that was said already when it timed out."""
    if not future.cancelled():
        future.exception()
