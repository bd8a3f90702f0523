"""The API's sessions: in the store, shared by every server of the centre, cached in each.

A token is 256 random bits. The store keeps only its SHA-256 (table ``api_session``,
console/store/api_sessions.py) with the account, the login's time and address, and the expiry:
``server.token_ttl_min`` after the login, never renewed. So any server on the database accepts
any console's token, and a restart logs nobody out.

Each server caches the sessions it has used, so that a request or a WebSocket's auth costs no
query (PostgreSQL is shared by every agent of the centre):

* expiry is exact: the cached ``expires_at`` is judged at every use, by this server's clock (the
  servers' clocks must agree: NTP);
* a logout, a revocation or an account edit made on this server counts here at once; one made
  on another server (a disabled account included) counts here within :data:`RECHECK`: a cached
  session read longer ago than that is read again before it is used;
* when the database cannot be reached, or does not answer within :data:`LOOKUP_WAIT_S`, a
  session read within :data:`OUTAGE_GRACE` keeps working from the cache (an outage must not log
  the floor out mid-call; only what another server revoked in the last :data:`RECHECK` before it
  can be missed). A token this server has not read lately is answered 503 ``unavailable``, not
  401: the console keeps its token and tries again. While the outage lasts, one lookup at a time
  goes to the database. A logout or revocation made during the outage ends the session here at
  once and reaches the store with the next :meth:`TokenStore.purge` that finds it back.

:meth:`TokenStore.purge` runs on the server's minutely timer: expired rows go.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from console.i18n import t
from console.server.errors import ApiError
from console.server.users import AuthUser, user_from_staff
from console.store import api_sessions
from console.store.api_sessions import UserEnd
from console.store.outage import OutageNotice, unreachable

log = logging.getLogger(__name__)
T = TypeVar("T")

RECHECK = timedelta(seconds=5)
"""How long a server uses a session it read without reading it again: the bound on how late a
logout, a revocation or an account edit made on another server counts here."""
OUTAGE_GRACE = timedelta(minutes=30)
"""While the database is unreachable, a session read within this keeps working (to its expiry)."""
LOOKUP_WAIT_S = 2.0
"""A lookup slower than this counts as an outage for the request waiting on it (it goes on)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionsUnavailable(ApiError):
    """Only the unreachable database could tell whether this token is live (503 ``unavailable``)."""

    def __init__(self) -> None:
        super().__init__(503, "unavailable", t("server.error.database_down"))


class _Down(Exception):
    """A lookup failed for an outage, or was not answered in time."""


@dataclass(frozen=True, slots=True)
class _Cached:
    user: AuthUser
    created_at: datetime
    expires_at: datetime
    read_at: datetime


