"""The churn warning (客户流失预警): a score from the customer's own recent facts, with reasons.

The rule is additive and documented so a supervisor can check any score by hand: each factor
gives points (its weight per unit, up to its cap), the score is their sum capped at 100, and
every factor that gave points is a reason, the heaviest first. ``[churn]`` in config.toml holds
the weights (console/config/models.py ``ChurnSettings``). The factors, counted over the last
``window_days`` (90) unless said otherwise:

* ``complaints``: complaint tickets opened;
* ``overdue_tickets``: tickets still unresolved past their SLA;
* ``abandoned_calls``: the customer's calls abandoned in the queue, beyond the first
  (``repeated``: one abandon is chance, the second is a pattern);
* ``aum_decline``: the fall in assets between the two latest imported AUM snapshots, per
  percentage point (a rise counts 0);
* ``transfer_out``: enquiries about moving the account to another broker (ticket category
  ``transfer_out``, 转户咨询);
* ``silence``: days since the last contact beyond ``silence_after_days`` (a customer never in
  contact gives nothing: there is no relationship going quiet to read);
* ``low_csat``: how far the customer's mean survey answer (1–5) is below ``csat_ok`` (4.0).

Pure: no I/O, no clock (the facts are gathered by console/crm/churn_facts.py). The score is
monotone: more of any risk factor never lowers it (tests/crm/test_churn.py, hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from console.config import ChurnSettings

FACTORS = ("complaints", "overdue_tickets", "abandoned_calls", "aum_decline", "transfer_out", "silence",
           "low_csat")
Factor = Literal["complaints", "overdue_tickets", "abandoned_calls", "aum_decline", "transfer_out", "silence",
                 "low_csat"]
Level = Literal["low", "medium", "high"]


@dataclass(frozen=True, slots=True)
class ChurnFacts:
    """What the rule reads of one customer; ``None``: not known (no snapshots, no surveys)."""

    complaints: int = 0
    overdue_tickets: int = 0
    abandoned_calls: int = 0
    aum_decline_pct: float | None = None
    transfer_out: int = 0
    days_since_contact: int | None = None
    mean_csat: float | None = None


@dataclass(frozen=True, slots=True)
class Weight:
    per_unit: float
    cap: float


@dataclass(frozen=True, slots=True)
class ChurnRule:
    """The weights of ``[churn]``: points per unit and the most a factor can give."""

    complaints: Weight = Weight(20, 40)
    overdue_tickets: Weight = Weight(10, 20)
    abandoned_calls: Weight = Weight(8, 24)
    aum_decline: Weight = Weight(1, 30)
    transfer_out: Weight = Weight(35, 50)
    silence: Weight = Weight(0.1, 15)
    low_csat: Weight = Weight(10, 25)
    silence_after_days: int = 180
    csat_ok: float = 4.0
    medium_at: int = 30
    high_at: int = 50

    @classmethod
    def from_settings(cls, config: ChurnSettings) -> ChurnRule:
        weights = {f: Weight(getattr(config, f).per_unit, getattr(config, f).cap) for f in FACTORS}
        return cls(**weights, silence_after_days=config.silence_after_days, csat_ok=config.csat_ok,
                   medium_at=config.medium_at, high_at=config.high_at)


@dataclass(frozen=True, slots=True)
class Reason:
    factor: Factor
    points: float
    value: float  # the fact behind it: a count, a percentage, days, the mean CSAT

    def to_json(self) -> dict[str, object]:
        return {"factor": self.factor, "points": round(self.points, 1), "value": round(self.value, 1)}


@dataclass(frozen=True, slots=True)
class ChurnScore:
    score: int  # 0–100
    level: Level
    reasons: tuple[Reason, ...]  # heaviest first

    @property
    def risk(self) -> float:
        """The score as the store keeps it (Customer.churn_risk, 0–1)."""
        return self.score / 100


def _units(facts: ChurnFacts, rule: ChurnRule) -> dict[Factor, tuple[float, float]]:
    """Factor -> (units counted, the fact shown)."""
    out: dict[Factor, tuple[float, float]] = {
        "complaints": (facts.complaints, facts.complaints),
        "overdue_tickets": (facts.overdue_tickets, facts.overdue_tickets),
        "abandoned_calls": (max(0, facts.abandoned_calls - 1), facts.abandoned_calls),
        "transfer_out": (facts.transfer_out, facts.transfer_out),
    }
    if facts.aum_decline_pct is not None:
        out["aum_decline"] = (max(0.0, facts.aum_decline_pct), facts.aum_decline_pct)
    if facts.days_since_contact is not None:
        out["silence"] = (max(0, facts.days_since_contact - rule.silence_after_days), facts.days_since_contact)
    if facts.mean_csat is not None:
        out["low_csat"] = (max(0.0, rule.csat_ok - facts.mean_csat), facts.mean_csat)
    return out


def score(facts: ChurnFacts, rule: ChurnRule) -> ChurnScore:
    reasons = []
    for factor, (units, shown) in _units(facts, rule).items():
        weight: Weight = getattr(rule, factor)
        points = min(weight.cap, units * weight.per_unit) if units > 0 else 0.0
        if points > 0:
            reasons.append(Reason(factor, points, shown))
    reasons.sort(key=lambda r: (-r.points, FACTORS.index(r.factor)))
    total = min(100, round(sum(r.points for r in reasons)))
    level: Level = "high" if total >= rule.high_at else "medium" if total >= rule.medium_at else "low"
    return ChurnScore(total, level, tuple(reasons))
