"""Column types that keep the store's conventions on every database.

* :class:`UTCDateTime`: times are timezone-aware UTC in and out. SQLite has no time zones,
  so naive values read back are UTC by construction; naive values written are refused
  (a naive datetime is a bug: whose local time would it be?).
* ``MONEY``: Decimal with two places (CNY), never float.
* ``BIG_ID``: 64-bit keys for the tables that grow with every call, still an INTEGER
  PRIMARY KEY (the rowid alias) on SQLite, where BIGINT would not autoincrement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, Numeric
from sqlalchemy.types import TypeDecorator

UTC = dt.UTC
MONEY = Numeric(18, 2, asdecimal=True)
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    # value: Any, as callers hand it (the check below refuses what is not a datetime).
    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store: use an aware UTC time")
        utc = value.astimezone(UTC)
        # SQLite stores text; keep it naive UTC so that string order is time order.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    # value: what the DateTime impl read, a datetime on every backend (naive on SQLite).
    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> dt.datetime:
    """Default for created_at-style columns (the store's only clock read)."""
    return dt.datetime.now(UTC)
