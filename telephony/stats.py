"""Queue metrics from finished queue calls: pure functions, no I/O, no clock.

Every figure is computed from one record per call and queue pass (`QueueCall`, built from an
`ended` domain event or from a stored Interaction), never from Asterisk's own counters: its
`Holdtime`/`TalkTime` are exponential moving averages and its counters reset when it restarts.
So the same functions give the live wallboard (over today's records) and the reports.

Definitions (``sl`` = the queue's service-level threshold, ``short`` = the short-abandon
threshold, both in seconds):

* **short abandon**: outcome ``abandoned`` with ``wait_s < short``. Counted apart
  (``short_abandoned``) and left out of every other figure: a caller who hangs up within a few
  seconds misdialled or was never really waiting. An abandon at exactly ``short`` is a real one.
* **offered**: calls that entered the queue, short abandons excluded (answered, abandoned,
  timed out, left for a callback, transferred on…). Each pass counts: a caller transferred or
  redirected back into a queue it went through is offered again (app_queue counts it so too).
* **answered**: outcome ``answered``; **answered in SL**: answered with ``wait_s <= sl``.
* **abandoned**: outcome ``abandoned``, short abandons excluded; **abandoned after SL**:
  ``wait_s > sl``.
* **service level** (ours): answered in SL ÷ (answered + abandoned after SL). Callers who gave
  up before the threshold neither help nor hurt. ``None`` when the denominator is 0.
* **ServicelevelPerf** (Asterisk's): answered in SL ÷ answered.
* **ServicelevelPerf2** (Asterisk's): (answered in SL + abandoned within SL) ÷ (answered +
  abandoned), short abandons included, as Asterisk has no such notion.
* **ASA**: mean ``wait_s`` of answered calls. **AHT**: mean ``talk_s + wrapup_s`` of answered
  calls (``wrapup_s``: the after-call work measured for the call when it was, else the queue's
  configured wrap-up). **longest wait**: the largest ``wait_s`` of any offered call.
* **abandon rate**: abandoned ÷ offered.

A call belongs to the interval in which it was offered (entered the queue), even when it was
answered or ended in the next one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from telephony.events import Ended


@dataclass(frozen=True, slots=True)
class QueueCall:
    """One pass of one call through one queue, finished."""

    queue: str
    offered_at: float  # seconds on any monotone scale (epoch seconds in the store)
    outcome: str  # an `ended` outcome
    wait_s: float
    talk_s: float = 0.0
    wrapup_s: float = 0.0
    agent: str | None = None
    direction: str = "inbound"  # an agent's outbound call counts nowhere (stored ones are not read)
    acw_s: float | None = None  # the after-call work measured for it, when it was (else configured)
    csat: int | None = None  # the caller's post-call survey answer (1-5), when they gave one

    @classmethod
    def from_ended(cls, event: Ended, wrapup_s: float = 0.0) -> QueueCall:
        return cls(
            queue=event.queue or "",
            offered_at=event.t - event.wait_s - event.talk_s,
            outcome=event.outcome,
            wait_s=event.wait_s,
            talk_s=event.talk_s,
            wrapup_s=wrapup_s,
            agent=event.agent,
            direction=event.direction,
        )


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    abandoned_after_sl: int = 0
    short_abandoned: int = 0
    service_level: float | None = None
    service_level_perf: float | None = None
    service_level_perf2: float | None = None
    asa_s: float | None = None
    aht_s: float | None = None
    longest_wait_s: float = 0.0
    abandon_rate: float | None = None
    csat: float | None = None  # mean post-call survey answer (1-5) of the answered calls surveyed
    csat_answers: int = 0


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class Tally:
    """The running sums behind :class:`QueueMetrics`: add calls one at a time (a live board adds
    each as it ends, in O(1)); :func:`compute` is a fold over the same ``add``, so both agree."""

    service_level_s: float
    short_abandon_s: float
    offered: int = 0
    answered: int = 0
    in_sl: int = 0
    abandoned: int = 0
    abandoned_after: int = 0
    short: int = 0
    abandoned_within_all: int = 0
    abandoned_all: int = 0
    wait_sum: float = 0.0
    handle_sum: float = 0.0
    longest: float = 0.0
    csat_sum: int = 0
    csat_answers: int = 0

    def add(self, call: QueueCall, service_level_s: float | None = None) -> None:
        sl = self.service_level_s if service_level_s is None else service_level_s
        if call.outcome == "abandoned":
            self.abandoned_all += 1
            self.abandoned_within_all += call.wait_s <= sl
            if call.wait_s < self.short_abandon_s:
                self.short += 1
                return
            self.abandoned += 1
            self.abandoned_after += call.wait_s > sl
        elif call.outcome == "answered":
            self.answered += 1
            self.in_sl += call.wait_s <= sl
            self.wait_sum += call.wait_s
            self.handle_sum += call.talk_s + call.wrapup_s
            if call.csat is not None:
                self.add_survey(call.csat)
        self.offered += 1
        self.longest = max(self.longest, call.wait_s)

    def add_survey(self, score: int) -> None:
        """A surveyed answered call's score (1-5), also when it comes after the call was counted."""
        self.csat_sum += score
        self.csat_answers += 1

    def metrics(self) -> QueueMetrics:
        return QueueMetrics(
            offered=self.offered,
            answered=self.answered,
            answered_in_sl=self.in_sl,
            abandoned=self.abandoned,
            abandoned_after_sl=self.abandoned_after,
            short_abandoned=self.short,
            service_level=_ratio(self.in_sl, self.answered + self.abandoned_after),
            service_level_perf=_ratio(self.in_sl, self.answered),
            service_level_perf2=_ratio(self.in_sl + self.abandoned_within_all, self.answered + self.abandoned_all),
            asa_s=_ratio(self.wait_sum, self.answered),
            aht_s=_ratio(self.handle_sum, self.answered),
            longest_wait_s=self.longest,
            abandon_rate=_ratio(self.abandoned, self.offered),
            csat=_ratio(self.csat_sum, self.csat_answers),
            csat_answers=self.csat_answers,
        )


def compute(calls: Iterable[QueueCall], *, service_level_s: float, short_abandon_s: float,
            levels: Mapping[str, float] | None = None) -> QueueMetrics:
    """The metrics of a set of calls (usually one queue over one period). ``levels``: queue ->
    its own threshold, for a set that mixes queues (an agent's calls); others use ``service_level_s``."""
    tally = Tally(service_level_s, short_abandon_s)
    for call in calls:
        tally.add(call, levels.get(call.queue, service_level_s) if levels else None)
    return tally.metrics()


def group(calls: Iterable[QueueCall], key: Callable[[QueueCall], Hashable]) -> dict[Hashable, list[QueueCall]]:
    groups: dict[Hashable, list[QueueCall]] = defaultdict(list)
    for call in calls:
        groups[key(call)].append(call)
    return dict(groups)


def by_interval(
    calls: Iterable[QueueCall],
    *,
    start: float,
    end: float,
    interval_s: float,
    service_level_s: float,
    short_abandon_s: float,
) -> list[tuple[float, QueueMetrics]]:
    """Metrics per interval in [start, end), every interval listed, empty ones too."""
    if interval_s <= 0:
        raise ValueError("interval_s must be positive")
    count = math.ceil((end - start) / interval_s)
    inside = (c for c in calls if start <= c.offered_at < end)
    groups = group(inside, lambda c: int((c.offered_at - start) // interval_s))
    return [
        (start + i * interval_s,
         compute(groups.get(i, ()), service_level_s=service_level_s, short_abandon_s=short_abandon_s))
        for i in range(count)
    ]
