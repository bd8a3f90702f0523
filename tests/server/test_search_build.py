"""The customer search index built in a child process (console.server.search_build), on real
SQLite and PostgreSQL databases: the same index as the in-process build, a server that pops and
searches (through SQL) while the child is still at work, and the thread when the child fails."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from console.config import Settings
from console.crm.search import load_index
from console.crm.search.loader import iter_customer_rows
from console.crm.search.synthetic import query_mix
from console.server import search_build
from console.server.routes.customer_index import STATE, current_index, index_ready
from console.server.search_build import BuildFailed, build_in_process
from tests.crm.test_search_transfer import assert_same_answers, assert_same_index
from tests.server.conftest import KNOWN_ACCOUNT, bearer, login
from tests.server.floor import replay_floor

# The real build process, started once the test opens the gate (a FIFO the child reads first).
GATED = ("import runpy, sys; open(sys.argv.pop()).read(); "
         "runpy.run_module('console.crm.search.build_process', run_name='__main__')")


@pytest.fixture
def seeded_store(migrated_engine: Any) -> Any:
    from console.store.seed import seed_database

    seed_database(migrated_engine, Settings(), customers=400, agents=2)
    return migrated_engine


async def test_the_child_builds_the_index_the_thread_builds(seeded_store) -> None:
    received, meta = await build_in_process(seeded_store)
    assert meta["source"] == "database"
    built = load_index(seeded_store)
    assert len(received) == len(built) >= 400
    assert_same_index(built, received)
    rows = list(iter_customer_rows(seeded_store))
    assert_same_answers(built, received, [query for query, _, _ in query_mix(rows, 300)])


async def test_a_failing_child_says_why_and_the_server_builds_in_a_thread(make_client, seeded_engine,
                                                                          monkeypatch) -> None:
    failing = (sys.executable, "-c", "import sys; sys.exit('no index today')")
    with pytest.raises(BuildFailed, match="exited with 1: no index today"):
        await build_in_process(seeded_engine, failing)
    monkeypatch.setattr(search_build, "PROCESS_FROM_CUSTOMERS", 0)
    monkeypatch.setattr(search_build, "COMMAND", failing)
    client = await make_client()
    assert await index_ready(client.server.app) is not None
    assert client.server.app[STATE].mode == "thread"


async def test_pops_and_searches_while_the_child_builds(make_client, seed, monkeypatch, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    monkeypatch.setattr(search_build, "PROCESS_FROM_CUSTOMERS", 0)
    monkeypatch.setattr(search_build, "COMMAND", (sys.executable, "-c", GATED, str(gate)))
    async with replay_floor(make_client, "01-answered-caller-hangup") as floor:
        app = floor.client.server.app
        token = await login(floor.client, "agent1")

        async def search(query: str) -> list[int]:
            resp = await floor.client.get("/api/customers", params={"q": query}, headers=bearer(token))
            assert resp.status == 200, await resp.text()
            return sorted(r["id"] for r in (await resp.json())["results"])

        # The child waits at the gate: no index yet, searches go through SQL.
        assert current_index(app) is None
        assert await search(KNOWN_ACCOUNT) == [seed.known] and await search("赵") == [seed.known]
        assert await search("zhaomin") == []  # compact pinyin: only the index knows it
        await floor.connect("agent1")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        assert pop["match"] == "known" and pop["customer"]["id"] == seed.known
        assert current_index(app) is None

        await asyncio.to_thread(lambda: open(gate, "w").close())
        assert await index_ready(app) is not None
        assert app[STATE].mode == "process"
        assert await search("zhaomin") == [seed.known]


async def test_small_and_in_memory_stores_stay_in_a_thread(seeded_engine, monkeypatch) -> None:
    from console.store.db import make_engine

    assert await asyncio.to_thread(search_build._worth_a_process, seeded_engine) is False
    monkeypatch.setattr(search_build, "PROCESS_FROM_CUSTOMERS", 0)
    assert await asyncio.to_thread(search_build._worth_a_process, seeded_engine) is True
    memory = make_engine("sqlite://")
    try:
        assert search_build._worth_a_process(memory) is False
    finally:
        memory.dispose()
