"""Virtual time for the simulator.

Everything the PBX does is a timer on this clock, so the same model runs three ways: in real
time (``speed=1``), faster than real time (``speed=60``: a minute of traffic per second), or
stepped by a test (``advance``/``run_until``) with no sleeping at all. The clock never reads
the wall clock itself except through the injected ``wall`` function, which only the real-time
driver and the epoch use.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class Timer:
    due: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """Seconds since the simulator started, plus the Unix epoch they correspond to."""

    def __init__(self, epoch: float | None = None, wall: Callable[[], float] = time.time,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.now = 0.0
        # None: a failing timer raises (tests see it); a long-running simulator logs and goes on.
        self.on_error = on_error
        self.epoch = wall() if epoch is None else epoch
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self._wakeup: asyncio.Event | None = None
        self._driven: Callable[[], float] | None = None  # run_realtime's virtual time, between timers

    def unix(self) -> float:
        """The Unix time of ``now`` (for Uniqueids, LoginTime, LastCall)."""
        return self.epoch + self.now

    def live_unix(self) -> float:
        """The Unix time the PBX is at right now: ``now`` only moves when a timer fires, while a
        real-time driven clock runs on between them (what a client comparing event times reads)."""
        return self.epoch + (max(self.now, self._driven()) if self._driven is not None else self.now)

    def catch_up(self) -> None:
        """Bring ``now`` to where a real-time driver is (firing what is due on the way), so that
        an action arriving between timers happens at its real moment (a Redirect's HoldTime)."""
        if self._driven is not None:
            self.run_until(self._driven())

    def call_at(self, due: float, action: Callable[[], None]) -> Timer:
        timer = Timer(max(due, self.now), next(self._seq), action)
        heapq.heappush(self._heap, timer)
        if self._wakeup is not None:
            self._wakeup.set()
        return timer

    def call_later(self, delay: float, action: Callable[[], None]) -> Timer:
        return self.call_at(self.now + delay, action)

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def run_until(self, t: float) -> int:
        """Fire every timer due up to ``t`` in order, then set ``now`` to ``t``; returns how many fired."""
        fired = 0
        while (due := self.next_due()) is not None and due <= t:
            timer = heapq.heappop(self._heap)
            self.now = max(self.now, timer.due)
            try:
                timer.action()
            except Exception as exc:
                if self.on_error is None:
                    raise
                self.on_error(exc)
            fired += 1
        self.now = max(self.now, t)
        return fired

    def advance(self, seconds: float) -> int:
        return self.run_until(self.now + seconds)

    async def run_realtime(self, speed: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        """Drive the clock from the event loop: virtual time runs ``speed`` times faster than real."""
        self._wakeup = asyncio.Event()
        start_real, start_virtual = monotonic(), self.now
        self._driven = lambda: start_virtual + (monotonic() - start_real) * speed
        while True:
            target = start_virtual + (monotonic() - start_real) * speed
            self.run_until(target)
            due = self.next_due()
            self._wakeup.clear()
            delay = 3600.0 if due is None else max(0.0, (due - target) / speed)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=delay)
