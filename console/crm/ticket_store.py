"""Tickets in the store: create, read, list, change (optimistically locked), comment.

Every change is one ``UPDATE ticket … WHERE id = ? AND version = ?`` plus TicketEvent rows in
the same transaction. A stale version updates no row and raises ``conflict``; nothing is
written, so a lost update is impossible however the requests interleave. The TicketEvent log
is append-only: this module never updates or deletes an event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from console.crm import tickets as rules
from console.crm.errors import CrmError
from console.store.models import Customer, Staff, Ticket, TicketEvent

MAX_LIST = 200


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_json(ticket: Ticket, now: dt.datetime | None = None) -> dict[str, Any]:
    out = {
        "id": ticket.id, "number": ticket.number, "customer_id": ticket.customer_id,
        "interaction_id": ticket.interaction_id, "category": ticket.category, "priority": ticket.priority,
        "status": ticket.status, "subject": ticket.subject, "description": ticket.description,
        "assignee_id": ticket.assignee_id, "created_by": ticket.created_by,
        "sla_due_at": _iso(ticket.sla_due_at), "supervisor_attention": ticket.supervisor_attention,
        "created_at": _iso(ticket.created_at), "updated_at": _iso(ticket.updated_at), "version": ticket.version,
        "next_statuses": list(rules.allowed_next(ticket.status)),
    }
    if now is not None:
        out["overdue"] = rules.is_overdue(ticket.status, ticket.sla_due_at, now)
    return out


def event_json(event: TicketEvent, author: str | None = None) -> dict[str, Any]:
    return {"id": event.id, "at": _iso(event.at), "actor_id": event.actor_id, "author": author,
            "kind": event.kind, "from": event.from_value, "to": event.to_value, "body": event.body}


def ticket_detail(session: Session, ticket_id: int, now: dt.datetime) -> dict[str, Any]:
    """The ticket with its event log, each event with its author's name."""
    ticket, events = get_ticket(session, ticket_id)
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    names = (dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(actor_ids))).all())
             if actor_ids else {})
    return {**ticket_json(ticket, now), "events": [event_json(e, names.get(e.actor_id)) for e in events]}


def create_ticket(session: Session, *, customer_id: int, category: str, subject: str, description: str,
                  actor_id: int, now: dt.datetime, tz: dt.tzinfo, config: Any, tiers: Any,
                  priority: str | None = None, interaction_id: int | None = None) -> Ticket:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    defaults = rules.defaults_for(category, customer.tier, now, config, tiers, priority)
    # The number needs the row id: insert under a unique placeholder, then number it.
    ticket = Ticket(number=f"P{uuid.uuid4().hex[:19]}", customer_id=customer_id, category=category,
                    priority=defaults.priority, status="new", subject=subject, description=description,
                    created_by=actor_id, sla_due_at=defaults.sla_due_at, interaction_id=interaction_id,
                    supervisor_attention=defaults.supervisor_attention, created_at=now, updated_at=now)
    session.add(ticket)
    session.flush()
    ticket.number = rules.ticket_number(now, ticket.id or 0, tz)
    session.add(TicketEvent(ticket_id=ticket.id, at=now, actor_id=actor_id, kind="created",  # type: ignore[arg-type]
                            to_value=ticket.status, body=subject))
    session.flush()
    return ticket


def get_ticket(session: Session, ticket_id: int) -> tuple[Ticket, list[TicketEvent]]:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise CrmError("not_found", "crm.ticket.not_found", id=ticket_id)
    events = session.exec(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
    )
    return ticket, list(events)


def list_tickets(session: Session, *, customer_id: int | None = None, statuses: list[str] | None = None,
                 assignee: int | str | None = "any", category: str | None = None,
                 attention: bool | None = None, limit: int = 50) -> list[Ticket]:
    """Newest first. ``assignee``: a staff id, None (unassigned) or "any"."""
    statement = select(Ticket)
    if customer_id is not None:
        statement = statement.where(Ticket.customer_id == customer_id)
    if statuses:
        statement = statement.where(col(Ticket.status).in_(statuses))
    if assignee is None:
        statement = statement.where(col(Ticket.assignee_id).is_(None))
    elif assignee != "any":
        statement = statement.where(Ticket.assignee_id == assignee)
    if category is not None:
        statement = statement.where(Ticket.category == category)
    if attention is not None:
        statement = statement.where(Ticket.supervisor_attention == attention)
    statement = statement.order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
    return list(session.exec(statement.limit(max(1, min(limit, MAX_LIST)))))


def change_ticket(session: Session, ticket_id: int, version: int, actor_id: int, now: dt.datetime, *,
                  status: str | None = None, assignee_id: int | str | None = "keep",
                  priority: str | None = None, comment: str | None = None) -> Ticket:
    """Apply a status move, an assignment, a priority and/or a comment at ``version``.

    Validation (workflow, priority, assignee) happens against the row as read; the write is
    conditional on the version, so a row changed in between is a conflict, not a lost update.
    """
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise CrmError("not_found", "crm.ticket.not_found", id=ticket_id)
    if ticket.version != version:
        raise CrmError("conflict", "crm.ticket.conflict", number=ticket.number, version=ticket.version)
    values: dict[str, Any] = {}
    events: list[TicketEvent] = []

    def note(kind: str, old: Any, new: Any, body: str | None = None) -> None:
        events.append(TicketEvent(ticket_id=ticket_id, at=now, actor_id=actor_id, kind=kind,
                                  from_value=None if old is None else str(old),
                                  to_value=None if new is None else str(new), body=body))

    if status is not None:
        rules.check_transition(ticket.status, status)
        values["status"] = status
        note("status", ticket.status, status)
    if assignee_id != "keep" and assignee_id != ticket.assignee_id:
        if assignee_id is not None:
            staff = session.get(Staff, assignee_id)
            if staff is None or not staff.active:
                raise CrmError("invalid", "crm.ticket.bad_assignee", field="assignee_id", id=assignee_id)
        values["assignee_id"] = assignee_id
        note("assign", ticket.assignee_id, assignee_id)
    if priority is not None and priority != ticket.priority:
        if priority not in rules.PRIORITIES:
            raise CrmError("invalid", "crm.ticket.bad_priority", field="priority", value=priority)
        values["priority"] = priority
        note("priority", ticket.priority, priority)
    if comment is not None:
        note("comment", None, None, comment)
    if not events:
        raise CrmError("bad_request", "crm.ticket.nothing_to_change")
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.version == version)  # type: ignore[arg-type]
        .values(**values, version=version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        current = session.exec(select(Ticket.version).where(Ticket.id == ticket_id)).first()
        raise CrmError("conflict", "crm.ticket.conflict", number=ticket.number, version=current)
    session.add_all(events)
    session.flush()
    session.refresh(ticket)
    return ticket
