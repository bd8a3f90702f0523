"""A burst of rings is looked up side by side, each lookup once (console.server.pop.PopBuilder).

A queue that rings twenty agents at once is twenty calls to look up together: the server starts
each lookup as its ring arrives (``prefetch``) on one of several lanes, and the pop takes that
lookup instead of starting another. On the real store (SQLite and PostgreSQL); nothing is timed:
the gate below waits for the other lookup to start, which one lane at a time never lets happen.
"""

from __future__ import annotations

import threading

from console.server.pop import PopBuilder
from tests.server.conftest import KNOWN_NUMBER, SHARED_NUMBER, server_settings


class Counted(PopBuilder):
    """Counts the database lookups; the known caller's waits until the shared number's started."""

    def __init__(self, *args, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kw)
        self.looked_up: list[str] = []
        self.other_started = threading.Event()

    def lookup_sync(self, caller, account):  # type: ignore[no-untyped-def]
        if caller.startswith("+8619"):  # the warm-up's numbers
            return super().lookup_sync(caller, account)
        self.looked_up.append(caller)
        if caller == KNOWN_NUMBER:
            self.other_started.wait(10)
        else:
            self.other_started.set()
        return super().lookup_sync(caller, account)


async def test_the_rings_of_a_burst_are_looked_up_side_by_side_and_once(seeded_engine, frozen_clock) -> None:
    builder = Counted(seeded_engine, server_settings(), frozen_clock)
    await builder.warm_up(rounds=1)
    try:
        builder.prefetch(KNOWN_NUMBER, None)  # two rings arrive together
        builder.prefetch(SHARED_NUMBER, None)
        builder.prefetch(KNOWN_NUMBER, None)  # the known caller's call rings a second agent
        first = await builder.lookup(KNOWN_NUMBER, None)
        second = await builder.lookup(SHARED_NUMBER, None)
        again = await builder.lookup(KNOWN_NUMBER, None)  # taken: this one asks the database
    finally:
        await builder.close()
    # One lane at a time, the known caller's lookup would have waited for the second to start
    # until its timeout, and popped the number only.
    assert builder.other_started.is_set()
    assert not first.unavailable and first.match == "known"
    assert second.match == "ambiguous" and not again.unavailable
    assert sorted(builder.looked_up) == sorted([KNOWN_NUMBER, SHARED_NUMBER, KNOWN_NUMBER])


async def test_a_prefetched_lookup_nobody_took_goes_stale(seeded_engine, frozen_clock, monkeypatch) -> None:
    from console.server import pop

    builder = Counted(seeded_engine, server_settings(), frozen_clock)
    try:
        builder.prefetch(SHARED_NUMBER, None)
        monkeypatch.setattr(pop, "PREFETCH_KEEP_S", -1.0)  # as if it had lain there too long
        result = await builder.lookup(SHARED_NUMBER, None)
    finally:
        await builder.close()
    assert result.match == "ambiguous"
    assert builder.looked_up == [SHARED_NUMBER, SHARED_NUMBER]  # looked up afresh
