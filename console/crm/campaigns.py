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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from console.crm.suitability import DEFAULT_VALID_DAYS, is_suitable

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
                return opening.astimezone(dt.UTC)
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
    risk_assessed_on: dt.date | None = None
    investor_type: str = "ordinary"
    do_not_call: bool = False


# The suitability rule's reasons (console.crm.suitability), as a campaign records them on a lead.
_SUITABILITY_EXCLUSION = {
    "not_assessed": "no_risk_assessment", "unknown_risk_level": "no_risk_assessment",
    "assessment_expired": "risk_assessment_expired",
    "exceeds_tolerance": "unsuitable_risk_level", "lowest_category": "unsuitable_risk_level",
}


def exclusion_reason(candidate: Candidate, dnc_numbers: Collection[str], *, kind: str, product_risk: str | None,
                     today: dt.date, valid_days: int = DEFAULT_VALID_DAYS) -> str | None:
    """Why a lead must not be dialled, or None. Reasons are stable codes, shown translated.

    A marketing campaign applies the suitability rule the agent's screen applies
    (:func:`console.crm.suitability.is_suitable`): no or an expired assessment, or a product
    above the customer's tolerance, excludes (a campaign never takes the documented-warning
    override: that is a conversation, not a dial); professional investors are outside the rule."""
    if candidate.do_not_call or candidate.number in dnc_numbers:
        return "do_not_call"
    if kind == "marketing" and product_risk:
        result = is_suitable(candidate.risk_level, product_risk, candidate.risk_assessed_on, today,
                             investor_type=candidate.investor_type, valid_days=valid_days)
        if not result.ok:
            return _SUITABILITY_EXCLUSION.get(result.reason, "unsuitable_risk_level")
    return None


Member = tuple[str, str]  # (queue, agent extension)


@dataclass(frozen=True, slots=True)
class MemberPlan:
    """What the dialer does to queue membership this round (each entry names the campaign)."""

    add: list[tuple[int, str, str]] = field(default_factory=list)  # (campaign, queue, agent): QueueAdd
    readd: list[tuple[int, str, str]] = field(default_factory=list)  # its own, but gone from the PBX: again
    remove: list[tuple[int, str, str]] = field(default_factory=list)  # (owner, queue, agent): QueueRemove
    hand_over: list[tuple[int, int, str, str]] = field(default_factory=list)  # (from, to, queue, agent)


def plan_members(running: Sequence[tuple[int, str, Sequence[str]]], owned: Mapping[Member, int],
                 members: Collection[Member]) -> MemberPlan:
    """The listed agents of running campaigns are members of their queue while they run.

    ``running``: (campaign id, queue, agents) of the running campaigns, in id order; ``owned``:
    the members the dialer added, with the campaign it added each for; ``members``: who the PBX
    says is a member now. A listed agent who is not a member is added for the first campaign
    that lists them; a member the dialer added that no running campaign lists any more is
    removed; one whose campaign stopped but another running one lists is handed over to it,
    not removed and added again; one it added that the PBX no longer has (removed behind its
    back, say while the server was down) is added again. Members the dialer did not add (static
    ones, an agent's own log-in) are never touched.
    """
    wanted: dict[Member, list[int]] = {}
    for campaign, queue, agents in running:
        for agent in agents:
            wanted.setdefault((queue, agent), []).append(campaign)
    plan = MemberPlan()
    for (queue, agent), campaigns in wanted.items():
        owner = owned.get((queue, agent))
        if owner is None:
            if (queue, agent) not in members:
                plan.add.append((campaigns[0], queue, agent))
        else:
            if owner not in campaigns:
                plan.hand_over.append((owner, campaigns[0], queue, agent))
                owner = campaigns[0]
            if (queue, agent) not in members:
                plan.readd.append((owner, queue, agent))
    for (queue, agent), owner in owned.items():
        if (queue, agent) not in wanted:
            plan.remove.append((owner, queue, agent))
    return plan
