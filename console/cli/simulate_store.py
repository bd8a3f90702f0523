"""What `calldesk simulate` takes from the store: callers (number, account, tier) and the agents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.errors import CalldeskError

if TYPE_CHECKING:
    from console.config import Settings
    from telephony.simulator.center import Agent
    from telephony.simulator.traffic import Customer as Caller

MAX_CALLERS = 20_000


def national(e164: str) -> str:
    """The number as the carrier presents it to Asterisk: +8613800138000 -> 13800138000, +86211234… -> 0211234…"""
    if e164.startswith("+86"):
        rest = e164[3:]
        return rest if rest.startswith("1") else "0" + rest
    return e164.lstrip("+")


def read_population(settings: Settings, url: str | None, agents: int | None
                    ) -> tuple[list[Caller], list[Agent] | None, str]:
    """(customers, roster or None, a note for the user). A missing or empty store is not an error:
    the simulator then runs with unknown callers and generated agents."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from console.crm.names import pinyin_of
    from console.store.db import open_engine
    from console.store.models import Customer, CustomerPhone, Staff
    from telephony.simulator.center import RINGALL_TEAM, Agent
    from telephony.simulator.traffic import Customer as Caller

    db_url = url or settings.database.url.get_secret_value()
    missing = _missing_sqlite_file(db_url)
    if missing:
        return [], None, f"store not used (no database file {missing}: run `calldesk db upgrade` and `calldesk seed`)"
    vip_tiers = {t.name for t in settings.tiers if t.vip}
    try:
        engine = open_engine(db_url)
    except CalldeskError as exc:
        return [], None, f"store not used ({exc})"
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(CustomerPhone.e164, Customer.client_no, Customer.tier)
                .join(Customer, Customer.id == CustomerPhone.customer_id)
                .where(CustomerPhone.valid).limit(MAX_CALLERS)
            ).all()
            staff = conn.execute(
                select(Staff.extension, Staff.name, Staff.queues)
                .where(Staff.role == "agent", Staff.extension.is_not(None), Staff.active)
                .order_by(Staff.extension)
            ).all()
    except SQLAlchemyError as exc:
        return [], None, f"store not used ({type(exc).__name__}: {str(exc).splitlines()[0]})"
    finally:
        engine.dispose()
    callers = [Caller(national(e164), client_no, "vip" if tier in vip_tiers else "") for e164, client_no, tier in rows]
    roster = None
    if staff:
        chosen = staff[:agents] if agents else staff
        roster = [
            Agent(ext, name, pinyin_of(name).title() if name else ext, _queues(queues, i < RINGALL_TEAM))
            for i, (ext, name, queues) in enumerate(chosen)
        ]
        if agents and agents > len(roster):
            return callers, None, f"{len(callers)} caller numbers from the store; {agents} generated agents"
    return callers, roster, f"{len(callers)} caller numbers and {len(roster or [])} agents from the store"


def _queues(text: str | None, ringall: bool) -> tuple[str, ...]:
    """The staff member's queues, plus the ring-all line for the first few (the sales team)."""
    names = [q.strip() for q in (text or "retail,vip").split(",") if q.strip()]
    if ringall and "ringall" not in names:
        names.append("ringall")
    return tuple(names)


def _missing_sqlite_file(url: str) -> str | None:
    """Opening a SQLite URL creates the file; the simulator only reads, so check first."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # open_engine reports it
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return None if Path(parsed.database).exists() else parsed.database
