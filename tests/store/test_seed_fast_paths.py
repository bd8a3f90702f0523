"""The bulk-load fast paths write the same rows as the loader they replaced, and leave the
schema whole when a load fails.

The fingerprints below were taken from the seed before issue 18's bulk-load work (commit
4fb10e0): every row of every table, ids included, in a canonical text form, on SQLite and
PostgreSQL alike. A change to what the seed *means* must update them knowingly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select
from sqlmodel import SQLModel

import console.store.seed as seed_module
from console.config import Settings
from console.store.seed import seed_database

NOW = dt.datetime(2026, 11, 22, 6, 30, tzinfo=dt.UTC)
COUNTS = {
    "api_session": 0,
    "audit_event": 430,
    "aum_snapshot": 102,
    "campaign": 3,
    "customer": 1000,
    "customer_phone": 1459,
    "do_not_call": 14,
    "follow_up": 319,
    "interaction": 2024,
    "lead": 183,
    "login_lock": 0,
    "qa_review": 0,
    "queue_log": 0,
    "reconcile_mark": 0,
    "staff": 34,
    "ticket": 157,
    "ticket_event": 543,
}
FINGERPRINTS = {
    "api_session": "e3b0c44298fc1c14",
    "audit_event": "bc09a01310c7b415",
    "aum_snapshot": "56ae3f36749a975e",
    "campaign": "c5f99cc70e216024",
    "customer": "db0440d87ca38e78",
    "customer_phone": "0c31e29581dde586",
    "do_not_call": "a7eddf7e74a30f57",
    "follow_up": "2d92a60969459088",
    "interaction": "8b0e3550a3c3754e",
    "lead": "e66ca57e6c269224",
    "login_lock": "e3b0c44298fc1c14",
    "qa_review": "e3b0c44298fc1c14",
    "queue_log": "e3b0c44298fc1c14",
    "reconcile_mark": "e3b0c44298fc1c14",
    "staff": "d92abc1e20525311",
    "ticket": "60e8ce0b57b3958a",
    "ticket_event": "f53487abffdf561f",
}


def _canonical(value) -> str:
    if isinstance(value, Decimal):
        return repr(float(value))  # 1.5 and 1.50 are the same amount
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return repr(value)


def fingerprints(engine) -> tuple[dict[str, int], dict[str, str]]:
    counts, digests = {}, {}
    with engine.connect() as conn:
        for name, table in sorted(SQLModel.metadata.tables.items()):
            digest, count = hashlib.sha256(), 0
            for row in conn.execute(select(table).order_by(*table.primary_key)):
                digest.update(("\x1f".join(_canonical(v) for v in row) + "\n").encode())
                count += 1
            counts[name], digests[name] = count, digest.hexdigest()[:16]
    return counts, digests


def test_seed_writes_the_rows_it_always_wrote(migrated_engine, monkeypatch) -> None:
    monkeypatch.setattr(seed_module, "CHUNK", 250)  # several chunks, made by worker processes
    seed_database(migrated_engine, Settings(), customers=1000, seed=18, now=NOW, workers=2)
    counts, digests = fingerprints(migrated_engine)
    assert counts == COUNTS
    assert digests == FINGERPRINTS


def _schema(engine) -> dict[str, tuple]:
    found = inspect(engine)
    return {name: (sorted((ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                          for ix in found.get_indexes(name)),
                   sorted(c["name"] for c in found.get_columns(name)))
            for name in sorted(found.get_table_names()) if name != "alembic_version"}


class _Failed(Exception):
    pass


def test_a_load_that_fails_midway_leaves_the_schema_whole(migrated_engine, monkeypatch) -> None:
    """The indexes dropped for the load are there again after a failure, the rows are not, and
    the database takes a seed again."""
    from console.store.seed.bulk import BulkLoader

    before = _schema(migrated_engine)
    write = BulkLoader.write

    def failing(self, name, *args, **kwargs):
        if name == "interaction":  # customers and phones are in, the history is being written
            raise _Failed("disk full")
        return write(self, name, *args, **kwargs)

    monkeypatch.setattr(BulkLoader, "write", failing)
    with pytest.raises(_Failed):
        seed_database(migrated_engine, Settings(), customers=300, seed=1, now=NOW, workers=0)
    assert _schema(migrated_engine) == before
    with migrated_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM customer").scalar_one() == 0
        if migrated_engine.dialect.name == "sqlite":  # the load's pragmas are undone
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    monkeypatch.setattr(BulkLoader, "write", write)
    assert seed_database(migrated_engine, Settings(), customers=300, seed=1, now=NOW).counts["customer"] == 300
    assert _schema(migrated_engine) == before
    if migrated_engine.dialect.name == "sqlite":
        with migrated_engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_an_in_memory_sqlite_database_takes_a_seed() -> None:
    """Its connection may not leave the thread that opened it: the customers' indexes are then built
    before the history is made instead of beside it."""
    from console.store.db import make_engine
    from console.store.migrate import upgrade

    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        before = _schema(engine)
        assert seed_database(engine, Settings(), customers=300, seed=1, now=NOW).counts["customer"] == 300
        assert _schema(engine) == before
    finally:
        engine.dispose()
