"""Who may try a password, and what a failed try costs: throttling, lockout and their audit.

:class:`LoginGuard` is the service behind ``POST /api/login``. It receives its collaborators:
the engine, a :class:`~console.server.login_throttle.LoginThrottle` (pure, in memory: the
backoff of this process) and the clock. Per attempt:

1. the throttle decides whether the name and the address may try now; if not, the attempt is
   refused (audited ``login.refused``, reason ``throttled``) without reading a password;
2. a locked name (console/crm/login_locks.py, in the store) is refused the same way, with the
   same status and message, reason ``locked``: a locked account is not confirmed to exist, and
   made-up names lock too;
3. the password is checked with the slow KDF, against a dummy hash for a name no active account
   has, so that a wrong name and a wrong password cost the same and answer the same;
4. a failure is counted in the store (possibly locking the name) and audited ``login.failed``
   (and ``login.locked``); a success clears the name's count.

Database work runs in a worker thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from console.config.models import LoginSettings
from console.crm import login_locks
from console.server.login_throttle import LoginThrottle, retry_after
from console.server.users import AuthUser, check_password_sync
from console.store.db import session_scope


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """A user when the log-in succeeded; else ``retry_after`` seconds when it was refused
    (throttled or locked: 429), or neither (a wrong name or password: 401)."""

    user: AuthUser | None = None
    retry_after: int | None = None


class LoginGuard:
    def __init__(self, engine: Engine, throttle: LoginThrottle, clock: Callable[[], dt.datetime],
                 settings: LoginSettings) -> None:
        self._engine = engine
        self._throttle = throttle
        self._clock = clock
        self._lockout_after = settings.lockout_after
        self._window = dt.timedelta(minutes=settings.lockout_window_min)
        self._locked_retry = retry_after(settings.backoff_max_s)

    async def attempt(self, username: str, password: str, address: str) -> LoginOutcome:
        wait = self._throttle.begin(username, address)
        if wait > 0:
            seconds = retry_after(wait)
            await asyncio.to_thread(self._refused, username, address, "throttled", seconds)
            return LoginOutcome(retry_after=seconds)
        outcome = await asyncio.to_thread(self._check, username, password, address)
        if outcome.user is not None:
            self._throttle.succeeded(username, address)
        return outcome

    def _refused(self, username: str, address: str, reason: str, seconds: int) -> None:
        with session_scope(self._engine) as session:
            login_locks.record_attempt(session, login_locks.REFUSED, username, address, self._clock(),
                                       reason=reason, retry_after=seconds)

    def _check(self, username: str, password: str, address: str) -> LoginOutcome:
        with session_scope(self._engine) as session:
            locked = login_locks.is_locked(session, username)
        if locked:
            self._refused(username, address, "locked", self._locked_retry)
            return LoginOutcome(retry_after=self._locked_retry)
        user = check_password_sync(self._engine, username, password)
        now = self._clock()
        with session_scope(self._engine) as session:
            if user is not None:
                login_locks.clear(session, username)
                return LoginOutcome(user=user)
            locks = login_locks.record_failure(session, username, now, self._lockout_after, self._window)
            login_locks.record_attempt(session, login_locks.FAILED, username, address, now)
            if locks:
                login_locks.record_attempt(session, login_locks.LOCKED, username, address, now,
                                           failures=self._lockout_after)
        return LoginOutcome()
