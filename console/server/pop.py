"""Screen-pop enrichment: who is calling, and what the agent must see in the first second.

An IVR-entered account (channel variable ``CUSTOMER_ACCOUNT`` = client_no) wins over the number;
otherwise the number, normalised (``console.crm.phones.normalize``), is looked up through the
CustomerPhone.e164 index: one customer is a ``known`` match, several an ``ambiguous`` candidate
list, none ``unknown`` (with the number, so the agent can search or create).

The lookup blocks (database), so it runs off the event loop, in a few threads of its own
(``LANES``), each keeping one connection open in autocommit mode: no pool checkout, pre-ping,
BEGIN or ROLLBACK round trips, only the statements of pop_queries.py (built once). Building the
frame from its result is cheap and runs on the loop.
The lookup is done once per call and reused for every agent it rings (ring-all, transfers).

A queue that rings twenty agents at once (callers were waiting, agents came free together) is
twenty calls to look up together: the server starts each lookup as soon as its ring arrives
(``prefetch``), before it gets to the ring in order, so they run side by side on the lanes
instead of one after the other (the twentieth agent's pop waited for nineteen lookups).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, TypeVar

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
LANES = 4  # lookups at once, each on its own connection
PREFETCH_KEEP_S = 10.0  # a prefetched lookup nobody took is dropped after this long
log = logging.getLogger(__name__)
_T = TypeVar("_T")


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
        self._threads = ThreadPoolExecutor(max_workers=LANES, thread_name_prefix="screenpop")
        self._local = threading.local()  # each lane's connection, touched only in its thread
        self._conns: set[Connection] = set()  # every lane's, closed at the end
        self._conns_lock = threading.Lock()
        self._running: dict[asyncio.Future[Any], float] = {}
        """Work given to the lanes and not finished (the warm-up, the lookups) -> loop time given."""
        self._prefetched: dict[tuple[str, str | None], tuple[asyncio.Future[Lookup], float]] = {}

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._local.conn = conn
            with self._conns_lock:
                self._conns.add(conn)
        return conn

    def _drop_connection(self) -> None:
        conn: Connection | None = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._conns_lock:
                self._conns.discard(conn)
            with contextlib.suppress(Exception):
                conn.close()

    async def close(self) -> None:
        def close_all() -> None:
            self._threads.shutdown(wait=True)
            with self._conns_lock:
                conns, self._conns = self._conns, set()
            for conn in conns:
                with contextlib.suppress(Exception):
                    conn.close()

        await asyncio.to_thread(close_all)

    def _give(self, fn: Callable[..., _T], *args: object) -> asyncio.Future[_T]:
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._threads, fn, *args)
        self._running[work] = loop.time()
        # Given up on after the timeout, its outcome is still collected (no "never retrieved").
        work.add_done_callback(lambda f: (self._running.pop(f, None), f.cancelled() or f.exception()))
        return work

    def _stuck(self) -> bool:
        """The database has left a lookup (or the warm-up) unanswered for the whole timeout."""
        now = asyncio.get_running_loop().time()
        return any(now - given >= LOOKUP_TIMEOUT_S for given in self._running.values())

    async def warm_up(self, rounds: int = 8) -> None:
        """Open each lane's connection and run its statements a few times before the first call:
        psycopg prepares a statement on the server from its fifth execution, and the first
        plans and catalogue reads otherwise land on the first callers' pops."""
        together = threading.Barrier(LANES)

        def warm() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                together.wait(LOOKUP_TIMEOUT_S)  # one warm-up a lane: each waits for the others
            with contextlib.suppress(SQLAlchemyError):
                for n in range(rounds):
                    self.lookup_sync(f"+8619{n:09d}", f"9{n:011d}")

        # A database that does not answer must not hold up start-up: lookups meanwhile wait for
        # a lane, and once the warm-up has waited for the whole timeout pop the number only.
        warming = [self._give(warm) for _ in range(LANES)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(asyncio.gather(*warming, return_exceptions=True)),
                                   LOOKUP_TIMEOUT_S * 2)

    def prefetch(self, caller: str, account: str | None) -> None:
        """Start looking this caller up now; the next ``lookup`` of the same caller and account
        takes the result (nothing new starts while one runs). For a ring the server will get to
        after others queued before it."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        for key in [k for k, (_, at) in self._prefetched.items() if now - at > PREFETCH_KEEP_S]:
            del self._prefetched[key]
        key = (caller, account)
        if key in self._prefetched or self._stuck():
            return
        self._prefetched[key] = (self._give(self.lookup_sync, caller, account), now)

    async def lookup(self, caller: str, account: str | None) -> Lookup:
        """The lookup, or the number alone when the database fails or hangs (a blackholed
        host can keep a connect waiting for minutes: pops must not queue behind it)."""
        key = (caller, account)
        prefetched = self._prefetched.get(key)
        timeout = LOOKUP_TIMEOUT_S
        if prefetched is not None and asyncio.get_running_loop().time() - prefetched[1] > PREFETCH_KEEP_S:
            del self._prefetched[key]  # nobody took it in time: it may be out of date
            prefetched = None
        if prefetched is not None:
            pending, given = prefetched
            timeout = max(0.0, LOOKUP_TIMEOUT_S - (asyncio.get_running_loop().time() - given))
        elif self._stuck():
            return self._unavailable(caller, "an earlier lookup is still waiting for the database")
        else:
            pending = self._give(self.lookup_sync, caller, account)
        try:
            return await asyncio.wait_for(asyncio.shield(pending), timeout)
        except TimeoutError:
            return self._unavailable(caller, f"no answer within {LOOKUP_TIMEOUT_S} s")
        except SQLAlchemyError as exc:
            return self._unavailable(caller, str(exc).splitlines()[0])
        finally:
            # Kept while it runs, so that the next agent's ring does not start another.
            if prefetched is not None and self._prefetched.get(key) is prefetched:
                del self._prefetched[key]

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
