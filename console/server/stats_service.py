"""Live queue statistics: today's figures per queue, pushed as ``queue_stats`` frames.

Thin on purpose: the figures are telephony.stats_live's. At start-up today's Interactions are
read back from the store (so a PBX restart or a server restart loses nothing; Asterisk's own
counters and moving averages are never used), then every ``ended`` adds its queue pass (each
pass of a call through a queue counts on its own, keyed like the store's rows) and
every call or agent event marks its queue changed. A changed queue is sent at most once per
``min_interval_s`` (coalesced) to its supervisors, to its agents when the number of callers
waiting changed (all an agent's console shows of it), and kept for the
``GET /api/supervisor/queues`` snapshot.

"Now" for the waits is the later of the server clock and the last PBX event time, so a PBX whose
clock runs a little ahead never shows negative waits. "Today" is the center's local day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from console.crm.report import load_calls, targets_of
from telephony.events import AgentState, DomainEvent, Ended, QueueStats, SurveyAnswered
from telephony.stats import QueueCall
from telephony.stats_live import DAY_S, DayStats, LiveQueue, live_queue, queue_stats

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.config import Settings
    from console.server.callstate import CallRegistry
    from console.server.clock import Clock
    from console.server.directory import Directory
    from console.server.hub import Hub
    from console.server.outbox import Outbox
    from telephony.bridge import Bridge
    from telephony.tracker.state import ActiveCall

log = logging.getLogger(__name__)
OUTBOX_WAIT_S = 5.0


class StatsService:
    def __init__(self, settings: Settings, *, engine: Engine, clock: Clock, calls: CallRegistry, hub: Hub,
                 directory: Directory, bridges: Mapping[str, Bridge], outbox: Outbox | None = None,
                 min_interval_s: float = 1.0) -> None:
        """``bridges``: the PBXs whose trackers give the calls waiting and agents' states now."""
        self._engine, self._clock, self._calls, self._hub = engine, clock, calls, hub
        self._directory, self._bridges, self.outbox = directory, bridges, outbox
        self._settings = settings
        self._tz = ZoneInfo(settings.center.time_zone)
        self._targets = targets_of(settings)
        self.min_interval_s = min_interval_s
        self.day = self._new_day(self._local_midnight(self._clock_s()))
        self._last_event_t = 0.0
        self._last_sent: dict[str, float] = {}
        self._scheduled: dict[str, asyncio.TimerHandle] = {}
        self._agents_told: dict[str, tuple[int, frozenset[int]]] = {}  # queue -> (waiting, members) last sent them
        self.sent = 0

    # --- time -------------------------------------------------------------------------------
    def _clock_s(self) -> float:
        return self._clock().timestamp()

    def now(self) -> float:
        return max(self._clock_s(), self._last_event_t)

    def _local_midnight(self, t: float) -> float:
        local = dt.datetime.fromtimestamp(t, self._tz)
        return dt.datetime.combine(local.date(), dt.time(), self._tz).timestamp()

    def _new_day(self, day_start: float) -> DayStats:
        return DayStats(day_start=day_start, targets=self._targets,
                        short_abandon_s=self._settings.stats.short_abandon_s)

    def _roll(self, t: float) -> None:
        """A new day begins when the clock or the PBX says so (yesterday's calls are in the store)."""
        midnight = self._local_midnight(t)
        if midnight >= self.day.day_start + DAY_S:
            self.day = self._new_day(midnight)

    # --- input ------------------------------------------------------------------------------
    async def rebuild(self) -> int:
        """Today's figures from the stored Interactions; the number of passes read."""
        start = dt.datetime.fromtimestamp(self.day.day_start, dt.UTC)
        rows = await asyncio.to_thread(load_calls, self._engine, start, start + dt.timedelta(days=1))
        day = self._new_day(self.day.day_start)
        for key, call in rows:
            day.add(key, call)
        self.day = day
        return len(rows)

    def observe(self, pbx: str, event: DomainEvent) -> None:
        """Every domain event of a PBX, in order (called by the live service)."""
        self._last_event_t = max(self._last_event_t, event.t)
        if isinstance(event, QueueStats):
            return
        if isinstance(event, Ended):
            call = QueueCall.from_ended(event)
            self._roll(max(call.offered_at, self._clock_s()))
            self.day.add((pbx, event.call, event.queue or "", event.pass_no), call)
        if isinstance(event, SurveyAnswered):
            surveyed = self.day.survey(event.call, event.agent, event.score)
            if surveyed:
                self.changed(surveyed)
            return
        # Which queue's board this event changes: its own queue, else its call's, else (an agent
        # state with no queue) every queue of that agent.
        queue = getattr(event, "queue", None)
        if not queue and isinstance(event, AgentState):
            for name in self._directory.queues_of_agent(event.agent):
                self.changed(name)
            return
        if not queue:
            live = self._calls.get(getattr(event, "call", None) or "")
            queue = live.queue if live is not None else None
        if queue:
            self.changed(queue)

    def after_call(self, call: str, agent: str, acw_s: float) -> None:
        """An answered call's after-call work was measured: AHT counts it (console.server.after_call)."""
        queue = self.day.after_call(call, agent, acw_s)
        if queue:
            self.changed(queue)

    # --- output -----------------------------------------------------------------------------
    def changed(self, queue: str) -> None:
        """Send this queue's figures soon: now if none went out for ``min_interval_s``."""
        if queue in self._scheduled:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._last_sent.get(queue, -1e9) + self.min_interval_s - loop.time())
        self._scheduled[queue] = loop.call_later(delay, self._send, queue)

    def queues(self) -> list[str]:
        return sorted(set(self._targets) | set(self.day.calls))

    def live(self, queue: str, now: float) -> LiveQueue:
        rows: list[ActiveCall] = []
        states: dict[str, dict[str, AgentState]] = {}
        for bridge in self._bridges.values():
            rows += bridge.tracker.active_calls()
            for agent, by_queue in bridge.tracker.agent_states().items():
                states.setdefault(agent, {}).update(by_queue)
        return live_queue(queue, rows, states, now, is_vip=self._is_vip)

    def _is_vip(self, row: ActiveCall) -> bool:
        tier = (row.get("vars") or {}).get("CUSTOMER_TIER")
        return row.get("queue") == "vip" or bool(tier and self._settings.is_vip(str(tier).lower()))

    def snapshot(self, queue: str) -> QueueStats:
        now = self.now()
        self._roll(now)
        return queue_stats(self.day, queue, self.live(queue, now), now)

    def _send(self, queue: str) -> None:
        self._scheduled.pop(queue, None)
        self._last_sent[queue] = asyncio.get_running_loop().time()
        try:
            event = self.snapshot(queue)
        except Exception:  # a bad figure must not stop the next ones
            log.exception("queue %s: could not compute its statistics", queue)
            return
        self._calls.queue_stats[queue] = event
        directory = self._directory
        supervisors = directory.supervisors_of([queue])
        agents = directory.members_of_queue(queue) - supervisors
        body = {"event": event.to_json()}
        self._hub.publish(supervisors, event.name, body, latest=queue)
        # An agent's console shows how many callers wait (console/tui/agent/screen.py): its
        # members are sent the figures when that changes (or who they are does), not every
        # second a call moves: hundreds of consoles, one frame each, per queue.
        told = (event.waiting, frozenset(agents))
        if self._agents_told.get(queue) != told:
            self._agents_told[queue] = told
            self._hub.publish(agents, event.name, body, latest=queue)
        self.sent += 1

    def store_all(self) -> None:
        """Every queue's snapshot for ``GET /api/supervisor/queues``, sent to nobody (a console
        reads the snapshot when it connects; frames go out when something happens)."""
        for queue in self.queues():
            self._calls.queue_stats[queue] = self.snapshot(queue)

    async def flushed(self) -> None:
        """Send every pending queue now (tests, shutdown): what a board shows is up to date."""
        for queue, handle in list(self._scheduled.items()):
            handle.cancel()
            self._send(queue)

    def close(self) -> None:
        for handle in self._scheduled.values():
            handle.cancel()
        self._scheduled.clear()


async def start_stats(stats: StatsService) -> None:
    """Rebuild today's figures and keep their snapshots; a database that is down leaves them empty
    (said in the log) rather than keeping the server from starting."""
    outbox = stats.outbox
    if outbox is not None and outbox.depth:
        # Calls that ended before a restart may still be in the journal: let them reach the store.
        try:
            await asyncio.wait_for(outbox.drained(), OUTBOX_WAIT_S)
        except TimeoutError:
            log.warning("%d call(s) still in the outbox: today's figures start without them", outbox.depth)
    try:
        count = await stats.rebuild()
        log.info("queue statistics rebuilt from %d stored calls of today", count)
    except Exception:
        log.exception("could not read today's calls back: the queue statistics start empty")
    stats.store_all()
