"""The server speaks the configured language: center.locale reaches its error messages."""

from __future__ import annotations

import pytest

from tests.server.conftest import bearer, login, server_settings
from tests.server.crm_helpers import error_of


async def test_english_config_gives_english_errors(make_client, seed):
    client = await make_client(settings=server_settings(center={"locale": "en"}))
    resp = await client.post("/api/login", json={"username": "agent1", "password": "wrong"})
    assert resp.status == 401
    assert (await error_of(resp))["message"] == "Wrong username or password"
    resp = await client.get("/api/calls/active")
    assert (await error_of(resp))["message"] == "Not signed in, or the session has expired"
    token = await login(client, "agent1")
    resp = await client.get("/api/no-such-route", headers=bearer(token))
    assert (await error_of(resp))["message"] == "Not found"
    resp = await client.post("/api/login", data="{not json", headers=bearer(token))
    assert (await error_of(resp))["message"] == "The request body is not valid JSON"
    resp = await client.post("/api/calls/originate", json={}, headers=bearer(token))
    assert (await error_of(resp))["message"] == "Give a number or a customer"
    resp = await client.post("/api/calls/originate", json={"number": "12"}, headers=bearer(token))
    assert (await error_of(resp))["message"] == "Number 12 is not valid"


async def test_default_config_gives_chinese_errors(make_client, seed):
    from console.i18n import set_locale

    set_locale("en")  # a previous app in this process spoke English: the new one resets it
    client = await make_client(settings=server_settings())
    resp = await client.post("/api/login", json={"username": "agent1", "password": "wrong"})
    assert (await error_of(resp))["message"] == "用户名或密码错误"


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN", ["字段 caller_id 无效：最多 32 个字符", "字段 max_attempts 无效：不能大于 20",
               "字段 mode 无效：须为 'preview'、'progressive'、'predictive' 之一",
               "字段 window_start 无效：时间格式须为 HH:MM",
               "字段 colour 无效：不认识的字段", "字段 name 无效：缺少此项"]),
    ("en", ["Field caller_id is invalid: at most 32 characters", "Field max_attempts is invalid: must be at most 20",
            "Field mode is invalid: must be one of 'preview', 'progressive' or 'predictive'",
            "Field window_start is invalid: time must be HH:MM",
            "Field colour is invalid: is not a known field", "Field name is invalid: is required"]),
])
async def test_body_validation_errors_speak_the_configured_language(make_client, seed, locale, expected):
    """A refused field reads in the agent's language, with the limit it broke (not pydantic's English)."""
    client = await make_client(settings=server_settings(center={"locale": locale}))
    headers = bearer(await login(client, "sup1"))
    bodies = [{"name": "x", "caller_id": "9" * 33}, {"name": "x", "max_attempts": 21}, {"name": "x", "mode": "random"},
              {"name": "x", "window_start": "25:00"}, {"name": "x", "colour": "red"}, {}]
    messages = []
    for body in bodies:
        resp = await client.post("/api/campaigns", json=body, headers=headers)
        assert resp.status == 400
        messages.append((await error_of(resp))["message"])
    assert messages == expected
