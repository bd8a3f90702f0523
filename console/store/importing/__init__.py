"""`calldesk import customers FILE.csv`: upsert customers by client number.

Bad rows are reported (line number and reason) and skipped; good rows are written in
batches, each batch its own transaction, so that a problem late in a big file loses nothing
already imported. A client number seen twice in one file: the second row is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from console.i18n import t
from console.store.importing.reader import read_rows
from console.store.importing.rows import CustomerRecord, RowError, parse_customer
from console.store.models import Customer, CustomerPhone, Staff
from console.store.tables import table_of

_customer, _phone = table_of(Customer), table_of(CustomerPhone)
_c, _p, _s = _customer.c, _phone.c, table_of(Staff).c

BATCH = 1000
NEW_CUSTOMER_DEFAULTS = {
    "name_pinyin": "", "name_initials": "", "id_number": "", "id_last4": "", "gender": "", "branch": "",
    "tier": "standard", "aum": 0, "risk_level": "C1", "investor_type": "ordinary", "margin": False,
    "star": False, "chinext": False, "status": "active", "do_not_call": False, "churn_risk": 0.0, "version": 1,
}


@dataclass
class ImportReport:
    read: int = 0  # data rows in the file, readable or not
    inserted: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


OnBatch = Callable[[Connection, list[tuple[int, bool, list[str]]]], None]
"""Called in each batch's transaction with ``(customer id, created, columns given)`` per row written:
what it writes (the audit rows) commits with the batch, or neither does."""


def import_customers(engine: Engine, path: Path, tier_for: Callable[[Decimal], str], *, now: dt.datetime | None = None,
                     on_error: Callable[[int, str], None] | None = None, on_batch: OnBatch | None = None,
                     label: str | None = None) -> ImportReport:
    """``label``: how messages about the whole file name it (default: ``path``)."""
    report = ImportReport()
    now = now or dt.datetime.now(dt.UTC)
    managers = _managers(engine)
    seen: dict[str, int] = {}
    batch: list[CustomerRecord] = []

    def refuse(line: int, reason: str) -> None:
        report.errors.append((line, reason))
        if on_error:
            on_error(line, reason)

    for raw in read_rows(path, label):
        report.read += 1
        if raw.fields is None:
            refuse(raw.line, raw.error or "unreadable")
            continue
        try:
            record = parse_customer(raw.fields, tier_for)
            if record.client_no in seen:
                raise RowError(t("import.row.twice", value=record.client_no, line=seen[record.client_no]))
            if record.manager is not None:
                if record.manager not in managers:
                    raise RowError(t("import.row.manager", value=record.manager))
                record.values["manager_id"] = managers[record.manager]
        except RowError as exc:
            refuse(raw.line, str(exc))
            continue
        seen[record.client_no] = raw.line
        batch.append(record)
        if len(batch) >= BATCH:
            _write(engine, batch, now, report, on_batch)
            batch = []
    if batch:
        _write(engine, batch, now, report, on_batch)
    return report


def _managers(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(_s.username, _s.id).where(_s.active == True))  # noqa: E712
        return {username: sid for username, sid in rows}  # noqa: C416 - a Result is no mapping for dict()


def _write(engine: Engine, batch: list[CustomerRecord], now: dt.datetime, report: ImportReport,
           on_batch: OnBatch | None) -> None:
    written: list[tuple[int, bool, list[str]]] = []
    with engine.begin() as conn:
        numbers = [r.client_no for r in batch]
        found = conn.execute(select(_c.client_no, _c.id).where(_c.client_no.in_(numbers)))
        existing = {client_no: cid for client_no, cid in found}  # noqa: C416 - as above
        for record in batch:
            cid = existing.get(record.client_no)
            if cid is None:
                values = {**NEW_CUSTOMER_DEFAULTS, **record.values, "client_no": record.client_no,
                          "created_at": now, "updated_at": now}
                cid = conn.execute(insert(_customer).values(**values).returning(_c.id)).scalar_one()
                report.inserted += 1
            else:
                conn.execute(update(_customer).where(_c.id == cid).values(
                    **record.values, updated_at=now, version=_c.version + 1))
                report.updated += 1
            if record.phones:
                have = set(conn.execute(select(_p.e164).where(_p.customer_id == cid)).scalars())
                new = [{"customer_id": cid, "e164": e, "raw": raw, "kind": kind, "valid": True}
                       for e, raw, kind in record.phones if e not in have]
                if new:
                    conn.execute(insert(_phone), new)
            written.append((cid, record.client_no not in existing,
                            sorted({*record.values, *(["phones"] if record.phones else [])})))
        if on_batch is not None:
            on_batch(conn, written)
