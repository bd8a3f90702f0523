"""The audit trail of screen pops: which agent was shown which customer, on which call, when.

A pop is a profile view (issue 5: every view is audited), but it must not wait for the
database: the service hands the record to the recorder's queue *after* the frame is on the
wire, and it reaches the database through the durable outbox, so an outage delays the rows
and loses none.

One row per console user shown the pop and per customer in it: a known caller is one row
(``customer_id`` set); an ambiguous pop showed the agent the masked summary of every
candidate, so each candidate gets a row (``detail.candidates`` lists them all), and each
customer's own audit trail says who saw them. An unknown caller shows no customer: no row.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select

from console.crm import audit
from console.server.outbox import applier
from console.store.models import AuditEvent
from console.store.tables import table_of

if TYPE_CHECKING:
    from console.server.pop import Lookup

KIND = "pop_audit"
_audit = table_of(AuditEvent)
_a = _audit.c
# `at` is indexed: the idempotency check (a record re-applied after a crash) stays cheap.
_EXISTS = select(_a.id).where(
    _a.at == bindparam("at"), _a.actor_id == bindparam("actor_id"), _a.action == audit.POP,
    _a.linkedid == bindparam("linkedid"), _a.customer_id == bindparam("customer_id"),
).limit(1)
_INSERT = insert(_audit)


def pop_record(users: set[int], call: str, agent: str, lookup: Lookup, verified: bool,
               at: dt.datetime) -> dict[str, Any] | None:
    """The outbox payload for one pop shown to ``users``; None when it showed no customer."""
    ids = [c["id"] for c in lookup.customers]
    if not ids or not users or lookup.match not in ("known", "ambiguous"):
        return None
    detail: dict[str, Any] = {"match": lookup.match, "matched_by": lookup.by, "agent": agent,
                              "masked": not verified}
    if lookup.match == "ambiguous":
        detail["candidates"] = ids
    return {"at": at.isoformat(), "call": call, "users": sorted(users), "customers": ids,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)}


@applier(KIND)
def write_pop_audit(conn: Connection, rec: dict[str, Any]) -> None:
    """One AuditEvent per (user, customer) of the pop, unless already written."""
    at = dt.datetime.fromisoformat(rec["at"])
    for actor_id in rec["users"]:
        for customer_id in rec["customers"]:
            key = {"at": at, "actor_id": actor_id, "linkedid": rec["call"], "customer_id": customer_id}
            if conn.execute(_EXISTS, key).first() is not None:
                continue
            conn.execute(_INSERT.values(at=at, actor_id=actor_id, action=audit.POP, customer_id=customer_id,
                                        linkedid=rec["call"], detail=rec["detail"]))
