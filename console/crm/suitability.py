"""Investor suitability (《证券期货投资者适当性管理办法》): may this customer be sold this product?

Ordinary investors are rated C1–C5 by a risk-tolerance assessment; products R1–R5. The
matching rule: C1 -> R1, C2 -> up to R2, C3 -> up to R3, C4 -> up to R4, C5 -> up to R5.
``C1`` includes the lowest category (最低风险等级, written ``C0`` or ``C1-lowest`` here); the
rule treats both the same for matching, but only the lowest category is barred outright
from a higher-risk product (办法 第十九条) — another ordinary investor who asks for one may
be sold it after an explicit risk warning and confirmation, which the caller of this module
records; ``SuitabilityResult.may_override`` says which case applies.

Professional investors (专业投资者) are outside the matching rule.

An assessment is valid for ``valid_days`` days (config ``risk.assessment_valid_days``): one made
on day D counts from D through D + valid_days - 1 and is expired from D + valid_days on. A
customer with no or an expired assessment is not suitable for anything until reassessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Reason = Literal[
    "match", "professional", "exceeds_tolerance", "lowest_category",
    "not_assessed", "assessment_expired", "unknown_risk_level", "unknown_product_risk",
]
InvestorType = Literal["ordinary", "professional"]

DEFAULT_VALID_DAYS = 730
LOWEST_ALIASES = frozenset({"C0", "C1-LOWEST", "C1L", "最低"})


@dataclass(frozen=True, slots=True)
class SuitabilityResult:
    ok: bool
    reason: Reason
    may_override: bool = False
    """Not ok, but the customer may still buy after a documented risk warning (ordinary, not lowest)."""


def parse_customer_risk(level: str | None) -> tuple[int, bool] | None:
    """``("C3")`` -> ``(3, False)``; the lowest category -> ``(1, True)``; anything else None."""
    if level is None:
        return None
    code = level.strip().upper()
    if code in LOWEST_ALIASES:
        return 1, True
    if len(code) == 2 and code[0] == "C" and code[1] in "12345":
        return int(code[1]), False
    return None


def parse_product_risk(level: str | None) -> int | None:
    if level is None:
        return None
    code = level.strip().upper()
    if len(code) == 2 and code[0] == "R" and code[1] in "12345":
        return int(code[1])
    return None


def max_product_risk(customer_risk: str) -> str | None:
    """The riskiest product an investor of this level matches: ``C3`` -> ``R3``."""
    parsed = parse_customer_risk(customer_risk)
    return None if parsed is None else f"R{parsed[0]}"


def _today(now: dt.datetime | dt.date) -> dt.date:
    # A datetime counts in its own time zone: pass "now" in the center's zone.
    return now.date() if isinstance(now, dt.datetime) else now


def assessment_expired(
    assessed_on: dt.date | None, now: dt.datetime | dt.date, valid_days: int = DEFAULT_VALID_DAYS
) -> bool:
    """True when there is no assessment or it is older than ``valid_days``."""
    if assessed_on is None:
        return True
    return _today(now) >= assessed_on + dt.timedelta(days=valid_days)


def is_suitable(
    customer_risk: str | None,
    product_risk: str,
    assessed_on: dt.date | None,
    now: dt.datetime | dt.date,
    investor_type: str = "ordinary",
    valid_days: int = DEFAULT_VALID_DAYS,
) -> SuitabilityResult:
    """Whether a product of ``product_risk`` may be sold to this customer, and why (or why not)."""
    product = parse_product_risk(product_risk)
    if product is None:
        return SuitabilityResult(False, "unknown_product_risk")
    if investor_type == "professional":
        return SuitabilityResult(True, "professional")
    if customer_risk is None or assessed_on is None:
        return SuitabilityResult(False, "not_assessed")
    parsed = parse_customer_risk(customer_risk)
    if parsed is None:
        return SuitabilityResult(False, "unknown_risk_level")
    if assessment_expired(assessed_on, now, valid_days):
        return SuitabilityResult(False, "assessment_expired")
    level, lowest = parsed
    if product <= level:
        return SuitabilityResult(True, "match")
    if lowest:
        return SuitabilityResult(False, "lowest_category")
    return SuitabilityResult(False, "exceeds_tolerance", may_override=True)
