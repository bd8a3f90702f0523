"""The server speaks the configured language: center.locale reaches its error messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.conftest import bearer, login, server_settings


@pytest.fixture(autouse=True)
def restore_locale() -> Iterator[None]:
    from console.i18n import get_locale, set_locale

    previous = get_locale()
    yield
    set_locale(previous)


async def error_of(resp) -> dict:  # noqa: ANN001
    return (await resp.json())["error"]


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
