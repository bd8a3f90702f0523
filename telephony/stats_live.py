"""Today's queue figures, kept up to date one finished call at a time: pure, no I/O, no clock.

The server feeds it every finished queue pass (``ended`` events live, stored Interactions at
start-up) and asks for a ``queue_stats`` event when the wallboard needs one. The figures are the
ones of :func:`telephony.stats.compute` over today's calls, so the live board and a report over
the same day agree by construction. What happens *now* (who is waiting, which agents are free)
is not history: the caller passes it in, from the tracker's live view.

Wrap-up in AHT: the after-call work measured for the call (calldesk holds the agent out of the
queues until the disposition is in; the store keeps the seconds, so a restart reads them back),
else the queue's configured wrap-up time (Asterisk's ``wrapuptime``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from telephony.events import AgentState, QueueStats
from telephony.stats import QueueCall, QueueMetrics, Tally
from telephony.tracker import ActiveCall

DAY_S = 86_400
SPARK_INTERVAL_S = 900


@dataclass(frozen=True, slots=True)
class QueueTarget:
    service_level_s: float = 20.0
    target_pct: float = 80.0
    wrapup_s: float = 0.0


@dataclass
class DayStats:
    """Every finished queue pass of one day (``day_start`` = local midnight, epoch seconds)."""

    day_start: float
    targets: Mapping[str, QueueTarget] = field(default_factory=dict)
    short_abandon_s: float = 5.0
    interval_s: float = SPARK_INTERVAL_S
    calls: dict[str, list[QueueCall]] = field(default_factory=dict)
    handled: dict[str, int] = field(default_factory=dict)
    """Agent -> calls answered today (queue calls and direct ones)."""
    _seen: set[tuple[str | int, ...]] = field(default_factory=set)
    # (call, agent) -> (queue, index in calls[queue]) of today's answered passes: where a
    # measured after-call work lands (the latest pass of that call the agent answered).
    _answered: dict[tuple[str | int, str], tuple[str, int]] = field(default_factory=dict)
    # Running sums per queue, so a board costs the same at 8:00 and at 20:00 (no pass over the day).
    _tallies: dict[str, Tally] = field(default_factory=dict)
    _slots: dict[str, list[int]] = field(default_factory=dict)

    def target(self, queue: str) -> QueueTarget:
        return self.targets.get(queue) or QueueTarget()

    def in_day(self, t: float) -> bool:
        return self.day_start <= t < self.day_start + DAY_S

    def add(self, key: tuple[str | int, ...], call: QueueCall) -> bool:
        """Count one finished pass (``key``: pbx, call, queue, pass_no) once; False when already counted,
        not of this day, or an agent's outbound call (no queue's, nor handled: as the store reads)."""
        if key in self._seen or not self.in_day(call.offered_at) or call.direction != "inbound":
            return False
        self._seen.add(key)
        if call.outcome == "answered" and call.agent:
            self.handled[call.agent] = self.handled.get(call.agent, 0) + 1
        if call.queue:  # a direct call counts for its agent, not for any queue
            call = dataclasses.replace(call, wrapup_s=wrapup_of(call, self.target(call.queue)))
            self.calls.setdefault(call.queue, []).append(call)
            self._tally(call.queue).add(call)
            if call.outcome == "answered" and call.agent:
                self._answered[(key[1], call.agent)] = (call.queue, len(self.calls[call.queue]) - 1)
            if not (call.outcome == "abandoned" and call.wait_s < self.short_abandon_s):
                slots = self._slots.setdefault(call.queue, [0] * math.ceil(DAY_S / self.interval_s))
                slots[min(len(slots) - 1, int((call.offered_at - self.day_start) // self.interval_s))] += 1
        return True

    def after_call(self, call_id: str, agent: str, acw_s: float) -> str | None:
        """The after-call work measured for an answered call of today (its wrap-up was sent, or
        the hold ran out): AHT counts it in place of the configured one. Its queue, if counted."""
        found = self._answered.get((call_id, agent))
        if found is None:
            return None
        queue, index = found
        old = self.calls[queue][index]
        new = dataclasses.replace(old, acw_s=acw_s, wrapup_s=acw_s)
        self.calls[queue][index] = new
        self._tally(queue).handle_sum += new.wrapup_s - old.wrapup_s
        return queue

    def survey(self, call_id: str, agent: str | None, score: int) -> str | None:
        """A caller's post-call survey answer for an answered call of today: the queue's CSAT
        counts it. Its queue, if that call was counted today."""
        found = self._answered.get((call_id, agent)) if agent else None
        if found is None:
            return None
        queue, index = found
        old = self.calls[queue][index]
        if old.csat is not None:
            return None  # one answer per call
        self.calls[queue][index] = dataclasses.replace(old, csat=score)
        self._tally(queue).add_survey(score)
        return queue

    def _tally(self, queue: str) -> Tally:
        tally = self._tallies.get(queue)
        if tally is None:
            tally = self._tallies[queue] = Tally(self.target(queue).service_level_s, self.short_abandon_s)
        return tally

    def metrics(self, queue: str) -> QueueMetrics:
        """The same figures as ``compute`` over the queue's calls of the day, without the pass."""
        return self._tally(queue).metrics()

    def sparkline(self, queue: str, now: float) -> list[int]:
        """Offered calls (short abandons left out) per interval, from midnight to ``now``'s interval."""
        upto = int((min(max(now, self.day_start), self.day_start + DAY_S - 1) - self.day_start) // self.interval_s)
        slots = self._slots.get(queue)
        return slots[: upto + 1] if slots else [0] * (upto + 1)


def wrapup_of(call: QueueCall, target: QueueTarget) -> float:
    """The wrap-up an answered call counts in AHT: measured if it was, else the queue's configured."""
    if call.outcome != "answered":
        return 0.0
    return call.acw_s if call.acw_s is not None else target.wrapup_s


@dataclass(frozen=True, slots=True)
class LiveQueue:
    """What a queue looks like now (from the tracker's views)."""

    waiting: int = 0
    longest_wait_s: float = 0.0
    vip_waiting: int = 0
    longest_vip_wait_s: float = 0.0
    agents: dict[str, int] = field(default_factory=dict)


def _nobody_vip(row: ActiveCall) -> bool:
    return False


def live_queue(queue: str, active_calls: Iterable[ActiveCall],
               agent_states: Mapping[str, Mapping[str, AgentState]], now: float,
               is_vip: Callable[[ActiveCall], bool] = _nobody_vip) -> LiveQueue:
    """Waiting callers (rows of ``Tracker.active_calls()`` in state ``waiting``/``ringing``) and
    agents by state (``Tracker.agent_states()``: agent -> queue -> agent_state event)."""
    rows = [row for row in active_calls if row.get("queue") == queue and row.get("state") in ("waiting", "ringing")]
    waits = [max(0.0, now - row["since"]) for row in rows]
    vip = [max(0.0, now - row["since"]) for row in rows if is_vip(row)]
    agents: dict[str, int] = {}
    for by_queue in agent_states.values():
        state = getattr(by_queue.get(queue), "state", None)
        if state and state != "logged_out":
            agents[state] = agents.get(state, 0) + 1
    return LiveQueue(len(waits), max(waits, default=0.0), len(vip), max(vip, default=0.0), agents)


def queue_stats(day: DayStats, queue: str, live: LiveQueue, now: float) -> QueueStats:
    m = day.metrics(queue)
    target = day.target(queue)
    return QueueStats(
        t=now, queue=queue, waiting=live.waiting, longest_wait_s=round(live.longest_wait_s, 3),
        agents=dict(live.agents), offered=m.offered, answered=m.answered, abandoned=m.abandoned,
        service_level=m.service_level, asa_s=m.asa_s, aht_s=m.aht_s,
        short_abandoned=m.short_abandoned, abandon_rate=m.abandon_rate,
        longest_wait_today_s=m.longest_wait_s, service_level_s=target.service_level_s,
        target_pct=target.target_pct, vip_waiting=live.vip_waiting,
        longest_vip_wait_s=round(live.longest_vip_wait_s, 3), day_start=day.day_start,
        interval_s=day.interval_s, sparkline=day.sparkline(queue, now),
        csat=m.csat, csat_answers=m.csat_answers,
    )
