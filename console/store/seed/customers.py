"""Seeded customers and their phones, as row tuples ready for a bulk insert.

AUM is log-normal (median ~60k CNY, a long tail into the millions), which gives tiers
roughly 63% standard, 28% silver, 8% gold, 1.5% platinum and a few diamond. About one
assessment in five is older than the validity period (expired), a few percent of
customers share a number with a family member (same surname, same branch).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from console.store.id_numbers import resident_id
from console.store.seed import vocab
from console.store.seed.bulk import Formats, Row
from console.store.seed.people import NameMaker, PhoneMaker, weighted

if TYPE_CHECKING:
    from console.config import Settings
    from console.config.models import TierId

CUSTOMER_COLUMNS = (
    "id", "client_no", "name", "name_pinyin", "name_initials", "id_number", "id_last4", "gender",
    "birth_date", "branch", "manager_id", "tier", "aum", "risk_level", "risk_assessed_on",
    "investor_type", "margin", "star", "chinext", "status", "do_not_call", "churn_risk",
    "created_at", "updated_at", "version",
)
PHONE_COLUMNS = ("id", "customer_id", "e164", "raw", "kind", "valid")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
RISK_WEIGHTS = (8, 25, 35, 22, 10)
FAMILY_SHARE = 0.04
PHONES_PER_CUSTOMER = 8  # room in the phone id space; a seeded customer has at most 5
_EPOCH = dt.date(2008, 1, 1)  # the oldest accounts were opened then
_UNIX = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@dataclass(slots=True)
class Profile:
    """What the history generator needs to know of a customer."""

    id: int
    name: str
    tier: TierId
    phones: list[str]
    manager_id: int | None
    risk_expired: bool
    do_not_call: bool
    branch: int = 0


@dataclass(slots=True)
class Overrides:
    """Fixed attributes of a demo customer (anything None is drawn at random)."""

    name: str | None = None
    client_no: str | None = None
    aum: Decimal | None = None
    risk_level: str | None = None
    risk_age_days: int | None = None
    phones: list[tuple[str, str, str]] = field(default_factory=list)  # (e164, raw, kind)
    branch: int | None = None
    margin: bool | None = None
    do_not_call: bool | None = None


_RANDOM = Overrides()


class CustomerMaker:
    """Customers and their phones as rows ready to load into one database (``formats``)."""

    def __init__(self, rng: random.Random, names: NameMaker, phones: PhoneMaker, *, settings: Settings,
                 now: dt.datetime, managers: list[int], formats: Formats) -> None:
        self.rng, self.names, self.phones = rng, names, phones
        self.settings = settings
        self.now = now
        self.today = now.astimezone(_center_tz(settings)).date()
        self.valid_days = settings.risk.assessment_valid_days
        self.managers = managers
        self.fmt = formats
        self._last: Profile | None = None
        self._last_surname = ""
        self._branch = weighted(rng, range(len(vocab.BRANCHES)), vocab.BRANCH_WEIGHTS)
        self._status = weighted(rng, ("active", "dormant", "closed"), (85, 13, 2))
        self._risk = weighted(rng, RISK_LEVELS, RISK_WEIGHTS)
        self._vip = {t.name: t.vip for t in settings.tiers}
        tiers = sorted(settings.tiers, key=lambda t: t.min_aum)
        self._floors, self._tier_names = [float(t.min_aum) for t in tiers], [t.name for t in tiers]
        self._open_span = (self.today - _EPOCH).days - 30
        # Date and time arithmetic and formatting were most of the cost of a row: look days up instead.
        self._days = _days_back(self.today, max(40_000, self._open_span + 31))
        self._now_us = (now - _UNIX) // _MICROSECOND
        self._now_value = formats.datetime(now)
        self._no_churn, self._version = formats.number(0.0), formats.number(1)

    def make(self, cid: int, fixed: Overrides | None = None) -> tuple[Row, list[Row], Profile]:
        rng, fixed, fmt, days = self.rng, fixed or _RANDOM, self.fmt, self._days
        family = self._last if fixed.name is None and self._last and rng.random() < FAMILY_SHARE else None
        branch = fixed.branch if fixed.branch is not None else (
            family.branch if family else self._branch())
        branch_name, region, area, prefix = vocab.BRANCHES[branch]
        name = self.names.named(fixed.name) if fixed.name else self.names.make(self._last_surname if family else None)
        rand = rng.random
        born_ago = int(rng.triangular(20, 80, 45) * 365.25)
        seq = 1 + int(rand() * 999)
        id_number = resident_id(region, days.dates[born_ago], seq)
        status = self._status()
        cents = int(fixed.aum * 100) if fixed.aum is not None else self._aum_cents(status)
        aum_f = cents / 100
        tier = self._tier_names[bisect.bisect(self._floors, aum_f) - 1]
        vip = self._vip[tier]
        risk = fixed.risk_level or self._risk()
        opened_ago = 30 + int(rand() * self._open_span)
        risk_age = fixed.risk_age_days if fixed.risk_age_days is not None else (
            int(rand() * (self.valid_days - 20)) if rand() < 0.8 else self.valid_days + 1 + int(rand() * 1000))
        risk_age = min(risk_age, opened_ago)  # not assessed before the account was opened
        expired = risk_age > self.valid_days
        rich = aum_f >= 500_000
        margin = fixed.margin if fixed.margin is not None else (rich and risk >= "C3" and rand() < 0.3)
        dnc = fixed.do_not_call if fixed.do_not_call is not None else rand() < 0.02
        manager = self.managers[int(rand() * len(self.managers))] if self.managers and (
            rand() < (0.9 if vip else 0.6 if rich else 0.08)) else None
        # Opened during business hours (01:00-09:00 UTC is 09:00-17:00 Beijing time).
        clock = fmt.clock
        created = days.text[opened_ago] + clock[3600 + int(rand() * 8 * 3600)]
        updated_ago = max(0, opened_ago - int(rand() * 2000))
        second = 3600 + int(rand() * 8 * 3600)
        updated = (self._now_value if (days.midnights[updated_ago] + second) * 1_000_000 > self._now_us
                   else days.text[updated_ago] + clock[second])
        rand(), rand()  # once the churn score's draws: kept so that the rest of the seeded data stays put
        bools, number, key = fmt.bools, fmt.number, fmt.number(cid)
        row = (
            key, fixed.client_no or f"{prefix}{20_000_000 + cid:08d}", name.name, name.pinyin, name.initials,
            id_number, id_number[-4:], "M" if seq % 2 else "F", days.text[born_ago], branch_name,
            fmt.null if manager is None else number(manager), tier, fmt.money(cents), risk, days.text[risk_age],
            "professional" if aum_f >= 5_000_000 and rand() < 0.3 else "ordinary",
            bools[margin], bools[rich and rand() < 0.4], bools[aum_f >= 100_000 and rand() < 0.45],
            status, bools[dnc], self._no_churn, created, updated, self._version,  # churn: scored afterwards
        )
        phone_rows = self._phones(cid, key, fixed, family, area)
        profile = Profile(cid, name.name, tier, [p[2] for p in phone_rows], manager, expired, dnc, branch)
        self._last, self._last_surname = profile, name.surname
        return row, phone_rows, profile

    def _aum_cents(self, status: str) -> int:
        if status == "closed":
            return 0
        mu = math.log(60_000 if status == "active" else 8_000)
        return int(min(self.rng.lognormvariate(mu, 1.6), 400_000_000) * 100)

    def _phones(self, cid: int, key: Any, fixed: Overrides, family: Profile | None, area: str) -> list[Row]:
        rand, valid = self.rng.random, self.fmt.bools[True]
        if fixed.phones:
            numbers = [(e164, raw, kind, valid) for e164, raw, kind in fixed.phones]
        else:
            numbers = []
            if rand() < 0.97:
                numbers.append((*self.phones.mobile(cid, 0), "mobile", valid))
            if rand() < 0.25:
                numbers.append((*self.phones.mobile(cid, 1), "mobile", valid))
            if rand() < 0.2:
                numbers.append((*self.phones.landline(cid, area), "landline", valid))
            shareable = [p for p in family.phones if p.startswith("+86")] if family else None
            if shareable:
                shared = shareable[-1]
                mobile = len(shared) == 14 and shared[3] == "1"  # +86 1xx xxxx xxxx; +8610… is Beijing
                numbers.append((shared, shared, "mobile" if mobile else "landline", valid))
            if rand() < 0.005:
                junk = str(10_000 + int(rand() * 9_000_000))
                numbers.append((junk, junk, "other", self.fmt.bools[False]))
        if len(numbers) > 1 and len({n[0] for n in numbers}) < len(numbers):  # a number twice: keep the first
            first: dict[str, tuple[str, str, str, Any]] = {}
            for phone in numbers:
                first.setdefault(phone[0], phone)
            numbers = list(first.values())
        base = cid * PHONES_PER_CUSTOMER  # ids from the customer id: chunks made in parallel need no shared counter
        number = self.fmt.number
        return [(number(base + i), key, *phone) for i, phone in enumerate(numbers)]


@dataclass(frozen=True, slots=True)
class _Days:
    """Day ``i`` before today (center time): its date, its ISO text, its UTC midnight in Unix seconds."""

    dates: list[dt.date]
    text: list[str]
    midnights: list[int]


@lru_cache(maxsize=2)
def _days_back(today: dt.date, count: int) -> _Days:
    dates = [today - dt.timedelta(days=d) for d in range(count)]
    ordinal = _UNIX.date().toordinal()
    return _Days(dates, [d.isoformat() for d in dates], [(d.toordinal() - ordinal) * 86_400 for d in dates])


def _center_tz(settings: Settings) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.center.time_zone)
