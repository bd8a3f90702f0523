"""`calldesk login` / `logout` against a real server: the password is typed once per shell
session; the token is kept private (0600 in a 0700 directory), per server; an expired or
revoked token asks again (or says to log in); ``CALLDESK_TOKEN`` still works."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from console.cli.token_cache import SavedLogin, TokenCache
from tests.server.conftest import bearer, login

NO_PASSWORD = {"CALLDESK_USER": None, "CALLDESK_PASSWORD": None}


@pytest.fixture
def real_time(frozen_clock):
    """Tokens expire by the server's clock; the CLI judges a saved one by the real one: align them."""
    frozen_clock.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return frozen_clock


def _cache() -> TokenCache:
    return TokenCache(Path(os.environ["CALLDESK_TOKEN_FILE"]))


async def test_log_in_once_then_work_then_log_out(api_cli, client, real_time, seeded_engine, seed):
    r = await api_cli("login")
    assert r.code == 0 and r.out.startswith(f"已以 sup1（班长）登录 {api_cli.server}，有效至 ")
    path = _cache().path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    saved = _cache().get(api_cli.server)
    assert saved.username == "sup1" and saved.expires_at == real_time.now + dt.timedelta(minutes=720)
    # No password from here on: the saved token does.
    r = await api_cli("campaign", "create", "--name", "回访", env=NO_PASSWORD)
    assert r.code == 0 and "draft" in r.out
    from tests.server.cli_run import audit_rows

    assert [row["actor_id"] for row in audit_rows(seeded_engine, "campaign.create")] == [seed.staff["sup1"]]
    r = await api_cli("login", "--status", env=NO_PASSWORD)
    assert r.code == 0 and r.out.startswith(f"已以 sup1 登录 {api_cli.server}")
    # Another server's login is another entry; --user someone else logs in as them.
    _cache().put("http://other:8421", SavedLogin("t-other", "mgr1", None))
    r = await api_cli("staff", "list", "--user", "admin")  # not the saved sup1: admin, with the password
    assert r.code == 0 and "sup1" in r.out
    r = await api_cli("staff", "list", user="admin", env={"CALLDESK_PASSWORD": None})  # CALLDESK_USER: the saved
    assert r.code == 2 and r.err == "calldesk: error: 需要管理员及以上角色：sup1 是班长\n"
    # Logging in again replaces the saved token and ends the session it held.
    assert (await api_cli("login")).code == 0
    assert (await client.get("/api/me", headers=bearer(saved.token))).status == 401
    saved = _cache().get(api_cli.server)
    r = await api_cli("logout", env=NO_PASSWORD)
    assert r.code == 0 and r.out == f"已退出 {api_cli.server}（sup1）：令牌已在服务器注销并删除\n"
    assert (await client.get("/api/me", headers=bearer(saved.token))).status == 401
    assert _cache().get(api_cli.server) is None and _cache().get("http://other:8421") is not None
    # Logged out, no terminal to ask on: one line saying how to log in.
    r = await api_cli("campaign", "list", env=NO_PASSWORD)
    assert r.code == 2 and r.err == (f"calldesk: error: 未登录 {api_cli.server}：请先运行 calldesk login --server "
                                     f"{api_cli.server}（或设置 CALLDESK_TOKEN，"
                                     "或 CALLDESK_USER 与 CALLDESK_PASSWORD）\n")
    r = await api_cli("logout", env=NO_PASSWORD)
    assert r.code == 0 and r.out == f"没有 {api_cli.server} 的登录\n"


async def test_an_expired_or_revoked_token_asks_again(api_cli, client, real_time):
    assert (await api_cli("login")).code == 0
    real_time.advance(minutes=721)  # the server's session has ended
    r = await api_cli("campaign", "list")
    assert r.code == 0 and r.err == f"{api_cli.server} 上 sup1 保存的登录已过期或已注销，请重新输入密码\n"
    assert _cache().get(api_cli.server) is None  # dropped; this command logged in with the password
    assert (await api_cli("login")).code == 0
    await client.post("/api/logout", headers=bearer(_cache().get(api_cli.server).token))  # revoked elsewhere
    r = await api_cli("campaign", "list", env=NO_PASSWORD)
    assert r.code == 2 and r.err.splitlines() == [
        f"{api_cli.server} 上 sup1 保存的登录已过期或已注销，请重新输入密码",
        (f"calldesk: error: 未登录 {api_cli.server}：请先运行 calldesk login --server {api_cli.server}"
         "（或设置 CALLDESK_TOKEN，或 CALLDESK_USER 与 CALLDESK_PASSWORD）")]
    # Known to be expired by its own date: dropped without asking the server.
    _cache().put(api_cli.server, SavedLogin("never-sent", "sup1", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    r = await api_cli("campaign", "list")
    assert r.code == 0 and "已过期" in r.err


async def test_calldesk_token_still_works_and_a_bad_one_is_one_line(api_cli, client):
    token = await login(client, "sup1")
    r = await api_cli("campaign", "list", env={**NO_PASSWORD, "CALLDESK_TOKEN": token})
    assert r.code == 0
    r = await api_cli("campaign", "list", env={**NO_PASSWORD, "CALLDESK_TOKEN": "nope"})
    assert r.code == 2 and r.err == (f"calldesk: error: {api_cli.server} 不接受 CALLDESK_TOKEN（已过期或已注销）："
                                     "请取消该变量，或用 calldesk login 重新登录\n")


async def test_a_wrong_password_saves_nothing(api_cli):
    r = await api_cli("login", env={"CALLDESK_PASSWORD": "wrong"})
    assert r.code == 2 and r.err.count("\n") == 1 and "用户名或密码错误" in r.err
    assert not _cache().path.exists()


def test_a_token_file_others_may_read_is_not_trusted(tmp_path):
    cache = TokenCache(tmp_path / "calldesk" / "tokens.json")
    cache.put("http://a", SavedLogin("tok", "sup1", None))
    assert cache.get("http://a/") == SavedLogin("tok", "sup1", None)  # the URL's trailing slash is the same server
    os.chmod(cache.path, 0o644)
    assert cache.get("http://a") is None
    cache.put("http://b", SavedLogin("tok-b", "mgr1", None))  # rewritten private, without what it did not trust
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert list(json.loads(cache.path.read_text())) == ["http://b"]


def test_the_default_place_is_the_session_runtime_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("CALLDESK_TOKEN_FILE", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert TokenCache.default().path == tmp_path / "calldesk" / "tokens.json"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert TokenCache.default().path == tmp_path / "home" / ".cache" / "calldesk" / "tokens.json"
