"""The screen-pop lookups as SQLAlchemy Core statements, built once with bind parameters.

PERFORMANCE-NOTES.md: building ``select()`` per call costs ~100 µs and a Session per lookup
three round trips; a prepared Core statement on one pooled connection is the fast path that
still runs on SQLite and PostgreSQL alike. All of a pop's queries share one connection.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from console.store.models import Customer, CustomerPhone, FollowUp, Interaction, Staff, Ticket
from console.store.tables import table_of

OPEN_TICKET_STATUSES = ("new", "open", "pending")
MAX_CANDIDATES = 10

_c = table_of(Customer).c
_p = table_of(CustomerPhone).c
_i = table_of(Interaction).c
_t = table_of(Ticket).c
_f = table_of(FollowUp).c
_manager = aliased(table_of(Staff), name="manager")
_agent = aliased(table_of(Staff), name="agent")

_CUSTOMER_COLUMNS = (
    _c.id, _c.client_no, _c.name, _c.name_pinyin, _c.id_number, _c.branch, _c.tier, _c.aum,
    _c.risk_level, _c.risk_assessed_on, _c.investor_type, _c.margin, _c.star, _c.chinext,
    _c.status, _c.do_not_call, _c.churn_risk, _c.churn_reasons, _c.manager_id, _c.birth_date, _c.version,
    _manager.c.name.label("manager_name"), _manager.c.extension.label("manager_extension"),
)
_with_manager = table_of(Customer).outerjoin(_manager, _manager.c.id == _c.manager_id)

BY_CLIENT_NO = select(*_CUSTOMER_COLUMNS).select_from(_with_manager).where(_c.client_no == bindparam("client_no"))
BY_PHONE = (
    select(*_CUSTOMER_COLUMNS)
    .select_from(_with_manager.join(table_of(CustomerPhone), _p.customer_id == _c.id))
    .where(_p.e164 == bindparam("e164"))
    .order_by(_c.id)
    .limit(MAX_CANDIDATES + 1)
)
PHONES = (select(_p.id, _p.customer_id, _p.e164, _p.kind)
          .where(_p.customer_id.in_(bindparam("ids", expanding=True))).order_by(_p.id))
OPEN_COMPLAINTS = select(_t.customer_id).where(and_(
    _t.customer_id.in_(bindparam("ids", expanding=True)),
    _t.category == "complaint",
    _t.status.in_(OPEN_TICKET_STATUSES),
)).distinct()
CONTACTS = (
    select(_i.id, _i.linkedid, _i.direction, _i.queue, _i.started_at, _i.outcome, _i.talk_s,
           _i.disposition, _i.notes, _agent.c.name.label("agent_name"),
           _i.recording_ref.is_not(None).label("recording"))
    .select_from(table_of(Interaction).outerjoin(_agent, _agent.c.id == _i.agent_id))
    .where(_i.customer_id == bindparam("cid"))
    .order_by(_i.started_at.desc(), _i.id.desc())
    .limit(5)
)
OPEN_TICKETS = (
    select(_t.id, _t.number, _t.category, _t.priority, _t.status, _t.subject, _t.sla_due_at, _t.created_at)
    .where(and_(_t.customer_id == bindparam("cid"), _t.status.in_(OPEN_TICKET_STATUSES)))
    .order_by(_t.created_at.desc())
    .limit(20)
)
DUE_FOLLOWUPS = (
    select(_f.id, _f.kind, _f.reason, _f.due_at, _f.owner_id, _f.status)
    .where(and_(_f.customer_id == bindparam("cid"), _f.status == "open", _f.due_at <= bindparam("until")))
    .order_by(_f.due_at)
    .limit(20)
)


def rows(result: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in result]
