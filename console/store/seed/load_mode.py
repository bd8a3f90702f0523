"""The seed's bulk-load mode: settings that speed a load up, for the load only, undone however it ends.

SQLite: no foreign-key checks while loading (checked afterwards), a big page cache, the rollback
journal in memory instead of the WAL and no fsync (``synchronous=OFF``): every page of a fresh
database is written once instead of twice (WAL, then checkpoint). A crash of the machine during a
seed can leave the file damaged, which costs nothing (seed again with ``--replace``); a load that
fails is rolled back. The secondary indexes are dropped inside the load's transaction, so a rollback
brings them back; they are also created again if missing, whatever the driver did with the DDL.

PostgreSQL: DDL is transactional; the index builds get 256 MB to sort in, and a superuser skips
the per-row foreign-key triggers (both ``SET LOCAL``: for this transaction only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from console.store.seed.bulk import BulkLoader


@contextmanager
def bulk_load(conn: Connection, loader: BulkLoader, tables: Iterable[str]) -> Iterator[None]:
    """Load in one transaction with ``tables``' secondary indexes dropped; the block commits.

    On an error the transaction is rolled back and the indexes are there again.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        _sqlite_load_pragmas(conn)
    try:
        if sqlite:
            # pysqlite opens a transaction only before DML: without this the DROP INDEXes
            # would commit on their own and a failed load would leave the tables without them.
            conn.exec_driver_sql("BEGIN")
        else:
            # The index rebuilds sort in memory instead of spilling to disk (the default is 64 MB).
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            if conn.exec_driver_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
                # The rows are consistent by construction (tests check the same seed against SQLite's
                # foreign_key_check).
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        loader.drop_indexes(tables)
        yield
    except BaseException:
        conn.rollback()
        loader.restore_indexes()
        conn.commit()
        raise
    finally:
        if sqlite:
            if conn.in_transaction():
                conn.commit()
            loader.close_image()
            _sqlite_usual_pragmas(conn)


def check_foreign_keys(conn: Connection) -> None:
    """SQLite: the foreign keys the load did not check, checked now (slow on millions of rows)."""
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise RuntimeError(f"seed produced rows with broken foreign keys: {broken}")


def _sqlite_load_pragmas(conn: Connection) -> None:
    # Outside any transaction: journal_mode and foreign_keys are ignored inside one.
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB: index builds sort in memory
    conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
    # Stays WAL if another connection holds the file: slower, no harm.
    conn.exec_driver_sql("PRAGMA journal_mode=MEMORY")
    conn.exec_driver_sql("PRAGMA synchronous=OFF")


def _sqlite_usual_pragmas(conn: Connection) -> None:
    """What console.store.db sets on every connection, and SQLite's defaults for the rest."""
    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
    conn.exec_driver_sql("PRAGMA cache_size=-2000")
    conn.exec_driver_sql("PRAGMA temp_store=DEFAULT")
    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    conn.commit()
