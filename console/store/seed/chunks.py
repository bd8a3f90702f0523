"""The seed's units of work: chunks of customers (in worker processes), the history (in the parent).

Each chunk draws from its own generator, seeded from (seed, first customer id), so the
data does not depend on how many processes made it or in which order they finished.
Workers return rows already encoded for the target database (COPY text for PostgreSQL, an
image of an SQLite database for SQLite); the parent only writes them. The history samples
customers from every chunk: the parent makes it once they are all in, while the customers'
indexes are built.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.store.seed import bulk
from console.store.seed.customers import CUSTOMER_COLUMNS, PHONE_COLUMNS, CustomerMaker, Profile
from console.store.seed.demo import DEMO_CUSTOMERS, RESERVED_NUMBERS
from console.store.seed.history import (
    AUDIT_COLUMNS,
    FOLLOWUP_COLUMNS,
    INTERACTION_COLUMNS,
    TICKET_COLUMNS,
    TICKET_EVENT_COLUMNS,
    HistoryMaker,
)
from console.store.seed.people import NameMaker, PhoneMaker
from console.store.seed.staff import StaffPlan

if TYPE_CHECKING:
    from console.config import Settings


@dataclass(frozen=True)
class CustomerJob:
    seed: int
    start: int
    stop: int  # exclusive
    dialect: str
    settings: Settings
    now: dt.datetime
    managers: list[int]
    pool_share: float


@dataclass
class Encoded:
    """Rows of one table, encoded for the target database."""

    table: str
    columns: tuple[str, ...]
    payload: Any
    count: int


@dataclass
class CustomerChunk:
    tables: list[Encoded]
    demo: list[Profile] = field(default_factory=list)
    pool: list[Profile] = field(default_factory=list)
    do_not_call: list[tuple[str, int]] = field(default_factory=list)


def _encoded(dialect: str, table: str, columns: tuple[str, ...], rows: list[bulk.Row]) -> Encoded:
    return Encoded(table, columns, bulk.encode(dialect, table, columns, rows), len(rows))


def _ready(dialect: str, table: str, columns: tuple[str, ...], rows: list[bulk.Row], *, text: bool = False) -> Encoded:
    """Rows made of :class:`bulk.Formats` values (``text``: numbers too)."""
    return Encoded(table, columns, bulk.encode_ready(dialect, rows, text=text), len(rows))


def _packed(dialect: str, parts: list[Encoded], version: int) -> list[Encoded]:
    """SQLite: the parts' rows in one database image (see bulk.sqlite_image); COPY text is already compact."""
    if dialect != "sqlite":
        return parts
    image = bulk.sqlite_image([(p.table, p.columns, p.payload) for p in parts], version)
    return [Encoded(p.table, p.columns, image, p.count) for p in parts]


HISTORY_IMAGE = 2**31 - 1  # the history's image version; a chunk of customers' is its first id


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while making rows: the rows hold no cycles, and the collector
    would walk millions of tuples again and again (a fifth of a chunk's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def make_customers(job: CustomerJob) -> CustomerChunk:
    with _no_gc():
        return _make_customers(job)


def _make_customers(job: CustomerJob) -> CustomerChunk:
    rng = random.Random(f"{job.seed}:customers:{job.start}")
    maker = CustomerMaker(rng, NameMaker(job.seed, rng), PhoneMaker(job.seed, rng, RESERVED_NUMBERS),
                          settings=job.settings, now=job.now, managers=job.managers, formats=bulk.Formats(job.dialect))
    rows, phones = [], []
    chunk = CustomerChunk(tables=[])
    for cid in range(job.start, job.stop):
        fixed = DEMO_CUSTOMERS[cid - 1] if cid <= len(DEMO_CUSTOMERS) else None
        row, phone_rows, profile = maker.make(cid, fixed)
        rows.append(row)
        phones.extend(phone_rows)
        if fixed is not None:
            chunk.demo.append(profile)
        elif rng.random() < job.pool_share:
            chunk.pool.append(profile)
        if profile.do_not_call and profile.phones:
            chunk.do_not_call.append((profile.phones[0], cid))
    chunk.tables = _packed(job.dialect, [_ready(job.dialect, "customer", CUSTOMER_COLUMNS, rows, text=True),
                                         _ready(job.dialect, "customer_phone", PHONE_COLUMNS, phones, text=True)],
                           job.start)
    return chunk


@dataclass(frozen=True)
class HistoryJob:
    seed: int
    dialect: str
    settings: Settings
    now: dt.datetime
    staff: StaffPlan
    extensions: dict[int, str]
    callback_campaign: int
    pool: list[Profile]
    demo: list[Profile]
    calls: int
    vip_demo: int
    complaint_demo: int


def make_history(job: HistoryJob) -> list[Encoded]:
    with _no_gc():
        return _make_history(job)


def _make_history(job: HistoryJob) -> list[Encoded]:
    rng = random.Random(f"{job.seed}:history")
    maker = HistoryMaker(rng, job.settings, job.now, job.staff, job.extensions, job.callback_campaign,
                         bulk.Formats(job.dialect))
    made = maker.calls(job.pool, job.calls, job.demo)
    maker.demo_extras(job.demo[job.vip_demo - 1], job.demo[job.complaint_demo - 1])
    d = job.dialect
    # SQLite: an image too, although the parent makes the history: it does so while the customers'
    # indexes are being built, and copying from the image afterwards is quicker than inserting the rows.
    return _packed(d, [
        _ready(d, "interaction", INTERACTION_COLUMNS, made.interactions),
        _ready(d, "ticket", TICKET_COLUMNS, made.tickets),
        _ready(d, "ticket_event", TICKET_EVENT_COLUMNS, made.ticket_events),
        _ready(d, "follow_up", FOLLOWUP_COLUMNS, made.followups),
        _ready(d, "audit_event", AUDIT_COLUMNS, made.audit),
    ], HISTORY_IMAGE)
