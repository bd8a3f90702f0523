"""The churn warning's facts, read from the store, and the scores written back.

:func:`recompute` scores customers in batches: a handful of grouped queries per batch (tickets,
abandoned calls, last contact, AUM snapshots), the pure rule of console/crm/churn.py, and one
UPDATE per customer whose score or reasons changed (``churn_risk`` 0–1, ``churn_reasons`` JSON,
``churn_scored_at``). Callers: the server after a ticket or a call of the customer (one id), an
AUM import (its customers), and ``POST /api/churn/recompute`` (all, nightly).
Works on a SQLAlchemy Connection, so the recorder's outbox transaction can use it as well as
the API's sessions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Select, and_, func, select, update

from console.crm.churn import ChurnFacts, ChurnRule, ChurnScore, score
from console.store.models import AumSnapshot, Customer, Interaction, Ticket
from console.store.tables import table_of

if TYPE_CHECKING:
    from console.config import ChurnSettings

_customer = table_of(Customer)
_c, _i, _t, _a = (table_of(m).c for m in (Customer, Interaction, Ticket, AumSnapshot))
OPEN = ("new", "open", "pending")
BATCH = 1000


@dataclass(frozen=True, slots=True)
class Windows:
    """How far back each factor is counted (``[churn]``)."""

    tickets_days: int = 90
    abandon_days: int = 30


def _grouped(conn: Connection, statement: Select[int, int]) -> dict[int, int]:
    return {row[0]: int(row[1]) for row in conn.execute(statement)}


def facts_of(conn: Connection, ids: list[int], now: dt.datetime, windows: Windows) -> dict[int, ChurnFacts]:
    """The facts of each customer in ``ids`` as of ``now``."""
    since = now - dt.timedelta(days=windows.tickets_days)
    in_ids = _t.customer_id.in_(ids)
    recent = and_(in_ids, _t.created_at >= since)
    complaints = _grouped(conn, select(_t.customer_id, func.count()).where(recent, _t.category == "complaint")
                          .group_by(_t.customer_id))
    transfer_out = _grouped(conn, select(_t.customer_id, func.count()).where(recent, _t.category == "transfer_out")
                            .group_by(_t.customer_id))
    overdue = _grouped(conn, select(_t.customer_id, func.count()).where(
        recent, _t.status.in_(OPEN), _t.sla_due_at < now).group_by(_t.customer_id))
    abandoned = _grouped(conn, select(_i.customer_id, func.count()).where(
        _i.customer_id.in_(ids), _i.outcome == "abandoned",
        _i.started_at >= now - dt.timedelta(days=windows.abandon_days)).group_by(_i.customer_id))
    csat = {row[0]: float(row[1]) for row in conn.execute(
        select(_i.customer_id, func.avg(_i.csat)).where(_i.customer_id.in_(ids), _i.csat.is_not(None),
                                                        _i.started_at >= since).group_by(_i.customer_id))}
    last_contact = {row[0]: row[1] for row in conn.execute(
        select(_i.customer_id, func.max(_i.started_at)).where(_i.customer_id.in_(ids)).group_by(_i.customer_id))}
    snapshots: dict[int, list[Decimal]] = {}
    for customer_id, aum in conn.execute(
            select(_a.customer_id, _a.aum).where(_a.customer_id.in_(ids)).order_by(_a.customer_id, _a.as_of.desc())):
        latest = snapshots.setdefault(customer_id, [])
        if len(latest) < 2:
            latest.append(aum)
    out = {}
    for customer_id in ids:
        last = last_contact.get(customer_id)  # max() keeps the column's type: an aware UTC datetime
        out[customer_id] = ChurnFacts(
            complaints=complaints.get(customer_id, 0), overdue_tickets=overdue.get(customer_id, 0),
            abandoned_calls=abandoned.get(customer_id, 0), aum_decline_pct=_decline(snapshots.get(customer_id)),
            transfer_out=transfer_out.get(customer_id, 0),
            days_since_contact=max(0, (now - last).days) if last is not None else None,
            mean_csat=csat.get(customer_id),  # their post-call survey answers of the window
        )
    return out


def _decline(latest: list[Decimal] | None) -> float | None:
    """Percent of assets lost from the older to the newer of the two latest snapshots."""
    if not latest or len(latest) < 2 or latest[1] <= 0:
        return None
    return float((latest[1] - latest[0]) / latest[1] * 100)


def reasons_json(result: ChurnScore) -> str:
    return json.dumps([r.to_json() for r in result.reasons], ensure_ascii=False)


def recompute(conn: Connection, ids: Iterable[int], now: dt.datetime, rule: ChurnRule,
              windows: Windows) -> int:
    """Score these customers; the number whose score or reasons changed."""
    changed = 0
    for batch in _batches(ids):
        current = {row.id: (row.churn_risk, row.churn_reasons) for row in conn.execute(
            select(_c.id, _c.churn_risk, _c.churn_reasons).where(_c.id.in_(batch)))}
        for customer_id, facts in facts_of(conn, [i for i in batch if i in current], now, windows).items():
            result = score(facts, rule)
            reasons = reasons_json(result)
            if current[customer_id] == (result.risk, reasons):
                continue
            conn.execute(update(_customer).where(_c.id == customer_id).values(
                churn_risk=result.risk, churn_reasons=reasons, churn_scored_at=now))
            changed += 1
    return changed


def rescore(conn: Connection, ids: Iterable[int], now: dt.datetime, config: ChurnSettings) -> int:
    """:func:`recompute` with the weights and windows of ``[churn]``."""
    return recompute(conn, ids, now, ChurnRule.from_settings(config),
                     Windows(config.window_days, config.abandon_window_days))


def all_customer_ids(conn: Connection) -> Iterator[int]:
    """Every customer's id, in id order, read a page at a time."""
    after = 0
    while True:
        page = [row[0] for row in conn.execute(select(_c.id).where(_c.id > after).order_by(_c.id).limit(BATCH * 10))]
        if not page:
            return
        yield from page
        after = page[-1]


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for customer_id in ids:
        batch.append(customer_id)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
