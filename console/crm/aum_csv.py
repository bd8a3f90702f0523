"""AUM snapshots from the brokerage's books, as a UTF-8 CSV file: ``client_no,as_of,aum``.

One row per customer and date (``as_of`` YYYY-MM-DD, ``aum`` in CNY, two decimals at most). A
snapshot already stored for that customer and date is replaced by the file's figure. Bad rows
(unknown client number, a date that is not one or lies ahead, an amount that is not one, a
customer and date given twice) are reported by their line and skipped; the good rows are kept.
The churn warning reads the decline between each customer's two latest snapshots, so the
customers touched are scored again at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, update

from console.crm import audit
from console.crm.churn_facts import rescore
from console.crm.csv_file import parse_csv
from console.i18n import t
from console.store.models import AumSnapshot, Customer
from console.store.tables import table_of

COLUMNS = ("client_no", "as_of", "aum")
IMPORT = "churn.aum_import"
MAX_AUM = Decimal("9999999999999999.99")  # Numeric(18, 2)
_snapshot = table_of(AumSnapshot)
_c, _a = table_of(Customer).c, _snapshot.c


def _date(text: str, today: dt.date) -> dt.date:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(t("crm.aum.bad_date", value=text)) from None
    if value > today:
        raise ValueError(t("crm.aum.future_date", value=text, today=today.isoformat()))
    return value


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(t("crm.aum.bad_amount", value=text)) from None
    if not value.is_finite() or value < 0 or value > MAX_AUM or value != value.quantize(Decimal("0.01")):
        raise ValueError(t("crm.aum.bad_amount", value=text))
    return value


def import_aum(session: Any, data: bytes, actor_id: int, now: dt.datetime, today: dt.date,
               config: Any) -> dict[str, Any]:
    """Store the file's snapshots; the report ``{rows, added, updated, unchanged, rescored, errors}``."""
    parsed = parse_csv(data, COLUMNS, required=COLUMNS)
    errors = list(parsed.errors)
    conn = session.connection()
    wanted = {cells["client_no"] for _, cells in parsed.rows}
    ids = {row.client_no: row.id for row in conn.execute(
        select(_c.client_no, _c.id).where(_c.client_no.in_(wanted)))} if wanted else {}
    seen: dict[tuple[int, dt.date], int] = {}
    added = updated = unchanged = 0
    touched: set[int] = set()
    for line, cells in parsed.rows:
        try:
            customer_id = ids.get(cells["client_no"])
            if customer_id is None:
                raise ValueError(t("crm.aum.no_customer", client_no=cells["client_no"]))
            as_of, aum = _date(cells["as_of"], today), _amount(cells["aum"])
            if (customer_id, as_of) in seen:
                raise ValueError(t("crm.aum.repeated", client_no=cells["client_no"], as_of=as_of.isoformat(),
                                   line=seen[(customer_id, as_of)]))
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        seen[(customer_id, as_of)] = line
        stored = conn.execute(select(_a.id, _a.aum).where(_a.customer_id == customer_id, _a.as_of == as_of)).first()
        if stored is None:
            conn.execute(_snapshot.insert().values(customer_id=customer_id, as_of=as_of, aum=aum))
            added += 1
        elif stored.aum != aum:
            conn.execute(update(_snapshot).where(_a.id == stored.id).values(aum=aum))
            updated += 1
        else:
            unchanged += 1
            continue
        touched.add(customer_id)
    rescored = rescore(conn, sorted(touched), now, config) if touched else 0
    errors.sort()
    report = {"rows": len(parsed.rows), "added": added, "updated": updated, "unchanged": unchanged,
              "rescored": rescored, "errors": [{"line": line, "reason": reason} for line, reason in errors]}
    audit.record(session, actor_id, IMPORT, None, None,
                 {k: report[k] for k in ("rows", "added", "updated", "unchanged", "rescored")}
                 | {"errors": len(errors)}, at=now)
    return report
