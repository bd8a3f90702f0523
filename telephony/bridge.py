"""One PBX: the AMI connection, the call tracker fed in wire order, domain events out.

``Bridge.run()`` keeps the link up until ``close()``. After every login it turns events on,
waits for ``FullyBooted`` (a PBX still booting may not have its queues loaded; an AMI user
without ``system`` read permission never gets it, hence ``boot_timeout_s``) and resyncs:
``QueueStatus`` and ``CoreShowChannels`` are sent, every event of their replies is fed
to the tracker in wire order together with the live events, and ``tracker.resync_done(t)`` is
called right when the last list completes, before any later event is fed. When the link drops,
``tracker.connection_lost(t)``. So a call that was up across a reconnect is known from the
snapshot: tracked to its end, not popped twice, recorded once (the tracker's promise, given the
snapshot).

Consumers read domain events with ``async for ev in bridge.events(): …`` (each ``events()`` call
is its own subscription, starting at the call, unbounded; stop iterating to unsubscribe).
Event times ``t`` are the AMI ``Timestamp`` header when Asterisk sends one
(``timestampevents=yes``), else the injected clock; the tracker never reads a clock. Between
events the bridge keeps the tracker's time going: it calls ``tracker.tick`` when
``tracker.next_due()`` comes on the PBX's clock (``telephony.pbx_clock``), so a wrap-up ends on
time on a PBX that is silent between calls.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping

from telephony import actions
from telephony.connection import AmiActionError, AmiConnection, Backoff
from telephony.event_filter import EventFilter, filter_for
from telephony.events import DomainEvent, HangupBy
from telephony.fanout import Fanout
from telephony.framing import Message
from telephony.journal import ActionReply, Entry, Relay
from telephony.pbx_clock import PbxClock
from telephony.tracker import Tracker

log = logging.getLogger(__name__)


def wall_clock() -> Callable[[], float]:
    """Wall-clock seconds that follow the loop's monotonic time (immune to clock steps)."""
    loop = asyncio.get_running_loop()
    offset = time.time() - loop.time()
    return lambda: offset + loop.time()


