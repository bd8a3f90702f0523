"""Filling the search index from the database: one streaming query, ordered by customer id.

Customers and their phones come in one LEFT JOIN ordered by id, so consecutive rows of one
customer fold into one :class:`CustomerRow` and the index's slots come out in id order (which
lets it find a customer's slot by bisect instead of a million-entry dict).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from console.crm.search.index import SearchIndex
from console.crm.search.model import CustomerRow

BATCH_ROWS = 10_000


def _statement() -> Any:
    from sqlalchemy import select

    from console.store.models import Customer, CustomerPhone
    from console.store.tables import table_of

    customer = table_of(Customer)
    phone = table_of(CustomerPhone)
    return (
        select(
            customer.c.id, customer.c.name, customer.c.name_pinyin, customer.c.name_initials,
            customer.c.client_no, customer.c.id_last4, customer.c.tier, customer.c.branch, phone.c.e164,
        )
        .select_from(customer.outerjoin(phone, phone.c.customer_id == customer.c.id))
        .order_by(customer.c.id, phone.c.id)
    )


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


def iter_customer_rows(engine: Any) -> Iterator[CustomerRow]:
    """Every customer with its phones, streamed in id order from a synchronous engine."""
    with engine.connect() as connection:
        yield from _stream(connection)


def load_index(engine: Any) -> SearchIndex:
    """Build the index from a synchronous SQLAlchemy engine (SQLite or PostgreSQL)."""
    return SearchIndex.build(iter_customer_rows(engine))


def _stream(connection: Any) -> Iterator[CustomerRow]:
    result = connection.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(_statement())
    yield from fold_rows(result)
