"""A customer CSV import on behalf of a user: the store's batched upsert (console.store.importing),
with the audit trail the API promises for every write.

Each customer written gets its ``customer.create`` or ``customer.update`` row (detail: the columns
the file gave and ``source: import``, never their values) in the same transaction as its batch,
so a batch that fails leaves neither; the whole run ends with one ``customer.import`` row: the
file's name and the counts. Rows are inserted in bulk: an import of 100,000 customers writes
100 batches, not 100,000 round trips.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from console.crm import audit
from console.store.importing import ImportReport, import_customers
from console.store.models import AuditEvent
from console.store.tables import table_of

_audit = table_of(AuditEvent)

IMPORT = "customer.import"


def import_as(engine: Any, path: Path, tier_for: Callable[[Decimal], str], actor_id: int | None, now: dt.datetime,
              label: str) -> tuple[ImportReport, list[int]]:
    """Import ``path`` (named ``label`` in messages) as ``actor_id``; every write audited.
    Returns the report and the ids of the customers written (for the search index)."""
    ids: list[int] = []

    def on_batch(conn: Any, written: list[tuple[int, bool, list[str]]]) -> None:
        ids.extend(cid for cid, _, _ in written)
        if written:
            conn.execute(insert(_audit), [
                {"at": now, "actor_id": actor_id, "action": audit.CREATE if created else audit.UPDATE,
                 "customer_id": cid, "linkedid": None,
                 "detail": json.dumps({"fields": fields, "source": "import"}, ensure_ascii=False, sort_keys=True)}
                for cid, created, fields in written])

    report = import_customers(engine, path, tier_for, now=now, on_batch=on_batch, label=label)
    with engine.begin() as conn:
        conn.execute(insert(_audit).values(
            at=now, actor_id=actor_id, action=IMPORT, customer_id=None,
            detail=json.dumps({"file": label, "rows": report.read, "inserted": report.inserted,
                               "updated": report.updated, "refused": report.rejected}, ensure_ascii=False,
                              sort_keys=True)))
    return report, ids
