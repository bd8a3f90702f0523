"""`calldesk staff …` against a real server (SQLite, then PostgreSQL): it logs in as an admin and
goes through the API, so every write is audited with its user; errors are one line naming the
account and the field; bad CSV rows come back as FILE:LINE."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from console.cli import main
from tests.server.conftest import PASSWORD, login
from tests.server.test_staff import NEW_PASSWORD, staff_audit


@pytest.fixture
def staff_cli(client, monkeypatch, tmp_path: Path, capsys):
    """Run ``calldesk staff …`` as ``admin`` (or ``CALLDESK_USER``) in a thread, the server on this loop."""
    monkeypatch.chdir(tmp_path)
    for name in ("CALLDESK_CONFIG", "CALLDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CALLDESK_USER", "admin")
    monkeypatch.setenv("CALLDESK_PASSWORD", PASSWORD)
    server = f"http://127.0.0.1:{client.server.port}"

    async def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        action, rest = args[0], args[1:]
        code = await asyncio.to_thread(main, ["staff", action, "--server", server, *rest])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


async def test_the_staff_cli_manages_accounts_through_the_api(staff_cli, client, seed, seeded_engine):
    code, out, err = await staff_cli("add", "zhaoli", "--name", "赵丽", "--role", "agent", "--extension", "1010",
                                     "--queues", "retail,vip", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert out.startswith("已添加：zhaoli") and "1010" in out and "retail,vip" in out
    await login(client, "zhaoli", NEW_PASSWORD)
    code, out, _ = await staff_cli("list", "--role", "agent")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["agent1", "agent2", "agent3", "zhaoli"]
    code, out, _ = await staff_cli("list", "--json")
    assert {m["username"] for m in json.loads(out)} >= {"admin", "zhaoli"}
    # One line, naming the account and the field, in the center's language.
    code, out, err = await staff_cli("edit", "zhaoli", "--extension", "1001")
    assert code == 2 and out == ""
    assert err == ("calldesk: error: zhaoli: extension: 分机 1001 已分配给 agent1（张伟），"
                   "一个分机只能属于一名在职员工\n")
    code, _, err = await staff_cli("edit", "zhaoli", "--queues", "retail gold")
    assert code == 2 and err.startswith("calldesk: error: zhaoli: queues: 队列 gold 未配置")
    code, out, _ = await staff_cli("edit", "zhaoli", "--extension", "1011", "--queues", "")
    assert code == 0 and out.startswith("已修改：zhaoli") and "1011" in out
    code, _, err = await staff_cli("edit", "nobody", "--name", "x")
    assert code == 2 and "没有用户名为 nobody 的员工" in err
    code, _, err = await staff_cli("password", "zhaoli", "--password-stdin", stdin="short\n")
    assert code == 2 and err == "calldesk: error: zhaoli: password: 密码至少 10 个字符（现为 5 个）\n"
    code, out, _ = await staff_cli("password", "zhaoli", "--password-stdin", stdin="Another-Pass-9\n")
    assert code == 0 and "zhaoli" in out
    await login(client, "zhaoli", "Another-Pass-9")
    code, out, _ = await staff_cli("disable", "zhaoli")
    assert code == 0 and out.startswith("已停用：zhaoli") and "已停用" in out.split("zhaoli", 1)[1]
    assert (await client.post("/api/login", json={"username": "zhaoli", "password": "Another-Pass-9"})).status == 401
    code, out, _ = await staff_cli("enable", "zhaoli")
    assert code == 0 and "在职" in out
    actions = [(r["action"], r["actor_id"]) for r in staff_audit(seeded_engine)]
    assert actions == [(a, seed.staff["admin"]) for a in ("staff.create", "staff.update", "staff.password",
                                                          "staff.disable", "staff.enable")]


async def test_a_managers_customers_from_the_cli(staff_cli, seed):
    code, out, _ = await staff_cli("add", "mgr2", "--name", "林经理", "--role", "manager")
    assert code == 0 and "calldesk staff password mgr2" in out  # no password yet: says how
    code, out, _ = await staff_cli("customers", "mgr1")
    assert code == 0 and "赵敏" in out and "孙丽" in out and "mgr1 共有 2 位客户" in out
    code, _, err = await staff_cli("disable", "mgr1")
    assert code == 2 and "mgr1: active: mgr1 仍是 2 位客户的客户经理" in err
    code, out, _ = await staff_cli("disable", "mgr1", "--transfer-to", "mgr2")
    assert code == 0 and "已将 mgr1 的 2 位客户移交给 mgr2" in out and "已停用：mgr1" in out
    code, out, _ = await staff_cli("customers", "mgr2")
    assert "mgr2 共有 2 位客户" in out


async def test_staff_import_from_the_cli_reports_bad_rows_by_line(staff_cli, tmp_path: Path):
    csv = tmp_path / "staff.csv"
    csv.write_text("username,name,role,extension,queues\n"
                   "chenyi,陈一,agent,1030,retail\n"
                   "chener,陈二,agent,10x0,retail\n"
                   "chensan,陈三,supervisor,1031,retail;vip\n", encoding="utf-8")
    code, out, err = await staff_cli("import", str(csv))
    assert code == 1
    assert err == f"{csv}:3: extension: 分机号「10x0」无效：须为 1–16 位数字\n"
    assert out == f"{csv}：3 行：新增 2，修改 0，未变 0，拒绝 1\n"
    code, out, _ = await staff_cli("import", str(csv))  # again: nothing new, the bad row still bad
    assert code == 1 and "新增 0，修改 0，未变 2，拒绝 1" in out
    code, _, err = await staff_cli("import", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv：无法读取" in err


async def test_only_an_admin_may_use_it(staff_cli, monkeypatch):
    monkeypatch.setenv("CALLDESK_USER", "sup1")
    code, _, err = await staff_cli("list")
    assert code == 2 and err == "calldesk: error: 需要管理员及以上角色：sup1 是班长\n"
    monkeypatch.setenv("CALLDESK_USER", "admin")
    monkeypatch.setenv("CALLDESK_PASSWORD", "wrong")
    code, _, err = await staff_cli("list")
    assert code == 2 and err.count("\n") == 1 and "用户名或密码错误" in err


def test_bootstrap_admin_writes_the_first_administrator_once(migrated_engine, monkeypatch, tmp_path, capsys):
    from console.crm.passwords import verify_password
    from console.store.db import session_scope
    from console.store.models import Staff

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLDESK_CONFIG", raising=False)
    monkeypatch.setenv("CALLDESK_DATABASE_URL", migrated_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("sys.stdin", io.StringIO("calldesk\n"))
    assert main(["staff", "bootstrap-admin", "root", "--name", "值班管理员", "--password-stdin"]) == 2
    assert "不能使用演示密码 calldesk" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert main(["staff", "bootstrap-admin", "root", "--name", "值班管理员", "--password-stdin"]) == 0
    assert "root" in capsys.readouterr().out
    with session_scope(migrated_engine) as s:
        root = s.exec(Staff.__table__.select().where(Staff.__table__.c.username == "root")).one()
        assert root.role == "admin" and verify_password(NEW_PASSWORD, root.password_hash)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert main(["staff", "bootstrap-admin", "root2", "--name", "x", "--password-stdin"]) == 2
    assert "已有在职管理员（root）" in capsys.readouterr().err


async def test_a_supervisor_unlocks_a_locked_account_from_the_cli(staff_cli, client, seed, seeded_engine,
                                                                 monkeypatch, frozen_clock):
    for _ in range(20):  # [login] lockout_after, each try after the backoff has passed
        resp = await client.post("/api/login", json={"username": "agent2", "password": "wrong-guess"})
        assert resp.status == 401
        frozen_clock.advance(seconds=400)
    assert (await client.post("/api/login", json={"username": "agent2", "password": PASSWORD})).status == 429
    code, out, _ = await staff_cli("list", "--role", "agent")
    assert code == 0 and "已锁定" in next(line for line in out.splitlines() if line.startswith("agent2"))
    monkeypatch.setenv("CALLDESK_USER", "sup1")
    code, out, err = await staff_cli("unlock", "agent2")
    assert (code, out, err) == (0, "agent2 已解锁\n", "")
    code, out, _ = await staff_cli("unlock", "agent2")
    assert (code, out) == (0, "agent2 未被锁定\n")
    code, _, err = await staff_cli("unlock", "admin")
    assert code == 2 and err == "calldesk: error: admin: 只有管理员可以解锁角色高于自己的账号\n"
    code, _, err = await staff_cli("unlock", "ghost")
    assert code == 2 and err == "calldesk: error: ghost: username: 没有用户名为 ghost 的账号\n"
    await login(client, "agent2")
    unlocks = list(staff_audit(seeded_engine, "staff.unlock"))
    assert [(r["actor_id"], r["detail"]["was_locked"]) for r in unlocks] == [(seed.staff["sup1"], True),
                                                                            (seed.staff["sup1"], False)]
