"""A lease: one server at a time does a job that must not run twice (the outbound dialer).

Several `calldesk serve` on one PostgreSQL each follow the PBX, pop their own consoles and
record (idempotently); but two dialers pacing one campaign would each dial for the same free
agents. The dialer therefore runs its rounds only while it holds the ``dialer`` lease.

On PostgreSQL the lease is a session advisory lock (``pg_try_advisory_lock``) on a connection of
its own, kept out of the pool's rotation: it is released by PostgreSQL itself when the holder's
process dies (its connection closes), and, when the holder hangs, by ``idle_session_timeout``:
the holder confirms the lock (a query on that connection) before every round and at least every
``check_s``, so a live holder's session is never idle that long, and a frozen one's is closed by
the server after ``3 * check_s``. A holder that comes back from a freeze finds its connection
gone at its next confirmation, before it dials again. A server that waits tries again every
``check_s``. ``docs/bus.md`` has the takeover times measured (about 0.05 s after a crash, 1.7 s
after a hang, with a 2 s check).

On SQLite (one desk, one server) there is nobody to share with: the lease is always held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from console.server.bus import Bus

log = logging.getLogger(__name__)
_KEY = "hashtext('calldesk:' || current_schema() || ':' || :name)"
"""The lock's key: advisory locks are the database's, and one database may hold several stores
(one schema each: the tests do): a lease is its store's."""


class Lease(Protocol):
    name: str

    async def acquire(self) -> bool:
        """Hold the lease if it is free (or still held); whether it is held now."""
        ...

    async def release(self) -> None: ...


class SoleLease:
    """The lease of a server that is alone by construction (a SQLite store)."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def acquire(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLease:
    """A PostgreSQL session advisory lock, on a connection of its own."""

    def __init__(self, engine: Engine, name: str, check_s: float = 2.0) -> None:
        self.name, self.check_s = name, check_s
        self._engine = engine
        self._conn: Connection | None = None

    async def acquire(self) -> bool:
        return await asyncio.to_thread(self._acquire)

    def _acquire(self) -> bool:
        if self._conn is not None:
            try:  # still ours? A query on the lock's own session says so (and keeps it from idling)
                self._conn.execute(text("SELECT 1")).scalar()
                return True
            except Exception as exc:  # the session is gone, and the lock with it
                why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                log.warning("lease %s lost: %s", self.name, why)
                self._drop()
        try:
            # Autocommit: no transaction stays open on it, so the session reads "idle" between
            # confirmations and idle_session_timeout applies when its holder freezes.
            conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:  # the database is away: not held, try again later
            return False
        try:
            timeout_ms = int(self.check_s * 3 * 1000)
            conn.execute(text(f"SET idle_session_timeout = {timeout_ms}"))
            held = bool(conn.execute(text(f"SELECT pg_try_advisory_lock({_KEY})"), {"name": self.name}).scalar())
        except Exception:  # the session failed: not held, and nothing kept
            conn.invalidate()
            conn.close()
            return False
        if not held:
            conn.close()
            return False
        self._conn = conn
        log.info("lease %s taken", self.name)
        return True

    async def release(self) -> None:
        await asyncio.to_thread(self._release)

    def _release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(Exception):  # gone already: so is the lock
            self._conn.execute(text(f"SELECT pg_advisory_unlock({_KEY})"), {"name": self.name})
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            # Never back to the pool: its session has idle_session_timeout set, and maybe the lock.
            conn.invalidate()
            conn.close()


def lease_for(engine: Engine, name: str, check_s: float = 2.0, bus: Bus | None = None) -> Lease:
    """The lease ``name``: with a bus, its key-value bucket (console/server/kv_lease.py); else on
    this store, an advisory lock on PostgreSQL, always held on SQLite."""
    if bus is not None:
        from console.server.kv_lease import KvLease

        return KvLease(bus, name)
    if engine.dialect.name == "postgresql":
        return AdvisoryLease(engine, name, check_s)
    return SoleLease(name)
