"""Bulk loading for the seed: SQLite executemany in big transactions, PostgreSQL COPY.

Rows are *encoded* where they are made (in the worker processes) and only written here:
for SQLite into exactly the values SQLAlchemy writes (``YYYY-MM-DD HH:MM:SS.ffffff`` naive
UTC text, float for NUMERIC), so that rows loaded in bulk compare and sort like rows written
through the ORM; for PostgreSQL into COPY text. Secondary indexes are dropped during the
load and rebuilt after it: one sort instead of millions of B-tree inserts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Table
from sqlmodel import SQLModel

import console.store.models  # noqa: F401  (the tables)
from console.store.types import UTCDateTime

BATCH = 50_000
_UTC = dt.timezone.utc
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _kind(table: Table, column: str) -> str:
    col_type = table.c[column].type
    if isinstance(col_type, UTCDateTime):
        return "datetime"
    try:
        python = col_type.python_type
    except NotImplementedError:
        return "other"
    return {dt.time: "time", dt.date: "date", Decimal: "decimal", bool: "bool"}.get(python, "other")


# -- SQLite ---------------------------------------------------------------------------------
def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return value.isoformat(" ", "microseconds")[:26]


_SQLITE: dict[str, Callable[[Any], Any] | None] = {
    "datetime": _sqlite_datetime,
    "time": lambda v: None if v is None else v.isoformat("microseconds"),
    "date": lambda v: None if v is None else v.isoformat(),
    "decimal": lambda v: None if v is None else float(v),
    "bool": None,
    "other": None,
}


# -- PostgreSQL COPY text ---------------------------------------------------------------------
def _pg_plain(value: Any) -> str:
    if value is None:
        return "\\N"
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    return str(value)  # int, float, Decimal, date, time, aware datetime


_PG: dict[str, Callable[[Any], str]] = {
    "bool": lambda v: "\\N" if v is None else ("t" if v else "f"),
    "datetime": _pg_plain, "time": _pg_plain, "date": _pg_plain, "decimal": _pg_plain, "other": _pg_plain,
}


def _pg_lines(table: Table, columns: Sequence[str], rows: list[tuple]) -> bytes:
    encoders = [_PG[_kind(table, c)] for c in columns]
    lines = ["\t".join([f(v) for f, v in zip(encoders, row)]) for row in rows]
    lines.append("")
    return "\n".join(lines).encode("utf-8")


def encode(dialect: str, name: str, columns: Sequence[str], rows: list[tuple]) -> Any:
    """Rows in the form :meth:`BulkLoader.write` takes for ``dialect``."""
    table = _table(name)
    if dialect == "postgresql":
        return _pg_lines(table, columns, rows) if rows else b""
    plan = [(i, f) for i, f in enumerate(_SQLITE[_kind(table, c)] for c in columns) if f is not None]
    if not plan:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for i, convert in plan:
            values[i] = convert(values[i])
        out.append(values)
    return out


class BulkLoader:
    """Writes encoded rows into the tables of one connection, in one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.dialect = connection.dialect.name
        self.driver = connection.connection.driver_connection
        self.counts: dict[str, int] = {}
        self._dropped: list = []

    def drop_indexes(self, names: Iterable[str]) -> None:
        for name in names:
            for index in sorted(_table(name).indexes, key=lambda ix: ix.name or ""):
                index.drop(self.conn)
                self._dropped.append(index)

    def rebuild_indexes(self) -> None:
        for index in self._dropped:
            index.create(self.conn)
        self._dropped.clear()

    def insert(self, name: str, columns: Sequence[str], rows: list[tuple]) -> int:
        return self.write(name, columns, encode(self.dialect, name, columns, rows), len(rows))

    def write(self, name: str, columns: Sequence[str], payload: Any, count: int) -> int:
        if self.dialect == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with self.driver.cursor() as cursor, cursor.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                copy.write(payload)
        else:
            sql = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            cursor = self.driver.cursor()
            for start in range(0, len(payload), BATCH):
                cursor.executemany(sql, payload[start:start + BATCH])
            cursor.close()
        self.counts[name] = self.counts.get(name, 0) + count
        return count

    def reset_sequences(self, names: Iterable[str]) -> None:
        """PostgreSQL: explicit ids were loaded, so move each id sequence past them."""
        if self.dialect != "postgresql":
            return
        for name in names:
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 0) + 1, false)"
            )

    def analyze(self, names: Iterable[str]) -> None:
        """Fresh planner statistics for the loaded tables (only those: a shared database has others)."""
        if self.dialect == "postgresql":
            self.conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{n}"' for n in names))
        else:
            self.conn.exec_driver_sql("PRAGMA analysis_limit=2000")  # sample: seconds less on a million rows
            self.conn.exec_driver_sql("ANALYZE")


def wipe(engine: Engine) -> None:
    """Empty the store: drop every table and build the schema again (much faster than DELETE)."""
    from console.store.migrate import downgrade, upgrade

    downgrade(engine, "base")
    upgrade(engine)