class TokenStore:
    def __init__(self, engine: Callable[[], Any], ttl: timedelta, clock: Callable[[], datetime], *,
                 recheck: timedelta = RECHECK, outage_grace: timedelta = OUTAGE_GRACE,
                 lookup_wait_s: float = LOOKUP_WAIT_S) -> None:
        """``engine``: returns the store's engine (a getter, so that a test can take the database
        away); ``clock``: aware UTC, the app's."""
        self._engine, self._ttl, self._clock = engine, ttl, clock
        self._recheck, self._grace, self._wait_s = recheck, outage_grace, lookup_wait_s
        self._cache: dict[str, _Cached] = {}
        self._lookups: dict[str, asyncio.Task[_Cached | None]] = {}
        # Bumped by every revocation or edit made here: a lookup that overlapped one is not cached.
        self._generation = 0
        # Ended here during an outage, not yet in the store: refused here until written.
        self._unsaved_tokens: dict[str, datetime] = {}  # hash -> when it has expired anyway
        self._unsaved_users: list[UserEnd] = []
        self._outage = OutageNotice("sessions", log)

    async def issue(self, user: AuthUser, address: str = "") -> tuple[str, datetime]:
        """A new session of ``user`` (logging in from ``address``): its token and expiry."""
        token = secrets.token_urlsafe(32)
        key, now = token_hash(token), self._clock()
        expires_at = now + self._ttl
        await self._db(api_sessions.add, key, user.id, now, expires_at, address)
        self._cache[key] = _Cached(user, now, expires_at, read_at=now)
        return token, expires_at

    async def resolve(self, token: str) -> AuthUser | None:
        """The user of a live token; None for one unknown, expired, revoked, or whose account is
        disabled. Raises :class:`SessionsUnavailable` when only the unreachable store could tell."""
        key, now = token_hash(token), self._clock()
        if key in self._unsaved_tokens:
            return None
        entry = self._cache.get(key)
        if entry is not None and entry.expires_at <= now:
            del self._cache[key]
            return None
        if entry is None or not entry.read_at <= now < entry.read_at + self._recheck:
            entry = await self._fresh(key, entry, now)
        if entry is None or entry.expires_at <= now or any(_ends(u, key, entry) for u in self._unsaved_users):
            return None
        return entry.user

    async def revoke(self, token: str) -> None:
        await self._end([token_hash(token)], [])

    async def revoke_user(self, user_id: int, keep: str | None = None) -> int:
        """End every session of a user (disabled, or given a new password), except the token
        ``keep`` (an administrator resetting their own password stays logged in); how many rows
        went (0 when the store is down: they go when it is back)."""
        return await self._end([], [UserEnd(user_id, token_hash(keep) if keep else None)])

    def update_user(self, user: AuthUser) -> None:
        """Sessions of this user see an edited account at once here (a new role, extension or
        queues decides their next request); other servers read it within :data:`RECHECK`."""
        self._generation += 1
        for key, entry in list(self._cache.items()):
            if entry.user.id == user.id:
                self._cache[key] = replace(entry, user=user)

    async def purge(self) -> int:
        """Write the revocations an outage held back, forget expired sessions here and delete
        them from the store; how many rows went. An outage is logged (once) and tried next time."""
        now = self._clock()
        for key in [k for k, e in self._cache.items() if e.expires_at <= now]:
            del self._cache[key]
        self._unsaved_tokens = {k: gone for k, gone in self._unsaved_tokens.items() if gone > now}
        self._unsaved_users = [u for u in self._unsaved_users if u.until is None or u.until + self._ttl > now]
        hashes, users = list(self._unsaved_tokens), list(self._unsaved_users)
        try:
            ended = await self._write_ends(hashes, users) if hashes or users else 0
            for key in hashes:
                self._unsaved_tokens.pop(key, None)
            self._unsaved_users = [u for u in self._unsaved_users if u not in users]
            return ended + await self._db(api_sessions.purge, now)
        except SQLAlchemyError as exc:
            if not unreachable(exc):
                raise
            return 0

    async def _end(self, hashes: list[str], users: list[UserEnd]) -> int:
        try:
            return await self._write_ends(hashes, users)
        except SQLAlchemyError as exc:
            if not unreachable(exc):
                raise
        now = self._clock()
        for key in hashes:
            self._unsaved_tokens[key] = now + self._ttl
        # Saved late, they must spare the logins made after now.
        self._unsaved_users.extend(replace(u, until=now) for u in users)
        return 0

    async def _write_ends(self, hashes: list[str], users: list[UserEnd]) -> int:
        self._forget(hashes, users)
        try:
            return await self._db(api_sessions.end, hashes, users)
        finally:
            self._forget(hashes, users)  # a lookup may have read the rows while they were deleted

    def _forget(self, hashes: Iterable[str], users: list[UserEnd]) -> None:
        self._generation += 1
        for key in hashes:
            self._cache.pop(key, None)
        for key, entry in list(self._cache.items()):
            if any(_ends(u, key, entry) for u in users):
                del self._cache[key]

    async def _fresh(self, key: str, cached: _Cached | None, now: datetime) -> _Cached | None:
        usable = cached is not None and now - cached.read_at < self._grace
        try:
            # While the store is down, a session still in its grace does not wait for it.
            return await self._lookup(key, wait=not (usable and self._outage.down))
        except _Down:
            if usable:
                return cached
            raise SessionsUnavailable() from None

    async def _lookup(self, key: str, *, wait: bool) -> _Cached | None:
        """The session as the store has it now (cached by the way); raises _Down when the store
        is down, slow, or (``wait`` false) not asked by this request."""
        task = self._lookups.get(key)
        if task is None and not (self._outage.down and self._lookups):
            task = self._lookups[key] = asyncio.create_task(self._read(key))
            task.add_done_callback(functools.partial(self._lookup_done, key))
        if task is None or not wait:
            raise _Down  # while the store is down one lookup at a time probes it
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._wait_s)
        except TimeoutError:
            self._outage.failed(TimeoutError(f"no answer within {self._wait_s:g} s"))
            raise _Down from None

    def _lookup_done(self, key: str, task: asyncio.Task[_Cached | None]) -> None:
        self._lookups.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: the waiters may all have given up on it

    async def _read(self, key: str) -> _Cached | None:
        entry = None
        for _ in range(3):
            generation, now = self._generation, self._clock()
            try:
                row = await self._db(api_sessions.find, key, now)
            except SQLAlchemyError as exc:
                if unreachable(exc):
                    raise _Down from exc
                raise
            entry = None if row is None else _Cached(user_from_staff(row), row.created_at, row.expires_at, now)
            if generation == self._generation:
                if entry is None:
                    self._cache.pop(key, None)
                else:
                    self._cache[key] = entry
                return entry
        return entry  # revocations here overlapped every read: good for this request, not kept

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(engine, *args)`` in a worker thread, the outage noticed (said once, not per try)."""
        try:
            result = await asyncio.to_thread(fn, self._engine(), *args)
        except SQLAlchemyError as exc:
            if unreachable(exc):
                self._outage.failed(exc)
            raise
        self._outage.succeeded()
        return result


def _ends(end: UserEnd, key: str, entry: _Cached) -> bool:
    return (entry.user.id == end.staff_id and key != end.keep
            and (end.until is None or entry.created_at <= end.until))
