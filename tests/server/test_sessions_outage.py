"""The session cache when the database is down or hanging (console/server/tokens.py): sessions
read lately keep working, unknown tokens get 503 (not 401), revocations made meanwhile count here
at once and reach the store when it is back."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from console.server import keys
from console.server.auth import AuthUser
from console.server.tokens import OUTAGE_GRACE, RECHECK, SessionsUnavailable, TokenStore
from console.store.db import make_engine
from tests.server.conftest import FrozenClock, bearer, login, seed_floor

TTL = timedelta(hours=12)


class Hanging:
    """An engine whose connections hang until released, then fail as a lost database would."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def connect(self) -> Any:
        self.calls += 1
        self.release.wait(10)
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    begin = connect


@pytest.fixture
def dead() -> Any:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/nothing-listens-here")
    yield engine
    engine.dispose()


@pytest.fixture
def floor(migrated_sqlite_engine: Any) -> tuple[Any, dict[str, AuthUser]]:
    seed = seed_floor(migrated_sqlite_engine)
    users = {name: AuthUser(id=i, username=name, name=name, role="agent", extension=None)
             for name, i in seed.staff.items()}
    return migrated_sqlite_engine, users


def _store(engine: list[Any], clock: FrozenClock, **kwargs: Any) -> TokenStore:
    return TokenStore(lambda: engine[0], TTL, clock, **kwargs)


def _count(engine: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM api_session")).scalar_one()


async def test_sessions_read_lately_outlive_an_outage_and_expire_on_time(floor, dead, frozen_clock) -> None:
    good, users = floor
    engine = [good]
    store = _store(engine, frozen_clock)
    token, _ = await store.issue(users["agent1"])
    stranger = _store([good], frozen_clock)
    other, _ = await stranger.issue(users["agent2"])  # issued on another server: never cached here
    engine[0] = dead
    frozen_clock.advance(seconds=RECHECK.total_seconds())
    assert (await store.resolve(token)).username == "agent1"
    with pytest.raises(SessionsUnavailable) as info:
        await store.resolve(other)  # not 401: the console keeps its token and tries again
    assert info.value.status == 503
    frozen_clock.advance(seconds=OUTAGE_GRACE.total_seconds() - RECHECK.total_seconds() - 1)
    assert await store.resolve(token) is not None
    frozen_clock.advance(seconds=1)
    with pytest.raises(SessionsUnavailable):
        await store.resolve(token)  # the grace is over
    engine[0] = good
    assert await store.resolve(token) is not None  # the store is back: read again, grace anew
    engine[0] = dead
    frozen_clock.now += TTL - OUTAGE_GRACE  # to the end of the session
    assert await store.resolve(token) is None  # expiry needs no database


async def test_a_logout_in_an_outage_counts_here_at_once_and_in_the_store_when_back(floor, dead,
                                                                                     frozen_clock) -> None:
    good, users = floor
    engine = [good]
    store = _store(engine, frozen_clock)
    token, _ = await store.issue(users["agent1"])
    engine[0] = dead
    await store.revoke(token)
    assert await store.resolve(token) is None
    engine[0] = good
    frozen_clock.advance(seconds=RECHECK.total_seconds())
    assert _count(good) == 1  # not written yet...
    assert await store.resolve(token) is None  # ...and refused all the same
    assert await store.purge() == 1
    assert _count(good) == 0


async def test_a_revocation_saved_late_spares_the_logins_that_came_after(floor, dead, frozen_clock) -> None:
    good, users = floor
    engine = [good]
    store = _store(engine, frozen_clock)
    before, _ = await store.issue(users["agent1"])
    engine[0] = dead
    assert await store.revoke_user(users["agent1"].id) == 0  # written later
    assert await store.purge() == 0  # still down: nothing raised, tried again next time
    engine[0] = good
    frozen_clock.advance(minutes=1)
    after, _ = await store.issue(users["agent1"])
    assert await store.purge() == 1
    assert await store.resolve(before) is None
    assert (await store.resolve(after)).username == "agent1"
    assert _count(good) == 1


async def test_a_hanging_database_costs_one_lookup_and_no_logout(floor, frozen_clock) -> None:
    good, users = floor
    hanging = Hanging()
    engine = [good]
    store = _store(engine, frozen_clock, lookup_wait_s=0.05)
    tokens = [(await store.issue(users[name]))[0] for name in ("agent1", "agent2", "agent3")]
    unknown, _ = await _store([good], frozen_clock).issue(users["sup1"])
    engine[0] = hanging
    frozen_clock.advance(seconds=RECHECK.total_seconds())
    try:
        assert (await store.resolve(tokens[0])).username == "agent1"  # waited 50 ms, then the cache
        found = await asyncio.gather(*(store.resolve(t) for t in tokens * 3))
        assert [u.username for u in found] == ["agent1", "agent2", "agent3"] * 3
        with pytest.raises(SessionsUnavailable):
            await store.resolve(unknown)
        assert hanging.calls == 1  # one lookup probes the database; the others did not queue up
    finally:
        hanging.release.set()
    engine[0] = good
    async with asyncio.timeout(5):  # once the hung probe has failed, the next lookup finds the store back
        while True:
            try:
                assert (await store.resolve(unknown)).username == "sup1"
                break
            except SessionsUnavailable:
                await asyncio.sleep(0.01)


async def test_a_server_in_an_outage_keeps_its_consoles_and_asks_the_others_to_retry(
        client, seeded_engine, dead, seed, frozen_clock, monkeypatch) -> None:
    token = await login(client, "agent1")
    elsewhere = TokenStore(lambda: seeded_engine, TTL, frozen_clock)  # another server
    other, _ = await elsewhere.issue(AuthUser(id=seed.staff["agent2"], username="agent2", name="", role="agent",
                                              extension="1002"))
    monkeypatch.setattr(client.app[keys.TOKENS], "_engine", lambda: dead)
    frozen_clock.advance(seconds=RECHECK.total_seconds())
    assert (await client.get("/api/me", headers=bearer(token))).status == 200
    resp = await client.get("/api/me", headers=bearer(other))
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "unavailable"
    async with client.ws_connect("/ws", headers=bearer(token)) as ws:
        assert (await ws.receive_json(timeout=5))["kind"] == "hello"
    async with client.ws_connect("/ws") as ws:
        await ws.send_json({"kind": "auth", "token": other})
        msg = await ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == aiohttp.WSCloseCode.TRY_AGAIN_LATER  # the console reconnects, keeping its token
