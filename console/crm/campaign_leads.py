"""Where a campaign's leads come from: a CSV file, a customer filter, callback follow-ups.

Every source goes through :func:`add_leads`, which decides each candidate's fate once, at
import: do-not-call numbers and customers, and for a marketing campaign customers whose risk
level does not allow the product (suitability), are kept as ``excluded`` leads with the reason,
so a supervisor sees who was left out and why. A number already waiting in the campaign is not
added twice. The dialer checks do-not-call again at dial time (a number may be listed later).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select

from console.crm.campaigns import Candidate, exclusion_reason
from console.crm.phones import normalize
from console.store.models import Campaign, Customer, CustomerPhone, DoNotCall, FollowUp, Lead
from console.store.tables import table_of

_lead, _customer, _campaign = table_of(Lead), table_of(Customer), table_of(Campaign)
_l, _c, _p, _d, _f = (table_of(m).c for m in (Lead, Customer, CustomerPhone, DoNotCall, FollowUp))


@dataclass(frozen=True)
class LeadIn:
    number: str  # E.164
    customer_id: int | None = None
    priority: int = 0
    not_before: dt.datetime | None = None
    source: str = "manual"
    followup_id: int | None = None


@dataclass
class AddReport:
    added: int = 0
    excluded: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "excluded": dict(self.excluded), "duplicates": self.duplicates}


def _customers(conn: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = conn.execute(select(_c.id, _c.risk_level, _c.risk_assessed_on, _c.investor_type, _c.do_not_call)
                        .where(_c.id.in_(ids)))
    return {r.id: r for r in rows}


def add_leads(conn: Any, campaign: Any, leads: list[LeadIn], now: dt.datetime, *,
              valid_days: int = 730, tz: str = "Asia/Shanghai") -> AddReport:
    """Insert the leads (in the caller's transaction), excluded ones with their reason."""
    report = AddReport()
    numbers = {lead.number for lead in leads}
    dnc = set(conn.execute(select(_d.e164).where(_d.e164.in_(numbers))).scalars()) if numbers else set()
    waiting = set(conn.execute(select(_l.number).where(
        _l.campaign_id == campaign.id, _l.status.in_(("pending", "dialing")))).scalars())
    customers = _customers(conn, {lead.customer_id for lead in leads if lead.customer_id})
    today = now.astimezone(ZoneInfo(tz)).date()
    rows = []
    for lead in leads:
        if lead.number in waiting:
            report.duplicates += 1
            continue
        waiting.add(lead.number)
        c = customers.get(lead.customer_id) if lead.customer_id else None
        candidate = Candidate(
            number=lead.number, customer_id=lead.customer_id,
            risk_level=c.risk_level if c else None, risk_assessed_on=c.risk_assessed_on if c else None,
            investor_type=(c.investor_type or "ordinary") if c else "ordinary",
            do_not_call=bool(c and c.do_not_call),
        )
        reason = exclusion_reason(candidate, dnc, kind=campaign.kind, product_risk=campaign.product_risk,
                                  today=today, valid_days=valid_days)
        if reason:
            report.excluded[reason] += 1
        else:
            report.added += 1
        rows.append({
            "campaign_id": campaign.id, "customer_id": lead.customer_id, "number": lead.number,
            "status": "excluded" if reason else "pending", "attempts": 0,
            "next_attempt_at": lead.not_before or now, "exclusion_reason": reason, "version": 1,
            "priority": lead.priority, "source": lead.source, "followup_id": lead.followup_id,
        })
    if rows:
        conn.execute(insert(_lead), rows)
    return report


def first_phones(conn: Any, customer_ids: list[int]) -> dict[int, str]:
    """Each customer's first valid number (the one a campaign dials)."""
    out: dict[int, str] = {}
    for start in range(0, len(customer_ids), 500):
        chunk = customer_ids[start:start + 500]
        rows = conn.execute(select(_p.customer_id, _p.e164).where(
            _p.customer_id.in_(chunk), _p.valid.is_(True)).order_by(_p.customer_id, _p.id))
        for row in rows:
            out.setdefault(row.customer_id, row.e164)
    return out


@dataclass(frozen=True)
class CustomerFilter:
    """Customers to call: any combination; None means "any"."""

    risk_expiring_days: int | None = None  # the risk assessment expires within this many days
    tiers: tuple[str, ...] = ()
    branch: str | None = None
    churn_at_least: float | None = None  # a retention campaign: churn score (0–1) at least this


def filter_leads(conn: Any, flt: CustomerFilter, today: dt.date, valid_days: int = 730) -> list[LeadIn]:
    query = select(_c.id).where(_c.status == "active")
    if flt.tiers:
        query = query.where(_c.tier.in_(flt.tiers))
    if flt.branch:
        query = query.where(_c.branch == flt.branch)
    if flt.churn_at_least is not None:
        query = query.where(_c.churn_risk >= flt.churn_at_least)
    if flt.risk_expiring_days is not None:
        # Still valid today, expired within N days: assessed in (today - valid, today - valid + N].
        oldest = today - dt.timedelta(days=valid_days)
        query = query.where(and_(_c.risk_assessed_on > oldest,
                                 _c.risk_assessed_on <= oldest + dt.timedelta(days=flt.risk_expiring_days)))
    ids = list(conn.execute(query.order_by(_c.id)).scalars())
    phones = first_phones(conn, ids)
    return [LeadIn(phones[i], i, source="filter") for i in ids if i in phones]


def callback_leads(conn: Any, campaign_id: int, now: dt.datetime, sla_minutes: dict[str, int],
                   horizon: dt.timedelta = dt.timedelta(hours=1)) -> list[LeadIn]:
    """Open callbacks, and follow-ups falling due within ``horizon``, not yet leads of this campaign.

    A callback (an abandoned caller, or one who asked from the queue) is dialled at once, ahead of
    the rest by its tier's SLA (the shorter the SLA, the higher the priority); a follow-up at its
    due time."""
    taken = select(_l.followup_id).where(_l.campaign_id == campaign_id, _l.followup_id.is_not(None))
    rows = conn.execute(
        select(_f.id, _f.customer_id, _f.kind, _f.due_at, _f.created_at, _c.tier)
        .join(_customer, _c.id == _f.customer_id)
        .where(_f.status == "open", _f.id.not_in(taken),
               (_f.kind == "callback") | (_f.due_at <= now + horizon))
        .order_by(_f.due_at)
    ).all()
    phones = first_phones(conn, sorted({r.customer_id for r in rows}))
    longest = max(sla_minutes.values(), default=240)
    leads = []
    for r in rows:
        if r.customer_id not in phones:
            continue
        if r.kind == "callback":
            priority = 100 + longest - sla_minutes.get(r.tier, longest)
            not_before = min(r.created_at, now)
        else:
            priority, not_before = 50, r.due_at
        leads.append(LeadIn(phones[r.customer_id], r.customer_id, priority, not_before, "followup", r.id))
    return leads


def customer_of_number(conn: Any, e164: str) -> int | None:
    """The customer a number belongs to, when it belongs to exactly one."""
    ids = list(conn.execute(select(_p.customer_id).where(_p.e164 == e164).limit(2)).scalars())
    return ids[0] if len(ids) == 1 else None


def counts_by_status(conn: Any, campaign_id: int) -> dict[str, int]:
    rows = conn.execute(select(_l.status, func.count()).where(_l.campaign_id == campaign_id).group_by(_l.status))
    # Not dict(rows): a Result has keys(), so dict() would take it for a mapping.
    return {status: n for status, n in rows}  # noqa: C416


def campaign_row(conn: Any, campaign_id: int) -> Any:
    return conn.execute(select(_campaign).where(_campaign.c.id == campaign_id)).first()


def normalized(raw: str) -> str | None:
    """The E.164 form of a subscriber number a campaign may dial; None otherwise (service numbers
    such as 12345 or 95555 are valid numbers, but nobody to call back)."""
    phone = normalize(raw)
    return phone.e164 if phone.valid and phone.e164 and phone.e164.startswith("+") else None
