"""Service tiers from assets under management (AUM), and the AUM band shown instead of an amount.

Pure: the thresholds come from config (``[[tiers]]``: name, min_aum, vip); nothing here reads
a file or a clock. A tier is any object with ``name``, ``min_aum`` and ``vip`` attributes (the
config's ``TierSettings`` or :class:`Tier`).

The AUM band is what a masked profile shows in place of the amount: the range of the
customer's tier (``50万–200万``), so that the band never says more than the tier already does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

# Ordered from the lowest tier up; "VIP = platinum and above" when config does not say.
TIER_ORDER = ("standard", "silver", "gold", "platinum", "diamond")
VIP_FROM = "platinum"


class TierLike(Protocol):
    # Read-only members: a frozen Tier fits, and so does TierSettings, whose name is a Literal.
    @property
    def name(self) -> str: ...
    @property
    def min_aum(self) -> Decimal: ...
    @property
    def vip(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_aum: Decimal
    vip: bool = False


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("standard", Decimal(0)),
    Tier("silver", Decimal(100_000)),
    Tier("gold", Decimal(500_000)),
    Tier("platinum", Decimal(2_000_000), vip=True),
    Tier("diamond", Decimal(10_000_000), vip=True),
)


def _ordered(tiers: Sequence[TierLike] | None) -> list[TierLike]:
    chosen: list[TierLike] = list(tiers) if tiers else list(DEFAULT_TIERS)
    return sorted(chosen, key=lambda t: Decimal(t.min_aum))


def tier_for(aum: Decimal | int | None, tiers: Sequence[TierLike] | None = None) -> str:
    """The tier whose threshold the AUM reaches (the highest such); unknown AUM is the lowest tier."""
    ordered = _ordered(tiers)
    amount = Decimal(aum) if aum is not None else Decimal(0)
    chosen = ordered[0]
    for tier in ordered:
        if amount >= Decimal(tier.min_aum):
            chosen = tier
    return chosen.name


def is_vip(tier_name: str, tiers: Sequence[TierLike] | None = None) -> bool:
    """VIP per the config's ``vip`` flags; platinum and above when no configured tier is flagged."""
    configured = list(tiers) if tiers else []
    if any(t.vip for t in configured):
        return any(t.name == tier_name and t.vip for t in configured)
    if tier_name not in TIER_ORDER:
        return False
    return TIER_ORDER.index(tier_name) >= TIER_ORDER.index(VIP_FROM)


def tier_rank(tier_name: str) -> int:
    """Position in TIER_ORDER (0 = standard); an unknown tier ranks lowest."""
    return TIER_ORDER.index(tier_name) if tier_name in TIER_ORDER else 0


def format_amount(amount: Decimal, locale: str = "zh_CN") -> str:
    """A short amount: 50万, 1.5亿 (zh) or 500k, 1.5M (en)."""
    amount = Decimal(amount)
    if locale.startswith("zh"):
        if amount >= 100_000_000:
            return f"{_trim(amount / 100_000_000)}亿"
        if amount >= 10_000:
            return f"{_trim(amount / 10_000)}万"
        return _trim(amount)
    if amount >= 1_000_000:
        return f"{_trim(amount / 1_000_000)}M"
    if amount >= 1_000:
        return f"{_trim(amount / 1_000)}k"
    return _trim(amount)


def _trim(value: Decimal) -> str:
    # At most two decimals, no trailing zeros: 1.5, 2, 0.25.
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def aum_band(aum: Decimal | int | None, tiers: Sequence[TierLike] | None = None, locale: str = "zh_CN") -> str:
    """The display band of an AUM: its tier's range, e.g. ``50万–200万`` or ``1000万以上``."""
    ordered = _ordered(tiers)
    amount = Decimal(aum) if aum is not None else Decimal(0)
    low = Decimal(ordered[0].min_aum)
    high: Decimal | None = None
    for index, tier in enumerate(ordered):
        if amount >= Decimal(tier.min_aum):
            low = Decimal(tier.min_aum)
            high = Decimal(ordered[index + 1].min_aum) if index + 1 < len(ordered) else None
    zh = locale.startswith("zh")
    if high is None:
        return f"{format_amount(low, locale)}以上" if zh else f"{format_amount(low, locale)}+"
    if low == 0:
        return f"{format_amount(high, locale)}以下" if zh else f"under {format_amount(high, locale)}"
    return f"{format_amount(low, locale)}–{format_amount(high, locale)}"
