"""Follow-ups in the store: create, list (due, by owner), complete, reassign.

Completing and reassigning are conditional updates on the row's status (``WHERE status =
'open'``), so two agents taking the same pool callback at once cannot both complete it.
Who may touch which follow-up (its owner, anyone for the pool, supervisors for all) is
decided here, next to the data, so every route gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from console.crm import followups as rules
from console.crm.errors import CrmError
from console.store.models import Customer, FollowUp, Staff

MAX_LIST = 200


def followup_json(row: FollowUp, now: dt.datetime | None = None) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    out = {
        "id": row.id, "customer_id": row.customer_id, "interaction_id": row.interaction_id,
        "due_at": iso(row.due_at), "owner_id": row.owner_id, "pool": row.owner_id is None,
        "reason": row.reason, "kind": row.kind, "status": row.status, "result": row.result,
        "created_by": row.created_by, "created_at": iso(row.created_at), "completed_at": iso(row.completed_at),
    }
    if now is not None:
        out["due"] = rules.is_due(row.status, row.due_at, now)
        out["overdue"] = rules.is_overdue(row.status, row.due_at, now)
    return out


def followups_json(session: Session, rows: list[FollowUp], now: dt.datetime) -> list[dict[str, Any]]:
    """Follow-ups as JSON with their customer's name (one query for the whole list)."""
    ids = {row.customer_id for row in rows}
    names = dict(session.exec(select(Customer.id, Customer.name).where(col(Customer.id).in_(ids))).all()) if ids else {}
    return [{**followup_json(row, now), "customer_name": names.get(row.customer_id)} for row in rows]


def _owner_id(session: Session, owner: Any, actor_id: int, customer: Customer) -> int | None:
    try:
        resolved = rules.resolve_owner(owner, actor_id, customer.manager_id)
    except rules.FollowUpRuleError as exc:
        raise CrmError("invalid", exc.key, field=exc.field, value=owner) from None
    if resolved.staff_id is not None and resolved.label == "staff":
        staff = session.get(Staff, resolved.staff_id)
        if staff is None or not staff.active:
            raise CrmError("invalid", "crm.followup.bad_owner", field="owner", value=owner)
    return resolved.staff_id


def create_followup(session: Session, *, customer_id: int, due_at: dt.datetime, owner: Any, reason: str,
                    actor_id: int, now: dt.datetime, kind: str = "followup",
                    interaction_id: int | None = None) -> FollowUp:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    row = FollowUp(customer_id=customer_id, due_at=due_at, owner_id=_owner_id(session, owner, actor_id, customer),
                   reason=reason, kind=kind, created_by=actor_id, created_at=now, interaction_id=interaction_id)
    session.add(row)
    session.flush()
    return row


def list_followups(session: Session, *, owner: int | str | list[int | None] | None, now: dt.datetime, due_only: bool,
                   status: str = "open", customer_id: int | None = None, limit: int = 50) -> list[FollowUp]:
    """Soonest first. ``owner``: a staff id, None for the pool, a list of those, or "any"."""
    statement = select(FollowUp).where(FollowUp.status == status)
    if owner != "any":
        owners = owner if isinstance(owner, list) else [owner]
        staff_ids = [o for o in owners if o is not None]
        conditions = [col(FollowUp.owner_id).in_(staff_ids)] if staff_ids else []
        if None in owners:
            conditions.append(col(FollowUp.owner_id).is_(None))
        statement = statement.where(or_(*conditions))
    if customer_id is not None:
        statement = statement.where(FollowUp.customer_id == customer_id)
    if due_only:
        statement = statement.where(col(FollowUp.due_at) <= now)
    statement = statement.order_by(col(FollowUp.due_at), col(FollowUp.id)).limit(max(1, min(limit, MAX_LIST)))
    return list(session.exec(statement))


def _editable(session: Session, followup_id: int, actor_id: int, supervisor: bool) -> FollowUp:
    row = session.get(FollowUp, followup_id)
    if row is None:
        raise CrmError("not_found", "crm.followup.not_found", id=followup_id)
    if not supervisor and row.owner_id not in (None, actor_id):
        raise CrmError("forbidden", "crm.followup.not_yours")
    try:
        rules.check_complete(row.status)
    except rules.FollowUpRuleError as exc:
        raise CrmError("conflict", exc.key) from None
    return row


def _conditional(session: Session, row: FollowUp, **values: Any) -> FollowUp:
    # Conditional on what the checks saw: still open, still the same owner (NULL = the pool).
    same_owner = col(FollowUp.owner_id).is_(None) if row.owner_id is None else col(FollowUp.owner_id) == row.owner_id
    result = session.execute(
        update(FollowUp)
        .where(col(FollowUp.id) == row.id, col(FollowUp.status) == "open", same_owner)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise CrmError("conflict", "crm.followup.not_open")
    session.refresh(row)
    return row


def complete_followup(session: Session, followup_id: int, result: str, actor_id: int, now: dt.datetime,
                      supervisor: bool = False) -> FollowUp:
    row = _editable(session, followup_id, actor_id, supervisor)
    return _conditional(session, row, status="done", result=result, completed_at=now)


def reassign_followup(session: Session, followup_id: int, owner: Any, actor_id: int,
                      supervisor: bool = False) -> FollowUp:
    row = _editable(session, followup_id, actor_id, supervisor)
    customer = session.get(Customer, row.customer_id)
    assert customer is not None  # a foreign key guarantees it
    return _conditional(session, row, owner_id=_owner_id(session, owner, actor_id, customer))
