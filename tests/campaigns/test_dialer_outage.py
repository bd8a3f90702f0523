"""A database outage, as the dialer lives it: one warning when it starts, one when it ends, and
no traceback per round (issue 15 measured 61 in a 20 s cut). A real outage: PostgreSQL behind a
TCP proxy that is cut and restored."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from console.server import keys
from console.store.db import make_engine
from tests.server.tcp_proxy import TcpProxy


async def until(predicate, timeout: float = 30.0, poke=None) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            if poke is not None:
                poke()
            await asyncio.sleep(0.1)


async def test_a_database_cut_is_said_once_and_its_end_once(make_client, seeded_engine, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    if seeded_engine.url.get_backend_name() != "postgresql":
        pytest.skip("the outage cuts a TCP proxy to PostgreSQL")
    pg_url = seeded_engine.url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    via_proxy = make_engine(pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}"),
                            connect_args={"connect_timeout": 2})
    caplog.set_level(logging.WARNING, logger="console.server.dialer_service")
    try:
        client = await make_client(engine=via_proxy, outbox_path=tmp_path / "outbox.sqlite3")
        dialer = client.app[keys.DIALER]
        await asyncio.wait_for(dialer.ready.wait(), 30)

        def said(text: str) -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "console.server.dialer_service" and text in r.getMessage()]

        await proxy.cut()
        rounds = len(dialer.decisions)
        await until(lambda: said("unreachable"), poke=dialer.wake)
        for _ in range(10):  # ten more rounds into the outage
            dialer.wake()
            await asyncio.sleep(0.2)
        await proxy.restore()
        await until(lambda: said("is back after"), poke=dialer.wake)
    finally:
        await proxy.cut()
        via_proxy.dispose()
    assert len(said("unreachable")) == 1 and len(said("is back after")) == 1, caplog.text
    assert "tries failed" in said("is back after")[0].getMessage()
    # The dialer's own records only: the search index, still building when the cut came on a busy
    # machine, says once that it searches through SQL instead (with its traceback), as it should.
    assert not [r for r in caplog.records if r.name == "console.server.dialer_service"
                and (r.levelno >= logging.ERROR or r.exc_info)], caplog.text
    assert rounds == len(dialer.decisions)  # nothing was dialled meanwhile (no campaign runs)