class Bridge:
    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        username: str,
        secret: str,
        encoding: str = "utf-8",
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 10.0,
        agent_map: Mapping[str, str] | None = None,
        *,
        tracker_factory: Callable[[Mapping[str, str] | None], Tracker] = Tracker,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
        auth: str = "plain",
        action_timeout_s: float = 10.0,
        backoff: Backoff = Backoff(),
        event_filter: EventFilter | None = None,
        boot_timeout_s: float = 10.0,
    ) -> None:
        self.name = name
        self.boot_timeout_s = boot_timeout_s
        self.tracker = tracker_factory(agent_map)
        self._clock = clock
        if event_filter is None:
            event_filter = filter_for(self.tracker)
        self.conn = AmiConnection(
            host, port, username, secret, on_event=self._on_event, on_up=self._on_up,
            on_down=self._on_down, encoding=encoding, auth=auth, event_filter=event_filter,
            ping_interval_s=ping_interval_s, ping_timeout_s=ping_timeout_s,
            action_timeout_s=action_timeout_s, backoff=backoff, sleep=sleep, rng=rng,
        )
        self._fanout: Fanout[DomainEvent] = Fanout()
        self._resync_last: str | None = None  # ActionID whose list completion ends the resync
        self.events_in = 0
        self.pbx_version: str | None = None
        """CoreSettings' AsteriskVersion, read at each login (None: not known, or refused)."""
        self.pbx_clock = PbxClock(self._now)
        self._next_due = self.tracker.next_due
        self._tick_at: float | None = None  # PBX time the tick timer is set for
        self._tick_handle: asyncio.TimerHandle | None = None
        self.relay: Relay | None = None
        """With several servers: the journal they share (telephony.journal); None: this bridge's
        entries are applied as they are written."""
        self._link_up = False  # on a following server: the holder's link, as the journal says

    # --- state -------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        if self.relay is not None and not self.relay.holding:
            return self._link_up  # another server holds the link: what its journal says
        return self.conn.connected

    @property
    def holding(self) -> bool:
        """This server writes the PBX's journal: it holds the AMI link (always, on its own)."""
        return self.relay is None or self.relay.holding

    @property
    def on_simulator(self) -> bool:
        """The PBX is calldesk's simulator (its CoreSettings says so), not a real Asterisk."""
        return (self.pbx_version or "").endswith(actions.SIMULATOR_MARK)

    @property
    def reconnects(self) -> int:
        return self.conn.reconnects

    @property
    def last_error(self) -> str | None:
        return self.conn.last_error

    def _now(self) -> float:
        if self._clock is None:
            self._clock = wall_clock()
        return self._clock()

    # --- event flow: everything the tracker is fed is a journal entry --------------------
    def _write(self, entry: Entry) -> None:
        if self.relay is None:
            self.apply(entry)
        else:
            self.relay.append(entry)

    def apply(self, entry: Entry) -> None:
        """Feed one journal entry to the tracker and publish what comes of it. Every server applies
        the same entries in the same order (telephony.journal)."""
        kind, t = entry["k"], entry["t"]
        if kind == "frame":
            self.events_in += 1
            if entry.get("ts") and not self.holding:
                self.pbx_clock.observe(t)  # the holder observed it when it read the frame
            self._publish(self.tracker.feed(entry["m"], t))
        elif kind == "tick":
            self._publish(self.tracker.tick(t))
        elif kind == "resync":
            self._publish(self.tracker.resync_done(t))
        elif kind == "lost":
            self._link_up = False
            self._publish(self.tracker.connection_lost(t))
        elif kind == "expect":
            self.tracker.expect_hangup(entry["channel"], "agent" if entry["by"] == "agent" else "system", t)
        elif kind == "up":
            self._link_up = True
            if not self.holding:
                self.pbx_version = entry.get("version")
        if self.holding and self._tick_at != self._next_due():
            self._arm_tick()

    def _on_event(self, message: Message) -> None:
        stamp = message.get("Timestamp")
        try:
            t = float(stamp) if stamp else self.pbx_clock.now()
        except ValueError:
            t = self.pbx_clock.now()
            stamp = None
        else:
            if stamp:
                self.pbx_clock.observe(t)
        entry: Entry = {"k": "frame", "t": t, "m": message}
        if stamp:
            entry["ts"] = True
        self._write(entry)
        if self._resync_last is not None and message.get("ActionID") == self._resync_last \
                and message["Event"].endswith("Complete"):
            self._finish_resync(t)

    # --- time between events ------------------------------------------------------------
    def _arm_tick(self) -> None:
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
        self._tick_at = due = self._next_due()
        if due is not None:
            delay = max(0.0, due - self.pbx_clock.now())
            self._tick_handle = asyncio.get_running_loop().call_later(delay, self._tick)

    def _tick(self) -> None:
        # Never earlier than it was set for, even if the clock estimate moved meanwhile.
        t = max(self.pbx_clock.now(), self._tick_at or 0.0)
        self._tick_handle = None
        self._write({"k": "tick", "t": t})  # applying it sets the next tick

    def took_over(self) -> None:
        """This server now holds the link (a relay's lease): the ticks are its to write."""
        self._tick_at = None
        self._arm_tick()

    def gave_up(self) -> None:
        """Another server writes the journal now: its ticks, not ours."""
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None
        self._tick_at = None

    def _finish_resync(self, t: float) -> None:
        self._resync_last = None
        self._write({"k": "resync", "t": t})

    def _publish(self, events: Iterable[DomainEvent] | None) -> None:
        if not events:
            return
        for ev in events:
            self._fanout.publish(ev)

    async def _on_up(self) -> None:
        await self.conn.send(actions.events(True))
        await self.conn.wait_booted(self.boot_timeout_s)
        await self.resync()
        try:
            self.pbx_version = (await self.conn.send(actions.core_settings())).response.get("AsteriskVersion")
        except AmiActionError as exc:  # no reporting permission: calldesk doctor says so
            log.info("bridge %s: CoreSettings refused (%s); the PBX's version is not known", self.name, exc)
            self.pbx_version = None
        self._write({"k": "up", "t": self.pbx_clock.now(), "version": self.pbx_version})

    async def resync(self) -> None:
        """Snapshot the PBX into the journal: its queues and channels, then the ``resync`` entry.
        On a live link too: a server that starts following the journal there learns every call
        from it (a tracker that already knows them is only confirmed in what it knows)."""
        qs_id, csc_id = self.conn.next_action_id(), self.conn.next_action_id()
        self._resync_last = csc_id
        qs = self.conn.send({**actions.queue_status(), "ActionID": qs_id}, forward_events=True)
        csc = self.conn.send({**actions.core_show_channels(), "ActionID": csc_id}, forward_events=True)
        qs_result, csc_result = await asyncio.gather(qs, csc, return_exceptions=True)
        for result in (qs_result, csc_result):
            refused = isinstance(result, AmiActionError) and result.response is not None
            if isinstance(result, BaseException) and not refused:
                raise result  # unanswered: the link is bad, reconnect and resync again
        if isinstance(csc_result, AmiActionError):
            raise csc_result  # without the channel list we cannot tell which calls survived
        if isinstance(qs_result, AmiActionError):  # e.g. a PBX without app_queue
            log.warning("bridge %s: QueueStatus refused during resync: %s", self.name, qs_result)
        if self._resync_last == csc_id:  # normally ended by the list's Complete event
            self._finish_resync(self.pbx_clock.now())

    def _on_down(self, reason: str) -> None:
        self._resync_last = None
        level = logging.INFO if reason == "closed by us" else logging.WARNING
        log.log(level, "bridge %s: AMI link lost (%s)", self.name, reason)
        self._write({"k": "lost", "t": self.pbx_clock.now()})

    def events(self) -> AsyncIterator[DomainEvent]:
        return self._fanout.subscribe()

    # --- lifecycle ----------------------------------------------------------------------
    async def run(self) -> None:
        if self.relay is not None:
            await self.relay.run()  # it runs the link below whenever it holds it
        else:
            await self.conn.run()

    async def close(self) -> None:
        self.gave_up()
        if self.relay is not None:
            await self.relay.close()
        await self.conn.close()

    # --- actions ------------------------------------------------------------------------
    async def send(self, action: Mapping[str, object], *, expect: Entry | None = None,
                   forward_events: bool = False) -> ActionReply:
        """Send an action on the AMI link, or have the server that holds it send it; ``expect``
        (an ``expect`` entry) is written to the journal first."""
        if self.relay is not None and not self.relay.holding:
            return await self.relay.act(action, expect, forward_events)
        if expect is not None:
            self._write(expect)
        return await self.conn.send(action, forward_events=forward_events)

    async def _act(self, action: Mapping[str, object]) -> Message:
        return (await self.send(action)).response

    async def ping(self) -> Message:
        """A Ping: its reply comes after every event the PBX sent before it."""
        return await self._act(actions.ping())

    async def caught_up(self) -> None:
        """Return once every journal entry written so far is applied here (at once on its own;
        with a relay, once the bus has delivered them)."""
        if self.relay is not None:
            await self.relay.caught_up()

    async def originate(self, channel: str, exten: str, context: str, caller_id: str | None = None,
                        variables: Mapping[str, str] | None = None, timeout_ms: int = 30000,
                        action_id: str | None = None) -> str:
        """Queue an Originate; its outcome comes later as an ``originate_result`` with this id."""
        action_id = action_id or self.conn.next_action_id()
        action = actions.originate(channel, exten=exten, context=context, caller_id=caller_id,
                                   variables=variables, timeout_ms=timeout_ms)
        await self._act({**action, "ActionID": action_id})
        return action_id

    async def hangup(self, channel: str, by: HangupBy | None = None) -> Message:
        """Hang a channel up. ``by``: on whose behalf ("agent": the call's agent; "system"), which
        the call's ``ended`` then says (Asterisk's own events cannot tell)."""
        expect: Entry | None = None
        if by is not None:
            expect = {"k": "expect", "t": self.pbx_clock.now(), "channel": channel, "by": by}
        return (await self.send(actions.hangup(channel), expect=expect)).response

    async def redirect(self, channel: str, exten: str, context: str, priority: int = 1) -> Message:
        return await self._act(actions.redirect(channel, exten, context, priority))

    async def blind_transfer(self, channel: str, exten: str, context: str) -> Message:
        return await self._act(actions.blind_transfer(channel, exten, context))

    async def atxfer(self, channel: str, exten: str, context: str) -> Message:
        return await self._act(actions.atxfer(channel, exten, context))

    async def queue_pause(self, interface: str, paused: bool, reason: str | None = None,
                          queue: str | None = None) -> Message:
        return await self._act(actions.queue_pause(interface, paused, reason, queue))

    async def queue_add(self, queue: str, interface: str, member_name: str | None = None, penalty: int = 0,
                        paused: bool = False, state_interface: str | None = None) -> Message:
        return await self._act(actions.queue_add(queue, interface, member_name, penalty, paused, state_interface))

    async def queue_remove(self, queue: str, interface: str) -> Message:
        return await self._act(actions.queue_remove(queue, interface))

    async def chanspy(self, supervisor_ext: str, target_channel: str, mode: actions.SpyMode, *,
                      context: str = "agents") -> Message:
        return await self._act(actions.chanspy(supervisor_ext, target_channel, mode, context=context))

    async def queue_status(self) -> list[Message]:
        """The QueueParams / QueueMember / QueueEntry events of a QueueStatus."""
        return (await self.send(actions.queue_status())).events

    async def core_show_channels(self) -> list[Message]:
        return (await self.send(actions.core_show_channels())).events
