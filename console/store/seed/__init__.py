"""`calldesk seed`: realistic, deterministic demo data, loaded in bulk.

The data is a function of (seed, customer count, agent count, ``now``): the same arguments
give the same rows, ids included. Customers are generated and written in chunks so that a
million of them never sit in memory at once; a sample of them (the "pool") gets a contact
history. See ``docs`` of ``calldesk seed --help`` for the demo accounts and numbers.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from console.errors import CalldeskError
from console.store.models import Customer, Staff
from console.store.seed import campaigns as campaign_data
from console.store.seed.bulk import BulkLoader, wipe
from console.store.seed.customers import CUSTOMER_COLUMNS, PHONE_COLUMNS, CustomerMaker, Profile
from console.store.seed.demo import COMPLAINT_DEMO_ID, DEMO_CUSTOMERS, RESERVED_NUMBERS, VIP_DEMO_ID
from console.store.seed.history import (
    AUDIT_COLUMNS, FOLLOWUP_COLUMNS, INTERACTION_COLUMNS, TICKET_COLUMNS, TICKET_EVENT_COLUMNS, HistoryMaker,
)
from console.store.seed.people import NameMaker, PhoneMaker
from console.store.seed.staff import DEMO_PASSWORD, STAFF_COLUMNS, account_manager_count, make_staff

# Children first: the order in which a re-seed deletes.
TABLES = ("audit_event", "ticket_event", "follow_up", "ticket", "interaction", "lead", "campaign",
          "do_not_call", "customer_phone", "customer", "staff")
BULK_TABLES = ("customer", "customer_phone", "interaction", "ticket", "ticket_event", "follow_up",
               "lead", "audit_event")
CHUNK = 50_000
POOL_MAX = 150_000
MAX_INTERACTIONS = 300_000
MAX_AGENTS = 99

__all__ = ["DEMO_PASSWORD", "SeedReport", "seed_database"]


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    password: str = DEMO_PASSWORD

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def seed_database(engine: Engine, settings, *, customers: int = 10_000, seed: int = 1,
                  now: dt.datetime | None = None, agents: int = 20, replace: bool = False,
                  progress: Callable[[str], None] | None = None) -> SeedReport:
    """Fill an upgraded, empty database (``replace`` empties it first)."""
    if customers < len(DEMO_CUSTOMERS):
        raise CalldeskError(f"--customers must be at least {len(DEMO_CUSTOMERS)} (the demo customers), got {customers}")
    if not 1 <= agents <= MAX_AGENTS:
        raise CalldeskError(f"--agents must be between 1 and {MAX_AGENTS} (usernames agent1001…agent1099), got {agents}")
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    say = progress or (lambda _msg: None)
    report = SeedReport()
    clock = _Clock(report)
    _make_room(engine, replace)
    clock.lap("wipe")

    rng = random.Random(seed)
    names = NameMaker(rng)
    staff_rows, plan = make_staff(names, seed, agents, account_manager_count(customers))
    clock.lap("staff (password hashing)")
    maker = CustomerMaker(rng, names, PhoneMaker(rng, set(RESERVED_NUMBERS)), settings=settings, now=now,
                          managers=plan.managers)
    history = HistoryMaker(rng, settings, now, plan, {r[0]: r[4] for r in staff_rows if r[4]},
                           campaign_data.CALLBACK)
    pool_share = min(1.0, POOL_MAX / customers)

    with engine.connect() as conn:
        loader = BulkLoader(conn)
        if loader.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # rows are consistent by construction
        loader.drop_indexes(BULK_TABLES)
        loader.insert("staff", STAFF_COLUMNS, staff_rows)
        demo, pool, dnc_numbers = [], [], []
        for start in range(1, customers + 1, CHUNK):
            rows, phones = [], []
            for cid in range(start, min(start + CHUNK, customers + 1)):
                fixed = DEMO_CUSTOMERS[cid - 1] if cid <= len(DEMO_CUSTOMERS) else None
                row, phone_rows, profile = maker.make(cid, fixed)
                rows.append(row)
                phones.extend(phone_rows)
                if fixed is not None:
                    demo.append(profile)
                elif rng.random() < pool_share:
                    pool.append(profile)
                if profile.do_not_call and profile.phones:
                    dnc_numbers.append((profile.phones[0], cid))
            loader.insert("customer", CUSTOMER_COLUMNS, rows)
            loader.insert("customer_phone", PHONE_COLUMNS, phones)
            say(f"customers {min(start + CHUNK - 1, customers):,}/{customers:,}")
        clock.lap("customers and phones")

        loader.insert("campaign", campaign_data.CAMPAIGN_COLUMNS, campaign_data.campaigns(settings, now))
        loader.insert("lead", campaign_data.LEAD_COLUMNS, campaign_data.leads(rng, now, pool, demo))
        loader.insert("do_not_call", campaign_data.DNC_COLUMNS, campaign_data.do_not_call(dnc_numbers, now))
        made = history.calls(pool, min(2 * customers, MAX_INTERACTIONS), demo)
        history.demo_extras(demo[VIP_DEMO_ID - 1], demo[COMPLAINT_DEMO_ID - 1])
        clock.lap("history (generate)")
        loader.insert("interaction", INTERACTION_COLUMNS, made.interactions)
        loader.insert("ticket", TICKET_COLUMNS, made.tickets)
        loader.insert("ticket_event", TICKET_EVENT_COLUMNS, made.ticket_events)
        loader.insert("follow_up", FOLLOWUP_COLUMNS, made.followups)
        loader.insert("audit_event", AUDIT_COLUMNS, made.audit)
        clock.lap("history (load)")
        say("rebuilding indexes")
        loader.rebuild_indexes()
        loader.reset_sequences(TABLES)
        conn.commit()
        clock.lap("indexes")
        if loader.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            _check_foreign_keys(conn)
        loader.analyze()
        conn.commit()
        clock.lap("check and analyze")
        report.counts = dict(loader.counts)
    return report


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


def _check_foreign_keys(conn) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if broken:
        raise RuntimeError(f"seed produced rows with broken foreign keys: {broken}")
