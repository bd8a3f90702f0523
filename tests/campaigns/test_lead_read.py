"""A campaign call another server's dialer placed: its pop reads the lead from the store off the
event loop, and a store that does not answer costs the pop its lead, not the server its loop."""

from __future__ import annotations

import asyncio

import pytest

from console.server import dialer_service, keys
from console.server.dialer_adopt import LEAD_VAR


async def test_a_hanging_store_does_not_stop_the_loop_while_a_lead_is_read(make_client, seeded_engine,
                                                                              monkeypatch) -> None:
    from console.store.db import make_engine
    from tests.server.tcp_proxy import TcpProxy

    if seeded_engine.url.get_backend_name() != "postgresql":
        pytest.skip("a hanging database is made with a TCP proxy to PostgreSQL")
    client = await make_client()
    dialer = client.app[keys.DIALER]
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    url = seeded_engine.url.render_as_string(hide_password=False).replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    via_proxy = make_engine(url.replace("postgresql+psycopg://", "postgresql://"))
    monkeypatch.setattr(dialer, "_engine", via_proxy)
    monkeypatch.setattr(dialer_service, "LEAD_READ_TIMEOUT_S", 0.5)
    variables = {LEAD_VAR: "424242"}
    ticks = 0

    async def beat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beating = asyncio.create_task(beat())
    try:
        proxy.blackhole = True
        assert dialer.awaits_lead(variables)
        await asyncio.wait_for(dialer.read_lead(variables), 10)
        connections = proxy.accepted
        # The next campaign pops do not each wait out the timeout on a thread and connection of
        # their own: while the first read is stuck, no other starts.
        for lead in ("424243", "424244"):
            await asyncio.wait_for(dialer.read_lead({LEAD_VAR: lead}), 10)
            assert dialer.awaits_lead({LEAD_VAR: lead})
        assert proxy.accepted == connections
        beating.cancel()
        assert ticks >= 10  # the loop ran on while the store kept the read waiting
        assert dialer.awaits_lead(variables)  # nothing cached: the next ring of the lead reads again
        assert dialer.number_of(variables) is None and dialer.pop_extras(variables) == {}

        await proxy.cut()  # the stuck read fails; once it has, the next ring reads again
        proxy.blackhole = False
        await proxy.restore()
        async with asyncio.timeout(10):
            while dialer.awaits_lead(variables):
                await dialer.read_lead(variables)
                await asyncio.sleep(0.05)
        assert dialer.pop_extras(variables) == {}  # read: no such lead in the store
    finally:
        beating.cancel()
        await proxy.cut()
        via_proxy.dispose()
