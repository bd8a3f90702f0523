"""Filling the search index from the database: one streaming query, ordered by customer id.

Customers and their phones come in one LEFT JOIN ordered by id, so consecutive rows of one
customer fold into one :class:`CustomerRow` and the index's slots come out in id order (which
lets it find a customer's slot by bisect instead of a million-entry dict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from console.crm.search.index import SearchIndex
from console.crm.search.model import CustomerRow

BATCH_ROWS = 10_000


def _statement(since: dt.datetime | None = None, ids: list[int] | None = None) -> Any:
    from sqlalchemy import select

    from console.store.models import Customer, CustomerPhone
    from console.store.tables import table_of

    customer = table_of(Customer)
    phone = table_of(CustomerPhone)
    statement = (
        select(
            customer.c.id, customer.c.name, customer.c.name_pinyin, customer.c.name_initials,
            customer.c.client_no, customer.c.id_last4, customer.c.tier, customer.c.branch, phone.c.e164,
        )
        .select_from(customer.outerjoin(phone, phone.c.customer_id == customer.c.id))
        .order_by(customer.c.id, phone.c.id)
    )
    if since is not None:
        statement = statement.where(customer.c.updated_at >= since)
    return statement if ids is None else statement.where(customer.c.id.in_(ids))


def fold_rows(rows: Iterable[Any]) -> Iterator[CustomerRow]:
    """Join rows (one per customer and phone) -> one CustomerRow per customer."""
    current: list[Any] | None = None
    phones: list[str] = []
    for row in rows:
        if current is not None and row[0] != current[0]:
            yield _customer(current, phones)
            phones = []
        current = row
        if row[8]:
            phones.append(row[8])
    if current is not None:
        yield _customer(current, phones)


def _customer(row: Any, phones: list[str]) -> CustomerRow:
    customer_id, name, pinyin, initials, client_no, id_last4, tier, branch, _ = row
    return CustomerRow(
        id=customer_id, name=name or "", name_pinyin=pinyin or "", name_initials=initials or "",
        client_no=client_no or "", phones=tuple(phones), id_last4=id_last4 or "",
        tier=tier or "", branch=branch or "",
    )


def iter_customer_rows(engine: Any, since: dt.datetime | None = None) -> Iterator[CustomerRow]:
    """Every customer with its phones (or those updated from ``since`` on), streamed in
    id order from a synchronous engine."""
    with engine.connect() as connection:
        yield from _stream(connection, since)


def load_index(engine: Any) -> SearchIndex:
    """Build the index from a synchronous SQLAlchemy engine (SQLite or PostgreSQL)."""
    return SearchIndex.build(iter_customer_rows(engine))


def _stream(connection: Any, since: dt.datetime | None = None) -> Iterator[CustomerRow]:
    result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(_statement(since))
    yield from fold_rows(result)


def rows_of(engine: Any, ids: list[int]) -> list[CustomerRow]:
    """The searchable rows of these customers (those that exist), in id order."""
    with engine.connect() as connection:
        return list(fold_rows(connection.execute(_statement(ids=ids))))


def database_now(engine: Any) -> dt.datetime:
    """The database server's clock (aware UTC): where a build's reading begins."""
    from sqlalchemy import text

    with engine.connect() as connection:
        if engine.url.get_backend_name() == "sqlite":
            value = connection.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar()
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        now: dt.datetime = connection.execute(text("SELECT now()")).scalar()  # timestamptz: aware
        return now.astimezone(dt.UTC)


def customer_count(engine: Any) -> int:
    from sqlalchemy import func, select

    from console.store.models import Customer

    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Customer)).scalar() or 0)


def probe_rows(engine: Any, ids: list[int]) -> dict[int, tuple[str, str, dt.datetime]]:
    """id -> (client number, name, updated_at) of those of ``ids`` that exist."""
    from sqlalchemy import select

    from console.store.models import Customer
    from console.store.tables import table_of

    customer = table_of(Customer)
    with engine.connect() as connection:
        rows = connection.execute(select(customer.c.id, customer.c.client_no, customer.c.name, customer.c.updated_at)
                                  .where(customer.c.id.in_(ids)))
        return {row[0]: (row[1] or "", row[2] or "", row[3]) for row in rows}
