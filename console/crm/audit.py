"""The audit trail: who saw or changed which customer, when, on which call.

One row per profile view, verification, unmask and edit. The row says *what kind* of thing
happened and which fields were involved, never the personal data itself: an audit log that
holds id numbers would be one more place to leak them from.

``record`` only adds the row to the caller's session; it commits with the rest of the work,
so a view that failed to load leaves no row, and an edit is never stored without its row.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session, col, select

from console.store.models import AuditEvent

# Actions written by calldesk (the column is free text; these are the ones we use).
VIEW = "customer.view"
VIEW_UNMASKED = "customer.view_unmasked"
VERIFY = "customer.verify"
VERIFY_FAILED = "customer.verify_failed"
UNMASK = "customer.unmask"
CREATE = "customer.create"
UPDATE = "customer.update"
HISTORY = "customer.history"
POP = "customer.pop"


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    customer_id: int | None,
    call: str | None = None,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Add one audit row to ``session`` (committed with the caller's transaction).

    ``at`` defaults to the store's clock; pass the app's clock so that tests can freeze it.
    ``detail`` is a small JSON object (field names, method, masked or not) — no PII values.
    """
    row = AuditEvent(
        actor_id=actor_id,
        action=action,
        customer_id=customer_id,
        linkedid=call,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    if at is not None:
        row.at = at
    session.add(row)
    return row


def events_of(session: Session, customer_id: int, limit: int = 100) -> list[AuditEvent]:
    """The customer's audit rows, newest first (for a supervisor's review and for tests)."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.customer_id == customer_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
