"""Sessions shared through the store (issue 15): two servers on one database (SQLite, PostgreSQL),
each with its own engine, accept each other's tokens; logout, revocation, account edits and
expiry count on both (the other within tokens.RECHECK, driven by the frozen clock); a restarted
server keeps the sessions; the table holds only hashes."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from console.server import keys
from console.server.tokens import RECHECK
from tests.server.conftest import FrozenClock, MakeClient, bearer, login
from tests.server.test_staff import NEW_PASSWORD

RECHECK_S = RECHECK.total_seconds()


@pytest.fixture
async def servers(make_client: MakeClient, seeded_engine: Any,
                  tmp_path: Any) -> AsyncIterator[tuple[TestClient, TestClient]]:
    """Server A on the seeded engine, server B on an engine of its own to the same database."""
    from console.store.db import make_engine

    other = make_engine(seeded_engine.url.render_as_string(hide_password=False))
    a = await make_client(outbox_path=tmp_path / "a.sqlite3")
    b = await make_client(engine=other, outbox_path=tmp_path / "b.sqlite3")
    yield a, b
    await b.close()
    other.dispose()


async def _me(client: TestClient, token: str) -> int:
    return (await client.get("/api/me", headers=bearer(token))).status


def _rows(engine: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM api_session"))]


async def test_a_token_of_one_server_opens_the_other(servers, seed) -> None:
    a, b = servers
    token = await login(a, "agent1")
    assert await _me(b, token) == 200
    async with b.ws_connect("/ws", headers=bearer(token)) as ws:
        hello = await ws.receive_json(timeout=5)
        assert hello["kind"] == "hello" and hello["user"]["id"] == seed.staff["agent1"]


async def test_a_logout_counts_on_the_other_server_within_the_recheck(servers, frozen_clock: FrozenClock) -> None:
    a, b = servers
    token = await login(a, "agent1")
    assert await _me(b, token) == 200  # B has it cached now
    assert (await a.post("/api/logout", headers=bearer(token))).status == 200
    assert await _me(a, token) == 401  # at once where it was logged out
    frozen_clock.advance(seconds=RECHECK_S - 1)
    assert await _me(b, token) == 200  # the documented staleness of B's cache
    frozen_clock.advance(seconds=1)
    assert await _me(b, token) == 401


async def test_a_logout_on_the_other_server_counts_at_once_where_it_was_never_cached(
        servers, frozen_clock: FrozenClock) -> None:
    a, b = servers
    token = await login(a, "agent1")
    assert (await b.post("/api/logout", headers=bearer(token))).status == 200
    assert await _me(b, token) == 401
    assert await _me(a, token) == 200  # A read it at login: at most RECHECK more
    frozen_clock.advance(seconds=RECHECK_S)
    assert await _me(a, token) == 401


async def test_expiry_is_exact_on_both_servers(servers, frozen_clock: FrozenClock) -> None:
    a, b = servers
    token = await login(a, "agent1")
    assert await _me(b, token) == 200
    frozen_clock.advance(minutes=720, seconds=-1)  # token_ttl_min
    assert await _me(a, token) == 200 and await _me(b, token) == 200
    frozen_clock.advance(seconds=1)
    assert await _me(a, token) == 401 and await _me(b, token) == 401


async def test_a_restarted_server_keeps_the_sessions(make_client: MakeClient, seeded_engine, tmp_path) -> None:
    first = await make_client(outbox_path=tmp_path / "first.sqlite3")
    token = await login(first, "agent1")
    await first.close()
    again = await make_client(outbox_path=tmp_path / "again.sqlite3")
    assert await _me(again, token) == 200
    assert (await again.post("/api/logout", headers=bearer(token))).status == 200
    assert await _me(again, token) == 401


async def test_the_store_holds_hashes_not_tokens(servers, seeded_engine, seed) -> None:
    a, b = servers
    tokens = [await login(a, "agent1"), await login(b, "agent2")]
    rows = _rows(seeded_engine)
    assert len(rows) == 2
    dump = repr(rows)
    for token in tokens:
        assert token not in dump
    with seeded_engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT token_hash, staff_id FROM api_session")).all())
    assert stored == {hashlib.sha256(tokens[0].encode()).hexdigest(): seed.staff["agent1"],
                      hashlib.sha256(tokens[1].encode()).hexdigest(): seed.staff["agent2"]}


async def test_a_disabled_account_is_out_of_both_servers(servers, seed, frozen_clock: FrozenClock) -> None:
    a, b = servers
    admin = bearer(await login(a, "admin"))
    token = await login(a, "agent2")
    assert await _me(b, token) == 200
    resp = await a.patch(f"/api/staff/{seed.staff['agent2']}", json={"active": False}, headers=admin)
    assert resp.status == 200, await resp.text()
    assert await _me(a, token) == 401
    frozen_clock.advance(seconds=RECHECK_S)
    assert await _me(b, token) == 401


async def test_a_new_role_counts_on_the_other_server_within_the_recheck(servers, seed,
                                                                         frozen_clock: FrozenClock) -> None:
    a, b = servers
    admin = bearer(await login(a, "admin"))
    token = await login(b, "agent1")
    assert (await b.get("/api/supervisor/agents", headers=bearer(token))).status == 403
    resp = await a.patch(f"/api/staff/{seed.staff['agent1']}", json={"role": "supervisor"}, headers=admin)
    assert resp.status == 200, await resp.text()
    assert (await a.get("/api/supervisor/agents", headers=bearer(token))).status == 200  # at once on A
    frozen_clock.advance(seconds=RECHECK_S)
    assert (await b.get("/api/supervisor/agents", headers=bearer(token))).status == 200


async def test_a_password_reset_ends_the_sessions_on_both_servers(servers, seed, frozen_clock: FrozenClock) -> None:
    a, b = servers
    admin_token = await login(a, "admin")
    admin_elsewhere = await login(b, "admin")
    token = await login(b, "agent1")
    resp = await a.post(f"/api/staff/{seed.staff['agent1']}/password", json={"password": NEW_PASSWORD},
                        headers=bearer(admin_token))
    assert resp.status == 200, await resp.text()
    resp = await a.post(f"/api/staff/{seed.staff['admin']}/password", json={"password": NEW_PASSWORD},
                        headers=bearer(admin_token))
    assert resp.status == 200, await resp.text()
    frozen_clock.advance(seconds=RECHECK_S)
    assert await _me(b, token) == 401
    assert await _me(b, admin_elsewhere) == 401
    assert await _me(b, admin_token) == 200  # the admin who reset their own password stays in


async def test_the_purge_deletes_expired_rows_only(servers, seeded_engine, frozen_clock: FrozenClock) -> None:
    a, b = servers
    old = await login(a, "agent1")
    frozen_clock.advance(minutes=60)
    young = await login(b, "agent2")
    frozen_clock.advance(minutes=661)  # the first is expired, the second not
    assert await b.app[keys.TOKENS].purge() == 1
    assert [r[0] for r in _rows(seeded_engine)] == [hashlib.sha256(young.encode()).hexdigest()]
    assert await _me(a, old) == 401 and await _me(a, young) == 200
