"""The access log names the client, method, path, status, size and time, and never a secret."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from console.server.access_log import AccessLogger
from console.server.forwarded import forwarded_client, trusted_networks
from console.server.redact import redact_query
from tests.server.conftest import PASSWORD, bearer, server_settings

PROXIES = trusted_networks(("10.0.8.0/24", "127.0.0.1", "::1"))


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("198.51.100.7", None, "198.51.100.7"),
    ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not a proxy of ours: the header is ignored
    ("10.0.8.2", "203.0.113.9", "203.0.113.9"),
    ("10.0.8.2", "6.6.6.6, 203.0.113.9, 10.0.8.3", "203.0.113.9"),  # right-most untrusted; 6.6.6.6 may be forged
    ("10.0.8.2", "10.0.8.4, 10.0.8.3", "10.0.8.4"),  # only proxies: the farthest one
    ("10.0.8.2", "203.0.113.9, garbage", "10.0.8.2"),  # unreadable: the last hop we trust
    ("127.0.0.1", "2001:db8::5", "2001:db8::5"),
    ("::ffff:10.0.8.2", "203.0.113.9", "203.0.113.9"),  # an IPv4 proxy seen on a dual-stack socket
])
def test_the_client_behind_trusted_proxies(peer: str, header: str | None, client: str) -> None:
    assert forwarded_client(peer, header, PROXIES) == client


@pytest.mark.parametrize(("query", "shown"), [
    ("", ""),
    ("since=5", "since=5"),
    ("token=abc.def&since=5", "token=***&since=5"),
    ("q=%E5%BC%A0%E4%B8%89&limit=20", "q=***&limit=20"),  # a customer search is personal data
    ("password=hunter2", "password=***"),
    ("eyJhbGciOiJIUzI1NiJ9c2VjcmV0LXRva2VuLXZhbHVlLWxvbmc", "***=***"),  # a bare token as a name
])
def test_query_strings_are_redacted(query: str, shown: str) -> None:
    assert redact_query(query) == shown


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
async def logged_client(seeded_engine: Any, tmp_path: Path, frozen_clock: Any
                        ) -> AsyncIterator[Callable[..., Awaitable[tuple[TestClient, Captured]]]]:
    from console.server.app import create_app

    clients: list[TestClient] = []
    loggers: list[logging.Logger] = []

    async def make(**server: Any) -> tuple[TestClient, Captured]:
        captured = Captured()
        logger = logging.getLogger(f"tests.access.{len(loggers)}")
        logger.setLevel(logging.INFO)
        logger.handlers[:] = [captured]
        loggers.append(logger)
        app = create_app(server_settings(server=server), engine=seeded_engine, clock=frozen_clock,
                         outbox_path=tmp_path / f"outbox{len(loggers)}.sqlite3")
        test_server = TestServer(app, host="127.0.0.1")
        await test_server.start_server(access_log_class=AccessLogger, access_log=logger)
        client = TestClient(test_server)
        await client.start_server()
        clients.append(client)
        return client, captured

    yield make
    for client in clients:
        await client.close()
    for logger in loggers:
        logger.handlers.clear()


async def test_no_token_or_password_reaches_the_access_log(logged_client) -> None:
    client, captured = await logged_client()
    resp = await client.post("/api/login", json={"username": "agent1", "password": PASSWORD})
    token = (await resp.json())["token"]
    assert (await client.get("/api/me", headers=bearer(token))).status == 200
    # A stray token in a URL (a misconfigured client): the request works by its header, the log hides it.
    assert (await client.get(f"/api/me?token={token}&limit=5", headers=bearer(token))).status == 200
    assert (await client.get("/api/customers?q=%E5%BC%A0%E4%B8%89", headers=bearer(token))).status == 200
    resp = await client.get(f"/ws?token={token}", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert resp.status == 400
    await client.close()  # the last lines are written when the requests are done
    text = "\n".join(captured.lines)
    assert token not in text and PASSWORD not in text and "张三" not in text and "%E5%BC%A0" not in text
    assert "127.0.0.1 http POST /api/login 200 " in text
    assert "127.0.0.1 http GET /api/me?token=***&limit=5 200 " in text
    assert "127.0.0.1 http GET /api/customers?q=*** 200 " in text
    assert "127.0.0.1 http GET /ws?token=*** 400 " in text
    assert all(line.endswith("ms") for line in captured.lines)


async def test_the_log_names_the_client_behind_a_trusted_proxy_only(logged_client) -> None:
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    client, captured = await logged_client(trusted_proxies=["127.0.0.1"])
    await client.get("/healthz", headers=forwarded)
    untrusting, captured_untrusting = await logged_client()
    await untrusting.get("/healthz", headers=forwarded)
    await client.close()
    await untrusting.close()
    assert captured.lines[0].startswith("203.0.113.9 https GET /healthz ")
    assert captured_untrusting.lines[0].startswith("127.0.0.1 http GET /healthz ")
    ipaddress.ip_address(captured_untrusting.lines[0].split()[0])


async def test_metrics_stay_local_behind_a_proxy_on_this_host(logged_client) -> None:
    client, _ = await logged_client(trusted_proxies=["127.0.0.1"])
    assert (await client.get("/metrics")).status == 200  # a scraper on this host
    resp = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert resp.status == 403  # someone outside, through the proxy
