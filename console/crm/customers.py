"""Customer summaries (what the pop and the profile show) and the reads behind them.

:func:`summary_of` turns rows into the UNMASKED summary of docs/API.md ("Customer summary");
callers pass it through :func:`console.crm.masking.mask_customer` before it leaves the server.
:func:`load_summaries` reads everything a batch of summaries needs in four queries (customers,
phones, managers, open complaints), whatever the batch size, so a pop with ten candidates
costs what a pop with one does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from console.crm.suitability import assessment_expired
from console.crm.tiers import aum_band, is_vip
from console.store.models import Customer, CustomerPhone, Interaction, Staff, Ticket

CHURN_REASONS_SHOWN = 3
"""How many of the churn warning's reasons a summary carries (the heaviest)."""
OPEN_TICKET_STATUSES = ("new", "open", "pending")


@dataclass(frozen=True, slots=True)
class SummaryContext:
    """What a summary depends on besides the rows: config and today's date in the center."""

    tiers: Sequence[Any]
    valid_days: int
    today: dt.date
    locale: str = "zh_CN"
    churn_medium_at: int = 30
    churn_high_at: int = 50

    @classmethod
    def from_settings(cls, settings: Any, now: dt.datetime) -> SummaryContext:
        today = now.astimezone(ZoneInfo(settings.center.time_zone)).date()
        return cls(settings.tiers, settings.risk.assessment_valid_days, today, settings.center.locale,
                   settings.churn.medium_at, settings.churn.high_at)

    def churn(self, risk: float, reasons: str | None) -> dict[str, Any]:
        """The churn warning as a summary shows it: score, level, the heaviest reasons."""
        score = round(risk * 100)
        level = "high" if score >= self.churn_high_at else "medium" if score >= self.churn_medium_at else "low"
        return {"score": score, "level": level, "reasons": json.loads(reasons or "[]")[:CHURN_REASONS_SHOWN]}


def summary_of(
    customer: Customer,
    phones: Iterable[CustomerPhone],
    manager: Staff | None,
    ctx: SummaryContext,
    open_complaint: bool = False,
) -> dict[str, Any]:
    """The unmasked summary of one customer (mask it before it leaves the server)."""
    return {
        "id": customer.id,
        "client_no": customer.client_no,
        "name": customer.name,
        "name_pinyin": customer.name_pinyin,
        "tier": customer.tier,
        "aum": str(customer.aum),
        "aum_band": aum_band(customer.aum, ctx.tiers, ctx.locale),
        "risk_level": customer.risk_level,
        "risk_assessed_on": customer.risk_assessed_on.isoformat() if customer.risk_assessed_on else None,
        "risk_expired": assessment_expired(customer.risk_assessed_on, ctx.today, ctx.valid_days),
        "investor_type": customer.investor_type,
        "manager": {"id": manager.id, "name": manager.name, "extension": manager.extension} if manager else None,
        "branch": customer.branch,
        "churn": ctx.churn(customer.churn_risk, getattr(customer, "churn_reasons", None)),
        "flags": {
            "vip": is_vip(customer.tier, ctx.tiers),
            "open_complaint": open_complaint,
            "churn_risk": round(customer.churn_risk * 100) >= ctx.churn_high_at,
            "do_not_call": customer.do_not_call,
            "margin": customer.margin,
            "star": customer.star,
            "chinext": customer.chinext,
        },
        "phones": [{"number": p.e164, "kind": p.kind} for p in sorted(phones, key=lambda p: p.id or 0)],
        "id_number": customer.id_number,
        "birth_date": customer.birth_date.isoformat() if customer.birth_date else None,
        "status": customer.status,
        "version": customer.version,
    }


def load_summaries(session: Session, customer_ids: Sequence[int], ctx: SummaryContext) -> dict[int, dict[str, Any]]:
    """Unmasked summaries of these customers (missing ids are left out), in four queries."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return {}
    customers = list(session.exec(select(Customer).where(col(Customer.id).in_(ids))))
    phones: dict[int, list[CustomerPhone]] = defaultdict(list)
    for phone in session.exec(select(CustomerPhone).where(col(CustomerPhone.customer_id).in_(ids))):
        phones[phone.customer_id].append(phone)
    manager_ids = {c.manager_id for c in customers if c.manager_id is not None}
    managers = ({s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(manager_ids)))}
                if manager_ids else {})
    complaints = set(session.exec(
        select(Ticket.customer_id).where(
            col(Ticket.customer_id).in_(ids),
            Ticket.category == "complaint",
            col(Ticket.status).in_(OPEN_TICKET_STATUSES),
        )
    ))
    return {
        c.id: summary_of(c, phones[c.id], managers.get(c.manager_id), ctx, c.id in complaints)
        for c in customers if c.id is not None  # read from the store: never None
    }


def load_summary(session: Session, customer_id: int, ctx: SummaryContext) -> dict[str, Any] | None:
    return load_summaries(session, [customer_id], ctx).get(customer_id)


def contact_history(session: Session, customer_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The customer's interactions, newest first (caller numbers unmasked: mask before sending)."""
    statement = (
        select(Interaction, Staff.name)
        .join(Staff, col(Interaction.agent_id) == col(Staff.id), isouter=True)
        .where(Interaction.customer_id == customer_id)
        .order_by(col(Interaction.started_at).desc(), col(Interaction.id).desc())
        .limit(limit)
    )
    return [interaction_json(row, agent_name) for row, agent_name in session.exec(statement)]


def interaction_json(row: Interaction, agent_name: str | None = None) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": row.id, "call": row.linkedid, "pbx": row.pbx, "direction": row.direction, "queue": row.queue,
        "agent_id": row.agent_id, "agent_ext": row.agent_ext, "agent_name": agent_name,
        "caller_number": row.caller_number, "started_at": iso(row.started_at),
        "answered_at": iso(row.answered_at), "ended_at": iso(row.ended_at), "wait_s": row.wait_s,
        "talk_s": row.talk_s, "outcome": row.outcome, "hangup_by": row.hangup_by, "recording": bool(row.recording_ref),
        "disposition": row.disposition, "notes": row.notes, "campaign_id": row.campaign_id,
    }
