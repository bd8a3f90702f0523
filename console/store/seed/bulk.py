"""Bulk loading for the seed: SQLite executemany (or images of rows) in one transaction, PostgreSQL COPY.

Rows are *encoded* where they are made (in the worker processes) and only written here:
for SQLite into exactly the values SQLAlchemy writes (``YYYY-MM-DD HH:MM:SS.ffffff`` naive
UTC text, float for NUMERIC), so that rows loaded in bulk compare and sort like rows written
through the ORM; for PostgreSQL into COPY text. Secondary indexes are dropped during the
load and rebuilt after it: one sort instead of millions of B-tree inserts.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, Index, Table
from sqlmodel import SQLModel

import console.store.models  # noqa: F401  (the tables)
from console.store.types import UTCDateTime

BATCH = 50_000
_UTC = dt.UTC
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# A row of one table: a value per column, as the column takes it (str, int, Decimal, datetime, None...)
# or already as Formats makes it; the columns differ from table to table, hence Any.
Row = tuple[Any, ...]


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


def _pg_lines(table: Table, columns: Sequence[str], rows: list[Row]) -> bytes:
    encoders = [_PG[_kind(table, c)] for c in columns]
    lines = ["\t".join([f(v) for f, v in zip(encoders, row, strict=True)]) for row in rows]
    lines.append("")
    return "\n".join(lines).encode("utf-8")


class Formats:
    """Values as one target database takes them, for generators that make rows ready to load.

    Turning dates, times and amounts into text cost a chunk of customers about as much as drawing
    them: the generators build such rows themselves (dates from per-day tables, times of day from
    ``clock``), and the rows skip :func:`encode` (see :func:`encode_ready`).
    PostgreSQL: COPY text (``t``/``f``, ``\\N``, ``2026-11-22 06:30:00+00``; numbers may stay numbers);
    SQLite: the values SQLAlchemy binds (naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, floats for
    NUMERIC, ``None``).
    """

    def __init__(self, dialect: str) -> None:
        self.copy_text = dialect == "postgresql"
        self.null: str | None = "\\N" if self.copy_text else None
        self.bools: tuple[Any, Any] = ("f", "t") if self.copy_text else (False, True)
        # Per second of the day, " HH:MM:SS" and the zone or the microseconds: a UTC day's ISO date + this
        # is that moment's text.
        self.clock: tuple[str, ...] = _clock("+00" if self.copy_text else ".000000")
        # An aware datetime (any zone) as text: ``str`` is PostgreSQL's input form.
        self.datetime: Callable[[dt.datetime], str | None] = str if self.copy_text else _sqlite_datetime
        # A number: text for COPY (rows of text only are joined without a str() per value), as it is for SQLite.
        self.number: Callable[[Any], Any] = str if self.copy_text else _as_is

    def money(self, cents: int) -> Any:
        """An amount of ``cents`` >= 0, as its Decimal of two places is written (float(Decimal(c) / 100)
        is c / 100: both are correctly rounded)."""
        if self.copy_text:
            return f"{cents // 100}.{cents % 100:02d}"
        return cents / 100


def _as_is(value: Any) -> Any:
    return value


@lru_cache(maxsize=4)
def _clock(suffix: str) -> tuple[str, ...]:
    return tuple(f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(86_400))


def encode_ready(dialect: str, rows: list[Row], *, text: bool = False) -> Any:
    """Rows of :class:`Formats` values in the form :meth:`BulkLoader.write` takes (COPY text: each
    value's ``str``, no escaping: the generators' words hold no tabs, newlines or backslashes).

    ``text``: every value is a ``str`` already (numbers through ``Formats.number``), none needs one.
    """
    if dialect != "postgresql":
        return rows
    if text:
        return "".join(["\t".join(row) + "\n" for row in rows]).encode("utf-8")
    return "".join(["\t".join(map(str, row)) + "\n" for row in rows]).encode("utf-8")


def encode(dialect: str, name: str, columns: Sequence[str], rows: list[Row]) -> Any:
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


IMAGE_TABLES = ("customer", "customer_phone", "interaction", "ticket", "ticket_event", "follow_up", "audit_event")


def sqlite_image(tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]], version: int) -> bytes:
    """Encoded SQLite rows as a serialized in-memory database, one untyped table per name.

    A worker sends this instead of the rows: one bytes object pickles and unpickles in
    milliseconds where a million tuples take seconds on each side, and the parent copies the
    rows across with ``INSERT … SELECT`` inside SQLite. The tables are untyped, so values stay
    as bound: the target columns' affinity applies on the copy, as on a direct insert.

    Every image has the same schema (all of ``IMAGE_TABLES``, created first, in that order, so
    each table starts on the same page) and its own ``version`` (1…2**31-1) as schema cookie:
    the parent loads images one after the other into one attached schema inside a transaction,
    and SQLite keeps the attached schema it read first.
    """
    image = sqlite3.connect(":memory:")
    try:
        for name in IMAGE_TABLES:
            image.execute(f'CREATE TABLE "{name}" ({", ".join(_table(name).c.keys())})')
        for name, columns, rows in tables:
            image.executemany(f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
                              rows)
        image.execute(f"PRAGMA schema_version={int(version)}")
        image.commit()
        return image.serialize()
    finally:
        image.close()


class BulkLoader:
    """Writes encoded rows into the tables of one connection, in one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.dialect = connection.dialect.name
        # The DBAPI connection: psycopg's (COPY) or sqlite3's (executemany, images), by dialect, hence
        # Any. SQLAlchemy types it Optional, but a connection in use always has one.
        self.driver: Any = connection.connection.driver_connection
        self.counts: dict[str, int] = {}
        self._dropped: list[Index] = []
        self._image: bytes | None = None

    def drop_indexes(self, names: Iterable[str]) -> None:
        for name in names:
            for index in sorted(_table(name).indexes, key=lambda ix: ix.name or ""):
                index.drop(self.conn)
                self._dropped.append(index)

    def rebuild_indexes(self, names: Iterable[str] | None = None) -> None:
        """The dropped indexes of the tables ``names`` (default: all)."""
        wanted = None if names is None else set(names)
        # ix.table: Optional for an Index not yet on a table; these came from their tables' indexes.
        for index in [ix for ix in self._dropped
                      if wanted is None or (ix.table is not None and ix.table.name in wanted)]:
            index.create(self.conn)
            self._dropped.remove(index)

    def restore_indexes(self) -> None:
        """After a failed load: the dropped indexes that a rollback did not bring back."""
        for index in self._dropped:
            index.create(self.conn, checkfirst=True)
        self._dropped.clear()

    def insert(self, name: str, columns: Sequence[str], rows: list[Row]) -> int:
        return self.write(name, columns, encode(self.dialect, name, columns, rows), len(rows))

    def write(self, name: str, columns: Sequence[str], payload: Any, count: int) -> int:
        if self.dialect == "postgresql":
            cols = ", ".join(f'"{c}"' for c in columns)
            with self.driver.cursor() as cursor, cursor.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                copy.write(payload)
        elif isinstance(payload, bytes):
            self._copy_image(name, columns, payload)
        else:
            sql = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            cursor = self.driver.cursor()
            for start in range(0, len(payload), BATCH):
                cursor.executemany(sql, payload[start:start + BATCH])
            cursor.close()
        self.counts[name] = self.counts.get(name, 0) + count
        return count

    def _copy_image(self, name: str, columns: Sequence[str], image: bytes) -> None:
        """SQLite: rows from a :func:`sqlite_image` into ``name``, within the load's transaction."""
        if image is not self._image:  # the same image holds several tables
            if self._image is None:
                self.driver.execute("ATTACH DATABASE ':memory:' AS seed_image")
            self.driver.deserialize(image, name="seed_image")
            self._image = image
        cols = ", ".join(columns)
        self.driver.execute(f'INSERT INTO main."{name}" ({cols}) SELECT {cols} FROM seed_image."{name}"')

    def close_image(self) -> None:
        """Outside a transaction: the attached image schema goes (DETACH is refused inside one)."""
        if self._image is not None:
            self.driver.execute("DETACH DATABASE seed_image")
            self._image = None

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
