"""Seeded campaigns and leads, and the do-not-call list.

Three campaigns, none running (a seeded database must never start dialling, least of all through
a real trunk): callbacks of missed calls (paused, preview), renewal of expired risk assessments
(paused, progressive; its leads are the customers whose assessment expired, do-not-call numbers
excluded with a reason) and a product offer of risk class R3 (draft). All are marked ``demo``:
the dialer dials them only on the PBX simulator.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from console.store.seed.bulk import Row
from console.store.seed.customers import Profile

if TYPE_CHECKING:
    from console.config import Settings

CAMPAIGN_COLUMNS = (
    "id", "name", "kind", "mode", "status", "queue", "window_start", "window_end", "max_attempts",
    "retry_busy_min", "retry_noanswer_min", "retry_failed_min", "caller_id", "product_risk",
    "script_slug", "demo", "created_at",
)
LEAD_COLUMNS = (
    "id", "campaign_id", "customer_id", "number", "status", "attempts", "next_attempt_at",
    "last_result", "result", "exclusion_reason", "version",
)
DNC_COLUMNS = ("id", "e164", "customer_id", "reason", "added_at")
CALLBACK, COMPLIANCE, MARKETING = 1, 2, 3
MAX_COMPLIANCE_LEADS = 2000


def campaigns(settings: Settings, now: dt.datetime) -> list[Row]:
    start, end = settings.dialer.window_start, settings.dialer.window_end
    attempts = settings.dialer.max_attempts
    created = now - dt.timedelta(days=14)
    return [
        (CALLBACK, "未接来电回拨", "callback", "preview", "paused", "retail", start, end, attempts,
         10, 60, 30, "4008205555", None, None, True, created),
        (COMPLIANCE, "风险测评到期提醒", "compliance", "progressive", "paused", "retail", start, end, attempts,
         15, 120, 60, "4008205555", None, "risk-assessment-renewal", True, created),
        (MARKETING, "稳健理财产品推介", "marketing", "predictive", "draft", "retail", start, end, 2,
         30, 240, 120, "4008205555", "R3", "product-r3-intro", True, now - dt.timedelta(days=2)),
    ]


def leads(rng: random.Random, now: dt.datetime, pool: list[Profile], demo: list[Profile]) -> list[Row]:
    rows: list[Row] = []
    expired = [p for p in demo + pool if p.risk_expired]
    for profile in expired[:MAX_COMPLIANCE_LEADS]:
        if not profile.phones:
            continue
        lid = len(rows) + 1
        number = profile.phones[0]
        if profile.do_not_call:
            rows.append((lid, COMPLIANCE, profile.id, number, "excluded", 0, None, None, None, "do_not_call", 1))
            continue
        state = rng.choices(("pending", "done", "failed"), (70, 25, 5))[0]
        attempts = 0 if state == "pending" and rng.random() < 0.7 else rng.randrange(1, 4)
        last = None if attempts == 0 else rng.choice(("no_answer", "busy", "answered"))
        when = now + dt.timedelta(minutes=rng.randrange(0, 240)) if state == "pending" else None
        result = "已提醒客户重新测评" if state == "done" else None
        rows.append((lid, COMPLIANCE, profile.id, number, state, attempts, when, last, result, None, 1 + attempts))
    return rows


def do_not_call(numbers: list[tuple[str, int]], now: dt.datetime) -> list[Row]:
    """One row per number (a shared family number is listed once, for its first customer)."""
    rows: list[Row] = []
    seen: set[str] = set()
    for e164, customer_id in numbers:
        if e164 in seen:
            continue
        seen.add(e164)
        rows.append((len(rows) + 1, e164, customer_id, "客户要求不再致电", now - dt.timedelta(days=30)))
    return rows
