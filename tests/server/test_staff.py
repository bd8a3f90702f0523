"""Staff administration over the real server, on SQLite and PostgreSQL: accounts, the rules, the
audit, passwords, the CSV import, a manager's customers, and what a change does to the people
already logged in (the directory, their tokens, their consoles)."""

from __future__ import annotations

import json

import pytest
from aiohttp import WSMsgType
from sqlmodel import select

from console.server import keys
from console.store.db import session_scope
from console.store.models import AuditEvent, Customer, Staff
from tests.server.conftest import PASSWORD, bearer, login, server_settings
from tests.server.crm_helpers import error_of

NEW_PASSWORD = "Lotus-Pond-2026"


def staff_audit(engine, action: str | None = None) -> list[dict]:
    with session_scope(engine) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action.startswith("staff.")).order_by(AuditEvent.id))
        out = [{"actor_id": r.actor_id, "action": r.action, "at": r.at, "detail": json.loads(r.detail)} for r in rows]
    return [r for r in out if action is None or r["action"] == action]


@pytest.fixture
async def admin(client) -> dict[str, str]:
    return bearer(await login(client, "admin"))


async def test_only_an_admin_lists_staff_and_no_password_leaves(client, seed, admin, supervisor_token):
    resp = await client.get("/api/staff", headers=bearer(supervisor_token))
    assert resp.status == 403
    resp = await client.get("/api/staff", headers=admin)
    assert resp.status == 200
    staff = {s["username"]: s for s in (await resp.json())["staff"]}
    assert set(staff) == {"agent1", "agent2", "agent3", "sup1", "mgr1", "admin"}
    assert staff["agent3"] == {"id": seed.staff["agent3"], "username": "agent3", "name": "李强", "role": "agent",
                               "extension": "1003", "queues": ["retail", "vip"], "active": True,
                               "has_password": True, "customers": 0, "locked": False}
    assert staff["mgr1"]["customers"] == 2  # 赵敏 and 孙丽
    text = await (await client.get("/api/staff", headers=admin)).text()
    assert "scrypt" not in text and "password_hash" not in text
    resp = await client.get("/api/staff?role=boss", headers=admin)
    assert resp.status == 400 and (await error_of(resp))["field"] == "role"
    only = (await (await client.get("/api/staff?role=agent", headers=admin)).json())["staff"]
    assert [s["username"] for s in only] == ["agent1", "agent2", "agent3"]
    config = await (await client.get("/api/config", headers=admin)).json()
    assert config["roles"] == ["agent", "qa", "supervisor", "manager", "admin"]  # what the apps offer
    assert config["queues"] == ["retail", "vip", "ringall"]


async def test_an_account_made_by_the_admin_logs_in_and_gets_its_pops(client, seed, seeded_engine, admin,
                                                                      frozen_clock):
    body = {"username": "zhaoli", "name": "赵丽", "role": "agent", "extension": "1010", "queues": ["retail", "vip"],
            "password": NEW_PASSWORD}
    resp = await client.post("/api/staff", json=body, headers=admin)
    assert resp.status == 201, await resp.text()
    made = await resp.json()
    assert made == {"id": made["id"], "username": "zhaoli", "name": "赵丽", "role": "agent", "extension": "1010",
                    "queues": ["retail", "vip"], "active": True, "has_password": True, "customers": 0, "locked": False}
    # Pops to 1010 reach the new account before it ever logged in.
    assert client.server.app[keys.DIRECTORY].users_of_agent("1010") == {made["id"]}
    token = await login(client, "zhaoli", NEW_PASSWORD)
    me = await (await client.get("/api/me", headers=bearer(token))).json()
    assert me["extension"] == "1010" and me["queues"] == ["retail", "vip"]
    [row] = staff_audit(seeded_engine, "staff.create")
    assert row["actor_id"] == seed.staff["admin"] and row["at"] == frozen_clock.now
    assert row["detail"] == {"staff_id": made["id"], "username": "zhaoli", "password_set": True,
                             "fields": {"username": "zhaoli", "name": "赵丽", "role": "agent", "extension": "1010",
                                        "queues": ["retail", "vip"], "active": True}}
    assert NEW_PASSWORD not in json.dumps(staff_audit(seeded_engine), default=str)
    # Without a password: the account exists, nobody can log in as it yet.
    resp = await client.post("/api/staff", json={"username": "am3001", "name": "周经理", "role": "manager"},
                             headers=admin)
    assert resp.status == 201 and (await resp.json())["has_password"] is False
    assert (await client.post("/api/login", json={"username": "am3001", "password": "x"})).status == 401


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"extension": "1001"}, "extension", "分机 1001 已分配给 agent1（张伟），一个分机只能属于一名在职员工"),
    ({"extension": "10a1"}, "extension", "分机号「10a1」无效：须为 1–16 位数字"),
    ({"queues": ["retail", "gold"]}, "queues", "队列 gold 未配置（已配置：retail, vip, ringall）"),
    ({"role": "boss"}, "role", "角色「boss」无效，可选：agent, qa, supervisor, manager, admin"),
    ({"username": "agent2"}, "username", "用户名 agent2 已存在"),
    ({"username": "Zhao Li"}, "username",
     "用户名「Zhao Li」无效：须为 2–32 个小写字母、数字或 . _ -，以字母或数字开头"),
    ({"password": "calldesk"}, "password", "不能使用演示密码 calldesk"),
    ({"password": "Short-1"}, "password", "密码至少 10 个字符（现为 7 个）"),
    ({"password": "longbutlowercase"}, "password",
     "密码须混合至少 3 类字符：小写字母、大写字母、数字、其他字符（现为 1 类）"),
    ({"password": "Xzhaoli-2026"}, "password", "密码不能包含用户名"),
])
async def test_a_refused_account_names_the_field_and_nothing_is_written(client, seeded_engine, admin, change, field,
                                                                         message):
    body = {"username": "zhaoli", "name": "赵丽", "role": "agent", "extension": "1010", **change}
    resp = await client.post("/api/staff", json=body, headers=admin)
    assert resp.status == 400
    assert await error_of(resp) == {"code": "invalid", "message": message, "field": field}
    with session_scope(seeded_engine) as s:
        assert s.exec(select(Staff).where(Staff.username == "zhaoli")).first() is None
    assert staff_audit(seeded_engine) == []


