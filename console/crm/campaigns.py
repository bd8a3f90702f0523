"""Campaign rules: calling windows, retries and who may be dialled. Pure: `now` comes in.

The calling window is in the center's time zone (the store keeps UTC): a call may start at
``start <= local time < end`` on an allowed ISO weekday that is not a holiday. Retries wait a
delay chosen by the last result; a lead is finished after its answered call or after
``max_attempts`` attempts. Do-not-call numbers and customers are never dialled, and a marketing
campaign excludes customers whose risk level does not allow the product (suitability), each
with the reason recorded on the lead so that a supervisor can see who was left out and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

RESULTS = ("answered", "busy", "no_answer", "failed")


@dataclass(frozen=True, slots=True)
class CallingWindow:
    start: dt.time
    end: dt.time
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    holidays: frozenset[dt.date] = frozenset()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    def _day_open(self, day: dt.date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def is_open(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.tz)
        return self._day_open(local.date()) and self.start <= local.time() < self.end

    def next_open(self, now: dt.datetime) -> dt.datetime | None:
        """``now`` when the window is open, else when it next opens (UTC); None if never within a year."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.tz)
        day = local.date()
        for _ in range(370):
            opening = dt.datetime.combine(day, self.start, tzinfo=self.tz)
            if self._day_open(day) and opening > local:
                return opening.astimezone(dt.timezone.utc)
            day += dt.timedelta(days=1)
        return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 3
    delay_min: Mapping[str, int] = field(
        default_factory=lambda: {"busy": 10, "no_answer": 60, "failed": 30}
    )


@dataclass(frozen=True, slots=True)
class NextStep:
    status: str  # "done" | "failed" | "pending"
    next_attempt_at: dt.datetime | None = None


def after_attempt(result: str, attempts: int, policy: RetryPolicy, window: CallingWindow,
                  now: dt.datetime) -> NextStep:
    """What becomes of a lead after an attempt (``attempts`` counts the one just made)."""
    if result not in RESULTS:
        raise ValueError(f"unknown call result {result!r}; expected one of {', '.join(RESULTS)}")
    if result == "answered":
        return NextStep("done")
    if attempts >= policy.max_attempts:
        return NextStep("failed")
    due = now + dt.timedelta(minutes=policy.delay_min.get(result, 30))
    return NextStep("pending", window.next_open(due))


@dataclass(frozen=True, slots=True)
class Candidate:
    number: str  # E.164
    customer_id: int | None = None
    risk_level: str | None = None  # C1..C5
    risk_expired: bool = False
    do_not_call: bool = False


def exclusion_reason(candidate: Candidate, dnc_numbers: Collection[str], *, kind: str,
                     product_risk: str | None) -> str | None:
    """Why a lead must not be dialled, or None. Reasons are stable codes, shown translated."""
    if candidate.do_not_call or candidate.number in dnc_numbers:
        return "do_not_call"
    if kind == "marketing" and product_risk:
        if candidate.risk_level is None:
            return "no_risk_assessment"
        if candidate.risk_expired:
            return "risk_assessment_expired"
        if int(candidate.risk_level[1]) < int(product_risk[1]):
            return "unsuitable_risk_level"
    return None
