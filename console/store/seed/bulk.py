"""Bulk loading for the seed: SQLite executemany in big transactions, PostgreSQL COPY.

Row tuples come in with Python values (aware datetimes, Decimal, date). PostgreSQL's COPY
(psycopg) adapts them itself; for SQLite they are converted here into exactly the text
SQLAlchemy writes (``YYYY-MM-DD HH:MM:SS.ffffff`` naive UTC), so that rows loaded in bulk
compare and sort like rows written through the ORM. Secondary indexes are dropped during
the load and rebuilt after it: one sort instead of a million B-tree inserts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, Table
from sqlmodel import SQLModel

from console.store.types import UTCDateTime

BATCH = 50_000


_UTC = dt.timezone.utc


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is _UTC:  # the seed's own times: the fast path
        return value.isoformat(" ", "microseconds")[:26]
    if value.utcoffset():
        value = value.astimezone(dt.timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_time(value: dt.time | None) -> str | None:
    return None if value is None else value.isoformat("microseconds")


def _sqlite_converters(table: Table, columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    converters: list[Callable[[Any], Any] | None] = []
    for name in columns:
        col_type = table.c[name].type
        python = None
        try:
            python = col_type.python_type
        except NotImplementedError:
            pass
        if isinstance(col_type, UTCDateTime):
            converters.append(_sqlite_datetime)
        elif python is dt.time:
            converters.append(_sqlite_time)
        elif python is dt.date:
            converters.append(lambda v: None if v is None else v.isoformat())
        elif name in ("aum",):
            converters.append(lambda v: None if v is None else float(v))
        else:
            converters.append(None)
    return converters


class BulkLoader:
    """Loads row tuples into the tables of one connection, in one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.dialect = connection.dialect.name
        self.driver = connection.connection.driver_connection
        self.counts: dict[str, int] = {}
        self._dropped: list = []

    def table(self, name: str) -> Table:
        return SQLModel.metadata.tables[name]

    def drop_indexes(self, names: Iterable[str]) -> None:
        for name in names:
            for index in sorted(self.table(name).indexes, key=lambda ix: ix.name or ""):
                index.drop(self.conn)
                self._dropped.append(index)

    def rebuild_indexes(self) -> None:
        for index in self._dropped:
            index.create(self.conn)
        self._dropped.clear()

    def insert(self, name: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        total = 0
        if self.dialect == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with self.driver.cursor() as cursor, cursor.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
        else:
            sql = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            converters = _sqlite_converters(self.table(name), columns)
            plan = [(i, f) for i, f in enumerate(converters) if f is not None]
            cursor = self.driver.cursor()
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                if plan:
                    batch = [_convert(row, plan) for row in batch]
                cursor.executemany(sql, batch)
                total += len(batch)
            cursor.close()
        self.counts[name] = self.counts.get(name, 0) + total
        return total

    def reset_sequences(self, names: Iterable[str]) -> None:
        """PostgreSQL: explicit ids were loaded, so move each id sequence past them."""
        if self.dialect != "postgresql":
            return
        for name in names:
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)"
            )

    def analyze(self) -> None:
        self.conn.exec_driver_sql("ANALYZE")


def _convert(row: tuple, plan: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, convert in plan:
        values[i] = convert(values[i])
    return tuple(values)


def wipe(engine: Engine) -> None:
    """Empty the store: drop every table and build the schema again (much faster than DELETE)."""
    from console.store.migrate import downgrade, upgrade

    downgrade(engine, "base")
    upgrade(engine)
