"""The dialer's lease (console/server/lease.py): on several servers over one PostgreSQL, one
dials; the others take over when it stops, dies or hangs. On SQLite a server is alone."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import text

from console.server import keys
from console.server.lease import AdvisoryLease, SoleLease, lease_for
from tests.server.conftest import MakeClient


async def _until(predicate: Any, timeout_s: float = 30.0) -> None:
    """Wait until ``predicate()`` holds (a guard against a hang, not a measure of speed)."""
    deadline = time.monotonic() + timeout_s
    while not await predicate():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_one_holder_at_a_time_and_the_next_takes_over_when_it_goes(seeded_engine) -> None:
    first, second = AdvisoryLease(seeded_engine, "dialer"), AdvisoryLease(seeded_engine, "dialer")
    other_job = AdvisoryLease(seeded_engine, "reports")
    try:
        assert await first.acquire() and await first.acquire()  # held, and confirmed again
        assert not await second.acquire()
        assert await other_job.acquire()  # another lease is another lock
        await first.release()
        assert await second.acquire() and not await first.acquire()

        # The holder's process dies: PostgreSQL ends its session, and the lock with it.
        with seeded_engine.connect() as conn:
            pid = second._conn.execute(text("SELECT pg_backend_pid()")).scalar()  # type: ignore[union-attr]
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await _until(first.acquire)
        assert not await second.acquire()  # it finds out at its next confirmation, before a round
    finally:
        for lease in (first, second, other_job):
            await lease.release()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_frozen_holder_loses_the_lease_to_idle_session_timeout(seeded_engine) -> None:
    frozen, waiting = AdvisoryLease(seeded_engine, "dialer", check_s=0.3), AdvisoryLease(seeded_engine, "dialer")
    try:
        assert await frozen.acquire() and not await waiting.acquire()
        # `frozen` confirms nothing from now on, as a process stopped by SIGSTOP would: after
        # 3 * check_s idle, PostgreSQL closes its session.
        await _until(waiting.acquire)
        assert not await frozen.acquire()  # back from its freeze: it must not dial
    finally:
        await frozen.release()
        await waiting.release()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_server_on_sqlite_is_alone_and_always_holds_it(seeded_engine) -> None:
    lease = lease_for(seeded_engine, "dialer")
    assert isinstance(lease, SoleLease) and await lease.acquire()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_of_two_servers_one_dials_and_the_other_takes_over(make_client: MakeClient, tmp_path) -> None:
    a = await make_client(outbox_path=tmp_path / "a.sqlite3")
    b = await make_client(outbox_path=tmp_path / "b.sqlite3")
    dialers = [a.app[keys.DIALER], b.app[keys.DIALER]]

    async def one_ready() -> bool:
        return any(d.ready.is_set() for d in dialers)

    await _until(one_ready)
    await asyncio.sleep(3 * dialers[0].tick_s)  # the other has tried and tried again
    ready = [d.ready.is_set() for d in dialers]
    assert sorted(ready) == [False, True], "exactly one server runs the dialer's rounds"
    holder, standby = (a, dialers[1]) if ready[0] else (b, dialers[0])
    await holder.close()  # its server stops: the lease is released

    async def standby_ready() -> bool:
        return standby.ready.is_set()

    await _until(standby_ready)
