"""Log-in throttling and lockout over the real server, on SQLite and PostgreSQL (issue 17):
backoff with 429 and Retry-After, the lockout that survives a restart, unlocking, the audit of
every failure, and answers that never tell a wrong name from a wrong password."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from console.config.models import LoginSettings
from console.store.db import session_scope
from console.store.models import AuditEvent
from tests.server.conftest import PASSWORD, bearer, login, server_settings

WRONG = "not-the-password"


def login_audit(engine) -> list[dict]:
    with session_scope(engine) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action.startswith("login.")).order_by(AuditEvent.id))
        return [{"action": r.action, "actor_id": r.actor_id, "at": r.at, "detail": json.loads(r.detail),
                 "raw": r.detail} for r in rows]


async def attempt(client, username: str, password: str = WRONG) -> tuple[int, dict, str | None]:
    resp = await client.post("/api/login", json={"username": username, "password": password})
    return resp.status, await resp.json(), resp.headers.get("Retry-After")


async def test_the_eleventh_wrong_password_in_a_minute_is_refused_429_and_audited(client, seeded_engine, seed,
                                                                                  frozen_clock):
    start = frozen_clock.now
    answers = []
    for _ in range(10):
        status, body, retry = await attempt(client, "agent1")
        answers.append(status)
        if retry:  # the backoff: a console waits as told (1, 2, 4, 8, 16 s)
            frozen_clock.advance(seconds=int(retry))
            status, body, retry = await attempt(client, "agent1")
            answers[-1] = status
        assert status == 401, body
    assert (frozen_clock.now - start).total_seconds() < 60
    assert answers == [401] * 10
    # The backoff's waits were refused 429 on the way: each said how long to wait.
    status, body, retry = await attempt(client, "agent1")
    assert status == 429 and body["error"]["code"] == "too_many"
    assert retry == "32"
    assert body["error"]["message"] == "登录尝试次数过多，请 32 秒后再试；如仍无法登录，请联系班长或管理员"
    # Even the right password waits: the name is throttled, whoever types it.
    assert (await attempt(client, "agent1", PASSWORD))[0] == 429

    rows = login_audit(seeded_engine)
    failed = [r for r in rows if r["action"] == "login.failed"]
    refused = [r for r in rows if r["action"] == "login.refused"]
    assert len(failed) == 10 and len(refused) == 5 + 2
    assert failed[0]["detail"] == {"username": "agent1", "address": "127.0.0.1", "staff_id": seed.staff["agent1"]}
    assert refused[-2]["detail"] == {"username": "agent1", "address": "127.0.0.1", "staff_id": seed.staff["agent1"],
                                     "reason": "throttled", "retry_after": 32}
    assert all(r["actor_id"] is None for r in rows)
    assert not any(WRONG in r["raw"] or PASSWORD in r["raw"] for r in rows)  # never the password

    frozen_clock.advance(seconds=32)
    await login(client, "agent1")  # the wait is over: the right password gets in


async def test_a_wrong_name_and_a_wrong_password_answer_alike_and_cost_alike(make_client, seeded_engine,
                                                                             monkeypatch, frozen_clock):
    from console.crm import passwords

    verified: list[str] = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda pw, stored: verified.append(pw) or real(pw, stored))
    client = await make_client(settings=server_settings(login=LoginSettings(lockout_after=3,
                                                                            address_max_failures=1000)))
    known, unknown = [], []
    for _ in range(8):
        known.append(await attempt(client, "agent2"))
        unknown.append(await attempt(client, "nobody"))
        frozen_clock.advance(seconds=400)  # past every backoff: the lockout alone decides
    # The same statuses, messages and Retry-After at each step: 401 three times, then locked.
    assert known == unknown
    assert [status for status, _, _ in known] == [401] * 3 + [429] * 5
    assert known[0][1]["error"]["message"] == "用户名或密码错误"
    assert known[3][2] == "300"
    # The KDF ran for each checked try, the made-up name's too; a locked name is not checked.
    assert verified == [WRONG] * 6
    # The right password of a locked account answers exactly like a locked made-up name.
    assert await attempt(client, "agent2", PASSWORD) == await attempt(client, "nobody", PASSWORD)
    locked = [r["detail"]["username"] for r in login_audit(seeded_engine) if r["action"] == "login.locked"]
    assert locked == ["agent2", "nobody"]


@pytest.fixture
def lockout_settings():
    return server_settings(login=LoginSettings(lockout_after=3, max_failures=100, address_max_failures=1000,
                                               backoff_after=100))


async def test_a_lock_survives_a_restart_until_a_supervisor_lifts_it(make_client, seeded_engine, seed,
                                                                    lockout_settings):
    client = await make_client(settings=lockout_settings)
    sup = bearer(await login(client, "sup1"))
    admin = bearer(await login(client, "admin"))
    for _ in range(3):
        assert (await attempt(client, "agent1"))[0] == 401
    assert (await attempt(client, "agent1", PASSWORD))[0] == 429

    staff = (await (await client.get("/api/staff", headers=admin)).json())["staff"]
    assert {s["username"]: s["locked"] for s in staff}["agent1"] is True
    assert (await (await client.get(f"/api/staff/{seed.staff['agent2']}", headers=admin)).json())["locked"] is False

    restarted = await make_client(settings=lockout_settings)  # another process on the same store
    assert (await attempt(restarted, "agent1", PASSWORD))[0] == 429

    agent = bearer(await login(restarted, "agent3"))
    resp = await restarted.post("/api/staff/unlock", json={"username": "agent1"}, headers=agent)
    assert resp.status == 403
    resp = await restarted.post("/api/staff/unlock", json={"username": "agent1"}, headers=sup)
    assert resp.status == 200  # sup1's session, opened on the first server, is in the store too
    assert await resp.json() == {"id": seed.staff["agent1"], "username": "agent1", "was_locked": True}
    await login(client, "agent1")  # the first server agrees: the store holds the lock
    await login(restarted, "agent1")

    with session_scope(seeded_engine) as s:
        [row] = s.exec(select(AuditEvent).where(AuditEvent.action == "staff.unlock"))
        assert row.actor_id == seed.staff["sup1"]
        assert json.loads(row.detail) == {"staff_id": seed.staff["agent1"], "username": "agent1", "was_locked": True}


async def test_who_may_unlock_whom(make_client, seed, lockout_settings):
    client = await make_client(settings=lockout_settings)
    admin = bearer(await login(client, "admin"))  # a lock does not end the sessions already open
    for _ in range(3):
        await attempt(client, "admin")
    assert (await attempt(client, "admin", PASSWORD))[0] == 429
    sup = bearer(await login(client, "sup1"))
    resp = await client.post("/api/staff/unlock", json={"username": "admin"}, headers=sup)
    assert resp.status == 403
    assert (await resp.json())["error"]["message"] == "只有管理员可以解锁角色高于自己的账号"
    resp = await client.post("/api/staff/unlock", json={"username": "ghost"}, headers=sup)
    assert resp.status == 404 and (await resp.json())["error"]["field"] == "username"
    resp = await client.post("/api/staff/unlock", json={"username": "admin"}, headers=admin)
    assert resp.status == 200 and (await resp.json())["was_locked"] is True
    await login(client, "admin")


async def test_a_success_forgets_the_failures(make_client, seeded_engine, lockout_settings):
    client = await make_client(settings=lockout_settings)
    for _ in range(2):
        await attempt(client, "agent1")
    await login(client, "agent1")
    for _ in range(2):
        assert (await attempt(client, "agent1"))[0] == 401
    await login(client, "agent1")


async def test_a_new_account_on_a_locked_made_up_name_starts_afresh(make_client, lockout_settings):
    client = await make_client(settings=lockout_settings)
    for _ in range(3):
        await attempt(client, "zhaoli")
    admin = bearer(await login(client, "admin"))
    resp = await client.post("/api/staff", json={"username": "zhaoli", "name": "赵丽", "role": "agent",
                                                 "password": "Lotus-Pond-2026"}, headers=admin)
    assert resp.status == 201 and (await resp.json())["locked"] is False
    await login(client, "zhaoli", "Lotus-Pond-2026")


async def test_english_when_the_center_speaks_english(make_client):
    from console.config.models import CenterSettings

    client = await make_client(settings=server_settings(center=CenterSettings(locale="en"),
                                                        login=LoginSettings(max_failures=1, backoff_after=100)))
    assert (await attempt(client, "agent1"))[0] == 401
    status, body, retry = await attempt(client, "agent1")
    assert status == 429 and retry == "60"
    assert body["error"]["message"].startswith("Too many log-in attempts: try again in 60 s")


def test_a_first_failure_counted_by_two_servers_at_once_is_one_row(seeded_engine, monkeypatch):
    """Two servers count the first failure of a name at the same moment: the second one looked
    before the first wrote, so it inserts too, meets the first's row, and adds to it (no error,
    one row, both failures counted)."""
    import datetime as dt

    from console.crm import login_locks
    from console.store.models import LoginLock

    now = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
    window = dt.timedelta(days=1)
    with session_scope(seeded_engine) as first:
        login_locks.record_failure(first, "agent1", now, 2, window)
    real, looked = login_locks._row, []

    def not_yet_seen(session, username):  # the second server's first look, before the first wrote
        looked.append(username)
        return None if len(looked) == 1 else real(session, username)

    monkeypatch.setattr(login_locks, "_row", not_yet_seen)
    with session_scope(seeded_engine) as second:
        assert login_locks.record_failure(second, "agent1", now, 2, window) is True
    with session_scope(seeded_engine) as s:
        [row] = s.exec(select(LoginLock))
        assert (row.username, row.failures, row.locked_at is not None) == ("agent1", 2, True)


async def test_one_address_guessing_across_many_names_is_refused(make_client, seeded_engine):
    client = await make_client(settings=server_settings(login=LoginSettings(address_max_failures=4, backoff_after=100,
                                                                            lockout_after=0)))
    for name in ("agent1", "agent2", "agent3", "sup1"):
        assert (await attempt(client, name))[0] == 401
    status, _body, retry = await attempt(client, "mgr1", PASSWORD)  # a new name, the right password
    assert (status, retry) == (429, "60")
    refused = [r["detail"] for r in login_audit(seeded_engine) if r["action"] == "login.refused"]
    assert refused[-1]["username"] == "mgr1" and refused[-1]["reason"] == "throttled"


async def test_failures_far_apart_do_not_add_up_to_a_lock(make_client, frozen_clock):
    client = await make_client(settings=server_settings(login=LoginSettings(lockout_after=3, lockout_window_min=10,
                                                                            backoff_after=100)))
    for _ in range(2):
        assert (await attempt(client, "agent1"))[0] == 401
    frozen_clock.advance(minutes=11)  # the two no longer count
    for _ in range(2):
        assert (await attempt(client, "agent1"))[0] == 401
    await login(client, "agent1")  # two in the window: not locked
    for _ in range(3):
        assert (await attempt(client, "agent1"))[0] == 401
    assert (await attempt(client, "agent1", PASSWORD))[0] == 429


async def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own(make_client):
    client = await make_client(settings=server_settings(
        server={"trusted_proxies": ["127.0.0.1"]},
        login=LoginSettings(address_max_failures=2, backoff_after=100, lockout_after=0)))

    async def from_(address: str, username: str, password: str = WRONG) -> int:
        resp = await client.post("/api/login", json={"username": username, "password": password},
                                 headers={"X-Forwarded-For": address})
        return resp.status

    for name in ("agent1", "agent2"):
        assert await from_("203.0.113.9", name) == 401
    assert await from_("203.0.113.9", "agent3", PASSWORD) == 429  # that client guessed enough
    assert await from_("198.51.100.7", "agent3", PASSWORD) == 200  # another one behind the same proxy
