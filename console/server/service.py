"""The live service: PBX bridges -> call state, screen pops, the recorder and the hub.

One consumer task per PBX reads its bridge's domain events in order; a second task per PBX
runs the bridge (connect, reconnect, resync). Events of one PBX are handled one at a time,
so a pop is always on the wire before that call's ``ring_stopped`` or ``answered``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from console.server.frame_masking import masked_event, masked_pop
from console.server.pop import ivr_info
from telephony.events import (
    AgentState,
    Answered,
    CallbackRequested,
    DomainEvent,
    Ended,
    OriginateResult,
    QueueStats,
    Ringing,
    RingStopped,
    SurveyAnswered,
    Transferred,
)
from telephony.fanout import Fanout

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.server.after_call import AfterCallWork
    from console.server.callstate import CallRegistry, LiveCall
    from console.server.directory import Directory
    from console.server.hub import Hub
    from console.server.manager_alerts import ManagerAlerts
    from console.server.metrics import Metrics
    from console.server.pop import PopBuilder
    from console.server.recorder import Recorder

log = logging.getLogger(__name__)
_Inbound = tuple[DomainEvent | asyncio.Event | None, float]
"""What a PBX's inbox holds: an event and when the bridge handed it over, a settle marker, or
None (stop)."""


class BridgeLike(Protocol):
    """What the server needs of a PBX link (telephony.bridge.Bridge is one)."""

    name: str

    @property
    def connected(self) -> bool: ...
    @property
    def reconnects(self) -> int: ...
    @property
    def holding(self) -> bool: ...
    def events(self) -> AsyncIterator[DomainEvent]: ...
    async def ping(self) -> object: ...
    async def caught_up(self) -> None: ...
    async def run(self) -> None: ...
    async def close(self) -> None: ...


class CampaignCalls(Protocol):
    """What the pop needs of the outbound dialer (console.server.dialer_service is one)."""

    def number_of(self, variables: dict[str, str]) -> str | None: ...
    def awaits_lead(self, variables: dict[str, str]) -> bool: ...
    async def read_lead(self, variables: dict[str, str]) -> None: ...
    def pop_extras(self, variables: dict[str, str]) -> dict[str, Any]: ...


class EventObserver(Protocol):
    """Sees every event once the floor has had it (console.server.stats_service is one)."""

    def observe(self, pbx: str, event: DomainEvent) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Floor:
    """Everything the live service works with, handed over by the composition root (app.py)."""

    bridges: Mapping[str, BridgeLike]
    calls: CallRegistry
    hub: Hub
    directory: Directory
    pop: PopBuilder
    recorder: Recorder
    metrics: Metrics
    managers: ManagerAlerts
    after_call: AfterCallWork
    engine: Engine | None = None
    stats: EventObserver | None = None


class Service:
    def __init__(self, floor: Floor) -> None:
        self._floor = floor
        self._bridges = floor.bridges
        self._hub = floor.hub
        self._dir = floor.directory
        self._calls = floor.calls
        self._pop = floor.pop
        self._recorder = floor.recorder
        self._metrics = floor.metrics
        self._managers = floor.managers
        self._tasks: list[asyncio.Task[None]] = []
        self._inboxes: dict[str, asyncio.Queue[_Inbound]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._followers: Fanout[DomainEvent] = Fanout()
        self.campaigns: CampaignCalls | None = None
        """The outbound dialer, once it runs: a campaign call's pop carries its lead and script."""

    def start(self) -> None:
        for name, bridge in self._bridges.items():
            stream = bridge.events()  # subscribe before the bridge runs: nothing is missed
            inbox: asyncio.Queue[_Inbound] = asyncio.Queue()
            self._inboxes[name] = inbox
            self._tasks.append(asyncio.create_task(self._pump(stream, inbox), name=f"pump-{name}"))
            self._tasks.append(asyncio.create_task(self._consume(name, inbox), name=f"events-{name}"))
            self._tasks.append(asyncio.create_task(bridge.run(), name=f"bridge-{name}"))

    def followed(self) -> AsyncIterator[DomainEvent]:
        """Every PBX's events, each once the service has handled it: the server's calls, agent
        states and after-call holds already take it in. The dialer reads this, not the bridges:
        reading a bridge itself, it once saw a call end before the agent's after-call hold was
        there, thought the agent free and offered a lead over the wrap-up panel."""
        return self._followers.subscribe()

    async def settle(self) -> None:
        """Return when every event the PBXs have sent so far has been handled (tests, benchmarks).

        A Ping's reply comes after every event sent before it, and the bridge queues those
        events before it reads the reply; a marker queued behind them is handled after them."""
        for name, bridge in self._bridges.items():
            if bridge.connected:
                with contextlib.suppress(Exception):
                    await bridge.ping()
                    await bridge.caught_up()  # with several servers: the journal delivered here
            done = asyncio.Event()
            self._inboxes[name].put_nowait((done, 0.0))
            await done.wait()

    async def stop(self) -> None:
        """Stop the bridges; let the consumers finish what is queued (a lookup may be running
        in a thread on the engine, which must outlive it)."""
        for bridge in self._bridges.values():
            with contextlib.suppress(Exception):
                await bridge.close()
        consumers = [t for t in self._tasks if t.get_name().startswith("events-")]
        for task in self._tasks:
            if task not in consumers:
                task.cancel()
        for inbox in self._inboxes.values():
            inbox.put_nowait((None, 0.0))
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=10)
            for task in pending:
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _pump(self, stream: AsyncIterator[DomainEvent], inbox: asyncio.Queue[_Inbound]) -> None:
        # Stamped when the bridge hands the event over: the pop latency starts here.
        async for event in stream:
            inbox.put_nowait((event, time.perf_counter()))
            if isinstance(event, Ringing):
                try:
                    self._prefetch(event)
                except Exception:  # only a head start: the pop looks the caller up itself
                    log.exception("pbx: no early lookup for %s", event.call)

    def _prefetch(self, ringing: Ringing) -> None:
        """Start the lookup ``_pop_to`` will want as the ring arrives, not when its turn comes:
        the rings of a burst are looked up side by side (console.server.pop)."""
        if not self._dir.users_of_agent(ringing.agent):
            return
        live = self._calls.get(ringing.call)
        if live is not None:
            if live.lookup is None and ringing.agent not in live.popped:
                self._pop.prefetch(*_looked_up_as(live.caller, live.vars))
            return
        dialer = self.campaigns
        if dialer is not None and dialer.awaits_lead(ringing.vars):
            return  # its number is the lead's, read from the store when the ring's turn comes
        # As _ringing will open the call: the lead's number for a campaign call.
        self._pop.prefetch(*_looked_up_as(self._lead_number(ringing) or ringing.caller, ringing.vars))

    def _lead_number(self, ringing: Ringing) -> str | None:
        """A campaign call's lead number (the number the dialer called), None for any other call."""
        dialer = self.campaigns
        return dialer.number_of(ringing.vars) if dialer is not None else None

    async def _consume(self, pbx: str, inbox: asyncio.Queue[_Inbound]) -> None:
        while True:
            event, received = await inbox.get()
            if event is None:
                return
            if isinstance(event, asyncio.Event):
                event.set()
                continue
            try:
                await self.handle(pbx, event, received)
            except Exception:  # one bad event must not stop the floor's pops
                log.exception("pbx %s: failed to handle %s", pbx, event.name)

    def _json(self, event: DomainEvent) -> dict[str, Any]:
        """An event as a frame carries it: the number masked for a call whose number is hidden."""
        data = event.to_json()
        return masked_event(data) if self._calls.number_hidden(data.get("call")) else data

    def _to_agent(self, agent: str | None, kind: str, event: DomainEvent) -> None:
        self._hub.publish(self._dir.users_of_agent(agent), kind, {"event": self._json(event)})

    async def handle(self, pbx: str, event: DomainEvent, received: float) -> None:
        try:
            await self._dispatch(pbx, event, received)
        finally:
            stats = self._floor.stats
            if stats is not None:  # after the pop: the wallboard can wait a moment, the agent cannot
                stats.observe(pbx, event)
            self._followers.publish(event)

    async def _dispatch(self, pbx: str, event: DomainEvent, received: float) -> None:
        calls = self._calls
        if isinstance(event, Ringing):
            await self._ringing(pbx, event, received)
        elif isinstance(event, RingStopped):
            live = calls.get(event.call)
            if live is not None:
                live.popped.discard(event.agent)  # if it rings this agent again, pop again
                live.pops.pop(event.agent, None)
                if not live.talking(event.agent):
                    calls.part_over(event.call, event.agent)
            self._to_agent(event.agent, event.name, event)
        elif isinstance(event, Answered):
            calls.answered(event.call, event.agent, event.agent_channel)
            self._to_agent(event.agent, event.name, event)
        elif isinstance(event, Transferred):
            await self._transferred(pbx, event, received)
        elif isinstance(event, Ended):
            self._ended(pbx, event)
        elif isinstance(event, CallbackRequested):
            self._recorder.callback_requested(event)
            engine = self._floor.engine
            if engine is not None:  # the account manager is told off the call's path
                task = asyncio.create_task(self._managers.callback_requested(engine, event))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        elif isinstance(event, SurveyAnswered):
            self._recorder.survey(pbx, event)
        elif isinstance(event, AgentState):
            calls.set_agent_state(event)
            queues = [event.queue] if event.queue else self._dir.queues_of_agent(event.agent)
            users = self._dir.users_of_agent(event.agent) | self._dir.supervisors_of(queues)
            self._hub.publish(users, event.name, {"event": event.to_json()})
        elif isinstance(event, QueueStats):
            calls.queue_stats[event.queue] = event
            users = self._dir.members_of_queue(event.queue) | self._dir.supervisors_of([event.queue])
            self._hub.publish(users, event.name, {"event": event.to_json()}, latest=event.queue)
        elif isinstance(event, OriginateResult):
            asked = calls.originator(event.action_id)
            if asked is not None:
                user, hidden = asked
                if hidden:  # dialled by customer id: this call's number stays masked for good
                    calls.hide_number(event.call)
                data = event.to_json()
                self._hub.publish([user], event.name, {"event": masked_event(data) if hidden else data})

    async def _ringing(self, pbx: str, event: Ringing, received: float) -> None:
        dialer = self.campaigns
        if dialer is not None:
            await dialer.read_lead(event.vars)  # a campaign call another server's dialer placed
        number = self._lead_number(event)
        if number and number != event.caller:  # a campaign call: the lead's number, not the center's
            event = dataclasses.replace(event, caller=number)
        if number:  # the lead's number came from the store: the agent sees it masked
            self._calls.hide_number(event.call)
        live = self._calls.open(pbx, event.call, event.caller, vars=dict(event.vars), queue=event.queue,
                                caller_channel=event.caller_channel)
        self._calls.ring(live, event.agent, event.agent_channel)
        await self._pop_to(live, event.agent, event, received)

    async def _pop_to(self, live: LiveCall, agent: str, ringing: Ringing, received: float) -> None:
        """One pop frame to the agent's console(s), once per call and agent."""
        users = self._dir.users_of_agent(agent)
        if agent in live.popped or not users:  # no console can ever show it: spare the database
            return
        live.popped.add(agent)
        ivr = ivr_info(live.vars)
        if live.lookup is None:
            # The caller of record is the call's first caller: after a transfer the customer.
            lookup = await self._pop.lookup(*_looked_up_as(live.caller, live.vars))
            if not lookup.unavailable:  # after an outage, the next agent it rings looks again
                live.lookup = lookup
            live.customer_id = lookup.customer_id
            live.candidates = tuple(c["id"] for c in lookup.customers)
            if ivr["verified"] and live.customer_id is not None and lookup.by == "account":
                live.verified.setdefault(live.customer_id, "ivr")
        else:
            lookup = live.lookup
        verified = live.customer_id is not None and live.customer_id in live.verified
        body = self._pop.frame(lookup, ringing, verified, ivr)
        if self._calls.number_hidden(ringing.call):
            body = masked_pop(body)
        dialer = self.campaigns
        if dialer is not None:  # a campaign call: the lead, its campaign and the script
            body.update(dialer.pop_extras(live.vars))
        body["latency_ms"] = round((time.perf_counter() - received) * 1000, 3)
        self._hub.publish(users, "pop", body)
        live.pops[agent] = body
        self._metrics.pop_latency.observe(time.perf_counter() - received)
        self._metrics.pops.labels(lookup.match).inc()
        bridge = self._bridges.get(live.pbx)
        if bridge is None or bridge.holding:  # one audit row a pop: the server holding the PBX's link
            self._recorder.pop_shown(users, ringing.call, agent, lookup, verified)  # after: off the pop's path
        if lookup.match == "known":
            self._managers.call(live, lookup.customers[0], agent)

    async def _transferred(self, pbx: str, event: Transferred, received: float) -> None:
        live = self._calls.get(event.call)
        target = event.to
        users = self._dir.users_of_agent(event.from_agent) | self._dir.users_of_agent(target)
        self._hub.publish(users, event.name, {"event": self._json(event)})
        if live is None or not self._dir.users_of_agent(target):
            return  # to a queue or an outside number: the target agent's ringing pops it
        self._calls.ring(live, target, event.to_channel)
        ringing = Ringing(t=event.t, call=event.call, agent=target, caller=live.caller, queue=live.queue,
                          vars=dict(live.vars), caller_channel=live.caller_channel,
                          agent_channel=event.to_channel)
        await self._pop_to(live, target, ringing, received)

    def _ended(self, pbx: str, event: Ended) -> None:
        """One part of the call is over: the agent it was with is told (those whose phone only
        rang had their ``ring_stopped``); after a transfer the call goes on with its new agent."""
        live = self._calls.get(event.call)
        self._to_agent(event.agent, event.name, event)
        account = ivr_info(live.vars)["account"] if live else None
        self._recorder.ended(pbx, event, customer_id=live.customer_id if live else None, account=account)
        if live is not None:
            self._calls.part_over(event.call, event.agent)
            if event.outcome == "answered" and event.agent and live.talked(event.agent):
                # The agent's console asks for the disposition: hold them out of the queues.
                self._floor.after_call.call_ended(pbx, event.agent, event.call, event.t)


def _looked_up_as(caller: str, variables: Mapping[str, str]) -> tuple[str, str | None]:
    """What a call's pop looks up, and its prefetch ahead of it: the caller of record and the
    account keyed in the IVR. One function for both, or a prefetch is never taken."""
    return caller, ivr_info(dict(variables))["account"]
