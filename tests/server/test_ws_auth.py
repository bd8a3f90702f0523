"""The WebSocket authenticates in a header or its first message, never in its URL (issue 17)."""

from __future__ import annotations

import aiohttp
import pytest

from console import ws_close
from console.server import keys
from console.server.routes import stream
from tests.server.conftest import PASSWORD, bearer, login


async def test_a_token_in_the_url_is_refused_and_revoked(client, agent_token) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect(f"/ws?token={agent_token}")
    assert info.value.status == 400
    resp = await client.get("/api/me", headers=bearer(agent_token))
    assert resp.status == 401  # it has leaked: it no longer opens anything


async def test_the_refusal_says_why_in_plain_words(client, agent_token) -> None:
    resp = await client.get(f"/ws?token={agent_token}", headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                                                 "Sec-WebSocket-Version": "13",
                                                                 "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    body = await resp.json()
    assert resp.status == 400
    assert body["error"]["field"] == "token"
    assert "Authorization" in body["error"]["message"] and "token" in body["error"]["message"]


async def test_a_forged_token_in_the_url_is_refused_too(client) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws?token=forged&since=0")
    assert info.value.status == 400


async def test_the_first_message_authenticates_a_client_without_headers(client, seed, agent_token) -> None:
    async with client.ws_connect("/ws?since=0") as ws:
        await ws.send_json({"kind": "auth", "token": agent_token})
        hello = await ws.receive_json(timeout=5)
        assert hello["kind"] == "hello" and hello["user"]["username"] == "agent1"
        client.app[keys.HUB].publish([seed.staff["agent1"]], "test", {"n": 1})
        assert (await ws.receive_json(timeout=5))["n"] == 1


async def test_a_bad_first_message_token_is_closed_with_its_code(client) -> None:
    async with client.ws_connect("/ws") as ws:
        await ws.send_json({"kind": "auth", "token": "forged"})
        msg = await ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == ws_close.TOKEN_REFUSED


@pytest.mark.parametrize("first", ['{"kind": "hello"}', "not json", '{"kind": "auth"}', '["auth"]'])
async def test_a_first_message_that_is_not_auth_is_closed_with_its_code(client, first: str) -> None:
    async with client.ws_connect("/ws") as ws:
        await ws.send_str(first)
        msg = await ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == ws_close.AUTH_MALFORMED


async def test_silence_after_the_upgrade_is_closed_with_its_code(client, monkeypatch) -> None:
    monkeypatch.setattr(stream, "AUTH_TIMEOUT_S", 0.05)
    async with client.ws_connect("/ws") as ws:
        msg = await ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == ws_close.AUTH_TIMEOUT


async def test_the_console_client_streams_with_the_header(client, seed) -> None:
    from console.tui.client import Client

    console = Client(str(client.make_url("")))
    try:
        await console.login("agent1", PASSWORD)
        frames = console.frames()
        assert (await anext(frames))["kind"] == "hello"
        client.app[keys.HUB].publish([seed.staff["agent1"]], "test", {"n": 7})
        assert (await anext(frames))["n"] == 7
        await frames.aclose()
    finally:
        await console.close()


async def test_the_console_logs_in_again_when_its_token_is_refused(client, seed) -> None:
    from console.tui.client import Client

    console = Client(str(client.make_url("")))
    try:
        await console.login("agent1", PASSWORD)
        old = console.token
        await client.app[keys.TOKENS].revoke(old)
        frames = console.frames()
        # The refused header (401 before the upgrade) makes it log in again and connect.
        assert (await anext(frames))["kind"] == "hello"
        assert console.token != old
        await frames.aclose()
    finally:
        await console.close()
    assert await login(client, "agent1")


async def test_the_console_says_why_the_server_closed_an_unauthenticated_stream(client, monkeypatch) -> None:
    from console.i18n import t
    from console.tui.client import ApiError, Client

    monkeypatch.setattr(stream, "AUTH_TIMEOUT_S", 0.05)
    console = Client(str(client.make_url("")))  # no token: no header, and it sends no auth message
    try:
        with pytest.raises(ApiError) as info:
            async for _ in console.frames():
                pass
    finally:
        await console.close()
    assert (info.value.code, info.value.message) == ("ws_auth", t("transport.ws.closed_4408"))