async def test_an_edited_extension_moves_the_pops_and_the_logged_in_session(client, seed, seeded_engine, admin,
                                                                          agent_token):
    agent1 = seed.staff["agent1"]
    resp = await client.patch(f"/api/staff/{agent1}", json={"extension": "1011", "queues": ["retail", "vip"]},
                              headers=admin)
    assert resp.status == 200, await resp.text()
    directory = client.server.app[keys.DIRECTORY]
    assert directory.users_of_agent("1011") == {agent1} and directory.users_of_agent("1001") == set()
    assert directory.queues_of_agent("1011") == {"retail", "vip"}
    me = await (await client.get("/api/me", headers=bearer(agent_token))).json()  # the same token
    assert me["extension"] == "1011"
    [row] = staff_audit(seeded_engine, "staff.update")
    assert row["detail"] == {"staff_id": agent1, "username": "agent1",
                             "changes": {"extension": ["1001", "1011"], "queues": [["retail"], ["retail", "vip"]]}}
    # Another agent may now take 1001; nobody may take 1011.
    resp = await client.patch(f"/api/staff/{seed.staff['agent2']}", json={"extension": "1011"}, headers=admin)
    assert resp.status == 400 and "agent1" in (await error_of(resp))["message"]
    assert (await client.patch(f"/api/staff/{seed.staff['agent2']}", json={"extension": "1001"},
                               headers=admin)).status == 200
    # A supervisor promoted to manager is one from the next request on.
    sup = await login(client, "sup1")
    assert (await client.get("/api/staff", headers=bearer(sup))).status == 403
    await client.patch(f"/api/staff/{seed.staff['sup1']}", json={"role": "admin"}, headers=admin)
    assert (await client.get("/api/staff", headers=bearer(sup))).status == 200
    resp = await client.patch(f"/api/staff/{agent1}", json={}, headers=admin)
    assert resp.status == 400


async def test_a_disabled_account_is_logged_out_everywhere_and_can_come_back(client, seed, seeded_engine, admin,
                                                                            agent2_token):
    agent2 = seed.staff["agent2"]
    async with client.ws_connect("/ws", headers=bearer(agent2_token)) as ws:
        assert (await ws.receive_json(timeout=5))["kind"] == "hello"
        resp = await client.patch(f"/api/staff/{agent2}", json={"active": False}, headers=admin)
        assert resp.status == 200 and (await resp.json())["active"] is False
        closed = await ws.receive(timeout=5)
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED) and ws.close_code == 4401
    assert (await client.get("/api/me", headers=bearer(agent2_token))).status == 401
    assert (await client.post("/api/login", json={"username": "agent2", "password": PASSWORD})).status == 401
    assert client.server.app[keys.DIRECTORY].users_of_agent("1002") == set()
    # Meanwhile 1002 goes to someone else: agent2 cannot come back on it.
    await client.patch(f"/api/staff/{seed.staff['agent3']}", json={"extension": "1002"}, headers=admin)
    resp = await client.patch(f"/api/staff/{agent2}", json={"active": True}, headers=admin)
    assert resp.status == 400 and (await error_of(resp))["field"] == "extension"
    resp = await client.patch(f"/api/staff/{agent2}", json={"active": True, "extension": "1012"}, headers=admin)
    assert resp.status == 200
    await login(client, "agent2")
    assert [r["action"] for r in staff_audit(seeded_engine)] == ["staff.disable", "staff.update", "staff.enable"]


