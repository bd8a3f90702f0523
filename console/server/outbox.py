"""The durable outbox: records bound for the database survive its outage and our restart.

Every record is first appended to a local SQLite journal (``synchronous=FULL``: on disk,
fsync'd, before we go on), then applied to the database in journal order, then deleted from
the journal. When the database is unreachable the records wait, in order, and a retry loop
applies them once it answers again; a restart finds them in the journal and carries on.

Applying is idempotent (each kind's applier checks its natural key inside the transaction), so
a crash between "applied" and "deleted" re-applies a record harmlessly: nothing is lost and
nothing is written twice. A record the database rejects for its content (not for being down)
is moved to the ``dead`` table with the error, so that one bad record cannot block the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from console.store.outage import unreachable

log = logging.getLogger(__name__)

Applier = Callable[[Connection, dict[str, Any]], object]  # what it returns is not read
"""(connection in an open transaction, payload) -> None; must be idempotent."""

APPLIERS: dict[str, Applier] = {}
RETRY_FIRST_S, RETRY_MAX_S = 0.2, 5.0


_A = TypeVar("_A", bound=Applier)


def applier(kind: str) -> Callable[[_A], _A]:
    """Register how records of ``kind`` are written (other modules add their own kinds)."""

    def register(fn: _A) -> _A:
        APPLIERS[kind] = fn
        return fn

    return register


class Outbox:
    def __init__(self, path: Path, engine: Engine, on_depth: Callable[[int], None] | None = None) -> None:
        self.path = Path(path)
        self._engine = engine
        self._on_depth = on_depth or (lambda n: None)
        self._db: sqlite3.Connection | None = None
        # Appends (from submit) and the drain run in different worker threads.
        self._lock = threading.Lock()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._stopping = asyncio.Event()
        self.depth = 0
        self.last_error: str | None = None

    # -- journal (blocking; called in a thread, one at a time) -----------------------------
    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " kind TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS dead (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
            " payload TEXT NOT NULL, error TEXT NOT NULL)"
        )
        self._db = db
        self.depth = db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def _append(self, kind: str, payload: str) -> None:
        assert self._db is not None
        with self._lock:
            self._db.execute("INSERT INTO outbox (kind, payload) VALUES (?, ?)", (kind, payload))

    def _head(self) -> tuple[int, str, str] | None:
        assert self._db is not None
        with self._lock:
            head: tuple[int, str, str] | None = self._db.execute(
                "SELECT seq, kind, payload FROM outbox ORDER BY seq LIMIT 1").fetchone()  # sqlite3's rows are Any
            return head

    def _apply_head(self) -> bool:
        """Apply the oldest record; False when the journal is empty. Raises when the DB is down."""
        head = self._head()
        if head is None:
            return False
        seq, kind, payload = head
        assert self._db is not None
        try:
            with self._engine.begin() as conn:
                APPLIERS[kind](conn, json.loads(payload))
        except Exception as exc:
            if unreachable(exc):
                with self._lock:
                    self._db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", (seq,))
                raise
            # The first line only: the statement follows it (the engine hides its parameters, a
            # caller's number among them); the record itself stays in the dead table.
            log.error("outbox record %s (%s) rejected by the database, moved to dead: %s", seq, kind,
                      str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            with self._lock:
                self._db.execute("INSERT INTO dead VALUES (?, ?, ?, ?)", (seq, kind, payload, repr(exc)))
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
        return True

    def dead(self) -> list[tuple[int, str, str, str]]:
        assert self._db is not None
        with self._lock:
            return self._db.execute("SELECT seq, kind, payload, error FROM dead ORDER BY seq").fetchall()

    # -- the event-loop side -----------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(self._open)
        self._on_depth(self.depth)
        self._task = asyncio.create_task(self._drain_forever(), name="outbox")
        self._wakeup.set()

    async def stop(self) -> None:
        # Not a cancel: a write running in a thread must finish before the journal closes.
        self._stopping.set()
        self._wakeup.set()
        if self._task is not None:
            await self._task
        if self._db is not None:
            await asyncio.to_thread(self._db.close)
            self._db = None

    async def submit(self, kind: str, payload: dict[str, Any]) -> None:
        """Journal a record (durable when this returns); it reaches the database in order."""
        if kind not in APPLIERS:
            raise ValueError(f"outbox: no applier for record kind {kind!r}")
        text = json.dumps(payload, ensure_ascii=False, default=str)
        await asyncio.to_thread(self._append, kind, text)
        self.depth += 1
        self._on_depth(self.depth)
        self._idle.clear()
        self._wakeup.set()

    async def drained(self) -> None:
        """Wait until every journalled record has been written (tests, shutdown)."""
        while self.depth:
            self._idle.clear()
            await self._idle.wait()

    async def _drain_forever(self) -> None:
        delay = RETRY_FIRST_S
        while not self._stopping.is_set():
            await self._wakeup.wait()
            self._wakeup.clear()
            if self._stopping.is_set():
                return
            try:
                while await asyncio.to_thread(self._apply_head):
                    self.depth -= 1
                    self._on_depth(self.depth)
                self.last_error = None
                delay = RETRY_FIRST_S
                self._idle.set()
            except Exception as exc:  # the database is down; keep the record
                self.last_error = str(exc).splitlines()[0]
                log.warning("database unreachable, %d record(s) kept in the outbox: %s", self.depth, self.last_error)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, RETRY_MAX_S)
                self._wakeup.set()
