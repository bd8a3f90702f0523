"""`calldesk seed`: realistic, deterministic demo data, loaded in bulk.

The data is a function of (seed, customer count, agent count, ``now``): the same arguments
give the same rows, ids included, however many processes made them. Customers are made in
chunks by worker processes (each chunk from its own seeded generator) while the parent
writes the chunks already made; a sample of customers (the "pool") gets a contact history.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from sqlalchemy import Connection, Engine, func, select

from console.errors import CalldeskError
from console.store.models import Customer, Staff
from console.store.seed import campaigns as campaign_data
from console.store.seed.bulk import BulkLoader, wipe
from console.store.seed.chunks import CustomerJob, HistoryJob, make_customers, make_history
from console.store.seed.churn import seed_churn, seed_snapshots
from console.store.seed.demo import COMPLAINT_DEMO_ID, DEMO_CUSTOMERS, VIP_DEMO_ID
from console.store.seed.load_mode import bulk_load, check_foreign_keys
from console.store.seed.people import NameMaker
from console.store.seed.staff import DEMO_PASSWORD, STAFF_COLUMNS, account_manager_count, make_staff

if TYPE_CHECKING:
    from console.config import Settings

TABLES = ("qa_review", "aum_snapshot", "audit_event", "ticket_event", "follow_up", "ticket", "interaction", "lead",
          "campaign", "do_not_call", "customer_phone", "customer", "staff")
BULK_TABLES = ("customer", "customer_phone", "interaction", "ticket", "ticket_event", "follow_up",
               "lead", "audit_event")
CUSTOMER_TABLES = ("customer", "customer_phone", "lead")  # their indexes are built while the history is made
CHUNK = 50_000
POOL_MAX = 150_000
MAX_INTERACTIONS = 150_000
MAX_AGENTS = 99
# Foreign keys are checked after loads up to this size (tests, demos); the generator is the
# same at any size, and on a million rows the check costs seconds.
FK_CHECK_MAX = 200_000

__all__ = ["DEMO_PASSWORD", "SeedReport", "seed_database"]


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    password: str = DEMO_PASSWORD

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def seed_database(engine: Engine, settings: Settings, *, customers: int = 10_000, seed: int = 1,
                  now: dt.datetime | None = None, agents: int = 20, replace: bool = False,
                  workers: int | None = None, progress: Callable[[str], None] | None = None) -> SeedReport:
    """Fill an upgraded, empty database (``replace`` empties it first).

    ``workers``: processes making rows (default: one per CPU, none for small seeds).
    """
    if customers < len(DEMO_CUSTOMERS):
        raise CalldeskError(f"--customers must be at least {len(DEMO_CUSTOMERS)} (the demo customers), got {customers}")
    if not 1 <= agents <= MAX_AGENTS:
        raise CalldeskError(f"--agents must be between 1 and {MAX_AGENTS} (usernames agent1001…agent1099), "
                            f"got {agents}")
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    say = progress or (lambda _msg: None)
    report = SeedReport()
    clock = _Clock(report)
    _make_room(engine, replace)
    dialect = engine.dialect.name
    rng = random.Random(f"{seed}:staff")
    staff_rows, plan = make_staff(NameMaker(seed, rng), seed, agents, account_manager_count(customers))
    clock.lap("staff")
    jobs = [CustomerJob(seed, start, min(start + CHUNK, customers + 1), dialect, settings, now,
                        plan.managers, min(1.0, POOL_MAX / customers))
            for start in range(1, customers + 1, CHUNK)]
    if workers is None:
        workers = 0 if len(jobs) <= 2 else min(os.cpu_count() or 1, 4)

    with _executor(workers) as pool_exec, engine.connect() as conn:
        loader = BulkLoader(conn)
        with bulk_load(conn, loader, BULK_TABLES):
            loader.insert("staff", STAFF_COLUMNS, staff_rows)
            demo, pool, dnc_numbers = [], [], []
            for chunk in _map(pool_exec, make_customers, jobs):
                for part in chunk.tables:
                    loader.write(part.table, part.columns, part.payload, part.count)
                demo += chunk.demo
                pool += chunk.pool
                dnc_numbers += chunk.do_not_call
                say(f"customers {loader.counts['customer']:,}/{customers:,}")
            clock.lap("customers and phones")

            history = HistoryJob(seed, dialect, settings, now, plan, {r[0]: r[4] for r in staff_rows if r[4]},
                                 campaign_data.CALLBACK, pool, demo, min(2 * customers, MAX_INTERACTIONS),
                                 VIP_DEMO_ID, COMPLAINT_DEMO_ID)
            lead_rng = random.Random(f"{seed}:leads")
            loader.insert("campaign", campaign_data.CAMPAIGN_COLUMNS, campaign_data.campaigns(settings, now))
            loader.insert("lead", campaign_data.LEAD_COLUMNS, campaign_data.leads(lead_rng, now, pool, demo))
            loader.insert("do_not_call", campaign_data.DNC_COLUMNS, campaign_data.do_not_call(dnc_numbers, now))
            # The history is made here (the pool needs no pickling) while a thread has the customers'
            # indexes built, by SQLite without the GIL or by the PostgreSQL server: two cores busy.
            say("history, customer indexes")
            if _shareable(conn):
                with ThreadPoolExecutor(max_workers=1) as side:
                    indexed = side.submit(loader.rebuild_indexes, CUSTOMER_TABLES)
                    parts = make_history(history)
                    indexed.result()
            else:
                loader.rebuild_indexes(CUSTOMER_TABLES)
                parts = make_history(history)
            clock.lap("history and customer indexes")
            for part in parts:
                loader.write(part.table, part.columns, part.payload, part.count)
            say("rebuilding indexes")
            loader.rebuild_indexes()
            clock.lap("indexes")
            # Still in the load's transaction: on PostgreSQL the snapshots' scans of the customers took
            # ~1.2 s after the commit and ~0.3 s before it (probably the hint bits that the first
            # reader of committed rows sets, page by page); a failure rolls them back with the rest.
            seed_snapshots(conn, settings, now, COMPLAINT_DEMO_ID)
            loader.analyze(TABLES)
            loader.reset_sequences(TABLES)
            conn.commit()
        clock.lap("snapshots, analyze, commit")
        if customers <= FK_CHECK_MAX:
            check_foreign_keys(conn)
        seed_churn(conn, settings, now, customers)
        conn.commit()
        clock.lap("check and churn scores")
        report.counts = dict(loader.counts)
    return report


@contextmanager
def _executor(workers: int) -> Iterator[Executor | None]:
    if workers <= 0:
        yield None
        return
    # fork: the workers inherit the imported modules and start in milliseconds.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        yield executor


def _shareable(conn: Connection) -> bool:
    """Whether another thread may use the connection: pysqlite refuses unless check_same_thread is off,
    which SQLAlchemy does for database files, not for in-memory databases."""
    if conn.dialect.name != "sqlite":
        return True
    with ThreadPoolExecutor(max_workers=1) as probe:
        try:
            # cast: SQLAlchemy types it Optional, but a connection in use always has its DBAPI one.
            driver = cast(sqlite3.Connection, conn.connection.driver_connection)
            probe.submit(driver.execute, "SELECT 1").result()
        except sqlite3.ProgrammingError:
            return False
    return True


_Job = TypeVar("_Job")
_Made = TypeVar("_Made")


def _map(executor: Executor | None, fn: Callable[[_Job], _Made], jobs: list[_Job]) -> Iterator[_Made]:
    if executor is None:
        return map(fn, jobs)
    return executor.map(fn, jobs)


class _Clock:
    def __init__(self, report: SeedReport) -> None:
        self.report, self.mark = report, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.seconds[name] = round(now - self.mark, 2)
        self.mark = now


def _make_room(engine: Engine, replace: bool) -> None:
    with engine.connect() as conn:
        existing = conn.execute(select(func.count()).select_from(Customer)).scalar_one()
        staff = conn.execute(select(func.count()).select_from(Staff)).scalar_one()
    if existing or staff:
        if not replace:
            raise CalldeskError(
                f"the database already holds {existing:,} customers and {staff:,} staff: "
                "use `calldesk seed --replace` to delete everything and seed again")
        wipe(engine)