async def test_there_is_always_an_active_admin(client, seed, admin):
    me = seed.staff["admin"]
    resp = await client.patch(f"/api/staff/{me}", json={"role": "manager"}, headers=admin)
    assert resp.status == 409
    assert await error_of(resp) == {"code": "conflict", "field": "role",
                                    "message": "这是最后一名在职管理员，不能停用或改为其他角色"}
    resp = await client.post("/api/staff", json={"username": "admin2", "name": "副管理员", "role": "admin",
                                                 "password": NEW_PASSWORD}, headers=admin)
    second = (await resp.json())["id"]
    resp = await client.patch(f"/api/staff/{me}", json={"active": False}, headers=admin)
    assert resp.status == 409 and (await error_of(resp))["message"] == "不能停用自己的账号（请另一名管理员操作）"
    admin2 = bearer(await login(client, "admin2", NEW_PASSWORD))
    assert (await client.patch(f"/api/staff/{me}", json={"active": False}, headers=admin2)).status == 200
    assert (await client.get("/api/staff", headers=admin)).status == 401  # the disabled admin's token is gone
    resp = await client.patch(f"/api/staff/{second}", json={"role": "supervisor"}, headers=admin2)
    assert resp.status == 409 and (await error_of(resp))["field"] == "role"


async def test_a_password_reset_ends_the_old_sessions_and_is_audited_without_the_password(
        client, seed, seeded_engine, admin, agent_token):
    agent1 = seed.staff["agent1"]
    resp = await client.post(f"/api/staff/{agent1}/password", json={"password": "abc"}, headers=admin)
    assert resp.status == 400 and (await error_of(resp))["field"] == "password"
    resp = await client.post(f"/api/staff/{agent1}/password", json={"password": NEW_PASSWORD}, headers=admin)
    assert resp.status == 200 and "password" not in json.dumps(await resp.json()).replace("has_password", "")
    assert (await client.get("/api/me", headers=bearer(agent_token))).status == 401
    assert (await client.post("/api/login", json={"username": "agent1", "password": PASSWORD})).status == 401
    await login(client, "agent1", NEW_PASSWORD)
    # An administrator resetting their own password stays logged in.
    resp = await client.post(f"/api/staff/{seed.staff['admin']}/password", json={"password": NEW_PASSWORD},
                             headers=admin)
    assert resp.status == 200 and (await client.get("/api/staff", headers=admin)).status == 200
    rows = staff_audit(seeded_engine, "staff.password")
    assert [r["detail"] for r in rows] == [{"staff_id": agent1, "username": "agent1"},
                                          {"staff_id": seed.staff["admin"], "username": "admin"}]
    assert NEW_PASSWORD not in json.dumps(staff_audit(seeded_engine), default=str)
    assert (await client.post("/api/staff/999999/password", json={"password": NEW_PASSWORD},
                              headers=admin)).status == 404


async def test_csv_import_keeps_the_good_rows_and_names_the_bad_ones_by_line(client, seed, seeded_engine, admin):
    lines = [
        "username,name,role,extension,queues,active,password",
        f"liuyang,刘洋,agent,1020,retail;vip,yes,{NEW_PASSWORD}",  # 2 added
        "agent3,,,1021,-,,",                                   # 3 updated: extension, no queues
        "zhouyi,周一,agent,1001,retail,,",                     # 4 1001 is agent1's
        "wuer,吴二,agent,1022,gold,,",                         # 5 unknown queue
        "liuyang,刘洋,agent,1023,,,",                          # 6 repeated
        "agent1,,,,,,Another-Pass-1",                          # 7 password of an existing account
        "qianer,钱二,agent",                                   # 8 three fields
        "sunsan,孙三,agent,1024,,是,",                         # 9 saved from a GB18030 spreadsheet
        "sunsi,孙四,supervisor,1025,retail,,",                 # 10 added
        "sup1,刘主管,supervisor,1900,retail,,",                # 11 unchanged
    ]
    csv = b"".join((line + "\n").encode("gb18030" if line.startswith("sunsan") else "utf-8") for line in lines)
    resp = await client.post("/api/staff/import", data=csv, headers={**admin, "Content-Type": "text/csv"})
    assert resp.status == 200, await resp.text()
    report = await resp.json()
    assert {k: report[k] for k in ("rows", "added", "updated", "unchanged")} == {
        "rows": 10, "added": 2, "updated": 1, "unchanged": 1}
    errors = {e["line"]: e["reason"] for e in report["errors"]}
    assert set(errors) == {4, 5, 6, 7, 8, 9}
    assert errors[4] == "extension: 分机 1001 已分配给 agent1（张伟），一个分机只能属于一名在职员工"
    assert errors[5].startswith("queues: 队列 gold 未配置")
    assert errors[6] == "用户名 liuyang 已在第 2 行出现"
    assert errors[7].startswith("password: agent1 已存在")
    assert errors[8] == "有 3 个字段，表头有 7 个"
    assert errors[9].startswith("不是 UTF-8 编码：第 8 列字节 0x")  # a GB18030 row; the later rows still come in
    staff = {s["username"]: s for s in (await (await client.get("/api/staff", headers=admin)).json())["staff"]}
    assert staff["liuyang"]["queues"] == ["retail", "vip"] and staff["liuyang"]["has_password"] is True
    assert staff["agent3"]["extension"] == "1021" and staff["agent3"]["queues"] == []
    assert "zhouyi" not in staff and "wuer" not in staff and staff["sunsi"]["role"] == "supervisor"
    assert client.server.app[keys.DIRECTORY].users_of_agent("1021") == {seed.staff["agent3"]}
    await login(client, "liuyang", NEW_PASSWORD)
    [summary] = staff_audit(seeded_engine, "staff.import")
    assert summary["detail"] == {"rows": 10, "added": 2, "updated": 1, "unchanged": 1, "refused": 6}


