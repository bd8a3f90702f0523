"""Checks the server runs on a timer (every minute): follow-ups falling due, ticket SLA breaches,
expired sessions.

Each check is an async callable of its own object (console/server/reminders.py,
console/server/sla_watch.py, console/server/tokens.py) that never raises for a database outage
(it logs and tries again next time); this only runs them in turn until stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, interval_s: float, checks: Sequence[Callable[[], Awaitable[int]]],
                 first_s: float | None = None) -> None:
        """``first_s``: when the first round runs (default: after one interval)."""
        self._name, self._interval_s, self._checks = name, interval_s, tuple(checks)
        self._first_s = interval_s if first_s is None else first_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _forever(self) -> None:
        delay = self._first_s
        while True:
            await asyncio.sleep(delay)
            delay = self._interval_s
            for check in self._checks:
                try:
                    await check()
                except Exception:  # one broken check must not stop the others, nor the next minute
                    log.exception("%s: a periodic check failed", self._name)
