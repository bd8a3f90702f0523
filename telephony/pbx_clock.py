"""The PBX's clock as seen from here, for what happens between its events.

With ``timestampevents = yes`` every AMI event carries the PBX's own time of it, and the tracker
works in that time. Between events (a real Asterisk is silent between calls) the bridge still
needs "now" in the same time: to end a wrap-up when it is due, to date a lost link. Each stamped
event gives an upper bound on the PBX's clock offset (it was sent before it arrived); the
smallest delay seen is the best estimate, as in NTP's clock filter. A stalled reader (a busy or
SIGSTOPped server) only sees larger delays, which never move the estimate. The minimum is kept
over a window, so that a PBX whose clock is stepped is followed within ``window_s``.
"""

from __future__ import annotations

from collections.abc import Callable


class PbxClock:
    def __init__(self, local: Callable[[], float], window_s: float = 600.0) -> None:
        self._local = local
        self._window_s = window_s
        self._best: float | None = None  # smallest (arrival - stamp) in this window
        self._previous: float | None = None  # the last window's, still in force
        self._window_start: float | None = None

    def observe(self, stamp: float) -> None:
        """An event stamped ``stamp`` (PBX time) arrived now."""
        local = self._local()
        if self._window_start is None or local - self._window_start > self._window_s:
            self._previous, self._best, self._window_start = self._best, None, local
        delay = local - stamp
        if self._best is None or delay < self._best:
            self._best = delay

    def offset(self) -> float:
        """Local time minus PBX time (0 until a stamped event was seen)."""
        found = [d for d in (self._best, self._previous) if d is not None]
        return min(found) if found else 0.0

    def now(self) -> float:
        """The PBX's time now."""
        return self._local() - self.offset()
