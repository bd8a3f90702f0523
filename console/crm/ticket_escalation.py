"""Ticket SLA breaches escalate instead of only showing as overdue when someone looks.

A ticket still open (new, open, pending) past its ``sla_due_at`` is escalated once: its
priority goes one level up (urgent stays urgent), it is flagged for supervisor attention, and its
event log gets an ``escalated`` entry (by nobody: the system) next to the ``priority`` change, so
the ticket's history says when and why. The server's SLA watch (console/server/sla_watch.py)
runs this every minute and tells the supervisors and the assignee.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, exists, select, update

from console.crm import tickets as rules
from console.store.models import Customer, Ticket, TicketEvent
from console.store.tables import table_of

_ticket, _event, _customer = table_of(Ticket), table_of(TicketEvent), table_of(Customer)
_t, _e, _c = _ticket.c, _event.c, _customer.c
BATCH = 200

_BREACHED = (
    select(_t.id, _t.number, _t.subject, _t.priority, _t.assignee_id, _t.customer_id, _t.sla_due_at, _t.version,
           _c.name.label("customer_name"))
    .join(_customer, _c.id == _t.customer_id)
    .where(_t.status.in_(rules.OPEN_STATUSES), _t.sla_due_at.is_not(None),
           ~exists().where(and_(_e.ticket_id == _t.id, _e.kind == "escalated")))
    .order_by(_t.sla_due_at)
    .limit(BATCH)
)


def escalate_breached(conn: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """Escalate the open tickets past their SLA not yet escalated; what each became."""
    done = []
    for row in conn.execute(_BREACHED.where(_t.sla_due_at < now)):
        raised = rules.bump(row.priority)
        changed = conn.execute(update(_ticket).where(_t.id == row.id, _t.version == row.version).values(
            priority=raised, supervisor_attention=True, version=row.version + 1, updated_at=now))
        if changed.rowcount != 1:
            continue  # someone changed it this very moment: the next look sees it again
        events = [{"ticket_id": row.id, "at": now, "actor_id": None, "kind": "escalated",
                   "from_value": row.sla_due_at.isoformat(), "to_value": raised, "body": None}]
        if raised != row.priority:
            events.append({"ticket_id": row.id, "at": now, "actor_id": None, "kind": "priority",
                           "from_value": row.priority, "to_value": raised, "body": None})
        conn.execute(_event.insert(), events)
        done.append({"id": row.id, "number": row.number, "subject": row.subject, "priority": raised,
                     "was": row.priority, "assignee_id": row.assignee_id, "customer_id": row.customer_id,
                     "customer_name": row.customer_name, "sla_due_at": row.sla_due_at.isoformat()})
    return done
