"""Screen-pop enrichment: who is calling, and what the agent must see in the first second.

An IVR-entered account (channel variable ``CUSTOMER_ACCOUNT`` = client_no) wins over the number;
otherwise the number, normalised (``console.crm.phones.normalize``), is looked up through the
CustomerPhone.e164 index: one customer is a ``known`` match, several an ``ambiguous`` candidate
list, none ``unknown`` (with the number, so the agent can search or create).

The lookup blocks (database), so it runs off the event loop, in a thread of its own that keeps
one connection open in autocommit mode: no pool checkout, pre-ping, BEGIN or ROLLBACK round
trips, only the statements of pop_queries.py (built once). Building the frame from its result
is cheap and runs on the loop.
The lookup is done once per call and reused for every agent it rings (ring-all, transfers).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from console.config import Settings
from console.crm.customers import SummaryContext, summary_of
from console.crm.masking import mask_customer
from console.crm.phones import normalize
from console.server import pop_queries as q
from console.server import pop_queries_pg as qpg
from console.server.clock import Clock
from telephony.events import Ringing

ACCOUNT_VARS = ("CUSTOMER_ACCOUNT", "__CUSTOMER_ACCOUNT")
VERIFIED_VARS = ("CUSTOMER_VERIFIED", "__CUSTOMER_VERIFIED", "IVR_VERIFIED", "__IVR_VERIFIED")
FOLLOWUP_HORIZON = dt.timedelta(hours=24)
LOOKUP_TIMEOUT_S = 2.0
log = logging.getLogger(__name__)


def ivr_info(vars: dict[str, str]) -> dict[str, Any]:
    """The account keyed in the IVR and whether the IVR verified it (its PIN check)."""
    # Only digits are an account: the dialplan writes "unknown" when the caller keyed in none.
    account = next((vars[k].strip() for k in ACCOUNT_VARS if vars.get(k, "").strip().isdigit()), None)
    verified = any(vars.get(k, "").strip().lower() in ("1", "yes", "true", "ok") for k in VERIFIED_VARS)
    return {"account": account, "verified": bool(account) and verified}


@dataclass
class Lookup:
    match: str
    number: str
    customers: list[dict[str, Any]] = field(default_factory=list)
    """Unmasked summaries: one for ``known``, the candidates for ``ambiguous``."""
    contacts: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    by: str | None = None
    unavailable: bool = False
    """The database did not answer: the pop shows the number only."""

    @property
    def customer_id(self) -> int | None:
        return self.customers[0]["id"] if self.match == "known" else None


class PopBuilder:
    def __init__(self, engine: Engine, settings: Settings, clock: Clock) -> None:
        self._engine = engine
        self._settings = settings
        self._clock = clock
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screenpop")
        self._conn: Connection | None = None  # touched only in that thread
        self._pending: asyncio.Future[None] | asyncio.Future[Lookup] | None = None
        """The thread's current work (the warm-up, then each lookup in turn)."""

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._drop_connection)
        self._thread.shutdown(wait=True)

    async def warm_up(self, rounds: int = 8) -> None:
        """Open the pop's connection and run its statements a few times before the first call:
        psycopg prepares a statement on the server from its fifth execution, and the first
        plans and catalogue reads otherwise land on the first callers' pops."""
        def warm() -> None:
            with contextlib.suppress(SQLAlchemyError):
                for n in range(rounds):
                    self.lookup_sync(f"+8619{n:09d}", f"9{n:011d}")

        # A database that does not answer must not hold up start-up: a lookup meanwhile sees
        # the warm-up still pending and pops the number only, as for any hung lookup.
        self._pending = asyncio.get_running_loop().run_in_executor(self._thread, warm)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._pending), LOOKUP_TIMEOUT_S)

    async def lookup(self, caller: str, account: str | None) -> Lookup:
        """The lookup, or the number alone when the database fails or hangs (a blackholed
        host can keep a connect waiting for minutes: pops must not queue behind it)."""
        if self._pending is not None and not self._pending.done():
            return self._unavailable(caller, "the previous lookup is still waiting for the database")
        pending = asyncio.get_running_loop().run_in_executor(self._thread, self.lookup_sync, caller, account)
        self._pending = pending
        # Given up on after the timeout, its outcome is still collected (no "never retrieved").
        pending.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.wait_for(asyncio.shield(pending), LOOKUP_TIMEOUT_S)
        except TimeoutError:
            return self._unavailable(caller, f"no answer within {LOOKUP_TIMEOUT_S} s")
        except SQLAlchemyError as exc:
            return self._unavailable(caller, str(exc).splitlines()[0])

    @staticmethod
    def _unavailable(caller: str, why: str) -> Lookup:
        # The agent must still see the call ringing, with the number, during an outage.
        log.warning("screen-pop lookup failed, popping the number only: %s", why)
        phone = normalize(caller) if caller else None
        return Lookup("unknown", phone.e164 if phone and phone.e164 else caller, unavailable=True)

    def lookup_sync(self, caller: str, account: str | None) -> Lookup:
        phone = normalize(caller) if caller else None
        number = phone.e164 if phone is not None and phone.e164 else (caller or "")
        try:
            return self._lookup(self._connection(), number, account)
        except SQLAlchemyError:
            self._drop_connection()  # the next lookup reconnects
            raise

    def _lookup(self, conn: Connection, number: str, account: str | None) -> Lookup:
        if conn.dialect.name == "postgresql":
            return self._lookup_merged(conn, number, account)
        return self._lookup_portable(conn, number, account)

    def _lookup_portable(self, conn: Connection, number: str, account: str | None) -> Lookup:
        found, by = [], None
        if account:
            found, by = q.rows(conn.execute(q.BY_CLIENT_NO, {"client_no": account})), "account"
        if not found and number:
            found, by = q.rows(conn.execute(q.BY_PHONE, {"e164": number})), "phone"
        if not found:
            return Lookup("unknown", number)
        found = found[: q.MAX_CANDIDATES]
        ids = [c["id"] for c in found]
        phones: dict[int, list[Any]] = {i: [] for i in ids}
        for row in conn.execute(q.PHONES, {"ids": ids}):
            phones[row.customer_id].append(row)
        if len(found) > 1:
            complaints = {row.customer_id for row in conn.execute(q.OPEN_COMPLAINTS, {"ids": ids})}
            summaries = [self.summary(c, phones[c["id"]], c["id"] in complaints) for c in found]
            return Lookup("ambiguous", number, summaries, by=by)
        cid = ids[0]
        tickets = [_jsonable(r) for r in q.rows(conn.execute(q.OPEN_TICKETS, {"cid": cid}))]
        complaint = any(t["category"] == "complaint" for t in tickets)
        until = self._clock() + FOLLOWUP_HORIZON
        return Lookup(
            "known", number, [self.summary(found[0], phones[cid], complaint)],
            contacts=[{**r, "recording": bool(r["recording"])}
                      for r in (_jsonable(r) for r in q.rows(conn.execute(q.CONTACTS, {"cid": cid})))],
            tickets=tickets,
            followups=[_jsonable(r) for r in q.rows(conn.execute(q.DUE_FOLLOWUPS, {"cid": cid, "until": until}))],
            by=by,
        )

    def _lookup_merged(self, conn: Connection, number: str, account: str | None) -> Lookup:
        """PostgreSQL: one statement per lookup (pop_queries_pg.py); the same Lookup as _lookup."""
        until = self._clock() + FOLLOWUP_HORIZON
        found, by = [], None
        if account:
            found, by = q.rows(conn.execute(qpg.BY_CLIENT_NO, {"client_no": account, "until": until})), "account"
        if not found and number:
            found, by = q.rows(conn.execute(qpg.BY_PHONE, {"e164": number, "until": until})), "phone"
        if not found:
            return Lookup("unknown", number)
        rows = [qpg.split(row) for row in found[: q.MAX_CANDIDATES]]

        def phones(detail: dict[str, list[dict[str, Any]]]) -> list[SimpleNamespace]:
            return [SimpleNamespace(**p) for p in detail["phones"]]

        if len(rows) > 1:
            summaries = [self.summary(c, phones(d), any(t["category"] == "complaint" for t in d["tickets"]))
                         for c, d in rows]
            return Lookup("ambiguous", number, summaries, by=by)
        c, d = rows[0]
        complaint = any(t["category"] == "complaint" for t in d["tickets"])
        return Lookup("known", number, [self.summary(c, phones(d), complaint)], contacts=d["contacts"],
                      tickets=d["tickets"], followups=d["followups"], by=by)

    def summary(self, c: dict[str, Any], phones: list[Any], open_complaint: bool) -> dict[str, Any]:
        """The unmasked customer summary, built by the same rule as the profile route's."""
        manager = None
        if c["manager_id"] is not None:
            manager = SimpleNamespace(id=c["manager_id"], name=c["manager_name"], extension=c["manager_extension"])
        ctx = SummaryContext.from_settings(self._settings, self._clock())
        # The row and its phones as attributes, as summary_of reads a Customer and CustomerPhones.
        return summary_of(SimpleNamespace(**c), phones, manager, ctx, open_complaint)  # type: ignore[arg-type]

    def frame(self, lookup: Lookup, ringing: Ringing, verified: bool, ivr: dict[str, Any]) -> dict[str, Any]:
        """The body of one ``pop`` frame for one agent (masked unless the caller is verified)."""
        customers = [mask_customer(c, verified) for c in lookup.customers]
        known = lookup.match == "known"
        return {
            "call": ringing.call, "ringing": ringing.to_json(), "match": lookup.match,
            "number": lookup.number, "matched_by": lookup.by,
            "customer": customers[0] if known else None,
            "candidates": customers if lookup.match == "ambiguous" else [],
            "contacts": lookup.contacts, "tickets": lookup.tickets, "followups": lookup.followups,
            "verified": verified, "ivr": ivr, "unavailable": lookup.unavailable,
        }


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in row.items()}


def _json_value(value: object) -> object:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
