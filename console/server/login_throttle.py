"""Log-in throttling: how long a user name or a client address must wait before its next try.

Pure: no I/O, and time comes from the injected clock (seconds, any origin). The server keeps one
:class:`LoginThrottle` per process; it is what makes online guessing slow. The lockout that
stops it for good lives in the store (console/crm/login_locks.py), so that a restart does not
lift it and several servers agree.

Each key (a user name, an address) keeps the times of its failures within the window:

* ``max_failures`` of them (per address ``address_max_failures``) and the next attempt waits
  until the oldest leaves the window;
* from ``backoff_after`` of them on, each next attempt also waits ``backoff_s`` after the latest,
  doubling with each further failure, up to ``backoff_max_s``.

An attempt is counted as a failure when it *starts* (:meth:`begin`), so that a burst of parallel
requests cannot all pass the check before the first one fails; :meth:`succeeded` takes the
count back. A success clears its user name but not its address: one valid account must not
let a machine reset its own count between guesses at others.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, fields

Seconds = Callable[[], float]


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """``[login]`` of config.toml, as the throttle needs it."""

    max_failures: int = 10
    address_max_failures: int = 30
    window_s: float = 60.0
    backoff_after: int = 5
    backoff_s: float = 1.0
    backoff_max_s: float = 300.0

    @classmethod
    def of(cls, login: object) -> ThrottlePolicy:
        return cls(**{f.name: getattr(login, f.name) for f in fields(cls)})


def retry_after(wait: float) -> int:
    """A wait as the whole seconds of a Retry-After header (at least 1)."""
    return max(1, math.ceil(wait))


class LoginThrottle:
    """Per user name and per client address failure windows with exponential backoff."""

    MAX_KEYS = 100_000
    """Keys remembered at most (a flood of made-up names must not exhaust memory); the
    quietest are forgotten first."""

    def __init__(self, policy: ThrottlePolicy, clock: Seconds) -> None:
        self._policy = policy
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def wait(self, username: str, address: str) -> float:
        """Seconds before an attempt of ``username`` from ``address`` may start (0: now)."""
        now = self._clock()
        return max(self._wait(("user", username), self._policy.max_failures, now),
                   self._wait(("addr", address), self._policy.address_max_failures, now))

    def begin(self, username: str, address: str) -> float:
        """Start an attempt: 0 when it may go on (it counts as a failure until
        :meth:`succeeded`), else the seconds to wait (nothing is counted)."""
        wait = self.wait(username, address)
        if wait > 0:
            return wait
        now = self._clock()
        for key in (("user", username), ("addr", address)):
            self._failures.setdefault(key, deque()).append(now)
            self._failures[key] = self._failures.pop(key)  # most recent last: see _forget_quietest
        self._forget_quietest()
        return 0.0

    def succeeded(self, username: str, address: str) -> None:
        """The attempt begun for ``username`` from ``address`` was right: its name starts
        afresh, and its address no longer counts it."""
        self._failures.pop(("user", username), None)
        times = self._failures.get(("addr", address))
        if times:
            times.pop()
            if not times:
                del self._failures[("addr", address)]

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        policy = self._policy
        while times and times[0] <= now - policy.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0.0
        wait = 0.0
        if len(times) >= limit:
            wait = times[-limit] + policy.window_s - now
        if len(times) >= policy.backoff_after:
            step = min(policy.backoff_s * 2 ** (len(times) - policy.backoff_after), policy.backoff_max_s)
            wait = max(wait, times[-1] + step - now)
        return max(wait, 0.0)

    def _forget_quietest(self) -> None:
        while len(self._failures) > self.MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def __len__(self) -> int:
        return len(self._failures)