async def test_csv_import_with_a_bad_header_imports_nothing(client, seeded_engine, admin):
    resp = await client.post("/api/staff/import", data=b"user,name\nx,y\n", headers=admin)
    report = await resp.json()
    assert report["added"] == 0 and report["errors"] == [
        {"line": 1, "reason": "未知列：user（可用：username, name, role, extension, queues, active, password）"}]
    assert staff_audit(seeded_engine) == []


async def test_a_managers_customers_are_shown_and_handed_over(client, seed, seeded_engine, admin):
    mgr1 = seed.staff["mgr1"]
    page = await (await client.get(f"/api/staff/{mgr1}/customers", headers=admin)).json()
    assert page["total"] == 2 and [c["name"] for c in page["customers"]] == ["赵敏", "孙丽"]
    assert set(page["customers"][0]) == {"id", "client_no", "name", "tier", "branch", "status"}
    resp = await client.patch(f"/api/staff/{mgr1}", json={"active": False}, headers=admin)
    assert resp.status == 409
    assert (await error_of(resp))["message"] == "mgr1 仍是 2 位客户的客户经理：请先将客户移交给其他客户经理，再停用"
    resp = await client.post(f"/api/staff/{mgr1}/customers/transfer", json={"to_manager": seed.staff["agent1"]},
                             headers=admin)
    assert resp.status == 400
    assert await error_of(resp) == {"code": "invalid", "field": "to_manager",
                                    "message": "agent1 不是在职的客户经理，不能接收客户"}
    made = await (await client.post("/api/staff", json={"username": "mgr2", "name": "林经理", "role": "manager",
                                                        "extension": "2002"}, headers=admin)).json()
    resp = await client.post(f"/api/staff/{mgr1}/customers/transfer", json={"to_manager": made["id"]}, headers=admin)
    assert resp.status == 200, await resp.text()
    moved = await resp.json()
    assert moved["moved"] == 2 and moved["from"]["customers"] == 0 and moved["to"]["customers"] == 2
    with session_scope(seeded_engine) as s:
        known = s.get(Customer, seed.known)
        assert known.manager_id == made["id"] and known.version == 2
        rows = list(s.exec(select(AuditEvent).where(AuditEvent.customer_id == seed.known,
                                                    AuditEvent.action == "customer.update")))
        assert len(rows) == 1 and json.loads(rows[0].detail)["to_manager"] == made["id"]
    # The customer's profile names the new manager; mgr1 can go now.
    agent = bearer(await login(client, "agent1"))
    profile = await (await client.get(f"/api/customers/{seed.known}", headers=agent)).json()
    assert profile["manager"]["name"] == "林经理"
    assert (await client.patch(f"/api/staff/{mgr1}", json={"active": False}, headers=admin)).status == 200
    [row] = staff_audit(seeded_engine, "staff.customers_transfer")
    assert row["detail"] == {"staff_id": mgr1, "username": "mgr1", "to_staff_id": made["id"], "to_username": "mgr2",
                             "customers": 2}


async def test_english_messages_when_the_center_speaks_english(make_client, seed):
    client = await make_client(settings=server_settings(center={"locale": "en"}))
    admin = bearer(await login(client, "admin"))
    resp = await client.post("/api/staff", json={"username": "zhaoli", "name": "Zhao Li", "role": "agent",
                                                 "password": "short"}, headers=admin)
    assert (await error_of(resp))["message"] == "the password needs at least 10 characters (it has 5)"
