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
  timed out, left for a callback, transferred on…).
* **answered**: outcome ``answered``; **answered in SL**: answered with ``wait_s <= sl``.
* **abandoned**: outcome ``abandoned``, short abandons excluded; **abandoned after SL**:
  ``wait_s > sl``.
* **service level** (ours): answered in SL ÷ (answered + abandoned after SL). Callers who gave
  up before the threshold neither help nor hurt. ``None`` when the denominator is 0.
* **ServicelevelPerf** (Asterisk's): answered in SL ÷ answered.
* **ServicelevelPerf2** (Asterisk's): (answered in SL + abandoned within SL) ÷ (answered +
  abandoned), short abandons included, as Asterisk has no such notion.
* **ASA**: mean ``wait_s`` of answered calls. **AHT**: mean ``talk_s + wrapup_s`` of answered
  calls. **longest wait**: the largest ``wait_s`` of any offered call.
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


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def compute(calls: Iterable[QueueCall], *, service_level_s: float, short_abandon_s: float,
            levels: Mapping[str, float] | None = None) -> QueueMetrics:
    """The metrics of a set of calls (usually one queue over one period). ``levels``: queue ->
    its own threshold, for a set that mixes queues (an agent's calls); others use ``service_level_s``."""
    offered = answered = in_sl = abandoned = abandoned_after = short = 0
    abandoned_within_all = abandoned_all = 0
    wait_sum = handle_sum = longest = 0.0
    for call in calls:
        sl = levels.get(call.queue, service_level_s) if levels else service_level_s
        if call.outcome == "abandoned":
            abandoned_all += 1
            abandoned_within_all += call.wait_s <= sl
            if call.wait_s < short_abandon_s:
                short += 1
                continue
            abandoned += 1
            abandoned_after += call.wait_s > sl
        elif call.outcome == "answered":
            answered += 1
            in_sl += call.wait_s <= sl
            wait_sum += call.wait_s
            handle_sum += call.talk_s + call.wrapup_s
        offered += 1
        longest = max(longest, call.wait_s)
    return QueueMetrics(
        offered=offered,
        answered=answered,
        answered_in_sl=in_sl,
        abandoned=abandoned,
        abandoned_after_sl=abandoned_after,
        short_abandoned=short,
        service_level=_ratio(in_sl, answered + abandoned_after),
        service_level_perf=_ratio(in_sl, answered),
        service_level_perf2=_ratio(in_sl + abandoned_within_all, answered + abandoned_all),
        asa_s=_ratio(wait_sum, answered),
        aht_s=_ratio(handle_sum, answered),
        longest_wait_s=longest,
        abandon_rate=_ratio(abandoned, offered),
    )


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
