"""Telling a database outage from a failing statement, and saying so once rather than per try.

``unreachable(exc)``: the error says the database cannot be reached (connection refused, lost,
invalidated), not that a statement was wrong. ``OutageNotice``: for a loop that retries (the
dialer's round every second, the outbox's drain): one warning when the outage starts, one when
it ends with how long it lasted and how many tries failed; no traceback per try (a 20 s cut once
filled the log with 61 of them).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError


def unreachable(exc: BaseException) -> bool:
    """``exc`` says the database is unreachable, not that a statement was wrong."""
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class OutageNotice:
    """The outage of the database as one loop sees it: said when it starts and when it ends."""

    def __init__(self, who: str, log: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        self._who, self._log, self._clock = who, log, clock
        self._since: float | None = None
        self.failures = 0
        """Tries that failed in the current outage (0 when the database is up)."""

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        self.failures += 1
        if self._since is None:
            self._since = self._clock()
            self._log.warning("%s: the database is unreachable (%s); retrying, its return will be logged",
                              self._who, first_line(exc))

    def succeeded(self) -> None:
        if self._since is None:
            return
        self._log.warning("%s: the database is back after %.1f s (%d tries failed)", self._who,
                          self._clock() - self._since, self.failures)
        self._since, self.failures = None, 0
