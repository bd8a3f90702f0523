"""Campaign leads from a UTF-8 CSV file: ``number[,client_no][,priority][,not_before]``.

A header row names the columns (``number`` is required). Each bad row is reported by its line
number in the file and skipped; the good rows are kept. A number that does not normalise, an
unknown client number, a priority that is not an integer, a ``not_before`` without an offset:
each says what and where. With no ``client_no`` the lead is linked to the customer the number
belongs to, when exactly one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from console.crm.campaign_leads import LeadIn, customer_of_number, normalized
from console.i18n import t
from console.store.models import Customer
from console.store.tables import table_of

COLUMNS = ("number", "client_no", "priority", "not_before")
_c = table_of(Customer).c


@dataclass
class CsvLeads:
    leads: list[LeadIn] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    rows: int = 0


def _not_before(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError("no UTC offset")
    return when.astimezone(dt.UTC)


def parse_leads(conn: Any, text: str) -> CsvLeads:
    out = CsvLeads()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        out.errors.append((1, t("camp.csv.empty")))
        return out
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    if "number" not in names or unknown:
        known = ", ".join(COLUMNS)
        out.errors.append((1, t("camp.csv.unknown_columns", columns=", ".join(unknown), known=known) if unknown
                           else t("camp.csv.no_number", known=known)))
        return out
    clients: dict[str, int | None] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        out.rows += 1
        if len(row) != len(names):
            out.errors.append((line, t("camp.csv.field_count", got=len(row), want=len(names))))
            continue
        cells = {n: v.strip() for n, v in zip(names, row, strict=True)}
        number = normalized(cells["number"])
        if number is None:
            out.errors.append((line, t("camp.csv.bad_number", number=repr(cells["number"]))))
            continue
        customer_id = None
        if cells.get("client_no"):
            no = cells["client_no"]
            if no not in clients:
                clients[no] = conn.execute(select(_c.id).where(_c.client_no == no)).scalar()
            customer_id = clients[no]
            if customer_id is None:
                out.errors.append((line, t("camp.csv.unknown_client", client_no=no)))
                continue
        else:
            customer_id = customer_of_number(conn, number)
        try:
            priority = int(cells.get("priority") or 0)
        except ValueError:
            out.errors.append((line, t("camp.csv.bad_priority", value=repr(cells["priority"]))))
            continue
        try:
            not_before = _not_before(cells["not_before"]) if cells.get("not_before") else None
        except ValueError:
            out.errors.append((line, t("camp.csv.bad_not_before", value=repr(cells["not_before"]))))
            continue
        out.leads.append(LeadIn(number, customer_id, priority, not_before, "csv"))
    return out
