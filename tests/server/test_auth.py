"""Login, tokens, roles and the JSON error shape, over a real server and client."""

from __future__ import annotations

from tests.server.conftest import PASSWORD, bearer, login


async def test_login_returns_token_and_user(client) -> None:
    resp = await client.post("/api/login", json={"username": "agent1", "password": PASSWORD})
    assert resp.status == 200
    body = await resp.json()
    assert body["user"] == {"id": body["user"]["id"], "username": "agent1", "name": "张伟", "role": "agent",
                            "extension": "1001", "queues": ["retail"]}
    assert body["expires_at"].startswith("2026-11-22T14:00:00")  # 720 min after the frozen clock
    me = await client.get("/api/me", headers=bearer(body["token"]))
    assert me.status == 200
    assert (await me.json())["username"] == "agent1"


async def test_wrong_password_and_unknown_user_are_the_same_401(client) -> None:
    for username, password in (("agent1", "nope"), ("nobody", PASSWORD)):
        resp = await client.post("/api/login", json={"username": username, "password": password})
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "unauthorized"


async def test_bad_body_names_the_field(client) -> None:
    resp = await client.post("/api/login", json={"username": "agent1"})
    assert resp.status == 400
    error = (await resp.json())["error"]
    assert error["code"] == "invalid" and error["field"] == "password"
    resp = await client.post("/api/login", data=b"{not json", headers={"Content-Type": "application/json"})
    assert (await resp.json())["error"]["code"] == "bad_request"


async def test_routes_need_a_live_token(client, frozen_clock) -> None:
    assert (await client.get("/api/me")).status == 401
    assert (await client.get("/api/me", headers=bearer("forged"))).status == 401
    token = await login(client, "agent1")
    frozen_clock.advance(minutes=719)
    assert (await client.get("/api/me", headers=bearer(token))).status == 200
    frozen_clock.advance(minutes=1)
    resp = await client.get("/api/me", headers=bearer(token))
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthorized"


async def test_logout_revokes_the_token(client, agent_token) -> None:
    assert (await client.post("/api/logout", headers=bearer(agent_token))).status == 200
    assert (await client.get("/api/me", headers=bearer(agent_token))).status == 401


async def test_agent_cannot_call_supervisor_routes(client, agent_token, supervisor_token) -> None:
    for path in ("/api/supervisor/queues", "/api/supervisor/agents"):
        resp = await client.get(path, headers=bearer(agent_token))
        assert resp.status == 403, path
        assert (await resp.json())["error"]["code"] == "forbidden"
        assert (await client.get(path, headers=bearer(supervisor_token))).status == 200
    resp = await client.post("/api/supervisor/spy", json={"agent": "1002", "mode": "listen"},
                             headers=bearer(agent_token))
    assert resp.status == 403


async def test_unknown_route_is_a_json_404(client, agent_token) -> None:
    resp = await client.get("/api/nothing-here", headers=bearer(agent_token))
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


async def test_config_lists_what_the_console_needs(client, agent_token) -> None:
    body = await (await client.get("/api/config", headers=bearer(agent_token))).json()
    assert body["time_zone"] == "Asia/Shanghai"
    assert "complaint" in body["ticket_categories"]
    assert "lunch" in body["pause_reasons"]


async def test_supervisor_sees_agents_of_own_queues(client, supervisor_token) -> None:
    body = await (await client.get("/api/supervisor/agents", headers=bearer(supervisor_token))).json()
    assert [a["agent"] for a in body["agents"]] == ["1001", "1002", "1003"]
