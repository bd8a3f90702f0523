"""The dialer's lease in the bus's key-value bucket (console/server/kv_lease.py), on the local NATS:
one holder at a time, handed over at release, lapsing when its holder stops renewing."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from console.cli.bench_failover_run import drop_bus
from console.config import BusSettings
from console.server.bus import Bus
from console.server.kv_lease import KvLease
from console.server.lease import lease_for
from tests.bus.test_bench_bus import NATS_URL

pytestmark = pytest.mark.bus


@pytest.fixture
async def buses(nats_up: None) -> AsyncIterator[tuple[Bus, Bus]]:
    prefix = f"t{secrets.token_hex(4)}"
    a = Bus(BusSettings(url=NATS_URL, prefix=prefix, server_id="a", lease_ttl_s=1.0))
    b = Bus(BusSettings(url=NATS_URL, prefix=prefix, server_id="b", lease_ttl_s=1.0))
    await a.open()
    await b.open()
    yield a, b
    await drop_bus(NATS_URL, prefix)
    await a.close()
    await b.close()


async def test_one_holder_then_the_other_after_release(buses, migrated_sqlite_engine):
    a_bus, b_bus = buses
    a = lease_for(migrated_sqlite_engine, "dialer", bus=a_bus)  # the bus's, even on a SQLite store
    b = lease_for(migrated_sqlite_engine, "dialer", bus=b_bus)
    assert isinstance(a, KvLease)
    assert await a.acquire() and not await b.acquire()
    assert await a.acquire()  # still held
    await a.release()
    assert await b.acquire() and not await a.acquire()
    await b.release()


async def test_a_holder_that_stops_renewing_loses_the_lease(buses):
    a_bus, b_bus = buses
    now = [0.0]
    a = KvLease(a_bus, "dialer", clock=lambda: now[0])
    b = KvLease(b_bus, "dialer")
    assert await a.acquire()
    await asyncio.sleep(1.6)  # a frozen holder: no renewal for longer than the ttl
    async with asyncio.timeout(5):  # the bucket drops the key a ttl after its last write
        while not await b.acquire():
            await asyncio.sleep(0.1)
    now[0] = 1.6  # a wakes: its renewal fails, and it is past ttl - 1 s: it holds nothing
    assert not await a.acquire()
    await b.release()
